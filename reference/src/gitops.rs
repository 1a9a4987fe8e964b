//! The GitOps tree `gitops/`: what `bkt-flux` generates, the folders still hand-written beside
//! it, and the contract every `${VAR}` is checked against ([`ClusterVars`]).
//!
//! [`ClusterVars`]: crate::cluster_vars::ClusterVars

use bkt_flux::GitOpsTree;
use bkt_flux::kinds::SourceKind;

use crate::cluster_vars::ClusterVars;
use crate::{Environment, Result};

/// Where the Flux tree is written; Flux paths read `./gitops/...`.
pub const GITOPS_DIR: &str = "gitops";

/// Folders of `gitops/` that Flux paths point into and that are not generated (yet): the
/// graph checks accept paths into them. Each entry goes once its folder is generated.
pub const HAND_WRITTEN_FOLDERS: [&str; 1] = [
    // The sample chart stays hand-written for good: app teams edit it as a plain chart.
    "charts/sample-app",
];

/// The generated part of `gitops/`, ready to render (paths relative to [`GITOPS_DIR`]).
///
/// # Errors
/// The first model error of the cluster entry or a layer, the SSO declaration's included.
pub fn tree(environments: &[&Environment]) -> Result<GitOpsTree> {
    let mut tree = GitOpsTree::new(GITOPS_DIR, ClusterVars::<()>::KEYS);
    let (namespace, name) = BOOTSTRAP_SOURCE;
    tree.bootstrap_source(SourceKind::GitRepository, namespace, name, true);
    for folder in HAND_WRITTEN_FOLDERS {
        tree.hand_written_folder(folder);
    }
    for environment in environments {
        let entry = cluster::entry(environment);
        if environment.root.atlas {
            cluster::local_without_atlas(entry).add_to(&mut tree)?;
        } else {
            entry.add_to(&mut tree)?;
        }
    }
    let vars = ClusterVars::references();
    let domain = vars.domain.to_string();
    let sso = crate::sso::sso().map_err(bkt_flux::Error::from)?;
    platform::Platform::new(&domain, sso.clone()).add_to(&mut tree)?;
    let vault = vault::VaultBootstrap::new(
        vars.vault_init_secret_arn.to_string(),
        vars.aws_region.to_string(),
        vars.vault_bootstrap_role_arn.to_string(),
    );
    vault.add_to(&mut tree)?;
    vault
        .with_oidc(vault::VaultOidc::new(&sso, &domain)?)
        .add_to(&mut tree)?;
    configs::Configs {
        domain: vars.domain.to_string(),
        certificate_arn: vars.certificate_arn.to_string(),
        cluster_name: vars.cluster_name.to_string(),
        environment: vars.environment.to_string(),
        github_repository: vars.github_repository.to_string(),
        sso,
    }
    .add_to(&mut tree)?;
    vault::VaultSecrets.add_to(&mut tree)?;
    tree.extend_under(
        APPS_DIR,
        apps::base_tree(&sample_app(""), ClusterVars::<()>::KEYS)?,
    )?;
    for environment in environments {
        tree.extend_under(
            APPS_DIR,
            apps::overlay_tree(
                environment.name(),
                &apps::SampleApp {
                    atlas: environment.root.atlas.then(atlas_database),
                    ..sample_app(environment.image_tag.as_str())
                },
                ClusterVars::<()>::KEYS,
            )?,
        )?;
    }
    bkt_flux::components::add_to(&mut tree)?;
    controllers::controllers(&controller_vars())?.add_to(&mut tree)?;
    Ok(tree)
}

/// Where the apps layer is written, under [`GITOPS_DIR`].
pub const APPS_DIR: &str = "apps";

/// The sample app of the apps layer: the image tag from the environment's file
/// ([`crate::settings`]), everything else the cluster substitutes.
#[must_use]
pub fn sample_app(image_tag: &str) -> apps::SampleApp {
    let vars = ClusterVars::references();
    apps::SampleApp {
        image_tag: image_tag.to_owned(),
        image_repository: vars.sample_app_image_repository.to_string(),
        domain: vars.domain.to_string(),
        vpc_cidr: vars.vpc_cidr.to_string(),
        environment: vars.environment.to_string(),
        cluster_name: vars.cluster_name.to_string(),
        load_balancer_security_group: vars.alb_public_security_group_id.to_string(),
        atlas: None,
    }
}

/// The Atlas path of an environment that uses Atlas, from the cluster vars.
#[must_use]
pub fn atlas_database() -> apps::AtlasDatabase {
    let vars = ClusterVars::references();
    apps::AtlasDatabase {
        aws_region: vars.aws_region.to_string(),
        role_arn: vars.sample_app_mongodb_role_arn.to_string(),
        secret_arn: vars.sample_app_mongodb_secret_arn.to_string(),
    }
}

/// The cluster vars the controllers' values reference, as `${KEY}` substitutions.
fn controller_vars() -> controllers::ControllerVars {
    let vars = ClusterVars::references();
    controllers::ControllerVars {
        cluster_name: vars.cluster_name.to_string(),
        aws_region: vars.aws_region.to_string(),
        vpc_id: vars.vpc_id.to_string(),
        domain: vars.domain.to_string(),
        hosted_zone_id: vars.hosted_zone_id.to_string(),
        aws_load_balancer_controller_role_arn: vars
            .aws_load_balancer_controller_role_arn
            .to_string(),
        external_dns_role_arn: vars.external_dns_role_arn.to_string(),
        vault_role_arn: vars.vault_role_arn.to_string(),
    }
}

pub mod apps;
mod bootstrap_source;
pub mod cluster;
pub mod configs;
pub mod controllers;
mod job;
pub mod logs;
pub mod platform;
pub mod sso;
pub mod vault;

pub use bootstrap_source::BOOTSTRAP_SOURCE;
