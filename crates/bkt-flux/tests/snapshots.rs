//! insta snapshots of the rendered text: the dev cluster entry and its local flavour.

use bkt_flux::GitOpsTree;
use bkt_flux::cluster::ClusterEntry;
use bkt_flux::kinds::SourceKind;

/// The dev entry in a tree whose other folders are registered as hand-written.
fn dev_tree() -> bkt_core::Tree {
    let mut tree = GitOpsTree::new("gitops", &[]);
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    for folder in [
        "infrastructure/controllers",
        "infrastructure/configs",
        "infrastructure/vault-bootstrap",
        "infrastructure/vault-oidc",
        "infrastructure/vault-secrets",
        "platform",
        "apps/dev",
    ] {
        tree.hand_written_folder(folder);
    }
    ClusterEntry::dev().add_to(&mut tree).unwrap();
    tree.to_tree("bkt-platform").unwrap()
}

#[test]
fn cluster_entry() {
    let tree = dev_tree();
    let paths: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    assert_eq!(
        paths,
        [
            "clusters/dev/apps.yaml",
            "clusters/dev/infrastructure.yaml",
            "clusters/dev/kustomization.yaml",
            "clusters/dev/platform.yaml",
            "clusters/local/kustomization.yaml",
        ]
    );
    for (path, bytes) in tree.files() {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, String::from_utf8_lossy(bytes));
    }
}

#[test]
fn without_the_hand_written_folders_the_paths_fail() {
    let mut tree = GitOpsTree::new("gitops", &[]);
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    ClusterEntry::dev().add_to(&mut tree).unwrap();
    let error = tree.to_tree("g").unwrap_err();
    assert!(
        matches!(&error, bkt_flux::Error::MissingPath { object, .. } if object == "Kustomization/flux-system/apps"),
        "{error}"
    );
}
