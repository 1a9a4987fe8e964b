//! The eks Terraform module (`terraform/modules/eks`): inputs, the cluster, its KMS key, access
//! entries, node groups, the IRSA provider, the core add-ons and the optional OIDC identity
//! provider — as typed values — and ([`ClusterSpec`], [`IdentityProvider`]) the validated values a
//! root passes to it.
//!
//! The pitfalls this module exists to avoid stay visible in the model: the upgrade policy is
//! [`SUPPORT_TYPE`] (`STANDARD`; without it a version leaving standard support is billed at six
//! times the rate), authentication is [`AUTHENTICATION_MODE`] (`API`: access entries only), the
//! private endpoint is always on, and nodes require `IMDSv2` with a hop limit of
//! [`IMDS_HOP_LIMIT`] (1).

use bkt_core::hcl::func::{
    alltrue, can, cidrhost, contains, jsonencode, keys, length, merge, regex, setsubtract, toset,
    trimprefix, try_, values,
};
use bkt_core::hcl::{
    Arg, BinOp, Data, Expr, Field, File, Lifecycle, Local, Locals, Output, Resource, Type, Variable,
};
use bkt_core::{Name, Tree, name};
use bkt_network::FlowLogRetention;
use bkt_network::aws::{CloudwatchLogGroup, VpcSecurityGroupIngressRule};
use bkt_oidc::aws::{
    CallerIdentity, IamOpenidConnectProvider, IamRole, IamRolePolicyAttachment, Partition,
};
use bkt_oidc::policy::{IrsaTrust, PolicyDocument, Principal, Statement};

use crate::Result;
use crate::aws::{
    AccessConfig, AccessScope, BlockDeviceMappings, Ebs, EksAccessEntry,
    EksAccessPolicyAssociation, EksAddon, EksCluster, EksIdentityProviderConfig, EksNodeGroup,
    EncryptionConfig, EncryptionProvider, LaunchTemplate, MetadataOptions, NodeGroupLaunchTemplate,
    OidcIdentityProvider, ScalingConfig, TagSpecifications, UpdateConfig, UpgradePolicy, VpcConfig,
};
use crate::kms::{self, Account};
use crate::rules::IAM_PRINCIPAL_ARN_PATTERN;

mod identity_provider;
mod spec;

pub use identity_provider::{
    DEFAULT_GROUPS_CLAIM, DEFAULT_PREFIX, DEFAULT_USERNAME_CLAIM, IDENTITY_PROVIDER_NAME_PATTERN,
    ISSUER_URL_PATTERN, IdentityProvider, IdentityProviderBuilder, IssuerUrl, RESERVED_PREFIX,
};

pub use spec::{
    ADDON_VERSION_PATTERN, AMI_TYPE, ANYWHERE, AUTHENTICATION_MODE, AddonVersions,
    CLUSTER_NAME_PATTERN, CapacityType, ClusterSpec, ClusterSpecBuilder, IMDS_HOP_LIMIT,
    KubernetesVersion, LogType, MAX_CLUSTER_NAME, MIN_DISK_SIZE_GIB, NODE_GROUP_NAME_PATTERN,
    NodeGroup, ROLE_SUFFIXES, Release, SECRETS_ALIAS_SUFFIX, SUPPORT_TABLE, SUPPORT_TABLE_CHECKED,
    SUPPORT_TYPE,
};

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
        /// `network_policy`: whether vpc-cni enforces `NetworkPolicies`.
        network_policy,
        /// `load_balancer_security_group_ids`: the load balancers' frontend groups, by name.
        load_balancer_security_group_ids,
        /// `oidc_identity_provider` (an [`IdentityProvider::to_expr`]).
        oidc_identity_provider,
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
        oidc_identity_provider_arn,
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
    /// Default of `network_policy`: whether the vpc-cni add-on enforces Kubernetes
    /// `NetworkPolicies` (its network policy agent). Off, a `NetworkPolicy` is accepted by the API
    /// server and has no effect.
    pub network_policy: bool,
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
            network_policy: true,
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
    network_policy: Variable,
    load_balancer_security_group_ids: Variable,
    oidc_identity_provider: Variable,
    tags: Variable,
}

/// The description of `endpoint`.
const ENDPOINT_DESCRIPTION: &str = "API server endpoint access. The private endpoint is always on. The public endpoint is off unless
public_access_cidrs lists the networks allowed to reach it; 0.0.0.0/0 additionally needs
allow_public_from_anywhere = true.";

