//! The settings of an environment that change often — above all the sample app's image tag that
//! the release workflow bumps — kept in a small TOML data file of the repository
//! (`environments/dev.toml`) that the generator reads. Nobody edits generated files: a change
//! here is made in the data file and the layout is regenerated.
//!
//! Everything in this module is pure: [`parse`] validates a file's text and [`with_image_tag`]
//! rewrites one value of it; reading and writing the file is the caller's (the `generate`
//! example's) business.
//!
//! # Why TOML
//!
//! - **Comments and layout survive a machine edit.** CI rewrites the image tag; `toml_edit` (the
//!   crate behind `cargo add`) changes that one value and keeps every comment, blank line and
//!   quote style byte for byte. serde-saphyr, the YAML library of this workspace, writes from
//!   values and would drop the comments on a round-trip.
//! - **Strings are always quoted.** In YAML an unquoted commit SHA made only of digits is an
//!   integer, and to a YAML 1.2 reader one such as `1234e567…` is a float; TOML has no implicit
//!   typing, so a SHA is a string or the file does not parse.
//! - It is the format Rust users already edit (`Cargo.toml`), and the file is small and flat.
//!
//! ```
//! use bkt_reference::settings;
//!
//! let text = "[sample_app]\nimage_tag = \"0123456789abcdef0123456789abcdef01234567\"\n";
//! let settings = settings::parse(text)?;
//! assert_eq!(
//!     settings.sample_app.image_tag.as_str(),
//!     "0123456789abcdef0123456789abcdef01234567"
//! );
//!
//! let error = settings::parse("[sample_app]\nimage_tag = \"abc\"\n").unwrap_err();
//! assert!(error.to_string().starts_with(
//!     "sample_app.image_tag: \"abc\" is not a 40-character lowercase hex commit SHA"
//! ));
//! # Ok::<(), bkt_reference::Error>(())
//! ```

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The folder of the environments' files (`<name>.toml`), relative to the repository root.
pub const ENVIRONMENTS_DIR: &str = "environments";

/// Where the dev environment's data file lives, relative to the repository root.
pub const DEV_SETTINGS_PATH: &str = "environments/dev.toml";

/// The dotted path of the image tag in the data file.
pub const IMAGE_TAG_FIELD: &str = "sample_app.image_tag";

/// The settings of one environment: the contents of its file `environments/<name>.toml`.
///
/// `[sample_app]` is required (the release flow rewrites its image tag); every other table and
/// key is optional and, when absent, keeps the reference platform's default for an environment
/// (dev's values, which `generate --print-default-spec` prints in full). Every key sets a value
/// of this environment only: its Terraform root (`terraform/envs/<name>`) or its cluster entry
/// and apps overlay (`gitops/clusters/<name>`, `gitops/apps/<name>`). Module defaults are not
/// settings: a module's default applies only where an environment says nothing, and every
/// environment says everything. Unknown keys are rejected, so a misspelt setting fails instead
/// of being ignored; [`crate::Environment::from_settings`] checks the values and names the
/// dotted path of a bad one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The sample application (`[sample_app]`).
    pub sample_app: SampleAppSettings,
    /// The environment's Terraform root (`[terraform]`).
    #[serde(default, skip_serializing_if = "TerraformSettings::is_empty")]
    pub terraform: TerraformSettings,
    /// The environment's network (`[network]`).
    #[serde(default, skip_serializing_if = "NetworkSettings::is_empty")]
    pub network: NetworkSettings,
    /// The environment's DNS zone and certificate (`[dns]`).
    #[serde(default, skip_serializing_if = "DnsSettings::is_empty")]
    pub dns: DnsSettings,
    /// The environment's cluster (`[eks]`, `[eks.nodes]`).
    #[serde(default, skip_serializing_if = "EksSettings::is_empty")]
    pub eks: EksSettings,
    /// The environment's GitHub Actions roles (`[github_oidc]`).
    #[serde(default, skip_serializing_if = "GithubOidcSettings::is_empty")]
    pub github_oidc: GithubOidcSettings,
    /// The environment's Flux entry (`[flux]`).
    #[serde(default, skip_serializing_if = "FluxSettings::is_empty")]
    pub flux: FluxSettings,
    /// The environment's container logs (`[logs]`).
    #[serde(default, skip_serializing_if = "LogsSettings::is_empty")]
    pub logs: LogsSettings,
    /// Whether the environment's sample app keeps its data in MongoDB Atlas (`[atlas]`).
    #[serde(default, skip_serializing_if = "AtlasSettings::is_empty")]
    pub atlas: AtlasSettings,
}

