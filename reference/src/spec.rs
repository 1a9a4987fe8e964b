//! An environment's spec file (`environments/<name>.toml`): every key sets one value of that
//! environment; every key left out keeps the reference platform's default for an environment
//! (dev's values, named after the environment).
//!
//! [`Environment::from_settings`] checks each value with the rule of the model it goes into
//! (the same rule as the Terraform `validation` it becomes) and names the dotted path of a bad
//! one; [`Environment::to_settings`] is the reverse, and [`default_spec_text`] writes the
//! default environment as a complete, commented file to start from.
//!
//! ```
//! use bkt_reference::{Environment, settings, spec};
//!
//! // The default written out and read back is the default.
//! let text = spec::default_spec_text()?;
//! let dev = Environment::from_settings("dev", settings::parse(&text)?)?;
//! assert_eq!(dev, Environment::named("dev"));
//!
//! // A bad value names its path and the expected form.
//! let bad = "[sample_app]\nimage_tag = \"0000000000000000000000000000000000000000\"\n\
//!            [network]\nnat_gateway_mode = \"two\"\n";
//! let error = Environment::from_settings("dev", settings::parse(bad)?).unwrap_err();
//! assert!(error.to_string().starts_with("network.nat_gateway_mode: \"two\""));
//! # Ok::<(), bkt_reference::Error>(())
//! ```

use bkt_eks::{CapacityType, KubernetesVersion};
use bkt_network::dns::ValidationTimeout;
use bkt_network::{Cidr, FlowLogRetention, NatGatewayMode, SourceCidr};

use crate::environment::Nodes;
pub use crate::environment::{DEFAULT_REPOSITORY, Environment};
use crate::settings::{
    AtlasSettings, DnsSettings, EksSettings, FluxSettings, GithubOidcSettings, LogsSettings,
    NetworkSettings, NodeSettings, SampleAppSettings, Settings, TerraformSettings,
};
use crate::{Error, Result};

impl Environment {
    /// The environment `name` with every value `settings` sets put in, each checked.
    ///
    /// # Errors
    /// The first bad value: [`Error::Setting`] or the model's own invalid-value error, naming
    /// the value's dotted path in the file (`network.cidr_block`) and the expected form.
    pub fn from_settings(name: &str, settings: Settings) -> Result<Self> {
        let mut environment = Self::named(name);
        let Settings {
            sample_app,
            terraform,
            network,
            dns,
            eks,
            github_oidc,
            flux,
            logs,
            atlas,
        } = settings;
        let root = &mut environment.root;
        environment.image_tag = sample_app.image_tag;
        if let Some(region) = terraform.region {
            root.region = region;
        }
        if let Some(bucket) = terraform.state_bucket {
            check_bucket("terraform.state_bucket", &bucket)?;
            root.state_bucket = Some(bucket);
        }
        if let Some(repository) = terraform.sample_app_repository {
            root.sample_app_repository = repository;
        }
        if let Some(cidr) = &network.cidr_block {
            root.cidr_block = Cidr::parse("network.cidr_block", cidr)?;
        }
        if let Some(zones) = network.availability_zones {
            root.availability_zones = zones;
        }
        if let Some(mode) = &network.nat_gateway_mode {
            root.nat_gateway_mode = nat_gateway_mode(mode)?;
        }
        if let Some(days) = network.flow_log_retention_days {
            root.flow_log_retention_days =
                FlowLogRetention::new("network.flow_log_retention_days", days)?;
        }
        if let Some(cidrs) = &network.admin_ingress_cidrs {
            root.admin_ingress_cidrs = cidrs
                .iter()
                .enumerate()
                .map(|(index, cidr)| {
                    SourceCidr::parse(&format!("network.admin_ingress_cidrs[{index}]"), cidr)
                })
                .collect::<std::result::Result<_, _>>()?;
        }
        if let Some(domain) = dns.domain {
            check_domain("dns.domain", &domain)?;
            root.domain = domain;
        }
        if let Some(create) = dns.create_zone {
            root.create_dns_zone = create;
        }
        if let Some(timeout) = &dns.validation_timeout {
            root.validation_timeout = ValidationTimeout::parse("dns.validation_timeout", timeout)?;
        }
        if let Some(version) = &eks.kubernetes_version {
            root.kubernetes_version = version.parse::<KubernetesVersion>()?;
        }
        if let Some(days) = eks.log_retention_days {
            root.log_retention_days = FlowLogRetention::new("eks.log_retention_days", days)?;
        }
        if let Some(nodes) = eks.nodes {
            apply_nodes(&mut root.nodes, nodes)?;
        }
        if let Some(create) = github_oidc.create_provider {
            root.create_github_oidc_provider = create;
        }
        if let Some(local) = flux.local_flavour {
            environment.local_flavour = local;
        }
        if let Some(repository) = flux.repository {
            check_repository("flux.repository", &repository)?;
            environment.repository = repository;
        }
        if let Some(branch) = flux.branch {
            check_branch("flux.branch", &branch)?;
            environment.branch = branch;
        }
        if let Some(enabled) = atlas.enabled {
            root.atlas = enabled;
        }
        if let Some(days) = logs.retention_days {
            if !(1..=3650).contains(&days) {
                return Err(Error::Setting {
                    field: "logs.retention_days".to_owned(),
                    message: format!(
                        "{days} is not a number of days from 1 to 3650; OpenSearch deletes the logs that much older (dev keeps 7)"
                    ),
                });
            }
            root.log_index_retention_days = days;
        }
        environment.root.validate()?;
        crate::capacity::check(&environment)?;
        Ok(environment)
    }

