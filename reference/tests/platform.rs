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

/// Every YAML document of the rendered file `path`.
fn documents(tree: &bkt_core::Tree, path: &str) -> Vec<serde_json::Value> {
    let bytes = tree
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not rendered"));
    let text = std::str::from_utf8(bytes).unwrap();
    serde_saphyr::from_multiple::<serde_json::Value>(text)
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The object of `kind` and `name` among `documents`.
fn object<'a>(
    documents: &'a [serde_json::Value],
    kind: &str,
    name: &str,
) -> Option<&'a serde_json::Value> {
    documents
        .iter()
        .find(|document| document["kind"] == kind && document["metadata"]["name"] == name)
}

/// Authentik skips its out-of-box flow when the bootstrap environment is set on its first start:
/// the rendered release reads the first admin's password, e-mail and token from Secrets that an
/// `ExternalSecret` of the folder writes once from a `Password` generator, so nobody can claim
/// `/if/flow/initial-setup/` and no credential is in Git.
#[test]
fn authentiks_first_admin_comes_from_secrets_generated_once() {
    let tree = platform_tree(&Platform::new(
        "${DOMAIN}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap();
    let release = &documents(&tree, "platform/authentik/release.yaml")[0];
    let secrets = documents(&tree, "platform/authentik/secrets.yaml");
    let env = release["spec"]["values"]["global"]["env"]
        .as_array()
        .unwrap();
    for variable in [
        "AUTHENTIK_BOOTSTRAP_PASSWORD",
        "AUTHENTIK_BOOTSTRAP_TOKEN",
        "AUTHENTIK_BOOTSTRAP_EMAIL",
    ] {
        let entry = env
            .iter()
            .find(|entry| entry["name"] == variable)
            .unwrap_or_else(|| panic!("{variable} is not in values.global.env"));
        let reference = &entry["valueFrom"]["secretKeyRef"];
        let secret = reference["name"].as_str().unwrap_or_else(|| {
            panic!("{variable} is not read from a Secret: {entry}");
        });
        let key = reference["key"].as_str().unwrap();
        let external = object(&secrets, "ExternalSecret", secret)
            .unwrap_or_else(|| panic!("{variable}: no ExternalSecret writes Secret {secret}"));
        let spec = &external["spec"];
        assert_eq!(spec["refreshPolicy"], "CreatedOnce", "{variable}: {spec}");
        assert_eq!(spec["target"]["name"], secret, "{variable}: {spec}");
        let template = &spec["target"]["template"]["data"][key];
        assert!(
            template.is_string(),
            "{variable}: {secret} has no key {key}: {spec}"
        );
        let generator = &spec["dataFrom"][0]["sourceRef"]["generatorRef"];
        assert_eq!(generator["kind"], "Password", "{variable}: {spec}");
        let generator_name = generator["name"].as_str().unwrap();
        let password = object(&secrets, "Password", generator_name)
            .unwrap_or_else(|| panic!("{variable}: no Password generator {generator_name}"));
        if variable == "AUTHENTIK_BOOTSTRAP_EMAIL" {
            assert_eq!(template, "admin@${DOMAIN}", "{variable}");
        } else {
            assert_eq!(template, "{{ .password }}", "{variable}");
            assert!(
                password["spec"]["length"].as_u64().unwrap() >= 32,
                "{variable}: {password}"
            );
        }
    }
}
