//! An environment's root (`terraform/envs/<name>`): every module called through its typed
//! inputs with the environment's values, the AWS provider, the S3 backend, and the
//! `cluster_vars` output made from [`ClusterVars`](crate::cluster_vars::ClusterVars).
//!
//! A wrong input name does not compile (each module's inputs are a [`bkt_core::hcl::ModuleKind`]),
//! and a module output is read only through its typed reference (`network.get().vpc_id()`).
//!
//! [`Environment`] is that root with the environment's image tag and Flux entry; reading one
//! from its file is [`crate::spec`]'s.

use bkt_eks::{CapacityType, KubernetesVersion};
use bkt_network::dns::ValidationTimeout;
use bkt_network::{Cidr, FlowLogRetention, LoadBalancerIngress, NatGatewayMode, SourceCidr};

use crate::Result;
use crate::settings::ImageTag;

/// One environment of the platform: its Terraform root, its image tag and its Flux entry's
/// flavour. Its name is its file's (`environments/<name>.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// The Terraform root (`terraform/envs/<name>`), whose `environment` is the name.
    pub root: EnvironmentRoot,
    /// The sample app's image tag (`gitops/apps/<name>`).
    pub image_tag: ImageTag,
    /// Whether the cluster entry gets the `local` flavour (`gitops/clusters/local`).
    pub local_flavour: bool,
    /// `owner/repo` of the GitHub repository the cluster's Flux syncs from.
    pub repository: String,
    /// The branch of [`Self::repository`] the cluster follows.
    pub branch: String,
}

/// The repository an environment syncs from when its spec names none: the placeholder the
/// roots' `terraform.tfvars.example` uses too.
pub const DEFAULT_REPOSITORY: &str = "example-org/bkt-platform";

impl Environment {
    /// The reference platform's defaults for an environment called `name` (dev's values; the
    /// placeholder image tag; the `local` flavour only for `dev`).
    #[must_use]
    pub fn named(name: &str) -> Self {
        Self {
            root: EnvironmentRoot::named(name),
            image_tag: ImageTag::default(),
            local_flavour: name == "dev",
            repository: DEFAULT_REPOSITORY.to_owned(),
            branch: "main".to_owned(),
        }
    }

    /// The environment's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.root.environment
    }
}

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
    /// `mongodb_secret_arn` output, the cluster vars [`ClusterVars::ATLAS_KEYS`](crate::cluster_vars::ClusterVars::ATLAS_KEYS)), and the
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

mod atlas_secret;
mod render;
mod rules;
#[cfg(test)]
mod tests;
