//! insta snapshots of `infrastructure/vault-bootstrap/`, `infrastructure/vault-oidc/` and
//! `infrastructure/vault-secrets/`, and each Job's name following its scripts.

use bkt_flux::GitOpsTree;
use bkt_reference::gitops::vault::{
    BOOTSTRAP_FILES, OIDC_FILES, VaultBootstrap, VaultOidc, VaultOidcBootstrap, VaultSecrets,
    config_map_hash,
};

fn bootstrap(arn: &str, region: &str) -> VaultBootstrap {
    VaultBootstrap::new(arn, region, "${VAULT_BOOTSTRAP_ROLE_ARN}")
}

fn oidc(bootstrap: &VaultBootstrap) -> VaultOidcBootstrap {
    let sso = bkt_reference::sso::sso().unwrap();
    bootstrap.with_oidc(VaultOidc::new(&sso, "${DOMAIN}").unwrap())
}

fn rendered() -> bkt_core::Tree {
    let mut tree = GitOpsTree::new(
        "gitops",
        &[
            "VAULT_INIT_SECRET_ARN",
            "AWS_REGION",
            "DOMAIN",
            "VAULT_BOOTSTRAP_ROLE_ARN",
        ],
    );
    let bootstrap = bootstrap("${VAULT_INIT_SECRET_ARN}", "${AWS_REGION}");
    bootstrap.add_to(&mut tree).unwrap();
    oidc(&bootstrap).add_to(&mut tree).unwrap();
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
            "infrastructure/vault-bootstrap/serviceaccount.yaml",
            "infrastructure/vault-oidc/job.yaml",
            "infrastructure/vault-oidc/kustomization.yaml",
            "infrastructure/vault-oidc/networkpolicy.yaml",
            "infrastructure/vault-oidc/sso-client.yaml",
            "infrastructure/vault-secrets/cluster-secret-store.yaml",
            "infrastructure/vault-secrets/kustomization.yaml",
            "infrastructure/vault-secrets/sample-app-database.yaml",
        ]
    );
}

/// The images of `job`'s containers, init containers first.
fn images(job: k8s_openapi::api::batch::v1::Job) -> Vec<String> {
    let pod = job.spec.unwrap().template.spec.unwrap();
    pod.init_containers
        .unwrap()
        .into_iter()
        .chain(pod.containers)
        .map(|c| c.image.unwrap())
        .collect()
}

#[test]
fn the_jobs_run_the_catalogs_vault_image() {
    let vault = [
        bkt_helm::charts::vault::SERVER_IMAGE_REPOSITORY,
        bkt_helm::charts::vault::SERVER_IMAGE_TAG,
    ]
    .join(":");
    let bootstrap = bootstrap("arn", "region");
    assert_eq!(
        images(bootstrap.job()),
        [
            vault.as_str(),
            bkt_reference::gitops::vault::AWS_CLI_IMAGE,
            vault.as_str()
        ]
    );
    assert_eq!(
        images(oidc(&bootstrap).job()),
        [bkt_reference::gitops::vault::AWS_CLI_IMAGE, vault.as_str()]
    );
}

#[test]
fn only_the_oidc_job_mounts_the_sso_client_secret() {
    let secrets = |job: k8s_openapi::api::batch::v1::Job| -> Vec<String> {
        job.spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .volumes
            .unwrap()
            .into_iter()
            .filter_map(|volume| volume.secret?.secret_name)
            .collect()
    };
    let bootstrap = bootstrap("arn", "region");
    assert!(secrets(bootstrap.job()).is_empty());
    assert_eq!(secrets(oidc(&bootstrap).job()), ["sso-vault"]);
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

#[test]
fn the_oidc_job_is_named_by_every_file_of_its_config_map() {
    // The shared scripts come from the bootstrap's folder and are keyed by their file name.
    let keyed = OIDC_FILES.map(|(path, content)| (path.rsplit('/').next().unwrap(), content));
    let keys: Vec<&str> = keyed.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "oidc.sh",
            "store.sh",
            "connect.sh",
            "sso-admin.hcl",
            "sso-read.hcl"
        ]
    );
    let name = VaultOidcBootstrap::job_name();
    assert_eq!(name, ["vault-oidc-", &config_map_hash(keyed)].concat());
    // The shared scripts are the bootstrap's own: a change to one renames both Jobs.
    for (key, content) in &keyed[1..3] {
        let shipped = BOOTSTRAP_FILES
            .iter()
            .find(|(path, _)| path == key)
            .unwrap();
        assert_eq!(shipped.1, *content, "{key}");
    }
}

/// The service account a Job's pod names must exist before the pod is created: both Jobs run as
/// one the bootstrap folder declares and lists, never the chart's `vault` (which exists only once
/// the release installs, and holds the server's role).
#[test]
fn the_jobs_run_as_a_service_account_their_folder_declares() {
    let files = rendered();
    let file = |path: &str| -> serde_json::Value {
        let (_, text) = files
            .files()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        serde_saphyr::from_str(std::str::from_utf8(text).unwrap()).unwrap()
    };
    let listed = file("infrastructure/vault-bootstrap/kustomization.yaml");
    assert!(
        listed["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "serviceaccount.yaml"),
        "{listed}"
    );
    let account = file("infrastructure/vault-bootstrap/serviceaccount.yaml");
    assert_eq!(account["kind"], "ServiceAccount");
    let declared = account["metadata"]["name"].as_str().unwrap();
    assert_ne!(declared, "vault", "the chart's service account");
    assert!(
        account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            .as_str()
            .is_some_and(|role| role.starts_with("${")),
        "{account}"
    );
    for folder in ["vault-bootstrap", "vault-oidc"] {
        let job = file(&["infrastructure/", folder, "/job.yaml"].concat());
        assert_eq!(
            job["spec"]["template"]["spec"]["serviceAccountName"], declared,
            "{folder}"
        );
    }
}
