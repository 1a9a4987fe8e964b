//! The values a root passes to the eks module, validated in Rust by the rules of the module's
//! `validation` blocks and by AWS's name limits, and the constants both sides share.

use std::collections::BTreeMap;
use std::str::FromStr;

use bkt_core::hcl::Expr;
use bkt_network::FlowLogRetention;
use ipnet::Ipv4Net;

use crate::rules::{self, MAX_IAM_ROLE_NAME};
use crate::{Error, Result};

/// The upgrade policy: STANDARD support only (extended support costs six times more).
pub const SUPPORT_TYPE: &str = "STANDARD";
/// The authentication mode: access entries only, no `aws-auth` `ConfigMap`.
pub const AUTHENTICATION_MODE: &str = "API";
/// Network hops an instance metadata response may travel: 1 keeps pods away from the node role.
pub const IMDS_HOP_LIMIT: u8 = 1;
/// The AMI family of every node group.
pub const AMI_TYPE: &str = "AL2023_x86_64_STANDARD";

/// The suffixes of the IAM roles the module names `<cluster_name><suffix>`.
pub const ROLE_SUFFIXES: [&str; 3] = ["-cluster", "-node", "-ebs-csi"];
/// The longest cluster name whose role names stay within IAM's 64 characters (EKS itself
/// allows 100).
pub const MAX_CLUSTER_NAME: usize = MAX_IAM_ROLE_NAME - 8;
/// The regular expression of the module's `cluster_name` validation (at most
/// [`MAX_CLUSTER_NAME`] characters).
pub const CLUSTER_NAME_PATTERN: &str = "^[a-zA-Z][a-zA-Z0-9-]{0,55}$";
/// The regular expression of node group names.
pub const NODE_GROUP_NAME_PATTERN: &str = "^[a-z][a-z0-9-]{0,30}$";

/// Whether `value` matches [`NODE_GROUP_NAME_PATTERN`], `^[a-z][a-z0-9-]{0,30}$`, as the
/// `validation` block does.
pub(crate) fn matches_node_group_name_pattern(value: &str) -> bool {
    value.as_bytes().split_first().is_some_and(|(first, rest)| {
        first.is_ascii_lowercase()
            && rest.len() <= 30
            && rest
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    })
}

/// The regular expression of exact add-on versions.
pub const ADDON_VERSION_PATTERN: &str = "^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$";

/// Whether `value` matches [`ADDON_VERSION_PATTERN`],
/// `^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`, as the `validation` block does.
pub(crate) fn matches_addon_version_pattern(value: &str) -> bool {
    value
        .as_bytes()
        .strip_prefix(b"v")
        .and_then(rules::strip_digits)
        .and_then(|rest| rest.strip_prefix(b"."))
        .and_then(rules::strip_digits)
        .and_then(|rest| rest.strip_prefix(b"."))
        .and_then(rules::strip_digits)
        .and_then(|rest| rest.strip_prefix(b"-eksbuild."))
        .and_then(rules::strip_digits)
        .is_some_and(<[u8]>::is_empty)
}

/// The suffix of the Secrets key's alias, `alias/<cluster_name>-eks-secrets`.
pub const SECRETS_ALIAS_SUFFIX: &str = "-eks-secrets";
/// The smallest root volume a node group may have, in GiB.
pub const MIN_DISK_SIZE_GIB: u32 = 20;
/// The world, which needs `allow_public_from_anywhere`.
pub const ANYWHERE: &str = "0.0.0.0/0";

/// A Kubernetes minor version in EKS standard support that the platform is tested with: the
/// rows of [`SUPPORT_TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum KubernetesVersion {
    /// 1.35, the default.
    #[default]
    V1_35,
}

/// When [`SUPPORT_TABLE`] was last checked against the EKS Kubernetes release calendar
/// (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). 1.33 left standard
/// support on 2026-07-29 and 1.34 on 2026-12-02, so neither is a row any more.
pub const SUPPORT_TABLE_CHECKED: &str = "2026-12-06";

/// One Kubernetes minor version on EKS: its standard-support window and the add-on versions
/// pinned for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Release {
    /// The version.
    pub version: KubernetesVersion,
    /// The day EKS released it (`YYYY-MM-DD`).
    pub released: &'static str,
    /// The last day of EKS standard support (`YYYY-MM-DD`); after it EKS bills extended
    /// support, or upgrades a cluster whose policy is STANDARD ([`SUPPORT_TYPE`]).
    pub end_of_standard_support: &'static str,
    /// `vpc-cni`, `coredns`, `kube-proxy`, `aws-ebs-csi-driver`, as [`AddonVersions::NAMES`]
    /// orders them: exact versions EKS publishes for this Kubernetes version.
    pub addons: [&'static str; 4],
}