/// The message of the `endpoint` rule against `0.0.0.0/0`.
const ANYWHERE_MESSAGE: &str = "endpoint.public_access_cidrs contains 0.0.0.0/0, which opens the API server to the internet; list your own networks or set endpoint.allow_public_from_anywhere = true deliberately.";

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Expr {
    Expr::list(items)
}

fn for_all(item: &Name, collection: Expr, condition: impl FnOnce(Expr) -> Expr) -> Expr {
    alltrue(Expr::for_list(item, collection, condition))
}

/// `oidc_identity_provider`: an object or `null` (no provider). Each rule reads an attribute of
/// a value that may be `null`, which fails inside `can`/`try` and so counts as false; `||` does
/// not short-circuit in Terraform 1.11, so `var == null ||` alone would not protect it.
fn oidc_identity_provider_variable() -> Variable {
    let unset = |provider: &Expr| provider.clone().equals(Expr::null());
    let attr = |provider: &Expr, field: Name| provider.clone().attr(&field);
    let no_reserved_prefix = |provider: &Expr, field: Name| {
        unset(provider).or(!can(regex(RESERVED_PREFIX, attr(provider, field))))
    };
    Variable::new(
        name!("oidc_identity_provider"),
        "An OIDC issuer whose ID tokens the API server accepts besides IAM (null: none). Usernames and\n\
         groups from the tokens get the prefixes (default oidc:), so RBAC binds oidc:<group>.",
        Type::Object(vec![
            Field::required(name!("name"), Type::String),
            Field::required(name!("issuer_url"), Type::String),
            Field::required(name!("client_id"), Type::String),
            Field::defaulted(name!("username_claim"), Type::String, DEFAULT_USERNAME_CLAIM),
            Field::defaulted(name!("groups_claim"), Type::String, DEFAULT_GROUPS_CLAIM),
            Field::defaulted(name!("username_prefix"), Type::String, DEFAULT_PREFIX),
            Field::defaulted(name!("groups_prefix"), Type::String, DEFAULT_PREFIX),
        ]),
    )
    .default(Expr::null())
    .validate(
        |provider| {
            unset(&provider).or(can(regex(
                ISSUER_URL_PATTERN,
                attr(&provider, name!("issuer_url")),
            )))
        },
        "oidc_identity_provider.issuer_url must be the issuer's https:// URL without a query or fragment (EKS rejects any other), e.g. https://auth.example.com/application/o/kubernetes/.",
    )
    .validate(
        |provider| {
            unset(&provider).or(can(regex(
                IDENTITY_PROVIDER_NAME_PATTERN,
                attr(&provider, name!("name")),
            )))
        },
        "oidc_identity_provider.name must start with a letter or digit and contain only letters, digits, hyphens and underscores (max 100), e.g. authentik.",
    )
    .validate(
        |provider| {
            unset(&provider).or(try_([
                length(attr(&provider, name!("client_id"))).binary(BinOp::Greater, 0),
                false.into(),
            ]))
        },
        "oidc_identity_provider.client_id must not be empty: give the client ID the issuer puts in its tokens' aud claim.",
    )
    .validate(
        |provider| no_reserved_prefix(&provider, name!("username_prefix")),
        "oidc_identity_provider.username_prefix must not contain system: (EKS rejects it; Kubernetes' own users use it); keep the default oidc:.",
    )
    .validate(
        |provider| no_reserved_prefix(&provider, name!("groups_prefix")),
        "oidc_identity_provider.groups_prefix must not contain system: (EKS rejects it; Kubernetes' own groups use it); keep the default oidc:.",
    )
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
                "Name of the EKS cluster (e.g. acme-dev).",
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
                [
                    "kubernetes_version must be one of ",
                    &KubernetesVersion::allowed(),
                    ": the versions in EKS standard support this platform is tested with.",
                ]
                .concat(),
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
            network_policy: Variable::new(
                name!("network_policy"),
                "Whether the vpc-cni add-on enforces Kubernetes NetworkPolicies (enableNetworkPolicy). Off, every NetworkPolicy is accepted and has no effect.",
                Type::Bool,
            )
            .default(self.network_policy)
            .non_nullable(),
            load_balancer_security_group_ids: Variable::new(
                name!("load_balancer_security_group_ids"),
                "Security groups of the load balancers that send to pods (target type ip), by name: each may reach every TCP port of the cluster security group, which nodes and pods use. Pass the network module's load_balancer_security_group_ids.",
                Type::Map(Box::new(Type::String)),
            )
            .default(Expr::object::<&str, Expr>([]))
            .non_nullable(),
            oidc_identity_provider: oidc_identity_provider_variable(),
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
                configuration_values: Some(
                    Expr::each_key()
                        .equals(AddonVersions::VPC_CNI)
                        .then_else(
                            jsonencode(Expr::object([(
                                "enableNetworkPolicy",
                                inputs
                                    .network_policy
                                    .reference()
                                    .then_else("true", "false"),
                            )])),
                            Expr::null(),
                        )
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

        // identity_provider.tf
        let provider = || inputs.oidc_identity_provider.reference();
        let provider_attr = |field: Name| Arg::from(provider().attr(&field));
        let unset = provider().equals(Expr::null());
        let identity_provider = Resource::new(
            name!("this"),
            EksIdentityProviderConfig {
                cluster_name: Some(cluster.get().name().into()),
                tags: Some(var_tags()),
                oidc: Some(OidcIdentityProvider {
                    identity_provider_config_name: Some(provider_attr(name!("name"))),
                    issuer_url: Some(provider_attr(name!("issuer_url"))),
                    client_id: Some(provider_attr(name!("client_id"))),
                    username_claim: Some(provider_attr(name!("username_claim"))),
                    groups_claim: Some(provider_attr(name!("groups_claim"))),
                    username_prefix: Some(provider_attr(name!("username_prefix"))),
                    groups_prefix: Some(provider_attr(name!("groups_prefix"))),
                    required_claims: None,
                    why: Some("Users and groups arrive prefixed (oidc:alice@example.com, oidc:<group>), so RBAC bindings name\noidc:<group> and no token can claim a built-in group such as system:masters.".into()),
                }),
            },
        )
        .count(unset.then_else(0, 1))
        .why("Besides IAM, the API server accepts ID tokens of this issuer issued to this client (kubectl and\nHeadlamp sign in through the same SSO as every other UI). Only when the variable is set.");
        let mut identity_provider_file = File::new();
        identity_provider_file.push(identity_provider.to_block());

        let cluster_security_group = || {
            cluster
                .get()
                .vpc_config()
                .index(0)
                .attr(&name!("cluster_security_group_id"))
        };
        let mut security_groups = File::new();
        security_groups.push(
            Resource::new(
                name!("load_balancer"),
                VpcSecurityGroupIngressRule {
                    security_group_id: Some(cluster_security_group().into()),
                    description: Some(
                        Expr::template([
                            "From load balancer ".into(),
                            Expr::each_key(),
                            " to its targets".into(),
                        ])
                        .into(),
                    ),
                    referenced_security_group_id: Some(Expr::each_value().into()),
                    ip_protocol: Some("tcp".into()),
                    from_port: Some(Arg::from(1024).why(
                        "Unprivileged ports only: Pod Security restricted runs every pod as non-root, so none listens below 1024.",
                    )),
                    to_port: Some(65535.into()),
                    tags: Some(var_tags()),
                    ..VpcSecurityGroupIngressRule::default()
                },
            )
            .for_each(inputs.load_balancer_security_group_ids.reference())
            .why("The load balancers send to pod IPs (target type ip) on whatever port each Service targets,\nand health-check the same ports. The controller adds no rule of its own: the Ingresses name their\ngroups and leave manage-backend-security-group-rules off. Nodes and pods use this cluster security\ngroup, whose own rules (EKS's: all traffic among its members and with the control plane) carry\nnode-to-node, pod-to-pod and webhook traffic.")
            .to_block(),
        );
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
                cluster_security_group(),
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
            Output::new(
                name!("oidc_identity_provider_arn"),
                "ARN of the OIDC identity provider configuration (null without oidc_identity_provider).",
                // Not `var == null ? …`: zero instances with the variable set (the emulator run
                // overrides the count to 0) would make `[0]` fail.
                try_([identity_provider.at(0).arn(), Expr::null()]),
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
            &inputs.network_policy,
            &inputs.load_balancer_security_group_ids,
            &inputs.oidc_identity_provider,
            &inputs.tags,
        ] {
            variables.push(variable.to_block());
        }
        let mut versions = File::new();
        versions.push(
            bkt_oidc::aws::aws_settings(&self.required_version, &self.aws_provider_version)
                .to_block(),
        );
        Ok(vec![
            ("addons.tf", addons_file),
            ("identity_provider.tf", identity_provider_file),
            ("irsa.tf", irsa),
            ("kms.tf", kms_file),
            ("main.tf", main),
            ("nodes.tf", nodes),
            ("outputs.tf", outputs),
            ("security-groups.tf", security_groups),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`EksModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

#[cfg(test)]
pub(crate) mod tests;
