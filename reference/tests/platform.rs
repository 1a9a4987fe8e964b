//! The platform layer `platform/`: insta snapshots of every generated file, and the checks the
//! tree runs on it.

use bkt_flux::GitOpsTree;
use bkt_reference::gitops::platform::{Component, Platform};

/// The dev layer alone in a tree, its `${DOMAIN}` a cluster var, the components' shared
/// kustomize components registered as hand-written.
fn platform_tree(platform: &Platform) -> Result<bkt_core::Tree, bkt_flux::Error> {
    let mut tree = GitOpsTree::new("gitops", &["DOMAIN"]);
    tree.hand_written_folder("infrastructure/components");
    platform.add_to(&mut tree)?;
    tree.to_tree("bkt-platform")
}

#[test]
fn platform_layer() {
    let tree = platform_tree(&Platform::new(
        "${DOMAIN}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap();
    let paths: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    assert_eq!(paths.len(), 47, "{paths:#?}");
    assert!(paths.contains(&"platform/kustomization.yaml"));
}

#[test]
fn every_component_has_a_namespace_a_kustomization_and_network_policies() {
    let platform = Platform::new("${DOMAIN}", bkt_reference::sso::sso().unwrap());
    for component in Component::ALL {
        let files = platform.files(component).unwrap();
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        for required in ["namespace.yaml", "kustomization.yaml", "networkpolicy.yaml"] {
            assert!(names.contains(&required), "{component:?}: {names:?}");
        }
    }
}

#[test]
fn a_domain_that_is_not_a_cluster_var_fails_the_render() {
    let error = platform_tree(&Platform::new(
        "${ZONE}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap_err();
    assert!(
        matches!(&error, bkt_flux::Error::UnknownVariable { variable, .. } if variable == "ZONE"),
        "{error}"
    );
}

#[test]
fn the_layer_listing_waits_for_every_component() {
    let partial = Platform {
        components: vec![Component::Mysql],
        ..Platform::new("${DOMAIN}", bkt_reference::sso::sso().unwrap())
    };
    let tree = platform_tree(&partial).unwrap();
    let paths: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    assert!(
        paths.iter().all(|path| path.starts_with("platform/mysql/")),
        "{paths:?}"
    );
}
