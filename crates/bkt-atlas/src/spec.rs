//! The Atlas root's inputs as validated Rust values.
//!
//! Every rule the root's `validation` blocks enforce is enforced here at construction too, so a
//! bad value fails in Rust with an error naming the field and the fix, before any
//! `terraform plan`. The access-list rules exist only here: the extra ranges are written into
//! the root as literals, and the NAT addresses arrive as single addresses from the AWS root.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::Ipv4Net;

use crate::{Error, Result};

/// The regular expression of the `project_name` validation.
pub const PROJECT_NAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
/// The regular expression of the `cluster_name` validation.
pub const CLUSTER_NAME_PATTERN: &str = "^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$";
/// The regular expression of the AWS `region` validation (the same as `terraform/envs/dev`).
pub const REGION_PATTERN: &str = "^[a-z]{2}(-[a-z]+)+-[0-9]$";
/// The regular expression of the `atlas_region` validation.
pub const ATLAS_REGION_PATTERN: &str = "^[A-Z]{2}(_[A-Z]+)+_[0-9]$";
/// The regular expression of the `database_username` validation.
pub const USERNAME_PATTERN: &str = "^[a-z][a-z0-9._-]{0,31}$";
/// The regular expression of the `database_name` validation.
pub const DATABASE_NAME_PATTERN: &str = "^[A-Za-z0-9_-]{1,63}$";
/// The regular expression of the `atlas_org_id` validation.
pub const ORG_ID_PATTERN: &str = "^[0-9a-f]{24}$";
/// The regular expression of the `state_bucket` validation (S3 bucket naming).
pub const STATE_BUCKET_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
/// The regular expression of the `state_key` validation.
pub const STATE_KEY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._/-]*[.]tfstate$";
/// The shortest prefix an extra access-list range may have: a /24 is 256 addresses, more
/// than any office or bastion needs.
pub const MIN_ACCESS_PREFIX: u8 = 24;

/// Where the states live: the environment root's, whose outputs (NAT addresses, the secret to
/// write the connection string into) the Atlas root reads, and the Atlas root's own, both in one
/// bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateLocation {
    /// The bucket (the bootstrap root's `state_bucket` output), or `None` when it is given at
    /// `terraform init` (`-backend-config=bucket=…`) and as the `state_bucket` input: a partial
    /// backend configuration, so no account-specific name is committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The key of the environment root's state (`envs/dev/terraform.tfstate`).
    pub environment_key: String,
    /// The key of the Atlas root's own state (`atlas/dev/terraform.tfstate`).
    pub own_key: String,
}

/// The tier of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum InstanceSize {
    /// Flex: shared hardware, billed by operations between about $8 and $30 a month; enough
    /// for a dev sample app. No private endpoints, no VPC peering.
    #[default]
    Flex,
    /// M10: the smallest dedicated tier, a three-node replica set, about $0.08 an hour
    /// (roughly $57 a month) on AWS.
    M10,
    /// M20: dedicated, about twice the M10.
    M20,
    /// M30: dedicated, the smallest tier recommended for production.
    M30,
}

impl InstanceSize {
    /// Every size, in the order the `instance_size` validation lists them.
    pub const ALL: [InstanceSize; 4] = [Self::Flex, Self::M10, Self::M20, Self::M30];

    /// The root's spelling: `FLEX`, `M10`, `M20`, `M30`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flex => "FLEX",
            Self::M10 => "M10",
            Self::M20 => "M20",
            Self::M30 => "M30",
        }
    }

    /// Parses the root's spelling.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` for any other text.
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|size| size.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    text,
                    "use FLEX (shared, about $8-30 a month, the dev default) or a dedicated tier M10, M20 or M30",
                )
            })
    }
}

impl fmt::Display for InstanceSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An extra range allowed to reach the cluster besides the NAT gateways: a public IPv4
/// network of at most 256 addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccessCidr(Ipv4Net);