/// The versions the platform allows, oldest first: each in EKS standard support on
/// [`SUPPORT_TABLE_CHECKED`]. The Rust rules, the eks module's `kubernetes_version` validation
/// and the add-on pins all come from here; a test fails once the default's standard support has
/// ended on the day it runs.
pub const SUPPORT_TABLE: [Release; 1] = [Release {
    version: KubernetesVersion::V1_35,
    released: "2026-01-28",
    end_of_standard_support: "2027-03-27",
    addons: [
        "v1.21.1-eksbuild.3",
        "v1.13.2-eksbuild.1",
        "v1.35.0-eksbuild.2",
        "v1.57.1-eksbuild.1",
    ],
}];

impl KubernetesVersion {
    /// Every version, oldest first.
    pub const ALL: [KubernetesVersion; 1] = [Self::V1_35];

    /// The version as EKS writes it (`1.35`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_35 => "1.35",
        }
    }

    /// Its row of [`SUPPORT_TABLE`].
    #[must_use]
    pub fn release(self) -> &'static Release {
        match self {
            Self::V1_35 => &SUPPORT_TABLE[0],
        }
    }

    /// The allowed versions as a sentence, with the end of each one's standard support
    /// (`1.35 (standard support until 2027-03-27)`): the message of the Rust rule and of the
    /// module's validation.
    #[must_use]
    pub fn allowed() -> String {
        SUPPORT_TABLE
            .iter()
            .map(|release| {
                [
                    release.version.as_str(),
                    " (standard support until ",
                    release.end_of_standard_support,
                    ")",
                ]
                .concat()
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// ```
/// use bkt_eks::KubernetesVersion;
///
/// let newest = KubernetesVersion::default();
/// assert_eq!(newest.as_str().parse::<KubernetesVersion>()?, newest);
/// let old = "1.20".parse::<KubernetesVersion>().unwrap_err();
/// assert!(old.to_string().starts_with("eks.kubernetes_version"), "{old}");
/// # Ok::<(), bkt_eks::Error>(())
/// ```
impl FromStr for KubernetesVersion {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|version| version.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "eks.kubernetes_version",
                    text,
                    [
                        "use one of ",
                        &Self::allowed(),
                        ": the versions in EKS standard support this platform is tested with (table checked on ",
                        SUPPORT_TABLE_CHECKED,
                        ")",
                    ]
                    .concat(),
                )
            })
    }
}

/// How the nodes of a group are bought; in serde, EKS's spelling (`ON_DEMAND`, `SPOT`).
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
pub enum CapacityType {
    /// On-demand instances.
    #[default]
    #[serde(rename = "ON_DEMAND")]
    OnDemand,
    /// Spot instances: cheaper, and can be reclaimed.
    #[serde(rename = "SPOT")]
    Spot,
}

impl CapacityType {
    /// Every capacity type, in the order the module's validation lists them.
    pub const ALL: [CapacityType; 2] = [Self::OnDemand, Self::Spot];

    /// EKS's spelling: `ON_DEMAND` or `SPOT`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnDemand => "ON_DEMAND",
            Self::Spot => "SPOT",
        }
    }
}

impl FromStr for CapacityType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|capacity| capacity.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "eks.node_groups.capacity_type",
                    text,
                    "use ON_DEMAND or SPOT",
                )
            })
    }
}

/// A control-plane log type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogType {
    /// The API server.
    Api,
    /// The audit log.
    Audit,
    /// The IAM authenticator.
    Authenticator,
    /// The controller manager.
    ControllerManager,
    /// The scheduler.
    Scheduler,
}

impl LogType {
    /// The types that are always on.
    pub const REQUIRED: [LogType; 3] = [Self::Api, Self::Audit, Self::Authenticator];
    /// Every type EKS offers.
    pub const ALL: [LogType; 5] = [
        Self::Api,
        Self::Audit,
        Self::Authenticator,
        Self::ControllerManager,
        Self::Scheduler,
    ];

    /// EKS's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Audit => "audit",
            Self::Authenticator => "authenticator",
            Self::ControllerManager => "controllerManager",
            Self::Scheduler => "scheduler",
        }
    }
}

impl FromStr for LogType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|log_type| log_type.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "eks.control_plane_log_types",
                    text,
                    "use api, audit, authenticator, controllerManager or scheduler",
                )
            })
    }
}

