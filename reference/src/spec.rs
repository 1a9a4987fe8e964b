//! The platform spec file: an environment's data file ([`crate::settings`]) grown into the
//! whole spec. Every key it sets replaces one value of the embedded default (the dev platform);
//! every key it leaves out keeps it.
//!
//! [`PlatformSpec::from_settings`] checks each value with the rule of the model it goes into
//! (the same rule as the Terraform `validation` it becomes) and names the dotted path of a bad
//! one; [`PlatformSpec::to_settings`] is the reverse, and [`default_spec_text`] writes the
//! embedded default as a complete, commented file to start from.
//!
//! ```
//! use bkt_reference::{PlatformSpec, settings, spec};
//!
//! // The default written out and read back is the default.
//! let text = spec::default_spec_text()?;
//! let spec = PlatformSpec::from_settings(settings::parse(&text)?)?;
//! assert_eq!(spec, PlatformSpec::default());
//!
//! // A bad value names its path and the expected form.
//! let bad = "[sample_app]\nimage_tag = \"0000000000000000000000000000000000000000\"\n\
//!            [network]\nnat_gateway_mode = \"two\"\n";
//! let error = PlatformSpec::from_settings(settings::parse(bad)?).unwrap_err();
//! assert!(error.to_string().starts_with("network.nat_gateway_mode: \"two\""));
//! # Ok::<(), bkt_reference::Error>(())
//! ```

use bkt_eks::KubernetesVersion;
use bkt_network::dns::ValidationTimeout;
use bkt_network::{Cidr, FlowLogRetention, NatGatewayMode};

use crate::settings::{
    BootstrapSettings, DevSettings, DnsSettings, EksSettings, GithubOidcSettings, NetworkSettings,
    Settings,
};
use crate::{Error, PlatformSpec, Result};

/// The IAM limits of a role's maximum session, in seconds.
pub const SESSION_DURATION: std::ops::RangeInclusive<u32> = 3600..=43_200;

impl PlatformSpec {
    /// The embedded default with every value `settings` sets put in, each checked.
    ///
    /// # Errors
    /// The first bad value: [`Error::Setting`] or the model's own invalid-value error, naming
    /// the value's dotted path in the file (`network.cidr_block`) and the expected form.
    pub fn from_settings(settings: Settings) -> Result<Self> {
        let mut spec = Self::default();
        let Settings {
            sample_app: _,
            dev,
            bootstrap,
            network,
            dns,
            eks,
            github_oidc,
        } = &settings;
        if let Some(region) = &dev.region {
            spec.dev.region.clone_from(region);
        }
        if let Some(bucket) = &dev.state_bucket {
            check_bucket("dev.state_bucket", bucket)?;
            spec.dev.state_bucket.clone_from(bucket);
        }
        if let Some(repository) = &dev.sample_app_repository {
            spec.dev.sample_app_repository.clone_from(repository);
        }
        spec.dev.validate()?;
        if let Some(region) = &bootstrap.region {
            spec.bootstrap.region.clone_from(region);
        }
        if let Some(prefix) = &bootstrap.name_prefix {
            spec.bootstrap.name_prefix.clone_from(prefix);
        }
        if let Some(days) = bootstrap.noncurrent_version_retention_days {
            spec.bootstrap.noncurrent_version_retention_days = days;
        }
        spec.bootstrap.validate()?;
        if let Some(cidr) = &network.cidr_block {
            spec.network.cidr_block = Cidr::parse("network.cidr_block", cidr)?;
        }
        if let Some(mode) = &network.nat_gateway_mode {
            spec.network.nat_gateway_mode = nat_gateway_mode(mode)?;
        }
        if let Some(days) = network.flow_log_retention_days {
            spec.network.flow_log_retention_days =
                FlowLogRetention::new("network.flow_log_retention_days", days)?;
        }
        if let Some(create) = dns.create_zone {
            spec.dns.create_zone = create;
        }
        if let Some(timeout) = &dns.validation_timeout {
            spec.dns.validation_timeout =
                ValidationTimeout::parse("dns.validation_timeout", timeout)?;
        }
        if let Some(version) = &eks.kubernetes_version {
            spec.eks.kubernetes_version = version.parse::<KubernetesVersion>()?;
        }
        if let Some(days) = eks.log_retention_days {
            spec.eks.log_retention_days = FlowLogRetention::new("eks.log_retention_days", days)?;
        }
        if let Some(create) = github_oidc.create_provider {
            spec.github_oidc.create_provider = create;
        }
        if let Some(seconds) = github_oidc.max_session_duration {
            if !SESSION_DURATION.contains(&seconds) {
                return Err(Error::Setting {
                    field: "github_oidc.max_session_duration".to_owned(),
                    message: format!(
                        "{seconds} is outside IAM's limits: use 3600 to 43200 seconds (1 to 12 hours)"
                    ),
                });
            }
            spec.github_oidc.max_session_duration = seconds;
        }
        // The spec keeps what only the file holds; the rest now lives in the models.
        spec.settings = Settings {
            sample_app: settings.sample_app,
            ..Settings::default()
        };
        Ok(spec)
    }