    /// Every value the spec file can set, as this environment has it: the complete file that
    /// [`Self::from_settings`] turns back into this environment.
    #[must_use]
    pub fn to_settings(&self) -> Settings {
        let root = &self.root;
        Settings {
            sample_app: SampleAppSettings {
                image_tag: self.image_tag.clone(),
            },
            terraform: TerraformSettings {
                region: Some(root.region.clone()),
                state_bucket: root.state_bucket.clone(),
                sample_app_repository: Some(root.sample_app_repository.clone()),
            },
            network: NetworkSettings {
                cidr_block: Some(root.cidr_block.to_string()),
                availability_zones: Some(root.availability_zones),
                nat_gateway_mode: Some(root.nat_gateway_mode.as_str().to_owned()),
                flow_log_retention_days: Some(root.flow_log_retention_days.days()),
                admin_ingress_cidrs: Some(
                    root.admin_ingress_cidrs
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                ),
            },
            dns: DnsSettings {
                domain: Some(root.domain.clone()),
                create_zone: Some(root.create_dns_zone),
                validation_timeout: Some(root.validation_timeout.to_string()),
            },
            eks: EksSettings {
                kubernetes_version: Some(root.kubernetes_version.as_str().to_owned()),
                log_retention_days: Some(root.log_retention_days.days()),
                nodes: Some(NodeSettings {
                    instance_types: Some(root.nodes.instance_types.clone()),
                    capacity_type: Some(root.nodes.capacity_type.as_str().to_owned()),
                    min_size: Some(root.nodes.min_size),
                    desired_size: Some(root.nodes.desired_size),
                    max_size: Some(root.nodes.max_size),
                }),
            },
            github_oidc: GithubOidcSettings {
                create_provider: Some(root.create_github_oidc_provider),
            },
            flux: FluxSettings {
                local_flavour: Some(self.local_flavour),
                repository: Some(self.repository.clone()),
                branch: Some(self.branch.clone()),
            },
            logs: LogsSettings {
                retention_days: Some(root.log_index_retention_days),
            },
            atlas: AtlasSettings {
                enabled: Some(root.atlas),
            },
        }
    }
}

impl crate::PlatformSpec {
    /// The reference platform with one environment per `(name, settings)`: what
    /// `environments/<name>.toml` files describe.
    ///
    /// # Errors
    /// The first environment's bad value, as [`Environment::from_settings`] names it.
    pub fn from_environments(
        environments: impl IntoIterator<Item = (String, Settings)>,
    ) -> Result<Self> {
        let environments = environments
            .into_iter()
            .map(|(name, settings)| Environment::from_settings(&name, settings))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::with_environments(environments))
    }
}

fn apply_nodes(nodes: &mut Nodes, settings: NodeSettings) -> Result<()> {
    if let Some(types) = settings.instance_types {
        nodes.instance_types = types;
    }
    if let Some(capacity) = &settings.capacity_type {
        nodes.capacity_type = CapacityType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == capacity)
            .ok_or_else(|| Error::Setting {
                field: "eks.nodes.capacity_type".to_owned(),
                message: format!(
                    "{capacity:?} is not a capacity type: use \"ON_DEMAND\" (stateful services) or \"SPOT\" (cheaper, reclaimable)"
                ),
            })?;
    }
    if let Some(size) = settings.min_size {
        nodes.min_size = size;
    }
    if let Some(size) = settings.desired_size {
        nodes.desired_size = size;
    }
    if let Some(size) = settings.max_size {
        nodes.max_size = size;
    }
    Ok(())
}

