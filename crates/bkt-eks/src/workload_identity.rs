//! The workload-identity Terraform module (`terraform/modules/workload-identity`): one IRSA role
//! per platform controller, each bound to exactly one namespace/service account, with its
//! permissions; Vault's unseal key and init secret — as typed values — and the validated spec a
//! root passes to it.

use bkt_core::hcl::func::{can, jsonencode, length, regex, startswith};
use bkt_core::hcl::{
    Arg, BinOp, Data, Expr, File, Local, Locals, Output, Resource, Type, Variable,
};
use bkt_core::{Name, Tree, name};
use bkt_oidc::aws::{CallerIdentity, IamRole, IamRolePolicy, Partition};
use bkt_oidc::policy::{IrsaTrust, PolicyDocument};

use crate::aws::SecretsmanagerSecret;
use crate::kms::{self, Account};
use crate::rules::{self, MAX_IAM_ROLE_NAME};
use crate::{Error, Result};

/// A platform workload that gets an IRSA role: a controller, or the Jobs that bootstrap Vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Controller {
    /// The AWS Load Balancer Controller.
    AwsLoadBalancerController,
    /// external-dns.
    ExternalDns,
    /// The Vault server: auto-unseal with the KMS key, nothing else.
    Vault,
    /// The Jobs that initialise and configure Vault: they keep Vault's init output (recovery
    /// keys, root token) in its Secrets Manager secret, and use the KMS key only through Secrets
    /// Manager.
    VaultBootstrap,
}

impl Controller {
    /// Every controller, in the module's order.
    pub const ALL: [Controller; 4] = [
        Self::AwsLoadBalancerController,
        Self::ExternalDns,
        Self::Vault,
        Self::VaultBootstrap,
    ];

    /// The key of its role (`role_arns` output) and the suffix of its role name.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::AwsLoadBalancerController => "aws-load-balancer-controller",
            Self::ExternalDns => "external-dns",
            Self::Vault => "vault",
            Self::VaultBootstrap => "vault-bootstrap",
        }
    }

    /// The namespace of its service account.
    #[must_use]
    pub fn namespace(self) -> &'static str {
        match self {
            Self::AwsLoadBalancerController => "kube-system",
            Self::ExternalDns => "external-dns",
            Self::Vault | Self::VaultBootstrap => "vault",
        }
    }

    /// The name of its service account.
    #[must_use]
    pub fn service_account(self) -> &'static str {
        match self {
            Self::AwsLoadBalancerController => "aws-load-balancer-controller",
            Self::ExternalDns => "external-dns",
            Self::Vault => "vault",
            Self::VaultBootstrap => "vault-bootstrap",
        }
    }

    fn policy_local(self) -> Name {
        match self {
            Self::AwsLoadBalancerController => name!("load_balancer_controller_policy"),
            Self::ExternalDns => name!("external_dns_policy"),
            Self::Vault => name!("vault_policy"),
            Self::VaultBootstrap => name!("vault_bootstrap_policy"),
        }
    }
}

/// The longest cluster name whose role names (`<cluster_name>-aws-load-balancer-controller`,
/// the longest) stay within IAM's 64 characters.
pub const MAX_CLUSTER_NAME: usize = MAX_IAM_ROLE_NAME - 29;
/// The regular expression of the module's `cluster_name` validation.
pub const CLUSTER_NAME_PATTERN: &str = "^[a-zA-Z][a-zA-Z0-9-]{0,34}$";
/// The regular expression of the module's `oidc_provider_arn` validation.
pub const OIDC_PROVIDER_ARN_PATTERN: &str = "^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$";
/// The regular expression of the module's `hosted_zone_arn` validation.
pub const HOSTED_ZONE_ARN_PATTERN: &str = "^arn:aws[a-z-]*:route53:::hostedzone/[A-Z0-9]+$";

/// Whether `value` matches [`OIDC_PROVIDER_ARN_PATTERN`],
/// `^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$`, as the `validation` block does.
pub(crate) fn matches_oidc_provider_arn_pattern(value: &str) -> bool {
    rules::strip_arn_partition(value.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"iam::"))
        .and_then(rules::strip_account_id)
        .and_then(|rest| rest.strip_prefix(b":oidc-provider/"))
        .is_some_and(rules::is_rest_of_line)
}

