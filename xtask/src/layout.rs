//! The repository's layout as the workflows see it, written once: where the generator puts the
//! Terraform roots (`reference/`'s layout writes them there) and where workflows write their
//! output.

use std::path::Path;

/// The folder of all Terraform code the generator writes (roots and modules): `tf-check` checks
/// the formatting of all of it, and the emulator runs apply a copy of it.
pub const TERRAFORM: &str = "terraform";
/// Where the Terraform modules the roots call are: `terraform/modules/<module>`.
pub const MODULES: &str = "terraform/modules";
/// Where the environments' Terraform roots are: `terraform/envs/<env>`.
pub const ENVS: &str = "terraform/envs";
/// Where the MongoDB Atlas roots are: `terraform/atlas/<env>`, only for environments using Atlas.
pub const ATLAS: &str = "terraform/atlas";
/// The root that creates the state bucket.
pub const BOOTSTRAP: &str = "terraform/bootstrap";
/// Where a workflow writes its logs and the kubeconfig: `build/<env>`.
pub const BUILD: &str = "build";
/// Override files for the emulator runs' copy of [`TERRAFORM`], each at the path of the folder it
/// goes to (`bootstrap/`, `modules/eks/`): what the emulator lacks, taken to zero instances.
pub const EMULATOR_OVERRIDES: &str = "tests/overrides/emulator";
/// An environment's inputs for the emulator runs: `terraform/envs/<env>/emulator.tfvars`.
pub const EMULATOR_TFVARS: &str = "emulator.tfvars";
/// An applied environment's `cluster_vars` as a flat JSON object, in `build/<env>/` (the GitOps
/// suite and the security scan read it there) and, for [`DEV`], in `build/` too.
pub const CLUSTER_VARS: &str = "cluster-vars.json";
/// The environment the demo and the lifecycle test apply, and whose cluster vars also go to
/// `build/cluster-vars.json`, where the tools and docs read them.
pub const DEV: &str = "dev";
/// The AWS API emulator's assertions through boto3 (the oracle of the emulator runs).
pub const EMULATOR_CHECKS: &str = "scripts/emulator_checks.py";
/// The Python of `make setup`'s virtual environment (boto3, moto, the aws CLI).
pub const PYTHON: &str = ".venv/bin/python";

/// Whether `name` is a well-formed environment name with a root under [`ENVS`].
pub fn known_environment(root: &Path, name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && root.join(ENVS).join(name).is_dir()
}

/// The environments with an [`EMULATOR_TFVARS`], sorted: the ones the emulator runs can apply.
pub fn emulator_environments(root: &Path) -> Vec<String> {
    environments(root)
        .into_iter()
        .filter(|name| root.join(ENVS).join(name).join(EMULATOR_TFVARS).is_file())
        .collect()
}

/// The environments there are (the folders of [`ENVS`]), sorted.
pub fn environments(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(ENVS))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