macro_rules! optional_table {
    ($(#[$doc:meta])* $name:ident { $($(#[$field_doc:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// Whether no key is set.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }
    };
}

optional_table!(
    /// `[terraform]`: the environment root's fixed values.
    TerraformSettings {
        /// The default AWS region of the root.
        region: String,
        /// The state bucket in the backend block (the bootstrap root's output).
        state_bucket: String,
        /// The ECR repository of the sample application.
        sample_app_repository: String,
    }
);

optional_table!(
    /// `[network]`: the environment's VPC.
    NetworkSettings {
        /// The VPC range, /16 to /20, without host bits.
        cidr_block: String,
        /// How many availability zones the subnets span (2 or 3).
        availability_zones: u8,
        /// `single` or `per_az` NAT gateways.
        nat_gateway_mode: String,
        /// Flow log retention in days (a CloudWatch Logs value).
        flow_log_retention_days: u16,
        /// The IPv4 ranges (no host bits) that may reach the admin UIs' load balancer.
        admin_ingress_cidrs: Vec<String>,
    }
);

optional_table!(
    /// `[dns]`: the environment's zone and certificate.
    DnsSettings {
        /// The environment's base domain; every UI is served at `<service>.<domain>`.
        domain: String,
        /// Whether the root creates the Route 53 zone (false: use an existing public zone).
        create_zone: bool,
        /// How long the apply waits for the certificate's DNS validation (`45m`, `1h`).
        validation_timeout: String,
    }
);

optional_table!(
    /// `[eks]`: the environment's cluster.
    EksSettings {
        /// The Kubernetes version (one of `bkt_eks::SUPPORT_TABLE`).
        kubernetes_version: String,
        /// Control-plane log retention in days (a CloudWatch Logs value).
        log_retention_days: u16,
        /// The node group (`[eks.nodes]`).
        nodes: NodeSettings,
    }
);

optional_table!(
    /// `[eks.nodes]`: the environment's node group, the default of the root's `nodes` input.
    NodeSettings {
        /// EC2 instance types, in order of preference.
        instance_types: Vec<String>,
        /// `ON_DEMAND` or `SPOT`.
        capacity_type: String,
        /// The fewest nodes.
        min_size: u16,
        /// The nodes wanted.
        desired_size: u16,
        /// The most nodes.
        max_size: u16,
    }
);

optional_table!(
    /// `[github_oidc]`: the environment's GitHub Actions roles.
    GithubOidcSettings {
        /// Whether the root creates the account's GitHub OIDC provider (one per AWS account: an
        /// environment sharing an account with another that creates it sets false).
        create_provider: bool,
    }
);

optional_table!(
    /// `[flux]`: the environment's Flux entry.
    FluxSettings {
        /// Whether the entry gets the `local` flavour (`gitops/clusters/local`), the apps layer
        /// alone for a cluster without AWS (the kind end-to-end run). One environment at most.
        local_flavour: bool,
        /// `owner/repo` of the GitHub repository the cluster syncs from (its `FluxInstance`,
        /// `gitops/clusters/<name>/flux-instance.yaml`); the same as the root's
        /// `github_repository`, which `make up` checks.
        repository: String,
        /// The branch of that repository the cluster follows.
        branch: String,
    }
);

optional_table!(
    /// `[logs]`: the environment's container logs in OpenSearch.
    LogsSettings {
        /// Days OpenSearch keeps Fluent Bit's indices (`kube-*`) before its retention policy
        /// deletes them (1 to 3650).
        retention_days: u16,
    }
);

optional_table!(
    /// `[atlas]`: whether the environment uses MongoDB Atlas.
    AtlasSettings {
        /// true: the generator writes the Atlas root (`terraform/atlas/<name>`), `make up`
        /// applies it (and refuses to start without the Atlas keys), and the sample app keeps
        /// its entries in the Atlas cluster; false (the default): no Atlas root, and the app
        /// uses the in-cluster `MariaDB`.
        enabled: bool,
    }
);

/// The sample application's settings (`[sample_app]` in the data file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SampleAppSettings {
    /// The image tag Flux deploys: the commit SHA whose image the release workflow pushed.
    pub image_tag: ImageTag,
}

