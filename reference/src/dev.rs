//! The dev environment root (`terraform/envs/dev`): every module called through its typed
//! inputs, the AWS provider, the S3 backend, and the `cluster_vars` output made from
//! [`ClusterVars`].
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
use bkt_eks::{EcrInputs, EksInputs, IdentityProvider, WorkloadIdentityInputs};
use bkt_network::{DnsInputs, NetworkInputs};
use bkt_oidc::GithubOidcInputs;
use bkt_oidc::aws::{AwsProvider, CallerIdentity, DefaultTags, Partition};
use bkt_oidc::policy::{PolicyDocument, Statement};
use bkt_sso::Kubernetes;

use crate::Result;
use crate::bootstrap::REGION_PATTERN;
use crate::cluster_vars::ClusterVars;

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

/// The regular expression of `owner/repo`, as the root's `github_repository` validation uses it.
pub const GITHUB_REPOSITORY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$";

/// The dev environment root: the values that are fixed in it (everything else is a variable
/// set per deployment in `terraform.tfvars`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevRoot {
    /// The environment's name (`dev`): the cluster is `bkt-<environment>`.
    pub environment: String,
    /// The ECR repository of the sample application.
    pub sample_app_repository: String,
    /// The state bucket written into the backend block (replace after the bootstrap apply).
    pub state_bucket: String,
    /// Default region.
    pub region: String,
    /// Exact `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for DevRoot {
    fn default() -> Self {
        Self {
            environment: "dev".to_owned(),
            sample_app_repository: "bkt-sample-app".to_owned(),
            state_bucket: "bkt-platform-tfstate-123456789012".to_owned(),
            region: "eu-west-1".to_owned(),
            aws_provider_version: bkt_platform::AWS_PROVIDER_VERSION.to_owned(),
        }
    }
}

/// The root's input variables.
struct Inputs {
    region: Variable,
    domain: Variable,
    create_dns_zone: Variable,
    github_repository: Variable,
    github_branch: Variable,
    admin_principal_arns: Variable,
    api_public_access_cidrs: Variable,
    nodes: Variable,
}

fn string_list() -> Type {
    Type::List(Box::new(Type::String))
}

fn inputs(root: &DevRoot) -> Inputs {
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
        ),
        create_dns_zone: Variable::new(
            name!("create_dns_zone"),
            "true: create the Route 53 zone for domain and delegate to its name servers; false: use an existing public zone.",
            Type::Bool,
        )
        .default(true),
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
            "Sizing of the single dev node group. SPOT is cheaper but nodes can be reclaimed with two minutes' notice.",
            Type::Object(vec![
                Field::defaulted(
                    name!("instance_types"),
                    string_list(),
                    Expr::list(["t3.large", "t3a.large"]),
                ),
                Field::defaulted(name!("capacity_type"), Type::String, "SPOT"),
                Field::defaulted(name!("min_size"), Type::Number, 2),
                Field::defaulted(name!("desired_size"), Type::Number, 2),
                Field::defaulted(name!("max_size"), Type::Number, 4),
            ]),
        )
        .default(Expr::object::<&str, Expr>([])),
    }
}

