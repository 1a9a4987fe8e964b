//! The eks module's files: the cluster and its IAM roles, KMS key, access entries, node groups,
//! IRSA provider, add-ons, security group rules and outputs, written from the typed inputs.

use super::spec::{
    AMI_TYPE, AUTHENTICATION_MODE, AddonVersions, IMDS_HOP_LIMIT, SECRETS_ALIAS_SUFFIX,
    SUPPORT_TYPE,
};
use crate::Result;
use crate::aws::{
    AccessConfig, AccessScope, BlockDeviceMappings, Ebs, EksAccessEntry,
    EksAccessPolicyAssociation, EksAddon, EksCluster, EksIdentityProviderConfig, EksNodeGroup,
    EncryptionConfig, EncryptionProvider, LaunchTemplate, MetadataOptions, NodeGroupLaunchTemplate,
    OidcIdentityProvider, ScalingConfig, TagSpecifications, UpdateConfig, UpgradePolicy, VpcConfig,
};
use crate::kms::{self, Account};
use bkt_core::hcl::func::{jsonencode, length, merge, toset, trimprefix, try_};
use bkt_core::hcl::{Arg, BinOp, Data, Expr, File, Lifecycle, Local, Locals, Output, Resource};
use bkt_core::{Name, name};
use bkt_network::aws::{CloudwatchLogGroup, VpcSecurityGroupIngressRule};
use bkt_oidc::aws::{
    CallerIdentity, IamOpenidConnectProvider, IamRole, IamRolePolicyAttachment, Partition,
};
use bkt_oidc::policy::{IrsaTrust, PolicyDocument, Principal, Statement};

use super::EksModule;
use super::variables::{Inputs, strings};

impl EksModule {
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
        let ctx = Ctx {
            inputs: &inputs,
            partition: partition.reference(),
        };

        let (cluster_role, cluster_attachment, log_group) = control_plane_role(&ctx);

        let secrets_key = secrets_key(
            &ctx,
            Account {
                partition: partition.reference(),
                account_id: caller.get().account_id(),
            },
        )?;

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
        let (access_entries, admin_policies) = admin_access(&ctx, &cluster);

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
        let (irsa, oidc_provider, oidc_issuer) = irsa(&ctx, &cluster);

        // nodes.tf
        let (nodes, node_role, node_groups) = nodes(&ctx, &cluster);

        // addons.tf
        let addons_file = addons(&ctx, &cluster, &oidc_provider, &oidc_issuer, &node_groups);

        // identity_provider.tf
        let (identity_provider_file, identity_provider) = identity_provider(&ctx, &cluster);

        let security_groups = security_groups(&ctx, &cluster);

        let outputs = outputs(
            &cluster,
            &oidc_provider,
            &oidc_issuer,
            &node_role,
            &secrets_key,
            &identity_provider,
        );

        let variables = variables_file(&inputs);

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
}

/// What every file of the module reads: its variables and the partition's local.
struct Ctx<'a> {
    inputs: &'a Inputs,
    partition: Expr,
}

impl Ctx<'_> {
    /// The ARN of the AWS managed policy at `path`, in the partition.
    fn aws_policy(&self, path: Expr) -> Expr {
        Expr::template([
            "arn:".into(),
            self.partition.clone(),
            ":iam::aws:policy/".into(),
            path,
        ])
    }

    /// `<cluster_name><suffix>`.
    fn named(&self, suffix: &str) -> Expr {
        Expr::template([self.inputs.cluster_name.reference(), suffix.into()])
    }

    /// The module's tags.
    fn tags(&self) -> Arg {
        Arg::from(self.inputs.tags.reference())
    }

    /// The role `<cluster_name><suffix>` whose trust policy is `trust`, tagged like the module.
    fn role(&self, name: Name, suffix: &str, trust: Expr) -> Resource<IamRole> {
        Resource::new(
            name,
            IamRole {
                name: Some(self.named(suffix).into()),
                assume_role_policy: Some(trust.into()),
                tags: Some(self.tags()),
                ..IamRole::default()
            },
        )
    }

    /// Attaches the AWS managed policy at `path` to `role`.
    fn attach(
        &self,
        name: Name,
        role: &Resource<IamRole>,
        path: Expr,
    ) -> Resource<IamRolePolicyAttachment> {
        Resource::new(
            name,
            IamRolePolicyAttachment {
                role: Some(role.get().name().into()),
                policy_arn: Some(self.aws_policy(path).into()),
            },
        )
    }
}

