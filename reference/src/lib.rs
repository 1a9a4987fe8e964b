//! The BKT reference platform: the environments, components, chart values and sign-on of the
//! platform committed in this repository, built only through the public API of the BKT crates
//! (the `bkt-platform` facade), exactly as a user's crate builds its own platform.
//!
//! [`render`] turns a [`PlatformSpec`] into the repository layout (`terraform/`, `gitops/`) as an
//! in-memory [`Tree`]; it performs no I/O. The `generate` example writes the tree to disk and
//! checks a checkout for drift.
//!
//! ```
//! let tree = bkt_reference::render(&bkt_reference::PlatformSpec::default())?;
//! assert!(tree.get("terraform/modules/network/main.tf").is_some());
//! # Ok::<(), bkt_reference::Error>(())
//! ```

pub use bkt_platform::Tree;

/// `docs/embedding.md`'s examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../docs/embedding.md")]
pub struct EmbeddingDoctests;

/// Renders the whole layout. The same spec gives the same bytes, always.
///
/// # Errors
/// The first model error, naming the field and the fix.
pub fn render(spec: &PlatformSpec) -> Result<Tree> {
    let environments = spec.checked_environments()?;
    let mut tree = Tree::new(GENERATOR);
    tree.extend_under(NETWORK_MODULE_DIR, spec.network.to_tree(GENERATOR)?)?;
    tree.extend_under(DNS_MODULE_DIR, spec.dns.to_tree(GENERATOR)?)?;
    tree.extend_under(BOOTSTRAP_DIR, spec.bootstrap.to_tree(GENERATOR)?)?;
    for environment in &environments {
        capacity::check(environment)?;
        let name = environment.name();
        tree.extend_under(
            &format!("{ENV_ROOTS_DIR}/{name}"),
            environment.root.to_tree(GENERATOR)?,
        )?;
        if environment.root.atlas {
            tree.extend_under(
                &format!("{ATLAS_ROOTS_DIR}/{name}"),
                atlas_root(environment)?.to_tree(GENERATOR)?,
            )?;
        }
    }
    tree.extend_under(GITHUB_OIDC_MODULE_DIR, spec.github_oidc.to_tree(GENERATOR)?)?;
    tree.extend_under(EKS_MODULE_DIR, spec.eks.to_tree(GENERATOR)?)?;
    tree.extend_under(ECR_MODULE_DIR, spec.ecr.to_tree(GENERATOR)?)?;
    tree.extend_under(
        WORKLOAD_IDENTITY_MODULE_DIR,
        spec.workload_identity.to_tree(GENERATOR)?,
    )?;
    tree.insert(
        sample_app::SCHEMA_PATH,
        bkt_core::FileKind::Json,
        &sample_app::values_schema_json()?,
    )?;
    let gitops = gitops::tree(&environments)?;
    check_network_policy_enforcement(&environments, &gitops)?;
    tree.extend_under(gitops::GITOPS_DIR, gitops.to_tree(GENERATOR)?)?;
    tree.extend(sources::tree()?)?;
    Ok(tree)
}

/// A `NetworkPolicy` in the tree has an effect only where vpc-cni enforces it: an environment
/// with enforcement off would run every namespace open while its policies claim otherwise.
fn check_network_policy_enforcement(
    environments: &[&Environment],
    gitops: &bkt_flux::GitOpsTree,
) -> Result<()> {
    let Some(unenforced) = environments.iter().find(|e| !e.root.network_policy) else {
        return Ok(());
    };
    let policies = gitops
        .files()
        .flat_map(|(path, file)| file.documents().iter().map(move |doc| (path, doc)))
        .filter(|(_, doc)| {
            doc.object()
                .get("kind")
                .and_then(bkt_core::yaml::ValueRef::as_str)
                == Some("NetworkPolicy")
        })
        .collect::<Vec<_>>();
    match policies.first() {
        None => Ok(()),
        Some((path, _)) => Err(Error::Invalid(bkt_core::Invalid {
            field: format!("environments.{}.network_policy", unenforced.name()),
            value: "false".to_owned(),
            reason: format!(
                "the tree ships {} NetworkPolicies (the first in gitops/{path}), which vpc-cni enforces only with network_policy on: turn it on, or remove the policies",
                policies.len()
            ),
        })),
    }
}

/// The files of this repository that are not part of the layout a user's checkout needs: the
/// conformance suite's fixtures of the cluster vars ([`cluster_vars::FIXTURE_PATH`], every key,
/// and one per environment of `spec` that does not use Atlas, without the Atlas keys). The
/// generator writes them only into this repository.
///
/// # Errors
/// [`Error::Json`] if a fixture cannot be written.
pub fn repository_files(spec: &PlatformSpec) -> Result<Tree> {
    let mut tree = Tree::new(GENERATOR);
    tree.insert(
        cluster_vars::FIXTURE_PATH,
        bkt_core::FileKind::Json,
        &cluster_vars::fixture_json(true)?,
    )?;
    for environment in spec.environments.iter().filter(|e| !e.root.atlas) {
        tree.insert(
            &cluster_vars::fixture_path(environment.name()),
            bkt_core::FileKind::Json,
            &cluster_vars::fixture_json(false)?,
        )?;
    }
    Ok(tree)
}

/// An environment's Atlas root: project and cluster named like its EKS cluster, in its region,
/// its state beside the environment's.
fn atlas_root(environment: &Environment) -> Result<bkt_atlas::AtlasRoot> {
    let root = &environment.root;
    let state = bkt_atlas::StateLocation {
        bucket: root.state_bucket.clone(),
        environment_key: root.state_key(),
        own_key: format!("atlas/{}/terraform.tfstate", root.environment),
    };
    let spec = bkt_atlas::AtlasSpec::builder(root.cluster_name(), root.region.clone(), state)
        .database("sample-app", "sampleapp")
        .build()?;
    Ok(bkt_atlas::AtlasRoot::new(spec))
}

pub mod bootstrap;
pub mod capacity;
pub mod cluster_vars;
pub mod environment;
mod error;
pub mod gitops;
mod layout;
mod platform_spec;
mod policies;
pub mod sample_app;
pub mod settings;
pub mod sources;
pub mod spec;

pub use environment::Environment;
pub use error::{Error, Result};
pub use layout::{
    ATLAS_ROOTS_DIR, BOOTSTRAP_DIR, DEV_ROOT_DIR, DNS_MODULE_DIR, ECR_MODULE_DIR, EKS_MODULE_DIR,
    ENV_ROOTS_DIR, GENERATED_ROOTS, GENERATOR, GITHUB_OIDC_MODULE_DIR, NETWORK_MODULE_DIR,
    REGENERATE, WORKLOAD_IDENTITY_MODULE_DIR,
};
pub use platform_spec::PlatformSpec;
pub mod sso;
mod substitution;
pub mod values;
