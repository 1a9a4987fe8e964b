//! The eks Terraform module (`terraform/modules/eks`): inputs, the cluster, its KMS key, access
//! entries, node groups, the IRSA provider and the core add-ons — as typed values — and the
//! validated spec a root passes to it.
//!
//! The pitfalls this module exists to avoid stay visible in the model: the upgrade policy is
//! [`SUPPORT_TYPE`] (`STANDARD`; without it a version leaving standard support is billed at six
//! times the rate), authentication is [`AUTHENTICATION_MODE`] (`API`: access entries only), the
//! private endpoint is always on, and nodes require `IMDSv2` with a hop limit of
//! [`IMDS_HOP_LIMIT`] (1).

use std::collections::BTreeMap;
use std::str::FromStr;

use bkt_core::hcl::func::{
    alltrue, can, cidrhost, contains, keys, length, merge, regex, setsubtract, toset, trimprefix,
    values,
};
use bkt_core::hcl::{
    Arg, BinOp, Data, Expr, Field, File, Lifecycle, Local, Locals, Output, RequiredProvider,
    Resource, Settings, Type, Variable,
};
use bkt_core::{FileKind, Name, Tree, name};
use bkt_network::FlowLogRetention;
use bkt_network::aws::CloudwatchLogGroup;
use bkt_oidc::aws::{
    CallerIdentity, IamOpenidConnectProvider, IamRole, IamRolePolicyAttachment, Partition,
};
use bkt_oidc::policy::{IrsaTrust, PolicyDocument, Principal, Statement};
use ipnet::Ipv4Net;

use crate::aws::{
    AccessConfig, AccessScope, BlockDeviceMappings, Ebs, EksAccessEntry,
    EksAccessPolicyAssociation, EksAddon, EksCluster, EksNodeGroup, EncryptionConfig,
    EncryptionProvider, LaunchTemplate, MetadataOptions, NodeGroupLaunchTemplate, ScalingConfig,
    TagSpecifications, UpdateConfig, UpgradePolicy, VpcConfig,
};
use crate::kms::{self, Account};
use crate::rules::{self, IAM_PRINCIPAL_ARN_PATTERN, MAX_IAM_ROLE_NAME};
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
/// The regular expression of exact add-on versions.
pub const ADDON_VERSION_PATTERN: &str = "^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$";
/// The suffix of the Secrets key's alias, `alias/<cluster_name>-eks-secrets`.
pub const SECRETS_ALIAS_SUFFIX: &str = "-eks-secrets";
/// The smallest root volume a node group may have, in GiB.
pub const MIN_DISK_SIZE_GIB: u32 = 20;
/// The world, which needs `allow_public_from_anywhere`.
pub const ANYWHERE: &str = "0.0.0.0/0";

/// A Kubernetes minor version in EKS standard support that the platform is tested with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum KubernetesVersion {
    /// 1.33.
    V1_33,
    /// 1.34, the default.
    #[default]
    V1_34,
    /// 1.35.
    V1_35,
}

impl KubernetesVersion {
    /// Every version, oldest first.
    pub const ALL: [KubernetesVersion; 3] = [Self::V1_33, Self::V1_34, Self::V1_35];

    /// The version as EKS writes it (`1.34`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_33 => "1.33",
            Self::V1_34 => "1.34",
            Self::V1_35 => "1.35",
        }
    }
}

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
                    "use 1.33, 1.34 or 1.35 (versions in EKS standard support this platform is tested with)",
                )
            })
    }
}

/// How the nodes of a group are bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum CapacityType {
    /// On-demand instances.
    #[default]
    OnDemand,
    /// Spot instances: cheaper, and can be reclaimed.
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// The versions pinned for Kubernetes 1.34.
    fn default() -> Self {
        Self {
            vpc_cni: "v1.20.4-eksbuild.1".to_owned(),
            coredns: "v1.12.4-eksbuild.1".to_owned(),
            kube_proxy: "v1.34.0-eksbuild.5".to_owned(),
            aws_ebs_csi_driver: "v1.50.1-eksbuild.1".to_owned(),
        }
    }
}

impl AddonVersions {
    /// The add-on names, in the order of the module's default.
    pub const NAMES: [&str; 4] = ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"];
    /// The add-on whose service account gets the EBS CSI role.
    pub const EBS_CSI_DRIVER: &str = "aws-ebs-csi-driver";

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
            if !rules::matches(ADDON_VERSION_PATTERN, version) {
                return Err(Error::invalid(
                    &["eks.addon_versions.", addon].concat(),
                    version,
                    "pin an exact add-on version like v1.20.4-eksbuild.1 (no \"latest\"); see aws eks describe-addon-versions",
                ));
            }
        }
        Ok(())
    }

    fn to_expr(&self) -> Expr {
        Expr::object(self.entries())
    }
}

/// A managed node group as a root asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeGroup {
    /// EC2 instance types (at least one).
    pub instance_types: Vec<String>,
    /// On-demand or spot.
    pub capacity_type: CapacityType,
    /// Fewest nodes.
    pub min_size: u32,
    /// Most nodes.
    pub max_size: u32,
    /// Nodes wanted at creation.
    pub desired_size: u32,
    /// Root volume size in GiB (at least 20).
    pub disk_size_gib: u32,
}