/// An image tag of the sample app: a full 40-character lowercase hex commit SHA.
///
/// The ECR repository is immutable and the release workflow tags each image with the commit it
/// was built from, so anything shorter, upper case, a branch or a version is a mistake.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageTag(String);

impl From<ImageTag> for String {
    fn from(tag: ImageTag) -> Self {
        tag.0
    }
}

impl ImageTag {
    /// The tag committed before the first release: forty zeros, a SHA no commit has.
    pub const PLACEHOLDER: &'static str = "0000000000000000000000000000000000000000";

    /// Validates `tag`.
    ///
    /// # Errors
    /// [`Error::Setting`] for `sample_app.image_tag`, saying why `tag` is not a full commit SHA.
    pub fn new(tag: &str) -> Result<Self> {
        Self::try_from(tag.to_owned()).map_err(|message| Error::Setting {
            field: IMAGE_TAG_FIELD.to_owned(),
            message,
        })
    }

    /// The tag.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ImageTag {
    fn default() -> Self {
        Self(Self::PLACEHOLDER.to_owned())
    }
}

impl fmt::Display for ImageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ImageTag {
    type Error = String;

    /// The error is the reason alone; the caller adds the field path.
    fn try_from(tag: String) -> Result<Self, String> {
        const FORM: &str = "is not a 40-character lowercase hex commit SHA";
        // A Docker tag: 1-128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'.
        let docker_tag = (1..=128).contains(&tag.len())
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !tag.starts_with(['.', '-']);
        let commit_sha =
            tag.len() == 40 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if commit_sha {
            Ok(Self(tag))
        } else if tag.is_empty() {
            Err(format!(
                "{tag:?} {FORM}: no tag given; pass the full SHA of the commit whose image was \
                 pushed (`git rev-parse HEAD`, in CI \"$GITHUB_SHA\")"
            ))
        } else if docker_tag {
            Err(format!(
                "{tag:?} {FORM}: use the full output of `git rev-parse HEAD`, not a short SHA, \
                 an upper-case SHA, a branch or a version"
            ))
        } else {
            Err(format!(
                "{tag:?} {FORM}, nor even a valid image tag (1-128 characters of [A-Za-z0-9_.-], \
                 not starting with '.' or '-'): pass the output of `git rev-parse HEAD`"
            ))
        }
    }
}

/// Parses and validates the text of a data file.
///
/// # Errors
/// - [`Error::SettingsSyntax`] when the text is not TOML, with the line and column;
/// - [`Error::Setting`] naming the dotted field path for a missing, unknown or invalid setting,
///   with the expected form.
pub fn parse(text: &str) -> Result<Settings> {
    let document = toml_edit::Document::parse(text).map_err(|error| syntax(text, &error))?;
    let deserializer = toml_edit::de::Deserializer::from(document);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        setting_error(&path, error.inner().message())
    })
}

/// What [`with_image_tag`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTagEdit {
    /// The value the file held before, as written (it may have been invalid).
    pub previous: String,
    /// The file's new text: the old one with only the tag's value replaced.
    pub text: String,
    /// The new text, parsed and validated.
    pub settings: Settings,
}