impl DevRoot {
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
                "dev.environment",
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
                "dev.sample_app_repository",
                &self.sample_app_repository,
                "use an ECR repository name: lowercase letters, digits, '-', '_', '.', '/' (e.g. bkt-sample-app)",
            ));
        }
        crate::bootstrap::check_region("dev.region", &self.region)
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
            Expr::list([
                Expr::template([vars.region.reference(), "a".into()]),
                Expr::template([vars.region.reference(), "b".into()]),
            ]),
        )
        .why("Two fixed zones: the EKS minimum, enough for dev, and they never move when AWS adds a zone.");
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
                nat_gateway_mode: Some(Arg::from("single").why(
                    "One NAT gateway (~$32/month plus traffic) instead of one per zone: dev tolerates a zone outage.",
                )),
                ..NetworkInputs::default()
            },
        );
        let dns = Module::new(
            name!("dns"),
            "../../modules/dns",
            DnsInputs {
                domain: Some(vars.domain.reference().into()),
                create_zone: Some(vars.create_dns_zone.reference().into()),
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
        ]);
        let github_oidc = Module::new(
            name!("github_oidc"),
            "../../modules/github-oidc",
            GithubOidcInputs {
                roles: Some(
                    Expr::object([
                        (
                            role_name("-github-ci"),
                            Expr::object([
                                ("repository", vars.github_repository.reference()),
                                ("branch", vars.github_branch.reference()),
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
                                ("managed_policy_arns", partition_arn("ReadOnlyAccess")),
                            ]),
                        ),
                        (
                            role_name("-github-apply"),
                            Expr::object([
                                ("repository", vars.github_repository.reference()),
                                ("environment", environment.reference()),
                                ("managed_policy_arns", partition_arn("AdministratorAccess")),
                            ]),
                        ),
                    ])
                    .into(),
                ),
                ..GithubOidcInputs::default()
            },
        )
        .why("Role names are shared with .github/workflows (repository variables AWS_*_ROLE_ARN).\n- bkt-<env>-github-ci: release.yml on pushes to main; pushes the sample-app image, nothing else.\n- bkt-<env>-github-plan: terraform.yml plan job (environment <env>-plan); read-only, plans with -lock=false.\n- bkt-<env>-github-apply: terraform.yml apply job, only from the protected GitHub environment <env>.");
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

        // The sample app's MongoDB connection (written by the Atlas root, terraform/atlas/dev).
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
                        "The sample app's MongoDB Atlas connection string (JSON key dsn), written by terraform/atlas/dev."
                            .into(),
                    ),
                    kms_key_id: Some(mongodb_key.key().get().arn().into()),
                    recovery_window_in_days: Some(Arg::from(0).why(
                        "Destroy removes it at once, so the next apply of the same environment can recreate the name.",
                    )),
                    tags: None,
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
            vault_kms_key_id: workload_identity.get().vault_kms_key_id(),
            vault_init_secret_arn: workload_identity.get().vault_init_secret_arn(),
            sample_app_image_repository: ecr
                .get()
                .repository_urls()
                .index(sample_app_repository.reference()),
            github_repository: vars.github_repository.reference(),
        };

        let mut versions = File::new();
        versions.push(
            Settings {
                backend: Some(bkt_core::hcl::NestedBlock::to_block(&S3Backend {
                    bucket: Some(self.state_bucket.as_str().into()),
                    key: Some(format!("envs/{}/terraform.tfstate", self.environment).into()),
                    region: Some(self.region.as_str().into()),
                    encrypt: Some(true.into()),
                    use_lockfile: Some(true.into()),
                    why: Some("bucket: the state_bucket output of terraform/bootstrap (bkt-platform-tfstate-<account id>).\nReplace the account ID below with yours after the bootstrap apply; the offline emulator run\noverrides bucket and endpoint with -backend-config.".to_owned()),
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
        mongodb.push(mongodb_secret.to_block());

        let mut outputs = File::new();
        outputs.push(
            Output::new(
                name!("cluster_vars"),
                "The contract with the GitOps tree: written to ConfigMap flux-system/cluster-vars and substituted into every Flux Kustomization.",
                Expr::object(cluster_vars.entries().into_iter().map(|(key, value)| (key, value.clone()))),
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
                    name!("github_role_arns"),
                    "GitHub Actions role ARNs by name; set AWS_CI_ROLE_ARN, AWS_PLAN_ROLE_ARN, AWS_APPLY_ROLE_ARN from them.",
                    github_oidc.get().role_arns(),
                )
                .to_block(),
            )
            .push(
                Output::new(
                    name!("nat_public_ips"),
                    "Addresses the cluster reaches the internet from; terraform/atlas/dev admits exactly these to MongoDB Atlas.",
                    network.get().nat_public_ips(),
                )
                .to_block(),
            );
        outputs.push(
            Output::new(
                name!("mongodb_secret_arn"),
                "Secrets Manager secret terraform/atlas/dev writes the sample app's MongoDB connection string into.",
                mongodb_secret.get().arn(),
            )
            .to_block(),
        );

        Ok(vec![
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
            ("mongodb.tf", mongodb),
            ("outputs.tf", outputs),
        ])
    }

    /// The root as a tree of generated files.
    ///
    /// # Errors
    /// A validation error ([`DevRoot::validate`]) or a tree error.
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
            crate::Error::Invalid { field, .. } => field,
            _ => "",
        }
    }

    #[test]
    fn defaults_are_valid_and_render() {
        let root = DevRoot::default();
        root.validate().unwrap();
        let files = root.files().unwrap();
        assert!(files.iter().any(|(path, _)| *path == "mongodb.tf"));
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (
                DevRoot {
                    environment: String::new(),
                    ..DevRoot::default()
                },
                "dev.environment",
            ),
            (
                DevRoot {
                    environment: "Dev".into(),
                    ..DevRoot::default()
                },
                "dev.environment",
            ),
            (
                DevRoot {
                    environment: "a".repeat(17),
                    ..DevRoot::default()
                },
                "dev.environment",
            ),
            (
                DevRoot {
                    sample_app_repository: "Sample App".into(),
                    ..DevRoot::default()
                },
                "dev.sample_app_repository",
            ),
            (
                DevRoot {
                    region: "europe".into(),
                    ..DevRoot::default()
                },
                "dev.region",
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
    fn cluster_vars_output_has_every_key() {
        let files = DevRoot::default().files().unwrap();
        let outputs = files
            .iter()
            .find(|(path, _)| *path == "outputs.tf")
            .map(|(_, file)| file.render())
            .unwrap();
        for key in ClusterVars::<()>::KEYS {
            assert!(
                outputs.contains(&format!("    {key} ")),
                "{key} missing from cluster_vars"
            );
        }
    }
}