/// Whether `value` matches [`HOSTED_ZONE_ARN_PATTERN`],
/// `^arn:aws[a-z-]*:route53:::hostedzone/[A-Z0-9]+$`, as the `validation` block does.
pub(crate) fn matches_hosted_zone_arn_pattern(value: &str) -> bool {
    rules::strip_arn_partition(value.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"route53:::hostedzone/"))
        .is_some_and(|id| {
            !id.is_empty()
                && id
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// The suffix of Vault's unseal key alias, `alias/<cluster_name>-vault-unseal`.
pub const VAULT_ALIAS_SUFFIX: &str = "-vault-unseal";
/// The tag the Load Balancer Controller sets on everything it creates.
pub const LOAD_BALANCER_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

/// The values of one cluster's workload identity, validated: what a root passes to the module.
/// In serde, its four fields, read through [`WorkloadIdentitySpec::new`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "WorkloadIdentityFields", into = "WorkloadIdentityFields")]
pub struct WorkloadIdentitySpec {
    cluster_name: String,
    oidc_provider_arn: String,
    oidc_issuer: String,
    hosted_zone_arn: String,
}

/// [`WorkloadIdentitySpec`] in serde, before its checks.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkloadIdentityFields {
    cluster_name: String,
    oidc_provider_arn: String,
    oidc_issuer: String,
    hosted_zone_arn: String,
}

impl TryFrom<WorkloadIdentityFields> for WorkloadIdentitySpec {
    type Error = Error;

    fn try_from(fields: WorkloadIdentityFields) -> Result<Self> {
        Self::new(
            fields.cluster_name,
            fields.oidc_provider_arn,
            fields.oidc_issuer,
            fields.hosted_zone_arn,
        )
    }
}

impl From<WorkloadIdentitySpec> for WorkloadIdentityFields {
    fn from(spec: WorkloadIdentitySpec) -> Self {
        Self {
            cluster_name: spec.cluster_name,
            oidc_provider_arn: spec.oidc_provider_arn,
            oidc_issuer: spec.oidc_issuer,
            hosted_zone_arn: spec.hosted_zone_arn,
        }
    }
}

impl WorkloadIdentitySpec {
    /// Validates the values by the module's rules and IAM's name limits.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first bad field (`workload_identity.cluster_name`,
    /// `.oidc_provider_arn`, `.oidc_issuer`, `.hosted_zone_arn`) with the fix.
    ///
    /// ```
    /// use bkt_eks::WorkloadIdentitySpec;
    ///
    /// let provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    /// let zone = "arn:aws:route53:::hostedzone/Z0123456789ABC";
    /// let spec = WorkloadIdentitySpec::new(
    ///     "shop-dev",
    ///     provider,
    ///     "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    ///     zone,
    /// )?;
    /// assert_eq!(spec.vault_key_alias(), "alias/shop-dev-vault-unseal");
    ///
    /// let with_scheme = WorkloadIdentitySpec::new(
    ///     "shop-dev",
    ///     provider,
    ///     "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    ///     zone,
    /// )
    /// .unwrap_err();
    /// assert!(with_scheme.to_string().starts_with("workload_identity.oidc_issuer"), "{with_scheme}");
    /// # Ok::<(), bkt_eks::Error>(())
    /// ```
    pub fn new(
        cluster_name: impl Into<String>,
        oidc_provider_arn: impl Into<String>,
        oidc_issuer: impl Into<String>,
        hosted_zone_arn: impl Into<String>,
    ) -> Result<Self> {
        let spec = Self {
            cluster_name: cluster_name.into(),
            oidc_provider_arn: oidc_provider_arn.into(),
            oidc_issuer: oidc_issuer.into(),
            hosted_zone_arn: hosted_zone_arn.into(),
        };
        rules::check_cluster_name(
            "workload_identity.cluster_name",
            &spec.cluster_name,
            MAX_CLUSTER_NAME,
            "so that the role <name>-aws-load-balancer-controller stays within 64",
        )?;
        if !matches_oidc_provider_arn_pattern(&spec.oidc_provider_arn) {
            return Err(Error::invalid(
                "workload_identity.oidc_provider_arn",
                &spec.oidc_provider_arn,
                "give the IAM OIDC provider ARN (eks output oidc_provider_arn) like arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            ));
        }
        if spec.oidc_issuer.is_empty() || spec.oidc_issuer.starts_with("https://") {
            return Err(Error::invalid(
                "workload_identity.oidc_issuer",
                &spec.oidc_issuer,
                "give the issuer host and path without the https:// scheme (eks output oidc_issuer), e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            ));
        }
        if !matches_hosted_zone_arn_pattern(&spec.hosted_zone_arn) {
            return Err(Error::invalid(
                "workload_identity.hosted_zone_arn",
                &spec.hosted_zone_arn,
                "give the Route 53 zone ARN (dns output zone_arn) like arn:aws:route53:::hostedzone/Z0123456789ABC, not the zone ID",
            ));
        }
        for role in spec.role_names() {
            rules::check_iam_role_name("workload_identity.cluster_name", &role)?;
        }
        kms::check_alias("workload_identity.cluster_name", &spec.vault_key_alias())?;
        Ok(spec)
    }

    /// The role names Terraform will create, `<cluster_name>-<controller>`, in
    /// [`Controller::ALL`] order.
    #[must_use]
    pub fn role_names(&self) -> Vec<String> {
        Controller::ALL
            .iter()
            .map(|controller| [self.cluster_name.as_str(), "-", controller.key()].concat())
            .collect()
    }

    /// Vault's unseal key alias, `alias/<cluster_name>-vault-unseal`.
    #[must_use]
    pub fn vault_key_alias(&self) -> String {
        [kms::ALIAS_PREFIX, &self.cluster_name, VAULT_ALIAS_SUFFIX].concat()
    }

    /// The module call's inputs with these values.
    #[must_use]
    pub fn inputs(&self) -> WorkloadIdentityInputs {
        WorkloadIdentityInputs {
            cluster_name: Some(self.cluster_name.as_str().into()),
            oidc_provider_arn: Some(self.oidc_provider_arn.as_str().into()),
            oidc_issuer: Some(self.oidc_issuer.as_str().into()),
            hosted_zone_arn: Some(self.hosted_zone_arn.as_str().into()),
            tags: None,
        }
    }
}

bkt_core::terraform_kind! {
    /// The inputs of a call of the workload-identity module: one field per variable.
    pub module WorkloadIdentityInputs => "workload-identity" {
        /// `cluster_name`.
        cluster_name,
        /// `oidc_provider_arn`.
        oidc_provider_arn,
        /// `oidc_issuer`.
        oidc_issuer,
        /// `hosted_zone_arn`.
        hosted_zone_arn,
        /// `tags`.
        tags,
    }
    /// The outputs of the workload-identity module.
    pub ref WorkloadIdentityOutputs {
        role_arns,
        service_accounts,
        vault_kms_key_id,
        vault_kms_key_arn,
        vault_init_secret_arn,
    }
}

/// The workload-identity module.
///
/// ```
/// use bkt_eks::WorkloadIdentityModule;
///
/// let files = WorkloadIdentityModule::default().files()?;
/// let vault = files.iter().find(|(name, _)| *name == "vault.tf").unwrap().1.render();
/// assert!(vault.contains("resource \"aws_kms_key\""), "{vault}");
/// # Ok::<(), bkt_eks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkloadIdentityModule {
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for WorkloadIdentityModule {
    fn default() -> Self {
        Self {
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

struct Inputs {
    cluster_name: Variable,
    oidc_provider_arn: Variable,
    oidc_issuer: Variable,
    hosted_zone_arn: Variable,
    tags: Variable,
}

fn inputs() -> Inputs {
    Inputs {
        cluster_name: Variable::new(
            name!("cluster_name"),
            "EKS cluster name; prefixes the role and key names.",
            Type::String,
        )
        .validate(
            |name| can(regex(CLUSTER_NAME_PATTERN, name)),
            "cluster_name must start with a letter and contain only letters, digits and hyphens (max 35, so role names stay within 64).",
        ),
        oidc_provider_arn: Variable::new(
            name!("oidc_provider_arn"),
            "ARN of the cluster's IAM OIDC provider (eks module output oidc_provider_arn).",
            Type::String,
        )
        .validate(
            |arn| can(regex(OIDC_PROVIDER_ARN_PATTERN, arn)),
            "oidc_provider_arn must be an IAM OIDC provider ARN like arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC.",
        ),
        oidc_issuer: Variable::new(
            name!("oidc_issuer"),
            "Cluster OIDC issuer without https:// (eks module output oidc_issuer); prefix of the trust condition keys.",
            Type::String,
        )
        .validate(
            |issuer| {
                (!startswith(issuer.clone(), "https://"))
                    .and(length(issuer).binary(BinOp::Greater, 0))
            },
            "oidc_issuer must be the issuer host and path without the https:// scheme, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC.",
        ),
        hosted_zone_arn: Variable::new(
            name!("hosted_zone_arn"),
            "ARN of the platform's Route 53 zone; external-dns may change records in this zone only.",
            Type::String,
        )
        .validate(
            |arn| can(regex(HOSTED_ZONE_ARN_PATTERN, arn)),
            "hosted_zone_arn must be a Route 53 zone ARN like arn:aws:route53:::hostedzone/Z0123456789ABC.",
        ),
        tags: Variable::new(
            name!("tags"),
            "Tags added to every resource of the module.",
            Type::Map(Box::new(Type::String)),
        )
        .default(Expr::object::<&str, Expr>([])),
    }
}

impl WorkloadIdentityModule {
    /// The module's files, by file name, without headers.
    ///
    /// # Errors
    /// A policy or KMS model error (none for the values this module sets).
    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its files"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = inputs();
        let var_name = inputs.cluster_name.reference();
        let var_tags = || Arg::from(inputs.tags.reference());
        let caller = Data::new(name!("current"), CallerIdentity::default());
        let partition = Data::new(name!("current"), Partition::default());

        let (lbc_file, lbc_policy) = load_balancer_controller_file(&partition.get().partition())?;
        let (external_dns_file, external_dns_policy) =
            external_dns_file(inputs.hosted_zone_arn.reference())?;

        // vault.tf
        let Vault {
            file: vault_file,
            policy: vault_policy,
            bootstrap_policy: vault_bootstrap_policy,
            refs: vault_refs,
        } = vault(
            &inputs,
            Account {
                partition: partition.get().partition(),
                account_id: caller.get().account_id(),
            },
        )?;

        // main.tf
        let service_accounts = Local::new(
            name!("service_accounts"),
            Expr::object(Controller::ALL.iter().map(|controller| {
                let policy = match controller {
                    Controller::AwsLoadBalancerController => lbc_policy.reference(),
                    Controller::ExternalDns => external_dns_policy.reference(),
                    Controller::Vault => vault_policy.reference(),
                    Controller::VaultBootstrap => vault_bootstrap_policy.reference(),
                };
                (
                    controller.key(),
                    Expr::object([
                        ("namespace", Expr::from(controller.namespace())),
                        ("service_account", controller.service_account().into()),
                        ("policy", policy),
                    ]),
                )
            })),
        )
        .why("Every controller gets one role bound to exactly one namespace/service account. The GitOps\ntree creates the service accounts with these names and the role ARNs from cluster_vars.");
        let each_account = |field: &Name| Expr::each_value().attr(field);
        let roles = Resource::new(
            name!("this"),
            IamRole {
                name: Some(Expr::template([var_name.clone(), "-".into(), Expr::each_key()]).into()),
                description: Some(
                    Expr::template([
                        "IRSA role of ".into(),
                        each_account(&name!("namespace")),
                        "/".into(),
                        each_account(&name!("service_account")),
                        " in ".into(),
                        var_name.clone(),
                    ])
                    .into(),
                ),
                assume_role_policy: Some(
                    IrsaTrust {
                        provider_arn: inputs.oidc_provider_arn.reference(),
                        issuer: inputs.oidc_issuer.reference(),
                        namespace: each_account(&name!("namespace")),
                        service_account: each_account(&name!("service_account")),
                    }
                    .document()
                    .to_json()
                    .into(),
                ),
                tags: Some(var_tags()),
                ..IamRole::default()
            },
        )
        .for_each(service_accounts.reference());
        let role_policies = Resource::new(
            name!("this"),
            IamRolePolicy {
                name: Some(Expr::each_key().into()),
                role: Some(roles.at(Expr::each_key()).id().into()),
                policy: Some(jsonencode(each_account(&name!("policy"))).into()),
            },
        )
        .for_each(service_accounts.reference())
        .why("Inline policies: the controller policy exceeds the 6,144-character limit of managed policies once\nconditions are added, while inline policies allow 10,240 per role.");
        let mut main = File::new();
        main.push(caller.to_block())
            .push(partition.to_block())
            .push(
                Locals {
                    groups: vec![vec![service_accounts.clone()]],
                }
                .to_block(),
            )
            .push(roles.to_block())
            .push(role_policies.to_block());

        let outputs = outputs(roles.all(), service_accounts.reference(), vault_refs);

        let mut variables = File::new();
        for variable in [
            &inputs.cluster_name,
            &inputs.oidc_provider_arn,
            &inputs.oidc_issuer,
            &inputs.hosted_zone_arn,
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
            ("external-dns.tf", external_dns_file),
            ("load-balancer-controller.tf", lbc_file),
            ("main.tf", main),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("vault.tf", vault_file),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files, headers included.
    ///
    /// # Errors
    /// As [`WorkloadIdentityModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

/// `load-balancer-controller.tf`: the controller's published policy as a local (with the ARN
/// prefixes it is written against, in `partition`), and that local.
fn load_balancer_controller_file(partition: &Expr) -> Result<(File, Local)> {
    let elb_arn_prefix = Local::new(
        name!("elb_arn_prefix"),
        Expr::template([
            "arn:".into(),
            partition.clone(),
            ":elasticloadbalancing:*:*".into(),
        ]),
    );
    let ec2_sg_arn = Local::new(
        name!("ec2_sg_arn"),
        Expr::template([
            "arn:".into(),
            partition.clone(),
            ":ec2:*:*:security-group/*".into(),
        ]),
    );
    let cluster_tag = Local::new(name!("cluster_tag"), LOAD_BALANCER_CLUSTER_TAG);
    let lbc_policy = Local::new(
        Controller::AwsLoadBalancerController.policy_local(),
        load_balancer_controller_policy(
            &elb_arn_prefix.reference(),
            &ec2_sg_arn.reference(),
            &cluster_tag.reference(),
        )?
        .to_object(),
    );
    let mut lbc_file = File::new();
    lbc_file.push(
        Locals {
            groups: vec![vec![elb_arn_prefix, ec2_sg_arn, cluster_tag], vec![lbc_policy.clone()]],
        }
        .to_block()
        .why("The AWS Load Balancer Controller's published IAM policy (kubernetes-sigs/aws-load-balancer-controller,\ndocs/install/iam_policy.json, v2.x), expressed in HCL. Mutating calls are limited to resources\ncarrying the controller's elbv2.k8s.aws/cluster tag, which it sets on everything it creates."),
    );
    Ok((lbc_file, lbc_policy))
}

/// `external-dns.tf`: external-dns's policy (records in the zone `hosted_zone_arn` only) as a
/// local, and that local.
fn external_dns_file(hosted_zone_arn: Expr) -> Result<(File, Local)> {
    let external_dns_policy = Local::new(
        Controller::ExternalDns.policy_local(),
        PolicyDocument::new([
            sid("ChangeRecordsInThePlatformZoneOnly")?
                .action([
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResource",
                ])
                .resource(hosted_zone_arn),
            sid("DiscoverZones")?
                .action(["route53:ListHostedZones", "route53:ListTagsForResources"])
                .resource("*"),
        ])
        .to_object(),
    )
    .why("DiscoverZones: zone discovery APIs do not support resource-level permissions.");
    let mut external_dns_file = File::new();
    external_dns_file.push(
        Locals {
            groups: vec![vec![external_dns_policy.clone()]],
        }
        .to_block(),
    );
    Ok((external_dns_file, external_dns_policy))
}

/// `vault.tf` and what the roles and outputs take from it.
struct Vault {
    file: File,
    /// The policy of the `vault` role (the unseal key only).
    policy: Local,
    /// The policy of the `vault-bootstrap` role (the key and the init secret).
    bootstrap_policy: Local,
    refs: VaultRefs,
}

/// What `outputs.tf` reads of `vault.tf`: the unseal key's ID and ARN, the init secret's ARN.
struct VaultRefs {
    key_id: Expr,
    key_arn: Expr,
    init_arn: Expr,
}

/// `vault.tf`: the auto-unseal key in `account`, the secret of the init output, and the two
/// Vault roles' policies as locals.
fn vault(inputs: &Inputs, account: Account) -> Result<Vault> {
    let var_name = inputs.cluster_name.reference();
    let vault_key = kms::Key::builder(
        name!("vault"),
        Expr::template([var_name.clone(), " Vault auto-unseal".into()]),
        account,
    )
    .alias(
        Expr::template(["alias/".into(), var_name.clone(), VAULT_ALIAS_SUFFIX.into()]),
        VAULT_ALIAS_SUFFIX,
    )
    .tags(inputs.tags.reference())
    .why("Vault's awskms seal: Vault comes back unsealed after a restart by asking this key.")
    .build()?;
    let vault_init = Resource::new(
        name!("vault_init"),
        SecretsmanagerSecret {
            name: Some(Expr::template([var_name.clone(), "/vault/init".into()]).into()),
            description: Some(
                "Vault recovery keys and root token, written once by the vault-bootstrap Job."
                    .into(),
            ),
            kms_key_id: Some(vault_key.key().get().arn().into()),
            recovery_window_in_days: Some(Arg::from(0).why(
                "Destroy removes it at once, so the next apply of the same environment can recreate the name.",
            )),
            tags: Some(Arg::from(inputs.tags.reference())),
        },
    )
    .why("Where the in-cluster bootstrap Job keeps what `vault operator init` returns (recovery keys and\nthe initial root token), so that no person has to run the init or carry the keys. Encrypted with\nthe unseal key; only the vault-bootstrap role and account administrators can read it.");
    let vault_policy = Local::new(
        Controller::Vault.policy_local(),
        vault_policy(&vault_key.key().get().arn())?.to_object(),
    );
    let vault_bootstrap_policy = Local::new(
        Controller::VaultBootstrap.policy_local(),
        vault_bootstrap_policy(&vault_key.key().get().arn(), &vault_init.get().arn())?.to_object(),
    );
    let mut vault_file = File::new();
    for block in vault_key.to_blocks() {
        vault_file.push(block);
    }
    vault_file.push(vault_init.to_block()).push(
        Locals {
            groups: vec![vec![vault_policy.clone(), vault_bootstrap_policy.clone()]],
        }
        .to_block(),
    );
    Ok(Vault {
        file: vault_file,
        policy: vault_policy,
        bootstrap_policy: vault_bootstrap_policy,
        refs: VaultRefs {
            key_id: vault_key.key().get().key_id(),
            key_arn: vault_key.key().get().arn(),
            init_arn: vault_init.get().arn(),
        },
    })
}

/// `outputs.tf`: the role ARNs and service accounts by controller (`roles`, `service_accounts`),
/// and Vault's key and init secret.
fn outputs(roles: Expr, service_accounts: Expr, vault: VaultRefs) -> File {
    let (key, value) = (name!("name"), name!("role"));
    let mut outputs = File::new();
    for output in [
        Output::new(
            name!("role_arns"),
            "IRSA role ARNs keyed by controller: aws-load-balancer-controller, external-dns, vault, vault-bootstrap.",
            Expr::for_map((&key, &value), roles, |name, role| {
                (name, role.attr(&name!("arn")))
            }),
        ),
        Output::new(
            name!("service_accounts"),
            "namespace/service-account each role is bound to, keyed by controller.",
            Expr::for_map(
                (&key, &name!("account")),
                service_accounts,
                |name, account| {
                    (
                        name,
                        Expr::template([
                            account.clone().attr(&name!("namespace")),
                            "/".into(),
                            account.attr(&name!("service_account")),
                        ]),
                    )
                },
            ),
        ),
        Output::new(
            name!("vault_kms_key_id"),
            "ID of the KMS key for Vault's awskms auto-unseal.",
            vault.key_id,
        ),
        Output::new(
            name!("vault_kms_key_arn"),
            "ARN of the KMS key for Vault's awskms auto-unseal.",
            vault.key_arn,
        ),
        Output::new(
            name!("vault_init_secret_arn"),
            "ARN of the Secrets Manager secret that holds Vault's init output (recovery keys, root token).",
            vault.init_arn,
        ),
    ] {
        outputs.push(output.to_block());
    }
    outputs
}

mod policies;
#[cfg(test)]
mod tests;

use policies::{load_balancer_controller_policy, sid, vault_bootstrap_policy, vault_policy};
