//! insta snapshots of `infrastructure/configs/`: the default `StorageClass`, the shared ALB's
//! `IngressClass` with Vault's Ingress, and Flux's notifications.

use bkt_flux::GitOpsTree;
use bkt_flux::kinds::SourceKind;
use bkt_reference::gitops::configs::Configs;

fn configs() -> Configs {
    Configs {
        domain: "${DOMAIN}".into(),
        certificate_arn: "${CERTIFICATE_ARN}".into(),
        cluster_name: "${CLUSTER_NAME}".into(),
        environment: "${ENVIRONMENT}".into(),
        github_repository: "${GITHUB_REPOSITORY}".into(),
        sso: bkt_reference::sso::sso().unwrap(),
    }
}

const VARS: [&str; 7] = [
    "DOMAIN",
    "CERTIFICATE_ARN",
    "CLUSTER_NAME",
    "ENVIRONMENT",
    "ALB_PUBLIC_SECURITY_GROUP_ID",
    "ALB_ADMIN_SECURITY_GROUP_ID",
    "GITHUB_REPOSITORY",
];

#[test]
fn configs_folder() {
    let mut tree = GitOpsTree::new("gitops", &VARS);
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    configs().add_to(&mut tree).unwrap();
    let files = tree.to_tree("bkt-platform").unwrap();
    let paths: Vec<&str> = files.files().map(|(path, _)| path).collect();
    assert_eq!(
        paths,
        [
            "infrastructure/configs/flux-notifications/github-status.yaml",
            "infrastructure/configs/flux-notifications/kustomization.yaml",
            "infrastructure/configs/flux-notifications/receiver.yaml",
            "infrastructure/configs/ingress/alb.yaml",
            "infrastructure/configs/ingress/kustomization.yaml",
            "infrastructure/configs/ingress/vault-ui.yaml",
            "infrastructure/configs/kustomization.yaml",
            "infrastructure/configs/oidc-access/cluster-role-bindings.yaml",
            "infrastructure/configs/oidc-access/kustomization.yaml",
            "infrastructure/configs/storage/gp3.yaml",
            "infrastructure/configs/storage/kustomization.yaml",
        ]
    );
}

#[test]
fn the_receiver_needs_the_bootstrap_source() {
    let mut tree = GitOpsTree::new("gitops", &VARS);
    configs().add_to(&mut tree).unwrap();
    let error = tree.to_tree("g").unwrap_err();
    assert!(
        matches!(error, bkt_flux::Error::MissingSource { ref source_ref, .. } if source_ref == "GitRepository/flux-system/flux-system"),
        "{error}"
    );
}

#[test]
fn a_variable_the_cluster_lacks_fails_the_render() {
    let mut tree = GitOpsTree::new("gitops", &VARS[..6]);
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    configs().add_to(&mut tree).unwrap();
    let error = tree.to_tree("g").unwrap_err();
    assert!(
        matches!(error, bkt_flux::Error::UnknownVariable { ref variable, .. } if variable == "GITHUB_REPOSITORY"),
        "{error}"
    );
}