impl AccessCidr {
    /// Parses and validates `field` (named in the error).
    ///
    /// # Errors
    /// [`Error::Invalid`] when `text` is not an IPv4 CIDR, has host bits set, is wider than
    /// [`MIN_ACCESS_PREFIX`] (so never `0.0.0.0/0`), or is not a public range.
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let net = Ipv4Net::from_str(text).map_err(|_| {
            Error::invalid(
                field,
                text,
                "write an IPv4 CIDR such as 34.240.0.10/32 (one address) or 34.240.0.0/24",
            )
        })?;
        if net.prefix_len() < MIN_ACCESS_PREFIX {
            return Err(Error::invalid(
                field,
                text,
                "a range wider than /24 opens the database to networks you do not control; list the /32 addresses (or a /24 at most) that need access",
            ));
        }
        if net.network() != net.addr() {
            return Err(Error::invalid(
                field,
                text,
                format!(
                    "host bits are set; write the network address {}",
                    net.trunc()
                ),
            ));
        }
        if !is_public(net.network()) {
            return Err(Error::invalid(
                field,
                text,
                "Atlas sees clients by their public address; a private, loopback, link-local or reserved range never matches (pods already reach Atlas through the NAT gateways)",
            ));
        }
        Ok(Self(net))
    }

    /// The network.
    #[must_use]
    pub fn net(&self) -> Ipv4Net {
        self.0
    }
}

impl fmt::Display for AccessCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

fn is_public(addr: Ipv4Addr) -> bool {
    let [a, b, ..] = addr.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let benchmarking = a == 198 && (b == 18 || b == 19);
    !(addr.is_private()
        || addr.is_loopback()
        || addr.is_link_local()
        || addr.is_unspecified()
        || addr.is_broadcast()
        || addr.is_multicast()
        || addr.is_documentation()
        || shared
        || benchmarking
        || a == 0
        || a >= 240)
}

/// The Atlas root's values, validated: the root's variable defaults and its literal access list.
///
/// In serde it is the builder's fields, and reading one runs [`AtlasSpecBuilder::build`]:
///
/// ```
/// use bkt_atlas::AtlasSpec;
/// let json = r#"{
///     "project_name": "orders-prod", "region": "eu-central-1",
///     "database_username": "orders", "database_name": "orders",
///     "state": {"environment_key": "envs/prod/terraform.tfstate", "own_key": "atlas/prod/terraform.tfstate"}
/// }"#;
/// let spec: AtlasSpec = serde_json::from_str(json)?;
/// assert_eq!(spec.cluster_name(), "orders-prod");
/// let same_key = json.replace("atlas/prod/", "envs/prod/");
/// let error = serde_json::from_str::<AtlasSpec>(&same_key).unwrap_err();
/// assert!(error.to_string().starts_with("atlas.own_state_key: "));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "AtlasSpecBuilder", into = "AtlasSpecBuilder")]
pub struct AtlasSpec {
    project_name: String,
    cluster_name: String,
    region: String,
    instance_size: InstanceSize,
    database_username: String,
    database_name: String,
    org_id: Option<String>,
    state_bucket: Option<String>,
    state_key: String,
    own_state_key: String,
    additional_access: Vec<AccessCidr>,
}

/// Builds an [`AtlasSpec`] ([`AtlasSpec::builder`]): the project, region and states are given
/// up front, the application's database with [`AtlasSpecBuilder::database`]; the cluster is
/// named like the project and is `FLEX` unless set; [`AtlasSpecBuilder::build`] checks them all.
/// In serde, a key left out keeps the builder's default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtlasSpecBuilder {
    project_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cluster_name: Option<String>,
    region: String,
    #[serde(default = "default_instance_size")]
    instance_size: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    database_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    database_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org_id: Option<String>,
    state: StateLocation,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    additional_access: Vec<String>,
}

fn default_instance_size() -> String {
    InstanceSize::Flex.as_str().to_owned()
}

impl TryFrom<AtlasSpecBuilder> for AtlasSpec {
    type Error = Error;