/// The pinned versions of the four core add-ons.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddonVersions {
    /// `vpc-cni`.
    pub vpc_cni: String,
    /// `coredns`.
    pub coredns: String,
    /// `kube-proxy`.
    pub kube_proxy: String,
    /// `aws-ebs-csi-driver`.
    pub aws_ebs_csi_driver: String,
}

impl Default for AddonVersions {
    /// The versions pinned for the default Kubernetes version.
    fn default() -> Self {
        Self::for_version(KubernetesVersion::default())
    }
}

impl AddonVersions {
    /// The versions [`SUPPORT_TABLE`] pins for `version`.
    #[must_use]
    pub fn for_version(version: KubernetesVersion) -> Self {
        let [vpc_cni, coredns, kube_proxy, aws_ebs_csi_driver] = version.release().addons;
        Self {
            vpc_cni: vpc_cni.to_owned(),
            coredns: coredns.to_owned(),
            kube_proxy: kube_proxy.to_owned(),
            aws_ebs_csi_driver: aws_ebs_csi_driver.to_owned(),
        }
    }

    /// The add-on names, in the order of the module's default.
    pub const NAMES: [&str; 4] = ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"];
    /// The add-on whose service account gets the EBS CSI role.
    pub const EBS_CSI_DRIVER: &str = "aws-ebs-csi-driver";
    /// The add-on that enforces `NetworkPolicies` when configured to (`network_policy`).
    pub const VPC_CNI: &str = "vpc-cni";

