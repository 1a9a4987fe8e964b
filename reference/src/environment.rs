//! An environment's root (`terraform/envs/<name>`): every module called through its typed
//! inputs with the environment's values, the AWS provider, the S3 backend, and the
//! `cluster_vars` output made from [`ClusterVars`].
//!
//! A wrong input name does not compile (each module's inputs are a [`bkt_core::hcl::ModuleKind`]),
//! and a module output is read only through its typed reference (`network.get().vpc_id()`).

use bkt_core::hcl::{
    Arg, Data, Expr, Field, File, Local, Locals, Module, Output, Provider, Resource, Settings,
    Type, Variable,
    func::{can, regex, values},
};
use bkt_core::{Tree, name};
use bkt_eks::aws::SecretsmanagerSecret;
use bkt_eks::kms::{Account, Key};
use bkt_eks::{
    AddonVersions, CapacityType, EcrInputs, EksInputs, IdentityProvider, KubernetesVersion,
    WorkloadIdentityInputs,
};
use bkt_network::dns::ValidationTimeout;
use bkt_network::{
    Cidr, DnsInputs, FlowLogRetention, LoadBalancerIngress, NatGatewayMode, NetworkInputs,
    SourceCidr,
};
use bkt_oidc::GithubOidcInputs;
use bkt_oidc::aws::{AwsProvider, CallerIdentity, DefaultTags, IamRole, IamRolePolicy, Partition};
use bkt_oidc::policy::{IrsaTrust, Operator, PolicyDocument, Statement};
use bkt_sso::Kubernetes;

use crate::Result;
use crate::bootstrap::REGION_PATTERN;
use crate::cluster_vars::ClusterVars;
use crate::gitops::apps::{ATLAS_READER, SAMPLE_APP};

bkt_core::terraform_block! {
    /// The `backend "s3"` block of a root's `terraform` settings.
    pub struct S3Backend => "backend" "s3" {
        /// The state bucket (the bootstrap root's `state_bucket` output).
        bucket,
        /// The state object's key.
        key,
        /// The bucket's region.
        region,
        /// Server-side encryption of the state object.
        encrypt,
        /// S3-native state locking (no DynamoDB table).
        use_lockfile,
    }
}

/// The AWS services whose resources an environment root creates: the apply role may manage
/// these and no others.
pub const APPLY_ROLE_SERVICES: [&str; 10] = [
    "acm",
    "ec2",
    "ecr",
    "eks",
    "iam",
    "kms",
    "logs",
    "route53",
    "s3",
    "secretsmanager",
];

/// The frontend of the public load balancer: the sample app, Authentik (browsers and the EKS
/// control plane fetch its OIDC documents) and Flux's webhook receiver (GitHub calls it).
pub const PUBLIC_LOAD_BALANCER: &str = "public";

/// The frontend of the admin UIs' load balancer: Vault, Headlamp, Grafana, OpenSearch Dashboards.
pub const ADMIN_LOAD_BALANCER: &str = "admin";

/// The listener ports of both load balancers: HTTP (redirected) and HTTPS.
pub const LOAD_BALANCER_PORTS: [u16; 2] = [80, 443];

/// The default admin range, TEST-NET-3 (`203.0.113.0/24`).
const ADMIN_PLACEHOLDER: std::net::Ipv4Addr = std::net::Ipv4Addr::new(203, 0, 113, 0);

/// The regular expression of `owner/repo`, as the root's `github_repository` validation uses it.
pub const GITHUB_REPOSITORY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$";

