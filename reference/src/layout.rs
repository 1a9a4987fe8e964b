//! Where the generator writes: its name in every generated file's header, the command that
//! regenerates, and the layout's directories.

/// The name every generated file's header gives as its generator.
pub const GENERATOR: &str = "bkt-platform";

/// The command that regenerates the committed layout, printed by every drift report.
pub const REGENERATE: &str = "cargo run --example generate";

/// The folders of the repository whose generated files the tree owns: a file there that
/// carries the generated header but is not in the tree is stale.
pub const GENERATED_ROOTS: [&str; 2] = ["terraform", "gitops"];

/// Where the bootstrap root is written.
pub const BOOTSTRAP_DIR: &str = "terraform/bootstrap";

/// Where an environment's root is written: `terraform/envs/<name>`.
pub const ENV_ROOTS_DIR: &str = "terraform/envs";

/// Where the dev environment root is written.
pub const DEV_ROOT_DIR: &str = "terraform/envs/dev";

/// Where an environment's MongoDB Atlas root is written (`terraform/atlas/<name>`), for an
/// environment whose spec says `[atlas] enabled = true` only: a root of its own, outside
/// tf-check's `terraform/envs/*`, because its providers are not in the offline mirror.
pub const ATLAS_ROOTS_DIR: &str = "terraform/atlas";

/// Where the network module is written.
pub const NETWORK_MODULE_DIR: &str = "terraform/modules/network";

/// Where the dns module (Route 53 zone, ACM certificate) is written.
pub const DNS_MODULE_DIR: &str = "terraform/modules/dns";

/// Where the github-oidc module (GitHub Actions OIDC provider and roles) is written.
pub const GITHUB_OIDC_MODULE_DIR: &str = "terraform/modules/github-oidc";

/// Where the eks module is written.
pub const EKS_MODULE_DIR: &str = "terraform/modules/eks";

/// Where the ecr module is written.
pub const ECR_MODULE_DIR: &str = "terraform/modules/ecr";

/// Where the workload-identity module is written.
pub const WORKLOAD_IDENTITY_MODULE_DIR: &str = "terraform/modules/workload-identity";
