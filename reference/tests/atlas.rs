//! The Atlas path across Terraform and the Flux tree, read from the platform rendered from the
//! committed environment files: dev (`[atlas] enabled = true`) carries the DSN from the secret the
//! Atlas root writes to the Vault key the app reads, through the one service account the reader
//! role trusts; prod (no `[atlas]`) has none of it and keeps the `MariaDB` path.

use std::path::Path;

use bkt_reference::{PlatformSpec, render, settings};
use serde_json::Value;

fn tree() -> bkt_core::Tree {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments");
    let environments = ["dev", "prod"].map(|name| {
        let text = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
        (name.to_owned(), settings::parse(&text).unwrap())
    });
    render(&PlatformSpec::from_environments(environments).unwrap()).unwrap()
}

fn text(tree: &bkt_core::Tree, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} is not rendered"))
            .to_vec(),
    )
    .unwrap()
}

fn documents(yaml: &str) -> Vec<Value> {
    yaml.split("\n---\n")
        .map(|doc| serde_saphyr::from_str(doc).unwrap())
        .collect()
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    docs.iter()
        .find(|doc| doc["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

/// The values the environment's overlay patches into the sample app's release.
fn overlay_values(tree: &bkt_core::Tree, env: &str) -> Value {
    let kustomization: Value = serde_saphyr::from_str(&text(
        tree,
        &format!("gitops/apps/{env}/sample-app/kustomization.yaml"),
    ))
    .unwrap();
    let patch: Value =
        serde_saphyr::from_str(kustomization["patches"][0]["patch"].as_str().unwrap()).unwrap();
    patch["spec"]["values"].clone()
}

/// The value of `key` in the `cluster_vars` output of `outputs.tf`, as written.
fn cluster_var_expression(outputs_tf: &str, key: &str) -> Option<String> {
    outputs_tf.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim() == key).then(|| value.trim().to_owned())
    })
}

#[test]
fn dev_reads_the_atlas_dsn_through_the_one_trusted_service_account() {
    let tree = tree();
    let docs = documents(&text(
        &tree,
        "gitops/apps/dev/sample-app/atlas-database.yaml",
    ));
    let account = of_kind(&docs, "ServiceAccount");
    let (namespace, name) = (
        account["metadata"]["namespace"].as_str().unwrap(),
        account["metadata"]["name"].as_str().unwrap(),
    );

    // Terraform: the reader role trusts exactly that service account, and cluster_vars hands
    // the tree that role and the secret the Atlas root writes.
    let mongodb_tf = text(&tree, "terraform/envs/dev/mongodb.tf");
    assert!(
        mongodb_tf.contains(&format!("\"system:serviceaccount:{namespace}:{name}\"")),
        "the reader role does not trust {namespace}/{name}:\n{mongodb_tf}"
    );
    let outputs_tf = text(&tree, "terraform/envs/dev/outputs.tf");
    let role_var = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        .as_str()
        .unwrap();
    let role_key = role_var.trim_start_matches("${").trim_end_matches('}');
    assert_eq!(
        cluster_var_expression(&outputs_tf, role_key).as_deref(),
        Some("aws_iam_role.sample_app_mongodb_reader.arn"),
        "the service account's role annotation {role_var} is not the reader role"
    );

    // The store authenticates as that account, in its namespace; the ExternalSecret reads the
    // secret the Atlas root writes, property dsn.
    let store = of_kind(&docs, "SecretStore");
    assert_eq!(store["metadata"]["namespace"], namespace);
    assert_eq!(
        store["spec"]["provider"]["aws"]["service"],
        "SecretsManager"
    );
    assert_eq!(
        store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"],
        name
    );
    let external = of_kind(&docs, "ExternalSecret");
    assert_eq!(
        external["spec"]["secretStoreRef"]["name"],
        store["metadata"]["name"]
    );
    let remote = &external["spec"]["data"][0]["remoteRef"];
    let secret_key = remote["key"]
        .as_str()
        .unwrap()
        .trim_start_matches("${")
        .trim_end_matches('}');
    assert_eq!(
        cluster_var_expression(&outputs_tf, secret_key).as_deref(),
        Some("aws_secretsmanager_secret.sample_app_mongodb.arn")
    );
    let atlas_secret: String = tree
        .files()
        .filter(|(path, _)| path.starts_with("terraform/atlas/dev/"))
        .map(|(path, _)| text(&tree, path))
        .collect();
    let property = remote["property"].as_str().unwrap();
    assert!(
        atlas_secret.contains(&format!("{property} = ")),
        "the Atlas root writes no {property:?} key into the secret"
    );

    // The PushSecret publishes the Secret the ExternalSecret writes to the Vault key the app's
    // agent reads, and the app runs its MongoDB store.
    let push = of_kind(&docs, "PushSecret");
    assert_eq!(
        push["spec"]["selector"]["secret"]["name"],
        external["spec"]["target"]["name"]
    );
    let vault_key = push["spec"]["data"][0]["match"]["remoteRef"]["remoteKey"]
        .as_str()
        .unwrap();
    let values = overlay_values(&tree, "dev");
    assert_eq!(
        values["vault"]["secretPath"],
        format!("secret/data/{vault_key}")
    );
    assert_eq!(values["database"]["type"], "mongodb");
    assert_eq!(
        values["networkPolicy"]["egress"]["database"],
        serde_json::json!({ "namespace": "", "podLabels": null }),
        "the MariaDB egress of the base must be cleared"
    );
}