/// An environment's root: the values that are fixed in it (everything else is a variable set
/// per deployment in `terraform.tfvars`). Every field reaches the root's files: as a literal of
/// a module call, a local, the backend, or the default of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is one yes/no key of the environment's spec file, not a state machine"
)]
pub struct EnvironmentRoot {
    /// The environment's name (`dev`): the cluster is `bkt-<environment>`.
    pub environment: String,
    /// The ECR repository of the sample application.
    pub sample_app_repository: String,
    /// The state bucket written into the backend block, or `None` (the default) for a partial
    /// backend configuration: `make up` gives the bootstrap root's `state_bucket` output at init,
    /// CI the repository variable `TF_STATE_BUCKET`, so no account ID is committed.
    pub state_bucket: Option<String>,
    /// Default region.
    pub region: String,
    /// Exact `hashicorp/aws` provider version.
    pub aws_provider_version: String,
    /// The environment's base domain: the default of the `domain` input.
    pub domain: String,
    /// Whether the root creates the Route 53 zone: the default of `create_dns_zone`.
    pub create_dns_zone: bool,
    /// How long the apply waits for the certificate's DNS validation.
    pub validation_timeout: ValidationTimeout,
    /// The VPC range.
    pub cidr_block: Cidr,
    /// How many availability zones (the region's `a`, `b`, `c`, …) the subnets span.
    pub availability_zones: u8,
    /// One NAT gateway, or one per zone.
    pub nat_gateway_mode: NatGatewayMode,
    /// Days CloudWatch keeps the VPC's flow logs.
    pub flow_log_retention_days: FlowLogRetention,
    /// The IPv4 ranges that may reach the admin UIs' load balancer ([`ADMIN_LOAD_BALANCER`]);
    /// the public one ([`PUBLIC_LOAD_BALANCER`]) admits every address.
    pub admin_ingress_cidrs: Vec<SourceCidr>,
    /// The cluster's Kubernetes version.
    pub kubernetes_version: KubernetesVersion,
    /// Days CloudWatch keeps the control plane's logs.
    pub log_retention_days: FlowLogRetention,
    /// The node group: the default of the `nodes` input.
    pub nodes: Nodes,
    /// Whether the root creates the account's GitHub OIDC provider.
    pub create_github_oidc_provider: bool,
    /// Whether vpc-cni enforces `NetworkPolicies` (the eks module's `network_policy`). The
    /// reference tree ships a default-deny policy for every namespace, so rendering refuses an
    /// environment that turns it off.
    pub network_policy: bool,
    /// Days OpenSearch keeps the container logs (Fluent Bit's `kube-*` indices): the cluster var
    /// `LOG_RETENTION_DAYS`, which the logs' setup Job (`platform/opensearch`) makes a policy of.
    pub log_index_retention_days: u16,
    /// Whether the environment uses MongoDB Atlas (`[atlas] enabled`): then its Atlas root
    /// (`terraform/atlas/<name>`) is written, this root holds the secret that root writes the
    /// DSN into, its KMS key and the role External Secrets reads it with (`mongodb.tf`, the
    /// `mongodb_secret_arn` output, the cluster vars [`ClusterVars::ATLAS_KEYS`]), and the
    /// sample app's database is the Atlas cluster; otherwise none of them exists and the app
    /// uses the in-cluster `MariaDB`.
    pub atlas: bool,
}

/// The environment's node group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nodes {
    /// EC2 instance types, in order of preference.
    pub instance_types: Vec<String>,
    /// `ON_DEMAND` or `SPOT`.
    pub capacity_type: CapacityType,
    /// The fewest nodes.
    pub min_size: u16,
    /// The nodes wanted.
    pub desired_size: u16,
    /// The most nodes.
    pub max_size: u16,
}

impl Default for EnvironmentRoot {
    /// The dev environment committed here.
    fn default() -> Self {
        Self::named("dev")
    }
}

impl EnvironmentRoot {
    /// The reference platform's defaults for an environment called `name`: dev's values, with
    /// the cluster, the domain and the state key named after it.
    #[must_use]
    pub fn named(name: &str) -> Self {
        Self {
            environment: name.to_owned(),
            sample_app_repository: "bkt-sample-app".to_owned(),
            state_bucket: None,
            region: "eu-west-1".to_owned(),
            aws_provider_version: bkt_platform::AWS_PROVIDER_VERSION.to_owned(),
            domain: format!("{name}.example.com"),
            create_dns_zone: true,
            validation_timeout: ValidationTimeout::DEFAULT,
            cidr_block: Cidr::DEFAULT,
            availability_zones: 2,
            nat_gateway_mode: NatGatewayMode::Single,
            flow_log_retention_days: FlowLogRetention::DEFAULT,
            // TEST-NET-3 (RFC 5737): routes nowhere, so an environment that names no network of
            // its own has its admin UIs closed rather than open.
            admin_ingress_cidrs: vec![SourceCidr::network_of(ADMIN_PLACEHOLDER, 24)],
            kubernetes_version: KubernetesVersion::default(),
            log_retention_days: FlowLogRetention::DEFAULT,
            // On-demand: Vault's Raft members, OpenSearch and the databases must not go with
            // a Spot reclaim. Three nodes: Vault's three servers each need their own (the
            // chart's required hostname anti-affinity). The capacity check holds both.
            nodes: Nodes {
                instance_types: vec!["t3.large".to_owned(), "t3a.large".to_owned()],
                capacity_type: CapacityType::OnDemand,
                min_size: 3,
                desired_size: 3,
                max_size: 4,
            },
            create_github_oidc_provider: true,
            network_policy: true,
            log_index_retention_days: 7,
            atlas: false,
        }
    }

