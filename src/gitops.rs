//! The GitOps tree `gitops/`: what `bkt-flux` generates, the folders still hand-written beside
//! it, and the contract every `${VAR}` is checked against ([`ClusterVars`]).
//!
//! [`ClusterVars`]: crate::cluster_vars::ClusterVars

use bkt_flux::GitOpsTree;
use bkt_flux::kinds::SourceKind;

use crate::cluster_vars::ClusterVars;
use crate::{PlatformSpec, Result};

/// Where the Flux tree is written; Flux paths read `./gitops/...`.
pub const GITOPS_DIR: &str = "gitops";

/// The namespace and name of the `GitRepository` that bootstrap (`make up`, through the Flux
/// Operator's `FluxInstance`) creates for this repository: the one source the tree does not
/// generate.
pub const BOOTSTRAP_SOURCE: (&str, &str) = ("flux-system", "flux-system");

/// Folders of `gitops/` that Flux paths point into and that are not generated (yet): the
/// graph checks accept paths into them. Each entry goes once its folder is generated.
pub const HAND_WRITTEN_FOLDERS: [&str; 7] = [
    "infrastructure/controllers",
    "infrastructure/configs",
    "infrastructure/vault-bootstrap",
    "infrastructure/vault-secrets",
    "platform",
    "apps/dev",
    // The sample chart stays hand-written for good: app teams edit it as a plain chart.
    "charts/sample-app",
];

/// The generated part of `gitops/`, ready to render (paths relative to [`GITOPS_DIR`]).
///
/// # Errors
/// The first model error of the cluster entry.
pub fn tree(spec: &PlatformSpec) -> Result<GitOpsTree> {
    let mut tree = GitOpsTree::new(GITOPS_DIR, ClusterVars::<()>::KEYS);
    let (namespace, name) = BOOTSTRAP_SOURCE;
    tree.bootstrap_source(SourceKind::GitRepository, namespace, name, true);
    for folder in HAND_WRITTEN_FOLDERS {
        tree.hand_written_folder(folder);
    }
    spec.cluster.add_to(&mut tree)?;
    Ok(tree)
}
