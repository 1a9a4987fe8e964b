//! The network's inputs as validated Rust values, and the subnet plan Terraform will compute.
//!
//! Every rule the module's `validation` blocks enforce is enforced here at construction too,
//! so a bad value fails in Rust with an error naming the field, before any `terraform plan`.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::Ipv4Net;

use crate::{Error, Result};

/// The regular expression the module's `name` validation uses.
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9-]{1,30}[a-z0-9]$";
/// The regular expression the module's `cluster_name` validation uses.
pub const CLUSTER_NAME_PATTERN: &str = "^[a-zA-Z][a-zA-Z0-9-]{0,99}$";
/// Fewest availability zones: EKS needs subnets in two.
pub const MIN_ZONES: usize = 2;
/// Most availability zones the plan places (its eight /4-smaller slots per half allow more,
/// but three is what every region offers and what the module validates).
pub const MAX_ZONES: usize = 3;
/// Bits added to the VPC prefix for each subnet: sixteen /4-smaller blocks.
pub const SUBNET_NEWBITS: u8 = 4;
/// Public subnets start at this block number, the upper half of the VPC range.
pub const PRIVATE_OFFSET: u32 = 8;

/// An IPv4 VPC range with a prefix between /16 and /20, written as its network address (no
/// host bits set: `10.40.0.0/16`, never `10.40.0.1/16`, which the AWS provider rejects at plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr(Ipv4Net);

impl Cidr {
    /// Shortest prefix accepted.
    pub const MIN_PREFIX: u8 = 16;
    /// Longest prefix accepted.
    pub const MAX_PREFIX: u8 = 20;
    /// `10.0.0.0/16`, the module's default.
    pub const DEFAULT: Cidr = Cidr(match Ipv4Net::new(Ipv4Addr::new(10, 0, 0, 0), 16) {
        Ok(net) => net,
        Err(_) => panic!("10.0.0.0/16 is a valid network"),
    });

    /// Parses and validates `field` (named in the error).
    ///
    /// # Errors
    /// [`Error::Invalid`] when `text` is not an IPv4 CIDR, its prefix is outside /16–/20, or
    /// it has host bits set (the error names the network address to write instead).
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let net = Ipv4Net::from_str(text)
            .map_err(|_| Error::invalid(field, text, "write an IPv4 CIDR (e.g. 10.0.0.0/16)"))?;
        if !(Self::MIN_PREFIX..=Self::MAX_PREFIX).contains(&net.prefix_len()) {
            return Err(Error::invalid(
                field,
                text,
                "use a prefix between /16 and /20, which leaves room for the /4-smaller subnets (e.g. 10.0.0.0/16)",
            ));
        }
        network_address(field, text, net)?;
        Ok(Self(net))
    }

    /// The network.
    #[must_use]
    pub fn net(&self) -> Ipv4Net {
        self.0
    }
}

/// `net` unchanged when it is the network address of its range; otherwise an error naming
/// `field` and the address to write instead (a range with host bits set passes a CIDR parser and
/// fails at `terraform plan`).
pub(crate) fn network_address(field: &str, text: &str, net: Ipv4Net) -> Result<Ipv4Net> {
    if net.addr() == net.network() {
        Ok(net)
    } else {
        Err(Error::invalid(
            field,
            text,
            format!(
                "host bits are set after the /{} prefix; use {}, the network address of this range",
                net.prefix_len(),
                net.trunc()
            ),
        ))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How many NAT gateways the network has; in serde, the module's spelling (`single`, `per_az`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum NatGatewayMode {
    /// One NAT gateway shared by every zone: cheap, for dev.
    #[default]
    Single,
    /// One per zone: survives the loss of a zone.
    PerAz,
}

impl NatGatewayMode {
    /// Every mode, in the order the module's validation lists them.
    pub const ALL: [NatGatewayMode; 2] = [Self::Single, Self::PerAz];

    /// The module's spelling: `single` or `per_az`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::PerAz => "per_az",
        }
    }
}

/// A CloudWatch Logs retention period in days (CloudWatch accepts only these values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowLogRetention(u16);

impl FlowLogRetention {
    /// The values CloudWatch Logs accepts.
    pub const ALLOWED: [u16; 22] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    /// Thirty days, the module's default.
    pub const DEFAULT: FlowLogRetention = FlowLogRetention(30);

    /// Validates `days`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when `days` is not a CloudWatch retention value.
    pub fn new(field: &str, days: u16) -> Result<Self> {
        if Self::ALLOWED.contains(&days) {
            Ok(Self(days))
        } else {
            Err(Error::invalid(
                field,
                days,
                format!(
                    "use a CloudWatch Logs retention value: {}",
                    Self::allowed_text()
                ),
            ))
        }
    }