/// The control plane's role (EKS may assume it) with its managed policy, and the log group EKS
/// writes the control plane logs into.
fn control_plane_role(
    ctx: &Ctx,
) -> (
    Resource<IamRole>,
    Resource<IamRolePolicyAttachment>,
    Resource<CloudwatchLogGroup>,
) {
    let inputs = ctx.inputs;
    let var_name = inputs.cluster_name.reference();
    let var_tags = || Arg::from(inputs.tags.reference());
    let cluster_role = ctx.role(
        name!("cluster"),
        "-cluster",
        PolicyDocument::new([Statement::allow()
            .principal(Principal::service("eks.amazonaws.com"))
            .action(["sts:AssumeRole", "sts:TagSession"])])
        .to_json(),
    );
    let cluster_attachment = ctx.attach(
        name!("cluster"),
        &cluster_role,
        "AmazonEKSClusterPolicy".into(),
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
    (cluster_role, cluster_attachment, log_group)
}

/// The administrators' access entries and their cluster-admin policy associations.
fn admin_access(
    ctx: &Ctx,
    cluster: &Resource<EksCluster>,
) -> (
    Resource<EksAccessEntry>,
    Resource<EksAccessPolicyAssociation>,
) {
    let inputs = ctx.inputs;
    let var_tags = || Arg::from(inputs.tags.reference());
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
                    ctx.partition.clone(),
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
    (access_entries, admin_policies)
}

/// `nodes.tf`: the node role, its launch template (`IMDSv2`, encrypted root volume) and the managed
/// node groups; with the role and the groups, which the add-ons and outputs read.
#[allow(
    clippy::too_many_lines,
    reason = "the launch template and the node groups, attribute by attribute"
)]
fn nodes(
    ctx: &Ctx,
    cluster: &Resource<EksCluster>,
) -> (File, Resource<IamRole>, Resource<EksNodeGroup>) {
    let inputs = ctx.inputs;
    let var_name = inputs.cluster_name.reference();
    let var_tags = || Arg::from(inputs.tags.reference());
    let node_role = ctx.role(
        name!("node"),
        "-node",
        PolicyDocument::new([Statement::allow()
            .principal(Principal::service("ec2.amazonaws.com"))
            .action("sts:AssumeRole")])
        .to_json(),
    );
    let node_attachments = ctx
        .attach(name!("node"), &node_role, Expr::each_value())
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
    (nodes, node_role, node_groups)
}

/// `addons.tf`: the EBS CSI driver's IRSA role and the core add-ons, once nodes exist.
fn addons(
    ctx: &Ctx,
    cluster: &Resource<EksCluster>,
    oidc_provider: &Resource<IamOpenidConnectProvider>,
    oidc_issuer: &Local,
    node_groups: &Resource<EksNodeGroup>,
) -> File {
    let inputs = ctx.inputs;
    let var_tags = || Arg::from(inputs.tags.reference());
    let ebs_role = ctx.role(
        name!("ebs_csi"),
        "-ebs-csi",
        IrsaTrust {
            provider_arn: oidc_provider.get().arn(),
            issuer: oidc_issuer.reference(),
            namespace: "kube-system".into(),
            service_account: "ebs-csi-controller-sa".into(),
        }
        .document()
        .to_json(),
    );
    let ebs_attachment = ctx.attach(
        name!("ebs_csi"),
        &ebs_role,
        "service-role/AmazonEBSCSIDriverPolicy".into(),
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
    .depends_on(node_groups)
    .why("coredns and the EBS CSI controller are Deployments: they only become healthy once nodes exist.");
    let mut addons_file = File::new();
    addons_file
        .push(ebs_role.to_block())
        .push(ebs_attachment.to_block())
        .push(addons.to_block());
    addons_file
}

/// `identity_provider.tf`: the optional OIDC identity provider of the API server.
fn identity_provider(
    ctx: &Ctx,
    cluster: &Resource<EksCluster>,
) -> (File, Resource<EksIdentityProviderConfig>) {
    let inputs = ctx.inputs;
    let var_tags = || Arg::from(inputs.tags.reference());
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
    (identity_provider_file, identity_provider)
}

/// `kms.tf`'s key: envelope encryption of the cluster's Secrets, in `account`.
fn secrets_key(ctx: &Ctx, account: Account) -> Result<kms::Key> {
    let inputs = ctx.inputs;
    let var_name = inputs.cluster_name.reference();
    let secrets_key = kms::Key::builder(
        name!("secrets"),
        Expr::template([
            "EKS ".into(),
            var_name.clone(),
            " Secrets envelope encryption".into(),
        ]),
        account,
    )
    .alias(
        Expr::template([
            "alias/".into(),
            var_name.clone(),
            SECRETS_ALIAS_SUFFIX.into(),
        ]),
        SECRETS_ALIAS_SUFFIX,
    )
    .tags(inputs.tags.reference())
    .why("Envelope encryption of Kubernetes Secrets with a customer-managed, yearly rotated key.")
    .build()?;
    Ok(secrets_key)
}

/// `irsa.tf`: the IAM OIDC provider of the cluster's issuer, and the issuer without its scheme.
fn irsa(
    ctx: &Ctx,
    cluster: &Resource<EksCluster>,
) -> (File, Resource<IamOpenidConnectProvider>, Local) {
    let inputs = ctx.inputs;
    let var_tags = || Arg::from(inputs.tags.reference());
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
    (irsa, oidc_provider, oidc_issuer)
}

/// `security-groups.tf`: each load balancer's frontend group may reach the pods.
fn security_groups(ctx: &Ctx, cluster: &Resource<EksCluster>) -> File {
    let inputs = ctx.inputs;
    let var_tags = || Arg::from(inputs.tags.reference());
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
    security_groups
}

/// `outputs.tf`: the cluster, its IRSA provider and issuer, the node role, the Secrets key and the
/// identity provider.
fn outputs(
    cluster: &Resource<EksCluster>,
    oidc_provider: &Resource<IamOpenidConnectProvider>,
    oidc_issuer: &Local,
    node_role: &Resource<IamRole>,
    secrets_key: &kms::Key,
    identity_provider: &Resource<EksIdentityProviderConfig>,
) -> File {
    let cluster_security_group = || {
        cluster
            .get()
            .vpc_config()
            .index(0)
            .attr(&name!("cluster_security_group_id"))
    };
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
    outputs
}

/// `variables.tf`, in the order of the module's inputs.
fn variables_file(inputs: &Inputs) -> File {
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
    variables
}