    /// `(add-on name, version)`, in the order of [`AddonVersions::NAMES`].
    #[must_use]
    pub fn entries(&self) -> [(&'static str, &str); 4] {
        [
            ("vpc-cni", &self.vpc_cni),
            ("coredns", &self.coredns),
            ("kube-proxy", &self.kube_proxy),
            ("aws-ebs-csi-driver", &self.aws_ebs_csi_driver),
        ]
    }

    /// Checks that every version is exact (`v1.20.4-eksbuild.1`, never `latest`).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the add-on (`eks.addon_versions.<name>`).
    pub fn check(&self) -> Result<()> {
        for (addon, version) in self.entries() {
            if !matches_addon_version_pattern(version) {
                return Err(Error::invalid(
                    &["eks.addon_versions.", addon].concat(),
                    version,
                    "pin an exact add-on version like v1.20.4-eksbuild.1 (no \"latest\"); see aws eks describe-addon-versions",
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn to_expr(&self) -> Expr {
        Expr::object(self.entries())
    }
}

/// A managed node group as a root asks for it. In serde, a key left out keeps
/// [`NodeGroup::new`]'s default; the group is checked when its [`ClusterSpec`] is built.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    /// EC2 instance types (at least one).
    pub instance_types: Vec<String>,
    /// On-demand or spot.
    #[serde(default)]
    pub capacity_type: CapacityType,
    /// Fewest nodes.
    #[serde(default = "node_defaults::min_size")]
    pub min_size: u32,
    /// Most nodes.
    #[serde(default = "node_defaults::max_size")]
    pub max_size: u32,
    /// Nodes wanted at creation.
    #[serde(default = "node_defaults::desired_size")]
    pub desired_size: u32,
    /// Root volume size in GiB (at least 20).
    #[serde(default = "node_defaults::disk_size_gib")]
    pub disk_size_gib: u32,
}

/// [`NodeGroup::new`]'s defaults, for serde.
mod node_defaults {
    pub(super) fn min_size() -> u32 {
        1
    }
    pub(super) fn max_size() -> u32 {
        3
    }
    pub(super) fn desired_size() -> u32 {
        2
    }
    pub(super) fn disk_size_gib() -> u32 {
        50
    }
}

impl NodeGroup {
    /// A group of these instance types with the module's defaults: on-demand, 1 ≤ 2 ≤ 3 nodes,
    /// 50 GiB root volumes.
    #[must_use]
    ///
    /// ```
    /// use bkt_eks::{CapacityType, ClusterSpec, NodeGroup};
    ///
    /// let spot = NodeGroup::new(["m6i.large", "m5.large"]).capacity_type(CapacityType::Spot);
    /// let spec = ClusterSpec::builder("shop-dev", ["subnet-a", "subnet-b"])
    ///     .node_group("spot", spot)
    ///     .build()?;
    /// assert_eq!(spec.launch_template_names(), ["shop-dev-spot"]);
    ///
    /// let upside_down = NodeGroup::new(["t3.large"]).sizes(3, 2, 1);
    /// let error = ClusterSpec::builder("shop-dev", ["subnet-a", "subnet-b"])
    ///     .node_group("default", upside_down)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(error.to_string().starts_with("eks.node_groups.default.desired_size"), "{error}");
    /// # Ok::<(), bkt_eks::Error>(())
    /// ```
    pub fn new(instance_types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            instance_types: instance_types.into_iter().map(Into::into).collect(),
            capacity_type: CapacityType::OnDemand,
            min_size: node_defaults::min_size(),
            max_size: node_defaults::max_size(),
            desired_size: node_defaults::desired_size(),
            disk_size_gib: node_defaults::disk_size_gib(),
        }
    }

    /// The capacity type.
    #[must_use]
    pub fn capacity_type(mut self, capacity_type: CapacityType) -> Self {
        self.capacity_type = capacity_type;
        self
    }

    /// Fewest, wanted and most nodes.
    #[must_use]
    pub fn sizes(mut self, min: u32, desired: u32, max: u32) -> Self {
        self.min_size = min;
        self.desired_size = desired;
        self.max_size = max;
        self
    }

    /// Root volume size in GiB.
    #[must_use]
    pub fn disk_size_gib(mut self, size: u32) -> Self {
        self.disk_size_gib = size;
        self
    }

    fn check(&self, name: &str) -> Result<()> {
        let field = |leaf: &str| ["eks.node_groups.", name, ".", leaf].concat();
        if !matches_node_group_name_pattern(name) {
            return Err(Error::invalid(
                "eks.node_groups",
                name,
                "name node groups in lowercase like \"default\" or \"spot\" (letters, digits, hyphens; max 31)",
            ));
        }
        if self.max_size < 1 {
            return Err(Error::invalid(
                &field("max_size"),
                self.max_size,
                "a node group needs max_size >= 1",
            ));
        }
        if self.min_size > self.desired_size || self.desired_size > self.max_size {
            return Err(Error::invalid(
                &field("desired_size"),
                format!(
                    "min {} / desired {} / max {}",
                    self.min_size, self.desired_size, self.max_size
                ),
                "sizes must satisfy min_size <= desired_size <= max_size",
            ));
        }
        if self.instance_types.is_empty() {
            return Err(Error::invalid(
                &field("instance_types"),
                "[]",
                "list at least one instance type (e.g. t3.large)",
            ));
        }
        if let Some(bad) = self
            .instance_types
            .iter()
            .find(|instance| !is_instance_type(instance))
        {
            return Err(Error::invalid(
                &field("instance_types"),
                bad,
                "an instance type is <family>.<size> in lowercase (e.g. t3.large)",
            ));
        }
        if self.disk_size_gib < MIN_DISK_SIZE_GIB {
            return Err(Error::invalid(
                &field("disk_size_gib"),
                self.disk_size_gib,
                "give the root volume at least 20 GiB",
            ));
        }
        Ok(())
    }

    pub(crate) fn to_expr(&self) -> Expr {
        Expr::object([
            (
                "instance_types",
                Expr::list(self.instance_types.iter().map(String::as_str)),
            ),
            ("capacity_type", self.capacity_type.as_str().into()),
            ("min_size", self.min_size.into()),
            ("max_size", self.max_size.into()),
            ("desired_size", self.desired_size.into()),
            ("disk_size_gib", self.disk_size_gib.into()),
        ])
    }
}

fn is_instance_type(text: &str) -> bool {
    let Some((family, size)) = text.split_once('.') else {
        return false;
    };
    let part = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    part(family) && part(size)
}

/// Parses the public endpoint's networks; any /0 needs `allow_public_from_anywhere`.
fn check_public_access_cidrs(
    cidrs: &[String],
    allow_public_from_anywhere: bool,
) -> Result<Vec<Ipv4Net>> {
    let mut public_access_cidrs = Vec::new();
    for cidr in cidrs {
        let net = Ipv4Net::from_str(cidr).map_err(|_| {
            Error::invalid(
                "eks.endpoint.public_access_cidrs",
                cidr,
                "write IPv4 CIDRs such as 203.0.113.0/24",
            )
        })?;
        // Any /0 is the whole internet, however its address is written.
        if net.prefix_len() == 0 && !allow_public_from_anywhere {
            return Err(Error::invalid(
                "eks.endpoint.public_access_cidrs",
                cidr,
                "this opens the API server to the internet; list your own networks, or set endpoint.allow_public_from_anywhere deliberately",
            ));
        }
        public_access_cidrs.push(net);
    }
    Ok(public_access_cidrs)
}

/// The values of one cluster: what a root passes to the eks module, validated by the same rules
/// as the module's `validation` blocks (and by AWS's name limits, which those only partly cover).
///
/// In serde it is the builder's fields (node groups as a map by name), and reading one runs
/// [`ClusterSpecBuilder::build`]:
///
/// ```
/// use bkt_eks::ClusterSpec;
/// let json = r#"{
///     "cluster_name": "shop-dev", "subnet_ids": ["subnet-a", "subnet-b"],
///     "node_groups": {"default": {"instance_types": ["t3.large"], "capacity_type": "SPOT"}}
/// }"#;
/// let spec: ClusterSpec = serde_json::from_str(json)?;
/// assert_eq!(spec.node_groups()["default"].max_size, 3);
/// let twice = r#"{"cluster_name": "shop-dev", "subnet_ids": ["subnet-a", "subnet-b"],
///     "node_groups": {"a": {"instance_types": ["t3.large"]}, "a": {"instance_types": ["m6i.large"]}}}"#;
/// let error = serde_json::from_str::<ClusterSpec>(twice).unwrap_err();
/// assert!(error.to_string().starts_with("eks.node_groups: \"a\" is invalid"), "{error}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ClusterSpecBuilder", into = "ClusterSpecBuilder")]
pub struct ClusterSpec {
    cluster_name: String,
    kubernetes_version: KubernetesVersion,
    subnet_ids: Vec<String>,
    public_access_cidrs: Vec<Ipv4Net>,
    allow_public_from_anywhere: bool,
    admin_principal_arns: Vec<String>,
    control_plane_log_types: Vec<LogType>,
    log_retention_days: FlowLogRetention,
    node_groups: BTreeMap<String, NodeGroup>,
    addon_versions: AddonVersions,
}

/// Builds a [`ClusterSpec`]: required values in [`ClusterSpec::builder`], the rest chained. In
/// serde, a key left out keeps the builder's default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpecBuilder {
    cluster_name: String,
    #[serde(default = "builder_defaults::kubernetes_version")]
    kubernetes_version: String,
    subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    public_access_cidrs: Vec<String>,
    #[serde(default)]
    allow_public_from_anywhere: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    admin_principal_arns: Vec<String>,
    #[serde(default = "builder_defaults::control_plane_log_types")]
    control_plane_log_types: Vec<String>,
    #[serde(default = "builder_defaults::log_retention_days")]
    log_retention_days: u16,
    /// In order, duplicates kept: [`ClusterSpecBuilder::build`] refuses a name given twice.
    #[serde(default, with = "crate::ordered_map")]
    node_groups: Vec<(String, NodeGroup)>,
    #[serde(default)]
    addon_versions: AddonVersions,
}

/// [`ClusterSpec::builder`]'s defaults, for serde.
mod builder_defaults {
    use super::{FlowLogRetention, KubernetesVersion, LogType};

    pub(super) fn kubernetes_version() -> String {
        KubernetesVersion::default().as_str().to_owned()
    }
    pub(super) fn control_plane_log_types() -> Vec<String> {
        LogType::REQUIRED
            .iter()
            .map(|log_type| log_type.as_str().to_owned())
            .collect()
    }
    pub(super) fn log_retention_days() -> u16 {
        FlowLogRetention::DEFAULT.days()
    }
}

impl TryFrom<ClusterSpecBuilder> for ClusterSpec {
    type Error = Error;

    fn try_from(builder: ClusterSpecBuilder) -> Result<Self> {
        builder.build()
    }
}

impl From<ClusterSpec> for ClusterSpecBuilder {
    fn from(spec: ClusterSpec) -> Self {
        Self {
            cluster_name: spec.cluster_name,
            kubernetes_version: spec.kubernetes_version.as_str().to_owned(),
            subnet_ids: spec.subnet_ids,
            public_access_cidrs: spec
                .public_access_cidrs
                .iter()
                .map(ToString::to_string)
                .collect(),
            allow_public_from_anywhere: spec.allow_public_from_anywhere,
            admin_principal_arns: spec.admin_principal_arns,
            control_plane_log_types: spec
                .control_plane_log_types
                .iter()
                .map(|log_type| log_type.as_str().to_owned())
                .collect(),
            log_retention_days: spec.log_retention_days.days(),
            node_groups: spec.node_groups.into_iter().collect(),
            addon_versions: spec.addon_versions,
        }
    }
}

mod builder;
mod values;
