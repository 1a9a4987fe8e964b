//! An environment root rendered: its input variables and its files, module call by module call.

use crate::Result;
use crate::bootstrap::REGION_PATTERN;
use crate::cluster_vars::ClusterVars;
use bkt_core::hcl::{
    Arg, Data, Expr, Field, File, Local, Locals, Module, Output, Provider, Resource, Settings,
    Type, Variable,
    func::{can, regex, values},
};
use bkt_core::{Tree, name};
use bkt_eks::aws::SecretsmanagerSecret;
use bkt_eks::{AddonVersions, EcrInputs, EksInputs, IdentityProvider, WorkloadIdentityInputs};
use bkt_network::{DnsInputs, LoadBalancerIngress, NatGatewayMode, NetworkInputs};
use bkt_oidc::GithubOidcInputs;
use bkt_oidc::aws::{AwsProvider, CallerIdentity, DefaultTags, Partition};
use bkt_oidc::policy::{PolicyDocument, Statement};
use bkt_sso::Kubernetes;

use super::EnvironmentRoot;
use super::atlas_secret::{Mongodb, mongodb};
use super::{
    ADMIN_LOAD_BALANCER, APPLY_ROLE_SERVICES, GITHUB_REPOSITORY_PATTERN, PUBLIC_LOAD_BALANCER,
    S3Backend,
};

/// The zones' letters, in the order an environment takes them.
const ZONE_LETTERS: [&str; 3] = ["a", "b", "c"];

/// The root's input variables.
struct Inputs {
    region: Variable,
    domain: Variable,
    create_dns_zone: Variable,
    parent_zone_id: Variable,
    github_repository: Variable,
    github_branch: Variable,
    admin_principal_arns: Variable,
    api_public_access_cidrs: Variable,
    nodes: Variable,
}

fn string_list() -> Type {
    Type::List(Box::new(Type::String))
}

fn inputs(root: &EnvironmentRoot) -> Inputs {
    Inputs {
        region: Variable::new(name!("region"), "AWS region of the environment.", Type::String)
            .default(root.region.as_str())
            .validate(
                |region| can(regex(REGION_PATTERN, region)),
                "region must be an AWS region name such as eu-west-1.",
            ),
        domain: Variable::new(
            name!("domain"),
            "Base domain of the environment (e.g. dev.example.com); UIs live at <service>.<domain>.",
            Type::String,
        )
        .default(root.domain.as_str()),
        create_dns_zone: Variable::new(
            name!("create_dns_zone"),
            "true: create the Route 53 zone for domain and delegate to its name servers; false: use an existing public zone.",
            Type::Bool,
        )
        .default(root.create_dns_zone),
        parent_zone_id: Variable::new(
            name!("parent_zone_id"),
            "ID of the parent domain's public Route 53 zone when it is in this account: the apply writes the delegation there. null: the output delegation_step names the record to create by hand.",
            Type::String,
        )
        .default(Expr::null()),
        github_repository: Variable::new(
            name!("github_repository"),
            "This repository as owner/repo; GitHub Actions roles trust only it and Flux reports commit status to it.",
            Type::String,
        )
        .validate(
            |repository| can(regex(GITHUB_REPOSITORY_PATTERN, repository)),
            "github_repository must be owner/repo, e.g. example-org/bkt-platform.",
        ),
        github_branch: Variable::new(
            name!("github_branch"),
            "Branch whose pushes may push images with the CI role (release workflow).",
            Type::String,
        )
        .default("main"),
        admin_principal_arns: Variable::new(
            name!("admin_principal_arns"),
            "IAM roles/users that get cluster-admin through EKS access entries (e.g. your SSO admin role).",
            string_list(),
        )
        .default(Expr::list(Vec::<Expr>::new())),
        api_public_access_cidrs: Variable::new(
            name!("api_public_access_cidrs"),
            "Networks allowed to reach the public Kubernetes API endpoint; empty keeps the endpoint private-only.",
            string_list(),
        )
        .default(Expr::list(Vec::<Expr>::new())),
        nodes: Variable::new(
            name!("nodes"),
            "Sizing of the environment's node group. Keep ON_DEMAND and at least 3 nodes: Vault's three Raft servers each need their own node, and Vault, OpenSearch and the databases must not be reclaimed as SPOT nodes are (generate's capacity check refuses less).",
            Type::Object(vec![
                Field::defaulted(
                    name!("instance_types"),
                    string_list(),
                    Expr::list(root.nodes.instance_types.iter().map(String::as_str)),
                ),
                Field::defaulted(
                    name!("capacity_type"),
                    Type::String,
                    root.nodes.capacity_type.as_str(),
                ),
                Field::defaulted(name!("min_size"), Type::Number, root.nodes.min_size),
                Field::defaulted(name!("desired_size"), Type::Number, root.nodes.desired_size),
                Field::defaulted(name!("max_size"), Type::Number, root.nodes.max_size),
            ]),
        )
        .default(Expr::object::<&str, Expr>([])),
    }
}