impl ImageTagEdit {
    /// Whether the file changes (false when the tag was already in place).
    #[must_use]
    pub fn changed(&self) -> bool {
        self.previous != self.settings.sample_app.image_tag.as_str()
    }
}

/// Sets `sample_app.image_tag` in a data file's text to `tag`, keeping every other byte —
/// comments, blank lines, line endings and the value's quote style. The old value need not be
/// valid (so a bad tag can be repaired this way), but the resulting file must be.
///
/// `toml_edit` finds the value and its exact span in the text; only those bytes are replaced.
///
/// # Errors
/// [`Error::SettingsSyntax`] when the text is not TOML; [`Error::Setting`] when
/// `sample_app.image_tag` is missing or not a string, or when the resulting file is invalid.
pub fn with_image_tag(text: &str, tag: &ImageTag) -> Result<ImageTagEdit> {
    let document = toml_edit::Document::parse(text).map_err(|error| syntax(text, &error))?;
    let missing = || Error::Setting {
        field: IMAGE_TAG_FIELD.to_owned(),
        message: "missing: add the key image_tag, the 40-hex commit SHA in quotes, to the \
                  [sample_app] table"
            .to_owned(),
    };
    let value = document
        .get("sample_app")
        .and_then(toml_edit::Item::as_table_like)
        .and_then(|table| table.get("image_tag"))
        .and_then(toml_edit::Item::as_value)
        .ok_or_else(missing)?;
    let toml_edit::Value::String(old) = value else {
        return Err(Error::Setting {
            field: IMAGE_TAG_FIELD.to_owned(),
            message: format!(
                "must be a string (found {}): put the 40-hex commit SHA in quotes",
                value.type_name()
            ),
        });
    };
    let previous = old.value().clone();
    let text = if previous == tag.as_str() {
        text.to_owned()
    } else {
        // A parsed document knows where each value is; without a span there is nothing to edit.
        let span = old.span().ok_or_else(missing)?;
        let (Some(before), Some(raw), Some(after)) = (
            text.get(..span.start),
            text.get(span.clone()),
            text.get(span.end..),
        ) else {
            return Err(missing());
        };
        // A tag is 40 hex characters: nothing to escape in either quote style, so the value
        // keeps the quotes it had (literal '...' or basic "...").
        let quote = if raw.starts_with('\'') { '\'' } else { '"' };
        format!("{before}{quote}{tag}{quote}{after}")
    };
    let settings = parse(&text)?;
    Ok(ImageTagEdit {
        previous,
        text,
        settings,
    })
}

/// A TOML syntax error with its 1-based line and column.
fn syntax(text: &str, error: &toml_edit::TomlError) -> Error {
    let (line, column) = position(text, error.span());
    Error::SettingsSyntax {
        line,
        column,
        message: error.message().trim_end().replace('\n', "; "),
    }
}

/// A deserialization error at `path` (serde's dotted path, `.` for the top level), reworded
/// to name the setting and say what to do.
fn setting_error(path: &str, message: &str) -> Error {
    let at = |name: &str| {
        if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return Error::Setting {
            field: at(name),
            message: "missing: add it (the comments in environments/dev.toml describe each \
                      setting)"
                .to_owned(),
        };
    }
    let field = if path == "." { "(top level)" } else { path };
    let message = if message.starts_with("unknown field") {
        format!("{message}: remove it or correct its spelling")
    } else if let Some((found, _)) = message.split_once(", expected struct ") {
        format!("{found}, expected a table")
    } else {
        message.to_owned()
    };
    Error::Setting {
        field: field.to_owned(),
        message,
    }
}

/// The 1-based line and column of the start of `span` in `text` (1, 1 without a span).
fn position(text: &str, span: Option<Range<usize>>) -> (usize, usize) {
    let start = span.map_or(0, |span| span.start);
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests;