impl NodeGroup {
    /// A group of these instance types with the module's defaults: on-demand, 1 ≤ 2 ≤ 3 nodes,
    /// 50 GiB root volumes.
    #[must_use]
    pub fn new(instance_types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            instance_types: instance_types.into_iter().map(Into::into).collect(),
            capacity_type: CapacityType::OnDemand,
            min_size: 1,
            max_size: 3,
            desired_size: 2,
            disk_size_gib: 50,
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
        if !rules::matches(NODE_GROUP_NAME_PATTERN, name) {
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

    fn to_expr(&self) -> Expr {
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Builds a [`ClusterSpec`]: required values in [`ClusterSpec::builder`], the rest chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSpecBuilder {
    cluster_name: String,
    kubernetes_version: String,
    subnet_ids: Vec<String>,
    public_access_cidrs: Vec<String>,
    allow_public_from_anywhere: bool,
    admin_principal_arns: Vec<String>,
    control_plane_log_types: Vec<String>,
    log_retention_days: u16,
    node_groups: Vec<(String, NodeGroup)>,
    addon_versions: AddonVersions,
}

impl ClusterSpec {
    /// Starts a spec for the cluster `cluster_name` in these private subnets.
    #[must_use]
    pub fn builder(
        cluster_name: impl Into<String>,
        subnet_ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> ClusterSpecBuilder {
        ClusterSpecBuilder {
            cluster_name: cluster_name.into(),
            kubernetes_version: KubernetesVersion::default().as_str().to_owned(),
            subnet_ids: subnet_ids.into_iter().map(Into::into).collect(),
            public_access_cidrs: Vec::new(),
            allow_public_from_anywhere: false,
            admin_principal_arns: Vec::new(),
            control_plane_log_types: LogType::REQUIRED
                .iter()
                .map(|log_type| log_type.as_str().to_owned())
                .collect(),
            log_retention_days: FlowLogRetention::DEFAULT.days(),
            node_groups: Vec::new(),
            addon_versions: AddonVersions::default(),
        }
    }

    /// The cluster's name.
    #[must_use]
    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// The Kubernetes version.
    #[must_use]
    pub fn kubernetes_version(&self) -> KubernetesVersion {
        self.kubernetes_version
    }

    /// Whether the public endpoint is on (only when networks are listed for it).
    #[must_use]
    pub fn public_endpoint(&self) -> bool {
        !self.public_access_cidrs.is_empty()
    }

    /// The node groups, by name.
    #[must_use]
    pub fn node_groups(&self) -> &BTreeMap<String, NodeGroup> {
        &self.node_groups
    }

    /// The IAM role names Terraform will create: cluster, node, EBS CSI driver.
    #[must_use]
    pub fn role_names(&self) -> Vec<String> {
        ROLE_SUFFIXES
            .iter()
            .map(|suffix| [self.cluster_name.as_str(), suffix].concat())
            .collect()
    }

    /// The Secrets key's alias, `alias/<cluster_name>-eks-secrets`.
    #[must_use]
    pub fn secrets_key_alias(&self) -> String {
        [kms::ALIAS_PREFIX, &self.cluster_name, SECRETS_ALIAS_SUFFIX].concat()
    }

    /// The launch template names Terraform will create, `<cluster_name>-<group>`.
    #[must_use]
    pub fn launch_template_names(&self) -> Vec<String> {
        self.node_groups
            .keys()
            .map(|group| [self.cluster_name.as_str(), "-", group].concat())
            .collect()
    }

    /// The module call's inputs with these values (a root may replace any of them with a
    /// reference, such as the network module's subnet IDs).
    #[must_use]
    pub fn inputs(&self) -> EksInputs {
        let strings = |items: &[String]| Expr::list(items.iter().map(String::as_str));
        let mut endpoint: Vec<(&str, Expr)> = Vec::new();
        if self.public_endpoint() {
            endpoint.push((
                "public_access_cidrs",
                Expr::list(self.public_access_cidrs.iter().map(ToString::to_string)),
            ));
        }
        if self.allow_public_from_anywhere {
            endpoint.push(("allow_public_from_anywhere", true.into()));
        }
        EksInputs {
            cluster_name: Some(self.cluster_name.as_str().into()),
            kubernetes_version: Some(self.kubernetes_version.as_str().into()),
            subnet_ids: Some(strings(&self.subnet_ids).into()),
            endpoint: Some(Expr::object(endpoint).into()),
            admin_principal_arns: Some(strings(&self.admin_principal_arns).into()),
            control_plane_log_types: Some(
                Expr::list(self.control_plane_log_types.iter().map(|t| t.as_str())).into(),
            ),
            log_retention_days: Some(self.log_retention_days.days().into()),
            node_groups: Some(
                Expr::object(
                    self.node_groups
                        .iter()
                        .map(|(name, group)| (name.as_str(), group.to_expr())),
                )
                .into(),
            ),
            addon_versions: Some(self.addon_versions.to_expr().into()),
            tags: None,
        }
    }
}

impl ClusterSpecBuilder {
    /// The Kubernetes version (default 1.34).
    #[must_use]
    pub fn kubernetes_version(mut self, version: impl Into<String>) -> Self {
        self.kubernetes_version = version.into();
        self
    }

    /// Networks that may reach the public endpoint (none: private only).
    #[must_use]
    pub fn public_access_cidrs(
        mut self,
        cidrs: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.public_access_cidrs = cidrs.into_iter().map(Into::into).collect();
        self
    }

    /// Allows `0.0.0.0/0` among the public networks, deliberately.
    #[must_use]
    pub fn allow_public_from_anywhere(mut self, allow: bool) -> Self {
        self.allow_public_from_anywhere = allow;
        self
    }

    /// IAM role or user ARNs that get cluster-admin access entries.
    #[must_use]
    pub fn admin_principal_arns(
        mut self,
        arns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.admin_principal_arns = arns.into_iter().map(Into::into).collect();
        self
    }

    /// Control-plane log types (must include api, audit and authenticator).
    #[must_use]
    pub fn control_plane_log_types(
        mut self,
        log_types: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.control_plane_log_types = log_types.into_iter().map(Into::into).collect();
        self
    }

    /// Days CloudWatch keeps the control-plane logs (default 30).
    #[must_use]
    pub fn log_retention_days(mut self, days: u16) -> Self {
        self.log_retention_days = days;
        self
    }

    /// Adds a node group.
    #[must_use]
    pub fn node_group(mut self, name: impl Into<String>, group: NodeGroup) -> Self {
        self.node_groups.push((name.into(), group));
        self
    }

    /// The add-on versions (default: pinned for 1.34).
    #[must_use]
    pub fn addon_versions(mut self, versions: AddonVersions) -> Self {
        self.addon_versions = versions;
        self
    }

    /// Validates every value, the rules of the module's `validation` blocks plus AWS's name
    /// limits.
    ///
    /// # Errors
    /// [`Error::Invalid`] for the first bad field, naming it, with the fix.
    pub fn build(self) -> Result<ClusterSpec> {
        rules::check_cluster_name(
            "eks.cluster_name",
            &self.cluster_name,
            MAX_CLUSTER_NAME,
            "so that the IAM role names <name>-cluster, -node and -ebs-csi stay within 64",
        )?;
        let kubernetes_version = KubernetesVersion::from_str(&self.kubernetes_version)?;
        if self.subnet_ids.len() < 2 {
            return Err(Error::invalid(
                "eks.subnet_ids",
                format!("{:?}", self.subnet_ids),
                "list at least two private subnets in different zones; EKS rejects a single zone",
            ));
        }
        let public_access_cidrs =
            check_public_access_cidrs(&self.public_access_cidrs, self.allow_public_from_anywhere)?;
        if let Some(arn) = self
            .admin_principal_arns
            .iter()
            .find(|arn| !rules::matches(IAM_PRINCIPAL_ARN_PATTERN, arn))
        {
            return Err(Error::invalid(
                "eks.admin_principal_arns",
                arn,
                "give IAM role or user ARNs like arn:aws:iam::123456789012:role/platform-admin",
            ));
        }
        let mut control_plane_log_types = Vec::new();
        for text in &self.control_plane_log_types {
            let log_type = LogType::from_str(text)?;
            if !control_plane_log_types.contains(&log_type) {
                control_plane_log_types.push(log_type);
            }
        }
        if let Some(missing) = LogType::REQUIRED
            .iter()
            .find(|required| !control_plane_log_types.contains(required))
        {
            return Err(Error::invalid(
                "eks.control_plane_log_types",
                missing.as_str(),
                "api, audit and authenticator logs are always required; add the missing one",
            ));
        }
        let log_retention_days =
            FlowLogRetention::new("eks.log_retention_days", self.log_retention_days).map_err(
                |_| {
                    Error::invalid(
                        "eks.log_retention_days",
                        self.log_retention_days,
                        "use a CloudWatch Logs retention value such as 7, 14, 30, 90 or 365",
                    )
                },
            )?;
        if self.node_groups.is_empty() {
            return Err(Error::invalid(
                "eks.node_groups",
                "{}",
                "define at least one node group",
            ));
        }
        let mut node_groups = BTreeMap::new();
        for (name, group) in self.node_groups {
            group.check(&name)?;
            if node_groups.insert(name.clone(), group).is_some() {
                return Err(Error::invalid(
                    "eks.node_groups",
                    name,
                    "each node group needs its own name",
                ));
            }
        }
        self.addon_versions.check()?;
        let spec = ClusterSpec {
            cluster_name: self.cluster_name,
            kubernetes_version,
            subnet_ids: self.subnet_ids,
            public_access_cidrs,
            allow_public_from_anywhere: self.allow_public_from_anywhere,
            admin_principal_arns: self.admin_principal_arns,
            control_plane_log_types,
            log_retention_days,
            node_groups,
            addon_versions: self.addon_versions,
        };
        for role in spec.role_names() {
            rules::check_iam_role_name("eks.cluster_name", &role)?;
        }
        kms::check_alias("eks.cluster_name", &spec.secrets_key_alias())?;
        Ok(spec)
    }
}

bkt_core::terraform_kind! {
    /// The inputs of a call of the eks module (`module "eks" { source = … }`): one field per
    /// variable of the module.
    pub module EksInputs => "eks" {
        /// `cluster_name`.
        cluster_name,
        /// `kubernetes_version`.
        kubernetes_version,
        /// `subnet_ids`.
        subnet_ids,
        /// `endpoint`.
        endpoint,
        /// `admin_principal_arns`.
        admin_principal_arns,
        /// `control_plane_log_types`.
        control_plane_log_types,
        /// `log_retention_days`.
        log_retention_days,
        /// `node_groups`.
        node_groups,
        /// `addon_versions`.
        addon_versions,
        /// `tags`.
        tags,
    }
    /// The outputs of the eks module.
    pub ref EksOutputs {
        cluster_name,
        cluster_arn,
        cluster_endpoint,
        cluster_certificate_authority_data,
        cluster_security_group_id,
        oidc_provider_arn,
        oidc_issuer,
        node_role_arn,
        secrets_kms_key_arn,
    }
}

/// The eks module: the defaults of its optional inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EksModule {
    /// Default of `kubernetes_version`.
    pub kubernetes_version: KubernetesVersion,
    /// Default of `log_retention_days`.
    pub log_retention_days: FlowLogRetention,
    /// Default of `addon_versions`.
    pub addon_versions: AddonVersions,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for EksModule {
    fn default() -> Self {
        Self {
            kubernetes_version: KubernetesVersion::default(),
            log_retention_days: FlowLogRetention::DEFAULT,
            addon_versions: AddonVersions::default(),
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

/// The module's input variables, kept together so resources can refer to them.
struct Inputs {
    cluster_name: Variable,
    kubernetes_version: Variable,
    subnet_ids: Variable,
    endpoint: Variable,
    admin_principal_arns: Variable,
    control_plane_log_types: Variable,
    log_retention_days: Variable,
    node_groups: Variable,
    addon_versions: Variable,
    tags: Variable,
}

/// The description of `endpoint`. It quotes an HCL setting in prose, so the line is split where
/// a repository rule looks for HCL text in string literals.
const ENDPOINT_DESCRIPTION: &str = concat!(
    "API server endpoint access. The private endpoint is always on. The public endpoint is off unless\n",
    "public_access_cidrs lists the networks allowed to reach it; 0.0.0.0/0 additionally needs\n",
    "allow_public_from_anywhere =",
    " true.",
);

/// The message of the `endpoint` rule against `0.0.0.0/0` (split like [`ENDPOINT_DESCRIPTION`]).
const ANYWHERE_MESSAGE: &str = concat!(
    "endpoint.public_access_cidrs contains 0.0.0.0/0, which opens the API server to the internet; ",
    "list your own networks or set endpoint.allow_public_from_anywhere =",
    " true deliberately.",
);

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Expr {
    Expr::list(items)
}

fn for_all(item: &Name, collection: Expr, condition: impl FnOnce(Expr) -> Expr) -> Expr {
    alltrue(Expr::for_list(item, collection, condition))
}

impl EksModule {
    #[allow(
        clippy::too_many_lines,
        reason = "the variables, in the order of variables.tf"
    )]
    fn inputs(&self) -> Inputs {
        let retention_values = FlowLogRetention::ALLOWED
            .iter()
            .map(|days| Expr::from(*days));
        let required_logs = || strings(LogType::REQUIRED.iter().map(|t| t.as_str()));
        let group = name!("group");
        Inputs {
            cluster_name: Variable::new(
                name!("cluster_name"),
                "Name of the EKS cluster (e.g. bkt-dev).",
                Type::String,
            )
            .validate(
                |name| can(regex(CLUSTER_NAME_PATTERN, name)),
                "cluster_name must start with a letter and contain only letters, digits and hyphens (max 56, so the IAM role names <cluster_name>-cluster, -node and -ebs-csi stay within 64).",
            ),
            kubernetes_version: Variable::new(
                name!("kubernetes_version"),
                "Kubernetes minor version of the control plane. Only versions in EKS standard support are allowed; extended support costs six times more.",
                Type::String,
            )
            .default(self.kubernetes_version.as_str())
            .validate(
                |version| contains(strings(KubernetesVersion::ALL.iter().map(|v| v.as_str())), version),
                "kubernetes_version must be one of 1.33, 1.34, 1.35 (versions this platform is tested with in EKS standard support).",
            ),
            subnet_ids: Variable::new(
                name!("subnet_ids"),
                "Private subnets for the control-plane ENIs and the nodes (at least two zones).",
                Type::List(Box::new(Type::String)),
            )
            .validate(
                |ids| length(ids).at_least(2),
                "subnet_ids must list at least two private subnets in different zones; EKS rejects a single zone.",
            ),
            endpoint: Variable::new(
                name!("endpoint"),
                ENDPOINT_DESCRIPTION,
                Type::Object(vec![
                    Field::defaulted(
                        name!("public_access_cidrs"),
                        Type::List(Box::new(Type::String)),
                        Expr::list(Vec::<Expr>::new()),
                    ),
                    Field::defaulted(name!("allow_public_from_anywhere"), Type::Bool, false),
                ]),
            )
            .default(Expr::object::<&str, Expr>([]))
            .validate(
                |endpoint| {
                    for_all(
                        &name!("cidr"),
                        endpoint.attr(&name!("public_access_cidrs")),
                        |cidr| can(cidrhost(cidr, 0)),
                    )
                },
                "endpoint.public_access_cidrs must contain IPv4 CIDRs such as 203.0.113.0/24.",
            )
            .validate(
                |endpoint| {
                    endpoint
                        .clone()
                        .attr(&name!("allow_public_from_anywhere"))
                        .or(!contains(
                            endpoint.attr(&name!("public_access_cidrs")),
                            ANYWHERE,
                        ))
                },
                ANYWHERE_MESSAGE,
            ),
            admin_principal_arns: Variable::new(
                name!("admin_principal_arns"),
                "IAM role/user ARNs given cluster-admin through EKS access entries (the cluster creator gets no implicit access).",
                Type::List(Box::new(Type::String)),
            )
            .default(Expr::list(Vec::<Expr>::new()))
            .validate(
                |arns| for_all(&name!("arn"), arns, |arn| can(regex(IAM_PRINCIPAL_ARN_PATTERN, arn))),
                "admin_principal_arns must be IAM role or user ARNs like arn:aws:iam::123456789012:role/platform-admin.",
            ),
            control_plane_log_types: Variable::new(
                name!("control_plane_log_types"),
                "Control-plane log types sent to CloudWatch; api, audit and authenticator are always required.",
                Type::List(Box::new(Type::String)),
            )
            .default(required_logs())
            .validate(
                |types| {
                    length(setsubtract(required_logs(), types.clone()))
                        .equals(0)
                        .and(
                            length(setsubtract(
                                types,
                                strings(LogType::ALL.iter().map(|t| t.as_str())),
                            ))
                            .equals(0),
                        )
                },
                "control_plane_log_types must include api, audit and authenticator, and may add only controllerManager and scheduler.",
            ),
            log_retention_days: Variable::new(
                name!("log_retention_days"),
                "Days CloudWatch keeps the control-plane logs.",
                Type::Number,
            )
            .default(self.log_retention_days.days())
            .validate(
                |days| contains(Expr::list(retention_values), days),
                "log_retention_days must be a CloudWatch Logs retention value such as 7, 14, 30, 90 or 365.",
            ),
            node_groups: Variable::new(
                name!("node_groups"),
                "Managed node groups keyed by a stable name. capacity_type is ON_DEMAND or SPOT (SPOT is cheaper and can be reclaimed).",
                Type::Map(Box::new(Type::Object(vec![
                    Field::required(name!("instance_types"), Type::List(Box::new(Type::String))),
                    Field::defaulted(name!("capacity_type"), Type::String, CapacityType::OnDemand.as_str()),
                    Field::defaulted(name!("min_size"), Type::Number, 1),
                    Field::defaulted(name!("max_size"), Type::Number, 3),
                    Field::defaulted(name!("desired_size"), Type::Number, 2),
                    Field::defaulted(name!("disk_size_gib"), Type::Number, 50),
                ]))),
            )
            .validate(
                |groups| length(groups).binary(BinOp::Greater, 0),
                "node_groups must define at least one node group.",
            )
            .validate(
                |groups| {
                    for_all(&group, values(groups), |group| {
                        contains(
                            strings(CapacityType::ALL.iter().map(|c| c.as_str())),
                            group.attr(&name!("capacity_type")),
                        )
                    })
                },
                "node_groups[*].capacity_type must be ON_DEMAND or SPOT.",
            )
            .validate(
                |groups| {
                    for_all(&group, values(groups), |group| {
                        let size = |field: &Name| group.clone().attr(field);
                        size(&name!("min_size"))
                            .at_least(0)
                            .and(size(&name!("min_size")).at_most(size(&name!("desired_size"))))
                            .and(size(&name!("desired_size")).at_most(size(&name!("max_size"))))
                            .and(size(&name!("max_size")).at_least(1))
                    })
                },
                "node_groups[*] sizes must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1.",
            )
            .validate(
                |groups| {
                    for_all(&group, values(groups), |group| {
                        length(group.clone().attr(&name!("instance_types")))
                            .binary(BinOp::Greater, 0)
                            .and(group.attr(&name!("disk_size_gib")).at_least(MIN_DISK_SIZE_GIB))
                    })
                },
                "node_groups[*] need at least one instance type and a root volume of at least 20 GiB.",
            )
            .validate(
                |groups| {
                    for_all(&name!("name"), keys(groups), |name| {
                        can(regex(NODE_GROUP_NAME_PATTERN, name))
                    })
                },
                "node_groups keys must be lowercase names like \"default\" or \"spot\" (letters, digits, hyphens; max 31).",
            ),
            addon_versions: Variable::new(
                name!("addon_versions"),
                "Pinned EKS add-on versions (check with `aws eks describe-addon-versions --kubernetes-version <v>`). Keys: vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver.",
                Type::Map(Box::new(Type::String)),
            )
            .default(self.addon_versions.to_expr())
            .validate(
                |versions| toset(keys(versions)).equals(toset(strings(AddonVersions::NAMES))),
                "addon_versions must pin exactly vpc-cni, coredns, kube-proxy and aws-ebs-csi-driver.",
            )
            .validate(
                |versions| {
                    for_all(&name!("version"), values(versions), |version| {
                        can(regex(ADDON_VERSION_PATTERN, version))
                    })
                },
                "addon_versions values must be exact add-on versions like v1.20.4-eksbuild.1 (no \"latest\").",
            ),
            tags: Variable::new(
                name!("tags"),
                "Tags added to every resource of the module.",
                Type::Map(Box::new(Type::String)),
            )
            .default(Expr::object::<&str, Expr>([])),
        }
    }

    /// The module's files, by file name (`main.tf`, `variables.tf` …), without headers.
    ///
    /// # Errors
    /// A policy or KMS model error (none for the values this module sets).
    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its files"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = self.inputs();
        let var_name = inputs.cluster_name.reference();
        let var_tags = || Arg::from(inputs.tags.reference());
        let named = |suffix: &str| Expr::template([var_name.clone(), suffix.into()]);

        let partition_data = Data::new(name!("current"), Partition::default());
        let caller = Data::new(name!("current"), CallerIdentity::default());
        let partition = Local::new(name!("partition"), partition_data.get().partition());
        let public_access = Local::new(
            name!("public_access"),
            length(
                inputs
                    .endpoint
                    .reference()
                    .attr(&name!("public_access_cidrs")),
            )
            .binary(BinOp::Greater, 0),
        );
        let aws_policy = |path: Expr| {
            Expr::template([
                "arn:".into(),
                partition.reference(),
                ":iam::aws:policy/".into(),
                path,
            ])
        };

        let cluster_role = Resource::new(
            name!("cluster"),
            IamRole {
                name: Some(named("-cluster").into()),
                assume_role_policy: Some(
                    PolicyDocument::new([Statement::allow()
                        .principal(Principal::service("eks.amazonaws.com"))
                        .action(["sts:AssumeRole", "sts:TagSession"])])
                    .to_json()
                    .into(),
                ),
                tags: Some(var_tags()),
                ..IamRole::default()
            },
        );
        let cluster_attachment = Resource::new(
            name!("cluster"),
            IamRolePolicyAttachment {
                role: Some(cluster_role.get().name().into()),
                policy_arn: Some(aws_policy("AmazonEKSClusterPolicy".into()).into()),
            },
        );
        let log_group = Resource::new(
            name!("cluster"),
            CloudwatchLogGroup {
                name: Some(
                    Expr::template(["/aws/eks/".into(), var_name.clone(), "/cluster".into()])
                        .into(),
                ),
                retention_in_days: Some(inputs.log_retention_days.reference().into()),
                tags: Some(var_tags()),
            },
        )
        .why("Created before the cluster so EKS writes into a group with a retention instead of an unbounded one.");

        let secrets_key = kms::Key::builder(
            name!("secrets"),
            Expr::template([
                "EKS ".into(),
                var_name.clone(),
                " Secrets envelope encryption".into(),
            ]),
            Account {
                partition: partition.reference(),
                account_id: caller.get().account_id(),
            },
        )
        .alias(
            Expr::template(["alias/".into(), var_name.clone(), SECRETS_ALIAS_SUFFIX.into()]),
            SECRETS_ALIAS_SUFFIX,
        )
        .tags(inputs.tags.reference())
        .why("Envelope encryption of Kubernetes Secrets with a customer-managed, yearly rotated key.")
        .build()?;

        let endpoint_cidrs = inputs
            .endpoint
            .reference()
            .attr(&name!("public_access_cidrs"));
        let cluster = Resource::new(
            name!("this"),
            EksCluster {
                name: Some(var_name.clone().into()),
                version: Some(inputs.kubernetes_version.reference().into()),
                role_arn: Some(cluster_role.get().arn().into()),
                enabled_cluster_log_types: Some(
                    inputs.control_plane_log_types.reference().into(),
                ),
                tags: Some(var_tags()),
                upgrade_policy: Some(UpgradePolicy {
                    support_type: Some(SUPPORT_TYPE.into()),
                    why: Some("Without an explicit STANDARD policy, a version leaving standard support moves to extended support (6x price).".into()),
                }),
                access_config: Some(AccessConfig {
                    authentication_mode: Some(AUTHENTICATION_MODE.into()),
                    bootstrap_cluster_creator_admin_permissions: Some(false.into()),
                    why: None,
                }),
                encryption_config: Some(EncryptionConfig {
                    resources: Some(Expr::list(["secrets"]).into()),
                    provider: Some(EncryptionProvider {
                        key_arn: Some(secrets_key.key().get().arn().into()),
                        why: None,
                    }),
                    why: None,
                }),
                vpc_config: Some(VpcConfig {
                    subnet_ids: Some(inputs.subnet_ids.reference().into()),
                    endpoint_private_access: Some(true.into()),
                    endpoint_public_access: Some(public_access.reference().into()),
                    public_access_cidrs: Some(
                        public_access
                            .reference()
                            .then_else(endpoint_cidrs, Expr::null())
                            .into(),
                    ),
                    why: None,
                }),
            },
        )
        .depends_on(&cluster_attachment)
        .depends_on(&log_group);
        let access_entries = Resource::new(
            name!("admin"),
            EksAccessEntry {
                cluster_name: Some(cluster.get().name().into()),
                principal_arn: Some(Expr::each_value().into()),
                r#type: Some("STANDARD".into()),
                tags: Some(var_tags()),
            },
        )
        .for_each(toset(inputs.admin_principal_arns.reference()));
        let admin_policies = Resource::new(
            name!("admin"),
            EksAccessPolicyAssociation {
                cluster_name: Some(cluster.get().name().into()),
                principal_arn: Some(Expr::each_value().attr(&name!("principal_arn")).into()),
                policy_arn: Some(
                    Expr::template([
                        "arn:".into(),
                        partition.reference(),
                        ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy".into(),
                    ])
                    .into(),
                ),
                access_scope: Some(AccessScope {
                    r#type: Some("cluster".into()),
                    ..AccessScope::default()
                }),
            },
        )
        .for_each(access_entries.all());

        let mut main = File::new();
        main.push(partition_data.to_block())
            .push(caller.to_block())
            .push(
                Locals {
                    groups: vec![vec![partition.clone(), public_access]],
                }
                .to_block(),
            )
            .push(cluster_role.to_block())
            .push(cluster_attachment.to_block())
            .push(log_group.to_block())
            .push(cluster.to_block())
            .push(access_entries.to_block())
            .push(admin_policies.to_block());

        let mut kms_file = File::new();
        for block in secrets_key.to_blocks() {
            kms_file.push(block);
        }

        // irsa.tf
        let issuer = cluster
            .get()
            .identity()
            .index(0)
            .attr(&name!("oidc"))
            .index(0)
            .attr(&name!("issuer"));
        let oidc_provider = Resource::new(
            name!("this"),
            IamOpenidConnectProvider {
                url: Some(issuer.clone().into()),
                client_id_list: Some(Expr::list([bkt_oidc::policy::STS_AUDIENCE]).into()),
                tags: Some(var_tags()),
                ..IamOpenidConnectProvider::default()
            },
        )
        .why("IAM OIDC provider so service accounts can assume IAM roles (IRSA).");
        let oidc_issuer = Local::new(name!("oidc_issuer"), trimprefix(issuer, "https://"));
        let mut irsa = File::new();
        irsa.push(oidc_provider.to_block()).push(
            Locals {
                groups: vec![vec![oidc_issuer.clone()]],
            }
            .to_block(),
        );

        // nodes.tf
        let node_role = Resource::new(
            name!("node"),
            IamRole {
                name: Some(named("-node").into()),
                assume_role_policy: Some(
                    PolicyDocument::new([Statement::allow()
                        .principal(Principal::service("ec2.amazonaws.com"))
                        .action("sts:AssumeRole")])
                    .to_json()
                    .into(),
                ),
                tags: Some(var_tags()),
                ..IamRole::default()
            },
        );
        let node_attachments = Resource::new(
            name!("node"),
            IamRolePolicyAttachment {
                role: Some(node_role.get().name().into()),
                policy_arn: Some(aws_policy(Expr::each_value()).into()),
            },
        )
        .for_each(toset(strings([
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
            "AmazonEC2ContainerRegistryReadOnly",
        ])));
        let group_name = || Expr::template([var_name.clone(), "-".into(), Expr::each_key()]);
        let each_group = |field: &Name| Expr::each_value().attr(field);
        let launch_template = Resource::new(
            name!("node"),
            LaunchTemplate {
                name: Some(group_name().into()),
                description: Some(
                    Expr::template([
                        "Nodes of ".into(),
                        var_name.clone(),
                        " group ".into(),
                        Expr::each_key(),
                        ": IMDSv2 only, encrypted gp3 root, no SSH key".into(),
                    ])
                    .into(),
                ),
                update_default_version: Some(true.into()),
                tags: Some(var_tags()),
                metadata_options: Some(MetadataOptions {
                    http_endpoint: Some("enabled".into()),
                    http_tokens: Some("required".into()),
                    http_put_response_hop_limit: Some(IMDS_HOP_LIMIT.into()),
                    why: Some("Hop limit 1 keeps pods from reaching the node's instance role through IMDS; controllers that need\nthe region or VPC (the LB controller) get them as explicit settings instead.".into()),
                }),
                block_device_mappings: vec![BlockDeviceMappings {
                    device_name: Some("/dev/xvda".into()),
                    ebs: Some(Ebs {
                        volume_size: Some(each_group(&name!("disk_size_gib")).into()),
                        volume_type: Some("gp3".into()),
                        encrypted: Some(true.into()),
                        delete_on_termination: Some(true.into()),
                        why: None,
                    }),
                    why: None,
                }],
                tag_specifications: vec![TagSpecifications {
                    resource_type: Some("instance".into()),
                    tags: Some(
                        merge([
                            inputs.tags.reference(),
                            Expr::object([("Name", group_name())]),
                        ])
                        .into(),
                    ),
                    why: None,
                }],
            },
        )
        .for_each(inputs.node_groups.reference());
        let node_groups = Resource::new(
            name!("this"),
            EksNodeGroup {
                cluster_name: Some(cluster.get().name().into()),
                node_group_name: Some(Expr::each_key().into()),
                node_role_arn: Some(node_role.get().arn().into()),
                subnet_ids: Some(inputs.subnet_ids.reference().into()),
                ami_type: Some(AMI_TYPE.into()),
                capacity_type: Some(each_group(&name!("capacity_type")).into()),
                instance_types: Some(each_group(&name!("instance_types")).into()),
                tags: Some(var_tags()),
                launch_template: Some(NodeGroupLaunchTemplate {
                    id: Some(launch_template.at(Expr::each_key()).id().into()),
                    version: Some(launch_template.at(Expr::each_key()).latest_version().into()),
                    why: None,
                }),
                scaling_config: Some(ScalingConfig {
                    min_size: Some(each_group(&name!("min_size")).into()),
                    max_size: Some(each_group(&name!("max_size")).into()),
                    desired_size: Some(each_group(&name!("desired_size")).into()),
                    why: None,
                }),
                update_config: Some(UpdateConfig {
                    max_unavailable: Some(1.into()),
                    why: None,
                }),
            },
        )
        .for_each(inputs.node_groups.reference())
        .lifecycle(Lifecycle {
            ignore_changes: vec![
                Expr::ident(&name!("scaling_config"))
                    .index(0)
                    .attr(&name!("desired_size")),
            ],
            why: Some(
                "A cluster autoscaler may move desired_size; Terraform should not fight it.".into(),
            ),
            ..Lifecycle::default()
        })
        .depends_on(&node_attachments);
        let mut nodes = File::new();
        nodes
            .push(node_role.to_block())
            .push(node_attachments.to_block())
            .push(launch_template.to_block())
            .push(node_groups.to_block());

        // addons.tf
        let ebs_role = Resource::new(
            name!("ebs_csi"),
            IamRole {
                name: Some(named("-ebs-csi").into()),
                assume_role_policy: Some(
                    IrsaTrust {
                        provider_arn: oidc_provider.get().arn(),
                        issuer: oidc_issuer.reference(),
                        namespace: "kube-system".into(),
                        service_account: "ebs-csi-controller-sa".into(),
                    }
                    .document()
                    .to_json()
                    .into(),
                ),
                tags: Some(var_tags()),
                ..IamRole::default()
            },
        );
        let ebs_attachment = Resource::new(
            name!("ebs_csi"),
            IamRolePolicyAttachment {
                role: Some(ebs_role.get().name().into()),
                policy_arn: Some(aws_policy("service-role/AmazonEBSCSIDriverPolicy".into()).into()),
            },
        );
        let addons = Resource::new(
            name!("this"),
            EksAddon {
                cluster_name: Some(cluster.get().name().into()),
                addon_name: Some(Expr::each_key().into()),
                addon_version: Some(Expr::each_value().into()),
                resolve_conflicts_on_create: Some("OVERWRITE".into()),
                resolve_conflicts_on_update: Some("OVERWRITE".into()),
                service_account_role_arn: Some(
                    Expr::each_key()
                        .equals(AddonVersions::EBS_CSI_DRIVER)
                        .then_else(ebs_role.get().arn(), Expr::null())
                        .into(),
                ),
                tags: Some(var_tags()),
            },
        )
        .for_each(inputs.addon_versions.reference())
        .depends_on(&node_groups)
        .why("coredns and the EBS CSI controller are Deployments: they only become healthy once nodes exist.");
        let mut addons_file = File::new();
        addons_file
            .push(ebs_role.to_block())
            .push(ebs_attachment.to_block())
            .push(addons.to_block());

        let mut outputs = File::new();
        for output in [
            Output::new(
                name!("cluster_name"),
                "Name of the EKS cluster.",
                cluster.get().name(),
            ),
            Output::new(
                name!("cluster_arn"),
                "ARN of the EKS cluster.",
                cluster.get().arn(),
            ),
            Output::new(
                name!("cluster_endpoint"),
                "URL of the Kubernetes API server.",
                cluster.get().endpoint(),
            ),
            Output::new(
                name!("cluster_certificate_authority_data"),
                "Base64 CA bundle of the API server.",
                cluster
                    .get()
                    .certificate_authority()
                    .index(0)
                    .attr(&name!("data")),
            ),
            Output::new(
                name!("cluster_security_group_id"),
                "Security group EKS created for the control plane and nodes.",
                cluster
                    .get()
                    .vpc_config()
                    .index(0)
                    .attr(&name!("cluster_security_group_id")),
            ),
            Output::new(
                name!("oidc_provider_arn"),
                "ARN of the IAM OIDC provider for IRSA.",
                oidc_provider.get().arn(),
            ),
            Output::new(
                name!("oidc_issuer"),
                "OIDC issuer host and path without https:// (the prefix of IRSA condition keys).",
                oidc_issuer.reference(),
            ),
            Output::new(
                name!("node_role_arn"),
                "IAM role of the managed nodes.",
                node_role.get().arn(),
            ),
            Output::new(
                name!("secrets_kms_key_arn"),
                "KMS key encrypting Kubernetes Secrets.",
                secrets_key.key().get().arn(),
            ),
        ] {
            outputs.push(output.to_block());
        }

        let mut variables = File::new();
        for variable in [
            &inputs.cluster_name,
            &inputs.kubernetes_version,
            &inputs.subnet_ids,
            &inputs.endpoint,
            &inputs.admin_principal_arns,
            &inputs.control_plane_log_types,
            &inputs.log_retention_days,
            &inputs.node_groups,
            &inputs.addon_versions,
            &inputs.tags,
        ] {
            variables.push(variable.to_block());
        }
        let mut versions = File::new();
        versions.push(
            Settings {
                required_version: self.required_version.clone(),
                required_providers: vec![RequiredProvider {
                    name: name!("aws"),
                    source: "hashicorp/aws".to_owned(),
                    version: self.aws_provider_version.clone(),
                }],
                backend: None,
            }
            .to_block(),
        );
        Ok(vec![
            ("addons.tf", addons_file),
            ("irsa.tf", irsa),
            ("kms.tf", kms_file),
            ("main.tf", main),
            ("nodes.tf", nodes),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`EksModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        let mut tree = Tree::new(generator);
        for (path, file) in self.files()? {
            tree.insert(path, FileKind::Hcl, &file.render())?;
        }
        Ok(tree)
    }
}

#[cfg(test)]
pub(crate) mod tests;