impl EnvironmentRoot {
    /// The root's files, by name, without headers.
    ///
    /// # Errors
    /// An error of a model the root is made of (a policy statement, the KMS key).
    #[allow(
        clippy::too_many_lines,
        reason = "one root, file by file in the order of its folder"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let base = self.base();
        let vars = &base.vars;
        let environment = &base.environment;
        let sample_app_repository = &base.sample_app_repository;
        let partition = &base.partition;
        let caller = &base.caller;

        let (network, dns, ecr) = self.network_dns_ecr(&base)?;

        let eks = self.eks(&base, &network)?;

        let (github_oidc, workload_identity) =
            self.ci_and_workload_identity(&base, &dns, &ecr, &eks)?;

        let Mongodb {
            key: mongodb_key,
            secret: mongodb_secret,
            reader: mongodb_reader,
            reader_policy: mongodb_reader_policy,
        } = mongodb(&base.cluster_name, &base.partition, &base.caller, &eks)?;

        let cluster_vars = ClusterVars {
            cluster_name: eks.get().cluster_name(),
            environment: environment.reference(),
            aws_region: vars.region.reference(),
            vpc_id: network.get().vpc_id(),
            vpc_cidr: network.get().vpc_cidr_block(),
            domain: vars.domain.reference(),
            hosted_zone_id: dns.get().zone_id(),
            certificate_arn: dns.get().certificate_arn(),
            aws_load_balancer_controller_role_arn: workload_identity
                .get()
                .role_arns()
                .index("aws-load-balancer-controller"),
            external_dns_role_arn: workload_identity.get().role_arns().index("external-dns"),
            vault_role_arn: workload_identity.get().role_arns().index("vault"),
            vault_bootstrap_role_arn: workload_identity.get().role_arns().index("vault-bootstrap"),
            vault_kms_key_id: workload_identity.get().vault_kms_key_id(),
            vault_init_secret_arn: workload_identity.get().vault_init_secret_arn(),
            sample_app_mongodb_role_arn: mongodb_reader.get().arn(),
            sample_app_mongodb_secret_arn: mongodb_secret.get().arn(),
            sample_app_image_repository: ecr
                .get()
                .repository_urls()
                .index(sample_app_repository.reference()),
            github_repository: vars.github_repository.reference(),
            alb_public_security_group_id: network
                .get()
                .load_balancer_security_group_ids()
                .index(PUBLIC_LOAD_BALANCER),
            alb_admin_security_group_id: network
                .get()
                .load_balancer_security_group_ids()
                .index(ADMIN_LOAD_BALANCER),
            log_retention_days: Expr::from(self.log_index_retention_days.to_string()),
        };

        let [versions, providers, variables, locals] = self.settings_files(&base);

        let single = |block| {
            let mut file = File::new();
            file.push(block);
            file
        };
        let mut github = File::new();
        github
            .push(partition.to_block())
            .push(github_oidc.to_block());

        let mut mongodb = File::new();
        mongodb.push(caller.to_block());
        for block in mongodb_key.to_blocks() {
            mongodb.push(block);
        }
        mongodb
            .push(mongodb_secret.to_block())
            .push(mongodb_reader.to_block())
            .push(mongodb_reader_policy.to_block());

        let outputs = self.outputs(
            &base,
            &cluster_vars,
            (&network, &dns, &eks, &github_oidc),
            &mongodb_secret,
        );