    /// Every value the spec file can set, as this spec has it: the complete file that
    /// [`Self::from_settings`] turns back into this spec.
    #[must_use]
    pub fn to_settings(&self) -> Settings {
        Settings {
            sample_app: self.settings.sample_app.clone(),
            dev: DevSettings {
                region: Some(self.dev.region.clone()),
                state_bucket: Some(self.dev.state_bucket.clone()),
                sample_app_repository: Some(self.dev.sample_app_repository.clone()),
            },
            bootstrap: BootstrapSettings {
                region: Some(self.bootstrap.region.clone()),
                name_prefix: Some(self.bootstrap.name_prefix.clone()),
                noncurrent_version_retention_days: Some(
                    self.bootstrap.noncurrent_version_retention_days,
                ),
            },
            network: NetworkSettings {
                cidr_block: Some(self.network.cidr_block.to_string()),
                nat_gateway_mode: Some(self.network.nat_gateway_mode.as_str().to_owned()),
                flow_log_retention_days: Some(self.network.flow_log_retention_days.days()),
            },
            dns: DnsSettings {
                create_zone: Some(self.dns.create_zone),
                validation_timeout: Some(self.dns.validation_timeout.to_string()),
            },
            eks: EksSettings {
                kubernetes_version: Some(self.eks.kubernetes_version.as_str().to_owned()),
                log_retention_days: Some(self.eks.log_retention_days.days()),
            },
            github_oidc: GithubOidcSettings {
                create_provider: Some(self.github_oidc.create_provider),
                max_session_duration: Some(self.github_oidc.max_session_duration),
            },
        }
    }
}

fn nat_gateway_mode(text: &str) -> Result<NatGatewayMode> {
    NatGatewayMode::ALL
        .into_iter()
        .find(|mode| mode.as_str() == text)
        .ok_or_else(|| Error::Setting {
            field: "network.nat_gateway_mode".to_owned(),
            message: format!(
                "{text:?} is not a NAT gateway mode: use \"single\" (one shared gateway, for dev) or \"per_az\" (one per zone)"
            ),
        })
}

/// The state bucket's name, by the rule the Atlas root's `state_bucket` uses (S3's).
fn check_bucket(field: &str, bucket: &str) -> Result<()> {
    if bkt_atlas::is_bucket(bucket) {
        Ok(())
    } else {
        Err(Error::Setting {
            field: field.to_owned(),
            message: format!(
                "{bucket:?} is not an S3 bucket name: use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit (the bootstrap root's state_bucket output)"
            ),
        })
    }
}

/// What each table of the file is, written above it.
const TABLE_COMMENTS: [(&str, &str); 7] = [
    (
        "sample_app",
        "The sample app's image tag: the full commit SHA whose image the release workflow pushed\n\
         (generate --set-image-tag SHA changes it and keeps this file's comments).",
    ),
    (
        "dev",
        "The dev environment root (terraform/envs/dev): default region, the state bucket of its\n\
         backend (the bootstrap root's output) and the sample app's ECR repository.",
    ),
    (
        "bootstrap",
        "The bootstrap root (terraform/bootstrap): the state bucket.",
    ),
    (
        "network",
        "The network module's defaults: VPC range (/16 to /20), NAT gateways (single or per_az),\n\
         flow log retention (a CloudWatch Logs value, in days).",
    ),
    (
        "dns",
        "The dns module's defaults: create the Route 53 zone, and how long to wait for the\n\
         certificate's DNS validation (45m, 1h).",
    ),
    (
        "eks",
        "The eks module's defaults: Kubernetes version (1.33, 1.34, 1.35) and control-plane log\n\
         retention (a CloudWatch Logs value, in days).",
    ),
    (
        "github_oidc",
        "The github-oidc module's defaults: create the account's GitHub OIDC provider, and the\n\
         roles' maximum session (3600-43200 seconds).",
    ),
];

/// The embedded default as a complete spec file, with a comment above each table: the starting
/// point for `generate --spec FILE`.
///
/// # Errors
/// [`Error::Setting`] if the default cannot be written as TOML (never for these types).
pub fn default_spec_text() -> Result<String> {
    let settings = PlatformSpec::default().to_settings();
    let mut document = toml_edit::ser::to_document(&settings).map_err(|error| Error::Setting {
        field: "(top level)".to_owned(),
        message: format!("the default spec cannot be written as TOML: {error}"),
    })?;
    // The serializer writes tables inline; a spec file reads better with one `[table]` each.
    let names: Vec<String> = document.iter().map(|(key, _)| key.to_owned()).collect();
    for name in names {
        if let Some(item) = document.get_mut(&name) {
            let taken = std::mem::take(item);
            *item = match taken.into_table() {
                Ok(table) => toml_edit::Item::Table(table),
                Err(other) => other,
            };
        }
    }
    document.decor_mut().set_prefix(
        "# The BKT platform spec: the embedded default (the dev platform), complete.\n\
         # Every key is optional except sample_app.image_tag: a key left out keeps the default.\n\
         # Unknown keys are errors. Use it with: cargo run --example generate -- --spec FILE\n\n",
    );
    for (index, (table, comment)) in TABLE_COMMENTS.into_iter().enumerate() {
        if let Some(item) = document
            .get_mut(table)
            .and_then(toml_edit::Item::as_table_mut)
        {
            let lines: String = comment
                .lines()
                .flat_map(|line| ["# ", line, "\n"])
                .collect();
            let gap = if index == 0 { "" } else { "\n" };
            item.decor_mut().set_prefix(format!("{gap}{lines}"));
        }
    }
    Ok(document.to_string())
}

#[cfg(test)]
mod tests;