    /// The frontends of the environment's two load balancers: public (every address) and admin
    /// ([`Self::admin_ingress_cidrs`]), both on [`LOAD_BALANCER_PORTS`].
    ///
    /// # Errors
    /// [`crate::Error::Network`] when `admin_ingress_cidrs` is empty.
    pub fn load_balancers(&self) -> Result<[LoadBalancerIngress; 2]> {
        Ok([
            LoadBalancerIngress::new(
                "network.load_balancers",
                PUBLIC_LOAD_BALANCER,
                [SourceCidr::ANYWHERE],
                LOAD_BALANCER_PORTS,
            )?,
            LoadBalancerIngress::new(
                "network.admin_ingress_cidrs",
                ADMIN_LOAD_BALANCER,
                self.admin_ingress_cidrs.iter().copied(),
                LOAD_BALANCER_PORTS,
            )?,
        ])
    }

    /// The state object's key in the bucket: one per environment.
    #[must_use]
    pub fn state_key(&self) -> String {
        format!("envs/{}/terraform.tfstate", self.environment)
    }

    /// The EKS cluster's name.
    #[must_use]
    pub fn cluster_name(&self) -> String {
        format!("bkt-{}", self.environment)
    }
}

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
    /// Checks the fixed values by the rules the modules and AWS apply to them.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] naming the first bad field and the fix.
    pub fn validate(&self) -> Result<()> {
        let environment_ok = (1..=16).contains(&self.environment.len())
            && self
                .environment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !environment_ok {
            return Err(crate::Error::invalid(
                "environment",
                &self.environment,
                "use 1-16 lowercase letters or digits (e.g. dev); the cluster is named bkt-<environment>",
            ));
        }
        let repository_ok = (2..=256).contains(&self.sample_app_repository.len())
            && self
                .sample_app_repository
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b));
        if !repository_ok {
            return Err(crate::Error::invalid(
                "terraform.sample_app_repository",
                &self.sample_app_repository,
                "use an ECR repository name: lowercase letters, digits, '-', '_', '.', '/' (e.g. bkt-sample-app)",
            ));
        }
        crate::bootstrap::check_region("terraform.region", &self.region)?;
        self.load_balancers()?;
        if !(2..=3).contains(&self.availability_zones) {
            return Err(crate::Error::invalid(
                "network.availability_zones",
                self.availability_zones,
                "use 2 (the EKS minimum) or 3 zones",
            ));
        }
        let nodes = &self.nodes;
        if nodes.instance_types.is_empty() {
            return Err(crate::Error::invalid(
                "eks.nodes.instance_types",
                "[]",
                "name at least one EC2 instance type (e.g. [\"t3.large\"])",
            ));
        }
        if !(1 <= nodes.min_size
            && nodes.min_size <= nodes.desired_size
            && nodes.desired_size <= nodes.max_size)
        {
            return Err(crate::Error::invalid(
                "eks.nodes",
                format!(
                    "min_size {}, desired_size {}, max_size {}",
                    nodes.min_size, nodes.desired_size, nodes.max_size
                ),
                "use 1 <= min_size <= desired_size <= max_size (e.g. 2, 2, 4)",
            ));
        }
        Ok(())
    }

    /// The root's files, by name, without headers.
    ///
    /// # Errors
    /// An error of a model the root is made of (a policy statement, the KMS key).
    #[allow(
        clippy::too_many_lines,
        reason = "one root, file by file in the order of its folder"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
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

        // The sample app's MongoDB connection (written by the Atlas root, terraform/atlas/<env>),
        // in an environment that uses Atlas only.
        let mongodb_key = Key::builder(
            name!("sample_app_mongodb"),
            Expr::template([cluster_name.reference(), " sample-app MongoDB connection".into()]),
            Account {
                partition: partition.get().partition(),
                account_id: caller.get().account_id(),
            },
        )
        .alias(
            Expr::template([
                "alias/".into(),
                cluster_name.reference(),
                "-sample-app-mongodb".into(),
            ]),
            "-sample-app-mongodb",
        )
        .why("Encrypts the sample app's MongoDB connection string; the Atlas root writes it, the cluster reads it.")
        .build()?;
        let mongodb_secret = Resource::new(
                name!("sample_app_mongodb"),
                SecretsmanagerSecret {
                    name: Some(
                        Expr::template([cluster_name.reference(), "/sample-app/mongodb".into()])
                            .into(),
                    ),
                    description: Some(
                        "The sample app's MongoDB Atlas connection string (JSON key dsn), written by terraform/atlas/<env>."
                            .into(),
                    ),
                    kms_key_id: Some(mongodb_key.key().get().arn().into()),
                    recovery_window_in_days: Some(Arg::from(0).why(
                        "Destroy removes it at once, so the next apply of the same environment can recreate the name.",
                    )),
                    tags: None,
                },
            );

        // External Secrets reads that one secret, as the service account sample-app/sample-app-atlas
        // (gitops/apps/<env>/sample-app in an environment that uses Atlas), and nothing else.
        let mongodb_reader = Resource::new(
            name!("sample_app_mongodb_reader"),
            IamRole {
                name: Some(
                    Expr::template([cluster_name.reference(), "-sample-app-mongodb".into()]).into(),
                ),
                description: Some(
                    Expr::template([
                        ["IRSA role of ", SAMPLE_APP, "/", ATLAS_READER, " in "]
                            .concat()
                            .into(),
                        cluster_name.reference(),
                        ": reads the sample app's MongoDB connection string".into(),
                    ])
                    .into(),
                ),
                assume_role_policy: Some(
                    IrsaTrust {
                        provider_arn: eks.get().oidc_provider_arn(),
                        issuer: eks.get().oidc_issuer(),
                        namespace: SAMPLE_APP.into(),
                        service_account: ATLAS_READER.into(),
                    }
                    .document()
                    .to_json()
                    .into(),
                ),
                ..IamRole::default()
            },
        );
        let mongodb_reader_policy = Resource::new(
            name!("sample_app_mongodb_reader"),
            IamRolePolicy {
                name: Some("read-the-atlas-connection".into()),
                role: Some(mongodb_reader.get().id().into()),
                policy: Some(
                    PolicyDocument::new([
                        Statement::allow()
                            .sid("ReadTheAtlasConnectionOnly")?
                            .action([
                                "secretsmanager:GetSecretValue",
                                "secretsmanager:DescribeSecret",
                            ])
                            .resource(mongodb_secret.get().arn()),
                        Statement::allow()
                            .sid("DecryptItThroughSecretsManagerOnly")?
                            .action("kms:Decrypt")
                            .resource(mongodb_key.key().get().arn())
                            .condition(
                                Operator::StringLike,
                                "kms:ViaService",
                                "secretsmanager.*.amazonaws.com",
                            )?,
                    ])
                    .to_json()
                    .into(),
                ),
            },
        );

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
                    vec![environment, cluster_name],
                    vec![availability_zones],
                    vec![sample_app_repository.clone()],
                    vec![tags],
                ],
            }
            .to_block(),
        );

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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: &crate::Error) -> &str {
        match error {
            crate::Error::Invalid(bkt_core::Invalid { field, .. }) => field,
            _ => "",
        }
    }

    #[test]
    fn defaults_are_valid_and_render() {
        let root = EnvironmentRoot::default();
        root.validate().unwrap();
        let has_mongodb_tf = |root: &EnvironmentRoot| {
            root.files()
                .unwrap()
                .iter()
                .any(|(path, _)| *path == "mongodb.tf")
        };
        assert!(!has_mongodb_tf(&root), "no Atlas secret without Atlas");
        let atlas = EnvironmentRoot {
            atlas: true,
            ..EnvironmentRoot::default()
        };
        assert!(
            has_mongodb_tf(&atlas),
            "the Atlas secret, key and reader role"
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (
                EnvironmentRoot {
                    environment: String::new(),
                    ..EnvironmentRoot::default()
                },
                "environment",
            ),
            (
                EnvironmentRoot {
                    environment: "Dev".into(),
                    ..EnvironmentRoot::default()
                },
                "environment",
            ),
            (
                EnvironmentRoot {
                    environment: "a".repeat(17),
                    ..EnvironmentRoot::default()
                },
                "environment",
            ),
            (
                EnvironmentRoot {
                    sample_app_repository: "Sample App".into(),
                    ..EnvironmentRoot::default()
                },
                "terraform.sample_app_repository",
            ),
            (
                EnvironmentRoot {
                    region: "europe".into(),
                    ..EnvironmentRoot::default()
                },
                "terraform.region",
            ),
        ];
        for (root, field) in cases {
            let error = root.validate().unwrap_err();
            assert_eq!(field_of(&error), field, "{error}");
            assert!(error.to_string().contains("e.g."), "{error}");
            assert!(root.to_tree("g").is_err(), "to_tree must refuse {field}");
        }
    }

    #[test]
    fn cluster_vars_output_has_every_key_and_the_atlas_keys_only_with_atlas() {
        let outputs = |atlas: bool| {
            EnvironmentRoot {
                atlas,
                ..EnvironmentRoot::default()
            }
            .files()
            .unwrap()
            .iter()
            .find(|(path, _)| *path == "outputs.tf")
            .map(|(_, file)| file.render())
            .unwrap()
        };
        let (with, without) = (outputs(true), outputs(false));
        for key in ClusterVars::<()>::KEYS {
            let line = format!("    {key} ");
            assert!(with.contains(&line), "{key} missing from cluster_vars");
            assert_eq!(
                without.contains(&line),
                !key.starts_with("SAMPLE_APP_MONGODB_"),
                "{key} without Atlas"
            );
        }
    }
}