        let mut files = vec![
            ("versions.tf", versions),
            ("providers.tf", providers),
            ("variables.tf", variables),
            ("locals.tf", locals),
            ("network.tf", single(network.to_block())),
            ("dns.tf", single(dns.to_block())),
            ("ecr.tf", single(ecr.to_block())),
            ("eks.tf", single(eks.to_block())),
            ("github.tf", github),
            ("workload-identity.tf", single(workload_identity.to_block())),
            ("outputs.tf", outputs),
        ];
        if self.atlas {
            files.push(("mongodb.tf", mongodb));
        }
        Ok(files)
    }

    /// The root as a tree of generated files.
    ///
    /// # Errors
    /// A validation error ([`EnvironmentRoot::validate`]) or a tree error.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        self.validate()?;
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }

    /// The values every file reads: the variables, the environment's locals and the partition
    /// and caller data sources.
    fn base(&self) -> Base {
        let vars = inputs(self);
        let environment = Local::new(name!("environment"), self.environment.as_str());
        let cluster_name = Local::new(
            name!("cluster_name"),
            Expr::template(["bkt-".into(), environment.reference()]),
        );
        let availability_zones = Local::new(
            name!("availability_zones"),
            Expr::list(
                ZONE_LETTERS
                    .iter()
                    .take(usize::from(self.availability_zones))
                    .map(|letter| Expr::template([vars.region.reference(), (*letter).into()])),
            ),
        )
        .why(if self.availability_zones == 2 {
            "Two fixed zones: the EKS minimum, and they never move when AWS adds a zone."
        } else {
            "Fixed zones, one subnet pair each: they never move when AWS adds a zone."
        });
        let sample_app_repository = Local::new(
            name!("sample_app_repository"),
            self.sample_app_repository.as_str(),
        );
        let tags = Local::new(
            name!("tags"),
            Expr::object([
                ("Project", Expr::from("bkt-platform")),
                ("Environment", environment.reference()),
                (
                    "ManagedBy",
                    Expr::template(["terraform/envs/".into(), environment.reference()]),
                ),
            ]),
        );

        let partition = Data::new(name!("current"), Partition::default());
        let caller = Data::new(name!("current"), CallerIdentity::default());
        Base {
            vars,
            environment,
            cluster_name,
            availability_zones,
            sample_app_repository,
            tags,
            partition,
            caller,
        }
    }

    /// The network, DNS and ECR module calls.
    fn network_dns_ecr(
        &self,
        base: &Base,
    ) -> Result<(Module<NetworkInputs>, Module<DnsInputs>, Module<EcrInputs>)> {
        let vars = &base.vars;
        let cluster_name = &base.cluster_name;
        let availability_zones = &base.availability_zones;
        let sample_app_repository = &base.sample_app_repository;
        let network = Module::new(
            name!("network"),
            "../../modules/network",
            NetworkInputs {
                name: Some(cluster_name.reference().into()),
                cluster_name: Some(cluster_name.reference().into()),
                availability_zones: Some(availability_zones.reference().into()),
                cidr_block: Some(self.cidr_block.to_string().into()),
                nat_gateway_mode: Some(Arg::from(self.nat_gateway_mode.as_str()).why(
                    match self.nat_gateway_mode {
                        NatGatewayMode::Single => "One NAT gateway (~$32/month plus traffic) instead of one per zone: the environment tolerates a zone outage.",
                        NatGatewayMode::PerAz => "One NAT gateway per zone: a zone outage leaves the other zones their egress.",
                    },
                )),
                flow_log_retention_days: Some(self.flow_log_retention_days.days().into()),
                load_balancers: Some(
                    Arg::from(LoadBalancerIngress::to_input(&self.load_balancers()?)).why(
                        "public: the sample app, Authentik (the EKS control plane fetches its OIDC documents) and Flux's\nwebhook receiver. admin: Vault, Headlamp, Grafana, OpenSearch Dashboards, from\n[network] admin_ingress_cidrs of the environment's spec file.",
                    ),
                ),
                ..NetworkInputs::default()
            },
        );
        let dns = Module::new(
            name!("dns"),
            "../../modules/dns",
            DnsInputs {
                domain: Some(vars.domain.reference().into()),
                create_zone: Some(vars.create_dns_zone.reference().into()),
                validation_timeout: Some(self.validation_timeout.to_string().into()),
                parent_zone_id: Some(vars.parent_zone_id.reference().into()),
                ..DnsInputs::default()
            },
        );
        let ecr = Module::new(
            name!("ecr"),
            "../../modules/ecr",
            EcrInputs {
                repositories: Some(
                    Expr::object([(
                        sample_app_repository.reference(),
                        Expr::object([("keep_tagged_images", 50), ("untagged_expiry_days", 7)]),
                    )])
                    .into(),
                ),
                ..EcrInputs::default()
            },
        );
        Ok((network, dns, ecr))
    }

    /// The eks module call, with the SSO declaration's Kubernetes application as its identity
    /// provider.
    fn eks(&self, base: &Base, network: &Module<NetworkInputs>) -> Result<Module<EksInputs>> {
        let vars = &base.vars;
        let cluster_name = &base.cluster_name;
        let nodes = vars.nodes.reference();
        let node = |field| nodes.clone().attr(&field);
        // The API server accepts Authentik's ID tokens for the application the declaration
        // gives Kubernetes; issuer, client and claims come from that one declaration.
        let sso = crate::sso::sso()?;
        let kubernetes = sso.client::<Kubernetes>("eks identity provider", "kubernetes")?;
        let (before, after) = kubernetes.issuer_around_domain();
        let identity_provider = IdentityProvider::builder(
            "authentik",
            Expr::template([before.into(), vars.domain.reference(), after.into()]),
            kubernetes.client_id(),
        )
        .username_claim(kubernetes.username_claim())
        .groups_claim(bkt_sso::GROUPS_CLAIM)
        .username_prefix(kubernetes.prefix())
        .groups_prefix(kubernetes.prefix())
        .build()?;
        let eks = Module::new(
            name!("eks"),
            "../../modules/eks",
            EksInputs {
                cluster_name: Some(cluster_name.reference().into()),
                kubernetes_version: Some(self.kubernetes_version.as_str().into()),
                addon_versions: Some(
                    Expr::object(AddonVersions::for_version(self.kubernetes_version).entries())
                        .into(),
                ),
                network_policy: Some(self.network_policy.into()),
                load_balancer_security_group_ids: Some(
                    network.get().load_balancer_security_group_ids().into(),
                ),
                log_retention_days: Some(self.log_retention_days.days().into()),
                subnet_ids: Some(network.get().private_subnet_ids().into()),
                admin_principal_arns: Some(vars.admin_principal_arns.reference().into()),
                endpoint: Some(
                    Expr::object([(
                        "public_access_cidrs",
                        vars.api_public_access_cidrs.reference(),
                    )])
                    .into(),
                ),
                node_groups: Some(
                    Expr::object([(
                        "default",
                        Expr::object([
                            ("instance_types", node(name!("instance_types"))),
                            ("capacity_type", node(name!("capacity_type"))),
                            ("min_size", node(name!("min_size"))),
                            ("desired_size", node(name!("desired_size"))),
                            ("max_size", node(name!("max_size"))),
                        ]),
                    )])
                    .into(),
                ),
                oidc_identity_provider: Some(identity_provider.to_expr().into()),
                ..EksInputs::default()
            },
        );
        Ok(eks)
    }

    /// The GitHub OIDC roles of CI (plan and apply) and the workload-identity module call.
    fn ci_and_workload_identity(
        &self,
        base: &Base,
        dns: &Module<DnsInputs>,
        ecr: &Module<EcrInputs>,
        eks: &Module<EksInputs>,
    ) -> Result<(Module<GithubOidcInputs>, Module<WorkloadIdentityInputs>)> {
        let vars = &base.vars;
        let environment = &base.environment;
        let cluster_name = &base.cluster_name;
        let partition = &base.partition;
        let role_name =
            |suffix: &str| Expr::template(["bkt-".into(), environment.reference(), suffix.into()]);
        let partition_arn = |policy: &str| {
            Expr::list([Expr::template([
                "arn:".into(),
                partition.get().partition(),
                ":iam::aws:policy/".into(),
                policy.into(),
            ])])
        };
        let ci_policy = PolicyDocument::new([
            Statement::allow()
                .sid("LogInToTheRegistry")?
                .action("ecr:GetAuthorizationToken")
                .resource("*"),
            Statement::allow()
                .sid("PushTheSampleAppImage")?
                .action([
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:CompleteLayerUpload",
                    "ecr:DescribeImages",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:InitiateLayerUpload",
                    "ecr:PutImage",
                    "ecr:UploadLayerPart",
                ])
                .resource(values(ecr.get().repository_arns())),
            Statement::allow()
                .sid("ReadTheScanFindings")?
                .action("ecr:DescribeImageScanFindings")
                .resource(values(ecr.get().repository_arns())),
        ]);
        // Read-only, but never the state of the Atlas root (the database password) nor a
        // secret's value: ReadOnlyAccess alone would allow both.
        let plan_policy = PolicyDocument::new([
            Statement::deny()
                .sid("NoSecretBearingState")?
                .action("s3:GetObject")
                .resource(Expr::template([
                    "arn:".into(),
                    partition.get().partition(),
                    ":s3:::*/atlas/*".into(),
                ])),
            Statement::deny()
                .sid("NoSecretValues")?
                .action("secretsmanager:GetSecretValue")
                .resource("*"),
        ]);
        // The services the environment root manages, and nothing else (no Organizations,
        // billing, other regions' data services …); IAM stays, as the roots create roles.
        let apply_policy = PolicyDocument::new([Statement::allow()
            .sid("ManageTheEnvironmentsServices")?
            .action(APPLY_ROLE_SERVICES.map(|service| [service, ":*"].concat()))
            .resource("*")]);
        let github_oidc = Module::new(
            name!("github_oidc"),
            "../../modules/github-oidc",
            GithubOidcInputs {
                create_provider: Some(self.create_github_oidc_provider.into()),
                roles: Some(
                    Expr::object([
                        (
                            role_name("-github-ci"),
                            Expr::object([
                                ("repository", vars.github_repository.reference()),
                                ("branch", vars.github_branch.reference()),
                                ("workflow", ".github/workflows/release.yml".into()),
                                ("policy_json", ci_policy.to_json()),
                            ]),
                        ),
                        (
                            role_name("-github-plan"),
                            Expr::object([
                                ("repository", vars.github_repository.reference()),
                                (
                                    "environment",
                                    Expr::template([environment.reference(), "-plan".into()]),
                                ),
                                ("workflow", ".github/workflows/terraform.yml".into()),
                                ("policy_json", plan_policy.to_json()),
                                ("managed_policy_arns", partition_arn("ReadOnlyAccess")),
                            ]),
                        ),
                        (
                            role_name("-github-apply"),
                            Expr::object([
                                ("repository", vars.github_repository.reference()),
                                ("environment", environment.reference()),
                                ("workflow", ".github/workflows/terraform.yml".into()),
                                ("policy_json", apply_policy.to_json()),
                            ]),
                        ),
                    ])
                    .into(),
                ),
                ..GithubOidcInputs::default()
            },
        )
        .why("Role names are shared with .github/workflows (repository variables AWS_*_ROLE_ARN).\nEach trusts one workflow file (job_workflow_ref).\n- bkt-<env>-github-ci: release.yml on pushes to main; pushes the sample-app image and reads its scan findings.\n- bkt-<env>-github-plan: terraform.yml plan job (environment <env>-plan); read-only, plans with -lock=false.\nIt may not read the Atlas root's state nor a secret's value.\n- bkt-<env>-github-apply: terraform.yml apply job, only from the protected GitHub environment <env>.\nIt manages the services the root creates (APPLY_ROLE_SERVICES), without AdministratorAccess.");
        let workload_identity = Module::new(
            name!("workload_identity"),
            "../../modules/workload-identity",
            WorkloadIdentityInputs {
                cluster_name: Some(cluster_name.reference().into()),
                oidc_provider_arn: Some(eks.get().oidc_provider_arn().into()),
                oidc_issuer: Some(eks.get().oidc_issuer().into()),
                hosted_zone_arn: Some(dns.get().zone_arn().into()),
                ..WorkloadIdentityInputs::default()
            },
        );
        Ok((github_oidc, workload_identity))
    }

    /// `versions.tf`, `providers.tf`, `variables.tf` and `locals.tf`.
    fn settings_files(&self, base: &Base) -> [File; 4] {
        let vars = &base.vars;
        let environment = &base.environment;
        let cluster_name = &base.cluster_name;
        let availability_zones = &base.availability_zones;
        let sample_app_repository = &base.sample_app_repository;
        let tags = &base.tags;
        let mut versions = File::new();
        versions.push(
            Settings {
                backend: Some(bkt_core::hcl::NestedBlock::to_block(&S3Backend {
                    bucket: self.state_bucket.as_deref().map(Into::into),
                    key: Some(self.state_key().into()),
                    region: Some(self.region.as_str().into()),
                    encrypt: Some(true.into()),
                    use_lockfile: Some(true.into()),
                    why: Some(if self.state_bucket.is_some() {
                        "bucket: [terraform] state_bucket of the environment's spec file. The offline emulator run\noverrides bucket and endpoint with -backend-config."
                    } else {
                        "bucket: given at init, not written here (no account ID in Git): make up passes the\nstate_bucket output of terraform/bootstrap, CI the repository variable TF_STATE_BUCKET\n(-backend-config=bucket=...). Or set [terraform] state_bucket in environments/<env>.toml."
                    }.to_owned()),
                })),
                ..bkt_oidc::aws::aws_settings(bkt_platform::TERRAFORM_VERSION, &self.aws_provider_version)
            }
            .to_block(),
        );

        let mut providers = File::new();
        providers.push(
            Provider::new(AwsProvider {
                region: Some(vars.region.reference().into()),
                default_tags: Some(DefaultTags {
                    tags: Some(tags.reference().into()),
                    why: None,
                }),
            })
            .to_block(),
        );

        let mut variables = File::new();
        for variable in [
            &vars.region,
            &vars.domain,
            &vars.create_dns_zone,
            &vars.parent_zone_id,
            &vars.github_repository,
            &vars.github_branch,
            &vars.admin_principal_arns,
            &vars.api_public_access_cidrs,
            &vars.nodes,
        ] {
            variables.push(variable.to_block());
        }

        let mut locals = File::new();
        locals.push(
            Locals {
                groups: vec![
                    vec![environment.clone(), cluster_name.clone()],
                    vec![availability_zones.clone()],
                    vec![sample_app_repository.clone()],
                    vec![tags.clone()],
                ],
            }
            .to_block(),
        );
        [versions, providers, variables, locals]
    }

    /// `outputs.tf`: the cluster vars, how to reach the cluster, the DNS delegation, the CI roles, the
    /// NAT addresses and (with Atlas) the MongoDB secret.
    fn outputs(
        &self,
        base: &Base,
        cluster_vars: &ClusterVars<Expr>,
        (network, dns, eks, github_oidc): (
            &Module<NetworkInputs>,
            &Module<DnsInputs>,
            &Module<EksInputs>,
            &Module<GithubOidcInputs>,
        ),
        mongodb_secret: &Resource<SecretsmanagerSecret>,
    ) -> File {
        let vars = &base.vars;
        let mut outputs = File::new();
        outputs.push(
            Output::new(
                name!("cluster_vars"),
                "The contract with the GitOps tree: written to ConfigMap flux-system/cluster-vars and substituted into every Flux Kustomization.",
                Expr::object(cluster_vars.entries_for(self.atlas).into_iter().map(|(key, value)| (key, value.clone()))),
            )
            .to_block(),
        );
        outputs
            .push(
                Output::new(
                    name!("configure_kubectl"),
                    "Command that writes a kubeconfig entry for the cluster.",
                    Expr::template([
                        "aws eks update-kubeconfig --region ".into(),
                        vars.region.reference(),
                        " --name ".into(),
                        eks.get().cluster_name(),
                    ]),
                )
                .to_block(),
            )
            .push(
                Output::new(
                    name!("name_servers"),
                    "Delegate the domain to these name servers at its parent; ACM validation waits for it.",
                    dns.get().name_servers(),
                )
                .to_block(),
            )
            .push(
                Output::new(
                    name!("delegation_step"),
                    "null when the apply delegated the domain (parent_zone_id) or uses an existing zone; otherwise the NS record to create at the parent (make up prints it).",
                    dns.get().delegation_step(),
                )
                .to_block(),
            )
            .push(
                Output::new(
                    name!("github_role_arns"),
                    "GitHub Actions role ARNs by name; set AWS_CI_ROLE_ARN, AWS_PLAN_ROLE_ARN, AWS_APPLY_ROLE_ARN from them.",
                    github_oidc.get().role_arns(),
                )
                .to_block(),
            )
            .push(
                Output::new(
                    name!("nat_public_ips"),
                    "Addresses the cluster reaches the internet from; the Atlas root (terraform/atlas/<env>, when the environment uses Atlas) admits exactly these to MongoDB Atlas.",
                    network.get().nat_public_ips(),
                )
                .to_block(),
            );
        if self.atlas {
            outputs.push(
            Output::new(
                name!("mongodb_secret_arn"),
                "Secrets Manager secret terraform/atlas/<env> writes the sample app's MongoDB connection string into.",
                mongodb_secret.get().arn(),
            )
            .to_block(),
        );
        }
        outputs
    }
}

/// The values every file of the root reads.
struct Base {
    vars: Inputs,
    environment: Local,
    cluster_name: Local,
    availability_zones: Local,
    sample_app_repository: Local,
    tags: Local,
    partition: Data<Partition>,
    caller: Data<CallerIdentity>,
}
