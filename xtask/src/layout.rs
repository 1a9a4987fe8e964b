//! The repository's layout as the workflows see it, written once: where the generator puts the
//! Terraform roots (`reference/`'s layout writes them there) and where workflows write their
//! output.

use std::path::Path;

/// The folder of all Terraform code (roots and modules); `tf-check` checks the formatting of all of
/// it.
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

/// Whether `name` is a well-formed environment name with a root under [`ENVS`].
pub fn known_environment(root: &Path, name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && root.join(ENVS).join(name).is_dir()
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
