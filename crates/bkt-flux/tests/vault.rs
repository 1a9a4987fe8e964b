//! insta snapshots of `infrastructure/vault-bootstrap/` and `infrastructure/vault-secrets/`, and
//! the bootstrap Job's name following its scripts.

use bkt_flux::GitOpsTree;
use bkt_flux::vault::{BOOTSTRAP_FILES, VaultBootstrap, VaultOidc, VaultSecrets, config_map_hash};

fn bootstrap(arn: &str, region: &str) -> VaultBootstrap {
    let sso = bkt_sso::Sso::dev().unwrap();
    VaultBootstrap::new(arn, region, VaultOidc::new(&sso, "${DOMAIN}").unwrap())
}

fn rendered() -> bkt_core::Tree {
    let mut tree = GitOpsTree::new("gitops", &["VAULT_INIT_SECRET_ARN", "AWS_REGION", "DOMAIN"]);
    bootstrap("${VAULT_INIT_SECRET_ARN}", "${AWS_REGION}")
        .add_to(&mut tree)
        .unwrap();
    VaultSecrets.add_to(&mut tree).unwrap();
    tree.to_tree("bkt-platform").unwrap()
}

#[test]
fn vault_folders() {
    let files = rendered();
    let paths: Vec<&str> = files.files().map(|(path, _)| path).collect();
    assert_eq!(
        paths,
        [
            "infrastructure/vault-bootstrap/job.yaml",
            "infrastructure/vault-bootstrap/kustomization.yaml",
            "infrastructure/vault-bootstrap/networkpolicy.yaml",
            "infrastructure/vault-bootstrap/sso-client.yaml",
            "infrastructure/vault-secrets/cluster-secret-store.yaml",
            "infrastructure/vault-secrets/kustomization.yaml",
            "infrastructure/vault-secrets/sample-app-database.yaml",
        ]
    );
    for (path, bytes) in files.files() {
        insta::assert_snapshot!(path.replace('/', "__"), String::from_utf8_lossy(bytes));
    }
}

#[test]
fn the_job_runs_the_catalogs_vault_image() {
    let job = bootstrap("arn", "region").job();
    let pod = job.spec.unwrap().template.spec.unwrap();
    let images: Vec<String> = pod
        .init_containers
        .unwrap()
        .into_iter()
        .chain(pod.containers)
        .map(|c| c.image.unwrap())
        .collect();
    let vault = [
        bkt_helm::charts::vault::SERVER_IMAGE_REPOSITORY,
        bkt_helm::charts::vault::SERVER_IMAGE_TAG,
    ]
    .join(":");
    assert_eq!(
        images,
        [
            vault.as_str(),
            bkt_flux::vault::AWS_CLI_IMAGE,
            vault.as_str()
        ]
    );
}

#[test]
fn a_changed_script_renames_the_job() {
    let mut changed = BOOTSTRAP_FILES;
    changed[0].1 = "#!/bin/sh\necho changed\n";
    assert_ne!(config_map_hash(changed), config_map_hash(BOOTSTRAP_FILES));
    // The file order of the generator does not matter: kustomize hashes the sorted data.
    let mut reversed = BOOTSTRAP_FILES;
    reversed.reverse();
    assert_eq!(config_map_hash(reversed), config_map_hash(BOOTSTRAP_FILES));
    assert!(VaultBootstrap::job_name().ends_with(&config_map_hash(BOOTSTRAP_FILES)));
}