    /// The number of days.
    #[must_use]
    pub fn days(self) -> u16 {
        self.0
    }

    /// The allowed values as prose: `1, 3, … or 3653`.
    #[must_use]
    pub fn allowed_text() -> String {
        let all: Vec<String> = Self::ALLOWED.iter().map(u16::to_string).collect();
        match all.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// The values of one network: what a root passes to the module, validated.
///
/// In serde it is the builder's fields, and reading one runs [`NetworkSpecBuilder::build`]: a
/// spec file can hold only a valid network, and a bad value is refused naming its field.
///
/// ```
/// use bkt_network::NetworkSpec;
///
/// let spec: NetworkSpec = serde_json::from_str(
///     r#"{"name": "shop-dev", "availability_zones": ["eu-west-1a", "eu-west-1b"], "cidr_block": "10.20.0.0/16"}"#,
/// )?;
/// assert_eq!(spec.cidr_block().to_string(), "10.20.0.0/16");
/// assert_eq!(serde_json::to_value(&spec)?["nat_gateway_mode"], "single");
///
/// let error = serde_json::from_str::<NetworkSpec>(
///     r#"{"name": "shop-dev", "availability_zones": ["eu-west-1a", "eu-west-1b"], "cidr_block": "10.20.0.1/16"}"#,
/// )
/// .unwrap_err();
/// assert!(error.to_string().starts_with("network.cidr_block: \"10.20.0.1/16\" is invalid"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "NetworkSpecBuilder", into = "NetworkSpecBuilder")]
pub struct NetworkSpec {
    name: String,
    cidr_block: Cidr,
    availability_zones: Vec<String>,
    nat_gateway_mode: NatGatewayMode,
    cluster_name: String,
    flow_log_retention: FlowLogRetention,
}

/// Builds a [`NetworkSpec`]: required values in [`NetworkSpec::builder`], the rest chained.
/// In serde, a key left out keeps the builder's default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpecBuilder {
    name: String,
    #[serde(default = "default_cidr_block")]
    cidr_block: String,
    availability_zones: Vec<String>,
    #[serde(default)]
    nat_gateway_mode: NatGatewayMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cluster_name: Option<String>,
    #[serde(default = "default_flow_log_retention_days")]
    flow_log_retention_days: u16,
}

fn default_cidr_block() -> String {
    Cidr::DEFAULT.to_string()
}

fn default_flow_log_retention_days() -> u16 {
    FlowLogRetention::DEFAULT.days()
}

impl TryFrom<NetworkSpecBuilder> for NetworkSpec {
    type Error = Error;

    fn try_from(builder: NetworkSpecBuilder) -> Result<Self> {
        builder.build()
    }
}

impl From<NetworkSpec> for NetworkSpecBuilder {
    fn from(spec: NetworkSpec) -> Self {
        Self {
            name: spec.name,
            cidr_block: spec.cidr_block.to_string(),
            availability_zones: spec.availability_zones,
            nat_gateway_mode: spec.nat_gateway_mode,
            cluster_name: Some(spec.cluster_name),
            flow_log_retention_days: spec.flow_log_retention.days(),
        }
    }
}

fn matches_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=32).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes
            .last()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn matches_cluster_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=100).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

impl NetworkSpec {
    /// Starts a spec for the network `name` spread over `availability_zones`.
    #[must_use]
    pub fn builder(
        name: impl Into<String>,
        availability_zones: impl IntoIterator<Item = impl Into<String>>,
    ) -> NetworkSpecBuilder {
        NetworkSpecBuilder {
            name: name.into(),
            cidr_block: default_cidr_block(),
            availability_zones: availability_zones.into_iter().map(Into::into).collect(),
            nat_gateway_mode: NatGatewayMode::default(),
            cluster_name: None,
            flow_log_retention_days: default_flow_log_retention_days(),
        }
    }

    /// The name prefix.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The VPC range.
    #[must_use]
    pub fn cidr_block(&self) -> Cidr {
        self.cidr_block
    }

    /// The zones, in order.
    #[must_use]
    pub fn availability_zones(&self) -> &[String] {
        &self.availability_zones
    }

    /// The NAT layout.
    #[must_use]
    pub fn nat_gateway_mode(&self) -> NatGatewayMode {
        self.nat_gateway_mode
    }

    /// The EKS cluster the subnets are tagged for.
    #[must_use]
    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// Flow-log retention.
    #[must_use]
    pub fn flow_log_retention(&self) -> FlowLogRetention {
        self.flow_log_retention
    }