/// A DNS name of at least two labels, each 1-63 lowercase letters, digits or '-'.
fn check_domain(field: &str, domain: &str) -> Result<()> {
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if domain.len() <= 253 && domain.split('.').count() >= 2 && domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Error::Setting {
            field: field.to_owned(),
            message: format!(
                "{domain:?} is not a DNS domain: use lowercase labels of letters, digits and '-' joined by dots (e.g. dev.example.com)"
            ),
        })
    }
}

/// `owner/repo` as GitHub names them: bkt-oidc's rule, the one the GitHub roles' trust and the
/// roots' `github_repository` validation hold.
fn check_repository(field: &str, repository: &str) -> Result<()> {
    match bkt_oidc::Repository::new(repository) {
        Ok(_) => Ok(()),
        Err(bkt_oidc::Error::Invalid(invalid)) => Err(Error::Setting {
            field: field.to_owned(),
            message: format!(
                "{repository:?} is not a GitHub repository: {}",
                invalid.reason
            ),
        }),
        Err(other) => Err(Error::Setting {
            field: field.to_owned(),
            message: other.to_string(),
        }),
    }
}

/// A branch name Git accepts and a `refs/heads/<branch>` reference can hold.
fn check_branch(field: &str, branch: &str) -> Result<()> {
    let valid = !branch.is_empty()
        && branch.len() <= 200
        && !branch.starts_with(['-', '/', '.'])
        && !branch.ends_with(['/', '.'])
        && std::path::Path::new(branch)
            .extension()
            .is_none_or(|extension| extension != "lock")
        && !branch.contains("..")
        && !branch.contains("//")
        && !branch.contains("@{")
        && branch.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'~' | b'^' | b':' | b'?' | b'*' | b'[' | b'\\')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::Setting {
            field: field.to_owned(),
            message: format!(
                "{branch:?} is not a Git branch name: use letters, digits and / . _ - (e.g. main or release/v2)"
            ),
        })
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
const TABLE_COMMENTS: [(&str, &str); 8] = [
    (
        "sample_app",
        "The sample app's image tag: the full commit SHA whose image the release workflow pushed\n\
         (generate --set-image-tag SHA changes it and keeps this file's comments).",
    ),
    (
        "terraform",
        "The environment's root (terraform/envs/<name>): default region and the sample app's ECR\n\
         repository. state_bucket (unset by default): the bucket written into its backend; unset,\n\
         make up gives the bootstrap root's state_bucket output at init and CI TF_STATE_BUCKET.",
    ),
    (
        "network",
        "The VPC: range (/16 to /20, no host bits; environments may not overlap), zones (2 or 3),\n\
         NAT gateways (single or per_az), flow log retention (a CloudWatch Logs value, in days),\n\
         admin_ingress_cidrs: the IPv4 ranges (no host bits) the admin UIs' load balancer admits\n\
         (Vault, Headlamp, Grafana, Dashboards; the default, TEST-NET-3, routes nowhere).",
    ),
    (
        "dns",
        "The environment's domain (UIs at <service>.<domain>; one per environment), whether the\n\
         root creates its Route 53 zone, and how long to wait for the certificate (45m, 1h).",
    ),
    (
        "eks",
        "The cluster: Kubernetes version (one in EKS standard support: bkt_eks::SUPPORT_TABLE),\n\
         control-plane log retention (days), and [eks.nodes], the node group (instance types,\n\
         ON_DEMAND or SPOT, min/desired/max; the capacity check places every pod on desired_size\n\
         nodes: the platform needs ON_DEMAND).",
    ),
    (
        "github_oidc",
        "Whether the root creates the account's GitHub OIDC provider (one per AWS account).",
    ),
    (
        "flux",
        "Whether the cluster entry gets the local flavour (gitops/clusters/local, the kind run),\n\
         and the GitHub repository (owner/repo, the root's github_repository) and branch the\n\
         cluster's FluxInstance syncs from (gitops/clusters/<name>/flux-instance.yaml).",
    ),
    (
        "logs",
        "Days OpenSearch keeps the container logs (indices kube-*) before its retention policy\n\
         deletes them (cluster var LOG_RETENTION_DAYS).",
    ),
];

/// The embedded default as a complete spec file, with a comment above each table: the starting
/// point for `generate --spec FILE`.
///
/// # Errors
/// [`Error::Setting`] if the default cannot be written as TOML (never for these types).
pub fn default_spec_text() -> Result<String> {
    let settings = Environment::named("dev").to_settings();
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
        "# An environment of the BKT reference platform: the defaults (dev's values), complete.\n\
         # Save it as environments/<name>.toml. Every key is optional except sample_app.image_tag:\n\
         # a key left out keeps the default. Unknown keys are errors.\n\n",
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