#[test]
fn prod_without_atlas_has_no_atlas_piece_and_keeps_mariadb() {
    let tree = tree();
    let atlas_files: Vec<&str> = tree
        .files()
        .map(|(path, _)| path)
        .filter(|path| {
            path.starts_with("terraform/atlas/prod/")
                || *path == "terraform/envs/prod/mongodb.tf"
                || *path == "gitops/apps/prod/sample-app/atlas-database.yaml"
        })
        .collect();
    assert_eq!(atlas_files, Vec::<&str>::new());
    let outputs_tf = text(&tree, "terraform/envs/prod/outputs.tf");
    assert!(!outputs_tf.contains("MONGODB"), "{outputs_tf}");
    let values = overlay_values(&tree, "prod");
    for key in ["database", "vault", "networkPolicy"] {
        assert_eq!(values[key], Value::Null, "prod's overlay changes {key}");
    }
}

/// The kind e2e cluster (`clusters/local`, dev's flavour without AWS) has no External Secrets and
/// no Vault: it must delete every object `atlas-database.yaml` adds, or the apps layer fails to
/// apply there.
#[test]
fn the_local_flavour_deletes_every_atlas_object() {
    let tree = tree();
    let atlas: Vec<(String, String)> = documents(&text(
        &tree,
        "gitops/apps/dev/sample-app/atlas-database.yaml",
    ))
    .iter()
    .map(|doc| {
        (
            doc["kind"].as_str().unwrap().to_owned(),
            doc["metadata"]["name"].as_str().unwrap().to_owned(),
        )
    })
    .collect();
    let local: Value =
        serde_saphyr::from_str(&text(&tree, "gitops/clusters/local/kustomization.yaml")).unwrap();
    let apps = local["patches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|patch| patch["target"]["name"] == "apps")
        .unwrap();
    let operations: Value = serde_saphyr::from_str(apps["patch"].as_str().unwrap()).unwrap();
    let deleted: Vec<(String, String)> = operations
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] == "add")
        .flat_map(|op| op["value"].as_array().unwrap().clone())
        .filter_map(|patch| {
            let body: Value = serde_saphyr::from_str(patch["patch"].as_str()?).ok()?;
            (body["$patch"] == "delete").then(|| {
                (
                    body["kind"].as_str().unwrap().to_owned(),
                    body["metadata"]["name"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    assert_eq!(atlas.len(), 4, "{atlas:?}");
    for object in &atlas {
        assert!(
            deleted.contains(object),
            "clusters/local keeps {object:?}; deleted: {deleted:?}"
        );
    }
}