    /// The subnets Terraform will create, computed as the module computes them.
    #[must_use]
    pub fn subnet_plan(&self) -> SubnetPlan {
        SubnetPlan::new(self.cidr_block, &self.availability_zones)
    }
}

impl NetworkSpecBuilder {
    /// The VPC range (default `10.0.0.0/16`).
    #[must_use]
    pub fn cidr_block(mut self, cidr: impl Into<String>) -> Self {
        self.cidr_block = cidr.into();
        self
    }

    /// The NAT layout (default [`NatGatewayMode::Single`]).
    #[must_use]
    pub fn nat_gateway_mode(mut self, mode: NatGatewayMode) -> Self {
        self.nat_gateway_mode = mode;
        self
    }

    /// The EKS cluster name (default: the network's name).
    #[must_use]
    pub fn cluster_name(mut self, name: impl Into<String>) -> Self {
        self.cluster_name = Some(name.into());
        self
    }

    /// Flow-log retention in days (default 30).
    #[must_use]
    pub fn flow_log_retention_days(mut self, days: u16) -> Self {
        self.flow_log_retention_days = days;
        self
    }

    /// Validates every value, the same rules as the module's `validation` blocks.
    ///
    /// # Errors
    /// [`Error::Invalid`] for the first bad field, naming it, with the fix.
    pub fn build(self) -> Result<NetworkSpec> {
        if !matches_name(&self.name) {
            return Err(Error::invalid(
                "network.name",
                &self.name,
                "use 3-32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. acme-dev)",
            ));
        }
        let cidr_block = Cidr::parse("network.cidr_block", &self.cidr_block)?;
        let zones = &self.availability_zones;
        let mut distinct = zones.clone();
        distinct.sort();
        distinct.dedup();
        if !(MIN_ZONES..=MAX_ZONES).contains(&zones.len()) || distinct.len() != zones.len() {
            return Err(Error::invalid(
                "network.availability_zones",
                format!("{zones:?}"),
                "list 2 or 3 distinct zones of the region (e.g. [\"eu-west-1a\", \"eu-west-1b\"])",
            ));
        }
        if let Some(zone) = zones.iter().find(|zone| !matches_cluster_name(zone)) {
            return Err(Error::invalid(
                "network.availability_zones",
                zone,
                "a zone name is letters, digits and hyphens (e.g. eu-west-1a)",
            ));
        }
        let cluster_name = self.cluster_name.unwrap_or_else(|| self.name.clone());
        if !matches_cluster_name(&cluster_name) {
            return Err(Error::invalid(
                "network.cluster_name",
                &cluster_name,
                "start with a letter and use only letters, digits and hyphens, at most 100 (e.g. acme-dev)",
            ));
        }
        let flow_log_retention = FlowLogRetention::new(
            "network.flow_log_retention_days",
            self.flow_log_retention_days,
        )?;
        Ok(NetworkSpec {
            name: self.name,
            cidr_block,
            availability_zones: self.availability_zones,
            nat_gateway_mode: self.nat_gateway_mode,
            cluster_name,
            flow_log_retention,
        })
    }
}

/// The subnets of one zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ZoneSubnets {
    /// The zone.
    pub zone: String,
    /// The private subnet (nodes and pods).
    pub private: Ipv4Net,
    /// The public subnet (load balancers and NAT).
    pub public: Ipv4Net,
}

/// The subnet layout `cidrsubnet(cidr_block, 4, index)` (private) and
/// `cidrsubnet(cidr_block, 4, index + 8)` (public) gives, zone by zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubnetPlan {
    zones: Vec<ZoneSubnets>,
}

impl SubnetPlan {
    /// The plan for `zones` (at most [`MAX_ZONES`] are placed, as the module validates).
    #[must_use]
    pub fn new(cidr: Cidr, zones: &[String]) -> Self {
        let blocks: Vec<Ipv4Net> = cidr
            .net()
            .trunc()
            .subnets(cidr.net().prefix_len() + SUBNET_NEWBITS)
            .map(Iterator::collect)
            .unwrap_or_default();
        let zones = zones
            .iter()
            .take(MAX_ZONES)
            .zip(0usize..)
            .filter_map(|(zone, index)| {
                let private = *blocks.get(index)?;
                let public = *blocks.get(index + PRIVATE_OFFSET as usize)?;
                Some(ZoneSubnets {
                    zone: zone.clone(),
                    private,
                    public,
                })
            })
            .collect();
        Self { zones }
    }

    /// The subnets, in zone order.
    #[must_use]
    pub fn zones(&self) -> &[ZoneSubnets] {
        &self.zones
    }
}

#[cfg(test)]
mod tests;
