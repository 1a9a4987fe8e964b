//! The eks module's input variables (`variables.tf`): each with its type, default and the
//! validation rules Terraform checks before a plan.

use super::identity_provider::{
    DEFAULT_GROUPS_CLAIM, DEFAULT_PREFIX, DEFAULT_USERNAME_CLAIM, IDENTITY_PROVIDER_NAME_PATTERN,
    ISSUER_URL_PATTERN, RESERVED_PREFIX,
};
use super::spec::{
    ADDON_VERSION_PATTERN, ANYWHERE, AddonVersions, CLUSTER_NAME_PATTERN, CapacityType,
    KubernetesVersion, LogType, MIN_DISK_SIZE_GIB, NODE_GROUP_NAME_PATTERN,
};
use crate::rules::IAM_PRINCIPAL_ARN_PATTERN;
use bkt_core::hcl::func::{
    alltrue, can, cidrhost, contains, keys, length, regex, setsubtract, toset, try_, values,
};
use bkt_core::hcl::{BinOp, Expr, Field, Type, Variable};
use bkt_core::{Name, name};
use bkt_network::FlowLogRetention;

use super::EksModule;

/// The module's input variables, kept together so resources can refer to them.
pub(super) struct Inputs {
    pub(super) cluster_name: Variable,
    pub(super) kubernetes_version: Variable,
    pub(super) subnet_ids: Variable,
    pub(super) endpoint: Variable,
    pub(super) admin_principal_arns: Variable,
    pub(super) control_plane_log_types: Variable,
    pub(super) log_retention_days: Variable,
    pub(super) node_groups: Variable,
    pub(super) addon_versions: Variable,
    pub(super) network_policy: Variable,
    pub(super) load_balancer_security_group_ids: Variable,
    pub(super) oidc_identity_provider: Variable,
    pub(super) tags: Variable,
}

/// The description of `endpoint`.
pub(super) const ENDPOINT_DESCRIPTION: &str = "API server endpoint access. The private endpoint is always on. The public endpoint is off unless
public_access_cidrs lists the networks allowed to reach it; 0.0.0.0/0 additionally needs
allow_public_from_anywhere = true.";

/// The message of the `endpoint` rule against `0.0.0.0/0`.
pub(super) const ANYWHERE_MESSAGE: &str = "endpoint.public_access_cidrs contains 0.0.0.0/0, which opens the API server to the internet; list your own networks or set endpoint.allow_public_from_anywhere = true deliberately.";

pub(super) fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Expr {
    Expr::list(items)
}

pub(super) fn for_all(item: &Name, collection: Expr, condition: impl FnOnce(Expr) -> Expr) -> Expr {
    alltrue(Expr::for_list(item, collection, condition))
}

/// `oidc_identity_provider`: an object or `null` (no provider). Each rule reads an attribute of
/// a value that may be `null`, which fails inside `can`/`try` and so counts as false; `||` does
/// not short-circuit in Terraform 1.11, so `var == null ||` alone would not protect it.
pub(super) fn oidc_identity_provider_variable() -> Variable {
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

/// `endpoint`: the public access networks, and the rule against `0.0.0.0/0` unless allowed.
fn endpoint_variable() -> Variable {
    Variable::new(
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
    )
}

/// `node_groups`: the managed node groups by name, each checked like [`NodeGroup`] checks it.
fn node_groups_variable() -> Variable {
    let group = name!("group");
    Variable::new(
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
    )
}

impl EksModule {
    #[allow(
        clippy::too_many_lines,
        reason = "the variables, in the order of variables.tf"
    )]
    pub(super) fn inputs(&self) -> Inputs {
        let retention_values = FlowLogRetention::ALLOWED
            .iter()
            .map(|days| Expr::from(*days));
        let required_logs = || strings(LogType::REQUIRED.iter().map(|t| t.as_str()));
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
            endpoint: endpoint_variable(),
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
            node_groups: node_groups_variable(),
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
}