    fn try_from(builder: AtlasSpecBuilder) -> Result<Self> {
        builder.build()
    }
}

impl From<AtlasSpec> for AtlasSpecBuilder {
    fn from(spec: AtlasSpec) -> Self {
        Self {
            project_name: spec.project_name,
            cluster_name: Some(spec.cluster_name),
            region: spec.region,
            instance_size: spec.instance_size.as_str().to_owned(),
            database_username: Some(spec.database_username),
            database_name: Some(spec.database_name),
            org_id: spec.org_id,
            state: StateLocation {
                bucket: spec.state_bucket,
                environment_key: spec.state_key,
                own_key: spec.own_state_key,
            },
            additional_access: spec
                .additional_access
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

fn all_bytes(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    text.bytes().all(allowed)
}

fn check(field: &str, value: &str, ok: bool, reason: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, value, reason))
    }
}

/// `PROJECT_NAME_PATTERN`.
fn is_project_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphanumeric)
        && all_bytes(name, |b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// `CLUSTER_NAME_PATTERN`.
fn is_cluster_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && all_bytes(name, |b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `REGION_PATTERN`: two letters, one or more `-word`s, `-digit`.
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    match parts.as_slice() {
        [country, words @ .., number] if !words.is_empty() => {
            country.len() == 2
                && all_bytes(country, |b| b.is_ascii_lowercase())
                && words
                    .iter()
                    .all(|word| !word.is_empty() && all_bytes(word, |b| b.is_ascii_lowercase()))
                && number.len() == 1
                && all_bytes(number, |b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// `USERNAME_PATTERN`.
fn is_username(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && all_bytes(name, |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)
        })
}

/// `DATABASE_NAME_PATTERN`.
fn is_database_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && all_bytes(name, |b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
}

/// `ORG_ID_PATTERN`.
fn is_org_id(id: &str) -> bool {
    id.len() == 24 && all_bytes(id, |b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `name` is an S3 bucket name, by `STATE_BUCKET_PATTERN`: 3-63 lowercase letters,
/// digits, `.` or `-`, starting and ending with a letter or digit.
#[must_use]
pub fn is_bucket(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && all_bytes(name, |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
        })
}

/// `STATE_KEY_PATTERN`.
fn is_state_key(key: &str) -> bool {
    key.len() > ".tfstate".len()
        && key.ends_with(".tfstate")
        && key
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphanumeric)
        && all_bytes(key, |b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
}

impl AtlasSpecBuilder {
    /// The cluster's name (default: the project's).
    #[must_use]
    pub fn cluster_name(mut self, name: impl Into<String>) -> Self {
        self.cluster_name = Some(name.into());
        self
    }

    /// The tier, as the root spells it: `FLEX` (default), `M10`, `M20` or `M30`.
    #[must_use]
    pub fn instance_size(mut self, size: impl Into<String>) -> Self {
        self.instance_size = size.into();
        self
    }

    /// The application's database user and the database it may read and write (required).
    #[must_use]
    pub fn database(self, username: impl Into<String>, name: impl Into<String>) -> Self {
        self.database_username(username).database_name(name)
    }

    /// The application's database user alone.
    #[must_use]
    pub fn database_username(mut self, username: impl Into<String>) -> Self {
        self.database_username = Some(username.into());
        self
    }

    /// The database alone.
    #[must_use]
    pub fn database_name(mut self, name: impl Into<String>) -> Self {
        self.database_name = Some(name.into());
        self
    }

    /// The Atlas project's name.
    #[must_use]
    pub fn project_name(mut self, name: impl Into<String>) -> Self {
        self.project_name = name.into();
        self
    }

    /// The AWS region of the VPC; the cluster runs in the same region.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The bucket holding both states.
    #[must_use]
    pub fn state_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.state.bucket = Some(bucket.into());
        self
    }

    /// The key of the environment root's state.
    #[must_use]
    pub fn state_key(mut self, key: impl Into<String>) -> Self {
        self.state.environment_key = key.into();
        self
    }

    /// The Atlas organization ID, written as the `atlas_org_id` default (default: none, so
    /// `terraform apply` asks for it).
    #[must_use]
    pub fn org_id(mut self, id: impl Into<String>) -> Self {
        self.org_id = Some(id.into());
        self
    }

    /// Another public range allowed to connect, besides the NAT gateways (none by default).
    #[must_use]
    pub fn allow_cidr(mut self, cidr: impl Into<String>) -> Self {
        self.additional_access.push(cidr.into());
        self
    }

    /// Validates every value.
    ///
    /// # Errors
    /// The first [`Error::Invalid`], naming the field (`atlas.<field>`), the value and the fix.
    pub fn build(self) -> Result<AtlasSpec> {
        check(
            "atlas.project_name",
            &self.project_name,
            is_project_name(&self.project_name),
            "use 1-64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. orders-dev)",
        )?;
        let cluster_name = self
            .cluster_name
            .unwrap_or_else(|| self.project_name.clone());
        check(
            "atlas.cluster_name",
            &cluster_name,
            is_cluster_name(&cluster_name),
            "use 1-64 ASCII letters, digits or hyphens, starting and ending with a letter or digit (it becomes a DNS label; e.g. orders-dev)",
        )?;
        check(
            "atlas.region",
            &self.region,
            is_region(&self.region),
            "use the AWS region name of the VPC, such as eu-west-1 (the Atlas name EU_WEST_1 is derived from it)",
        )?;
        let instance_size = InstanceSize::parse("atlas.instance_size", &self.instance_size)?;
        let (Some(database_username), Some(database_name)) =
            (self.database_username, self.database_name)
        else {
            return Err(Error::invalid(
                "atlas.database_username",
                "",
                "name the application's database user and database with .database(username, name) (e.g. orders, orders)",
            ));
        };
        check(
            "atlas.database_username",
            &database_username,
            is_username(&database_username),
            "use 1-32 lowercase letters, digits, '.', '_' or '-', starting with a letter: the name goes into the connection string unescaped (e.g. orders)",
        )?;
        check(
            "atlas.database_name",
            &database_name,
            is_database_name(&database_name),
            "use 1-63 ASCII letters, digits, '_' or '-' (MongoDB forbids /\\. \"$*<>:|? in database names; e.g. orders)",
        )?;
        if let Some(id) = &self.org_id {
            check(
                "atlas.org_id",
                id,
                is_org_id(id),
                "use the organization's 24 lowercase hexadecimal digits (Atlas UI: Organization Settings)",
            )?;
        }
        let state = self.state;
        if let Some(bucket) = &state.bucket {
            check(
                "atlas.state_bucket",
                bucket,
                is_bucket(bucket),
                "use the S3 bucket name printed by terraform/bootstrap (3-63 lowercase letters, digits, '.' or '-'; e.g. acme-tfstate-123456789012), or none to give it at init",
            )?;
        }
        check(
            "atlas.state_key",
            &state.environment_key,
            is_state_key(&state.environment_key),
            "use the state object key of the environment root, ending in .tfstate (e.g. envs/dev/terraform.tfstate)",
        )?;
        check(
            "atlas.own_state_key",
            &state.own_key,
            is_state_key(&state.own_key) && state.own_key != state.environment_key,
            "use a key of its own for the Atlas root's state, ending in .tfstate and not the environment root's (e.g. atlas/dev/terraform.tfstate)",
        )?;
        let mut additional_access = Vec::with_capacity(self.additional_access.len());
        for (index, cidr) in self.additional_access.iter().enumerate() {
            let cidr = AccessCidr::parse(&format!("atlas.allow_cidr[{index}]"), cidr)?;
            if additional_access.contains(&cidr) {
                return Err(Error::invalid(
                    &format!("atlas.allow_cidr[{index}]"),
                    cidr,
                    "this range is already listed; list each range once",
                ));
            }
            additional_access.push(cidr);
        }
        Ok(AtlasSpec {
            project_name: self.project_name,
            cluster_name,
            region: self.region,
            instance_size,
            database_username,
            database_name,
            org_id: self.org_id,
            state_bucket: state.bucket,
            state_key: state.environment_key,
            own_state_key: state.own_key,
            additional_access,
        })
    }
}

impl AtlasSpec {
    /// Starts a spec for the project `project_name` in the AWS region `region` (the cluster runs
    /// in the VPC's region), with the states at `state`.
    ///
    /// ```
    /// use bkt_atlas::{AtlasSpec, StateLocation};
    ///
    /// let spec = AtlasSpec::builder("orders-prod", "eu-central-1", StateLocation {
    ///     bucket: Some("acme-tfstate".into()),
    ///     environment_key: "envs/prod/terraform.tfstate".into(),
    ///     own_key: "atlas/prod/terraform.tfstate".into(),
    /// })
    /// .database("orders", "orders")
    /// .build()?;
    /// assert_eq!(spec.cluster_name(), "orders-prod");
    ///
    /// // The database is the application's to name: without it the spec is refused.
    /// let missing = AtlasSpec::builder("orders-prod", "eu-central-1", StateLocation {
    ///     bucket: Some("acme-tfstate".into()),
    ///     environment_key: "envs/prod/terraform.tfstate".into(),
    ///     own_key: "atlas/prod/terraform.tfstate".into(),
    /// })
    /// .build();
    /// assert!(missing.unwrap_err().to_string().starts_with("atlas.database_username"));
    /// # Ok::<(), bkt_atlas::Error>(())
    /// ```
    #[must_use]
    pub fn builder(
        project_name: impl Into<String>,
        region: impl Into<String>,
        state: StateLocation,
    ) -> AtlasSpecBuilder {
        AtlasSpecBuilder {
            project_name: project_name.into(),
            cluster_name: None,
            region: region.into(),
            instance_size: default_instance_size(),
            database_username: None,
            database_name: None,
            org_id: None,
            state,
            additional_access: Vec::new(),
        }
    }

    /// The Atlas project's name.
    #[must_use]
    pub fn project_name(&self) -> &str {
        &self.project_name
    }

    /// The cluster's name.
    #[must_use]
    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// The AWS region (`eu-west-1`).
    #[must_use]
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The Atlas name of the same region (`EU_WEST_1`): upper case, `_` for `-`.
    #[must_use]
    pub fn atlas_region(&self) -> String {
        self.region.to_ascii_uppercase().replace('-', "_")
    }

    /// The tier.
    #[must_use]
    pub fn instance_size(&self) -> InstanceSize {
        self.instance_size
    }

    /// The database user's name.
    #[must_use]
    pub fn database_username(&self) -> &str {
        &self.database_username
    }

    /// The database the user may read and write.
    #[must_use]
    pub fn database_name(&self) -> &str {
        &self.database_name
    }

    /// The organization ID, if the spec fixes it.
    #[must_use]
    pub fn org_id(&self) -> Option<&str> {
        self.org_id.as_deref()
    }

    /// The bucket holding the environment root's state and this root's, if the spec fixes it
    /// (otherwise `terraform init -backend-config=bucket=…` and the `state_bucket` input give it).
    #[must_use]
    pub fn state_bucket(&self) -> Option<&str> {
        self.state_bucket.as_deref()
    }

    /// The key of the environment root's state.
    #[must_use]
    pub fn state_key(&self) -> &str {
        &self.state_key
    }

    /// The key of the Atlas root's own state.
    #[must_use]
    pub fn own_state_key(&self) -> &str {
        &self.own_state_key
    }

    /// The extra ranges allowed besides the NAT gateways, in the order given.
    #[must_use]
    pub fn additional_access(&self) -> &[AccessCidr] {
        &self.additional_access
    }
}

#[cfg(test)]
mod tests;
