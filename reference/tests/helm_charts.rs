//! The catalog against the GitOps tree: every upstream release in `gitops/` installs a chart of
//! the catalog at its pin, the Vault Jobs run the server's image, and the escape hatch never drops
//! a key and never overrides a typed one. (The committed values themselves are guarded by the
//! drift test: comparing them with the values that generated them would prove nothing.)

use std::path::{Path, PathBuf};

use bkt_helm::charts::{cloudnative_pg, vault};
use bkt_helm::{CATALOG, Error, WithExtra};
use serde::Serialize;
use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Typed values as the platform writes them (the YAML writer), read back as a generic value.
fn written<T: Serialize>(values: &T) -> Value {
    let text = bkt_core::yaml::to_string(values).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("{error}:\n{text}"))
}

#[test]
fn vault_bootstrap_job_runs_the_server_image() {
    let job =
        std::fs::read_to_string(repo_root().join("gitops/infrastructure/vault-bootstrap/job.yaml"))
            .unwrap();
    let image = format!(
        "{}:{}",
        vault::SERVER_IMAGE_REPOSITORY,
        vault::SERVER_IMAGE_TAG
    );
    assert!(
        job.contains(&image),
        "the bootstrap Job does not run {image}"
    );
}

/// The Flux Operator has no `HelmRelease`: `make up` installs it with Helm (the version from
/// `generate --print-pin flux-operator`) with no values.
#[test]
fn flux_operator_is_installed_with_no_values() {
    assert_eq!(
        written(&bkt_reference::values::flux_operator::values()),
        json!({})
    );
}

#[test]
fn every_upstream_release_in_the_tree_is_in_the_catalog() {
    let mut found = Vec::new();
    for dir in ["gitops/infrastructure", "gitops/platform"] {
        collect_releases(&repo_root().join(dir), &mut found);
    }
    assert!(!found.is_empty());
    for (path, name, version) in found {
        assert!(
            CATALOG
                .iter()
                .any(|chart| chart.name == name && chart.version == version),
            "{path}: chart {name} {version} is not in the catalog"
        );
    }
}

fn collect_releases(dir: &Path, found: &mut Vec<(String, String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_releases(&path, found);
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(docs) = serde_saphyr::from_multiple::<Value>(&text) else {
            continue;
        };
        for doc in docs {
            if doc["kind"] == json!("HelmRelease") {
                let spec = &doc["spec"]["chart"]["spec"];
                found.push((
                    path.display().to_string(),
                    spec["chart"].as_str().unwrap_or_default().to_owned(),
                    spec["version"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
    }
}

#[test]
fn an_extra_key_reaches_the_output_after_the_typed_fields() {
    let values = WithExtra::new(bkt_reference::values::cloudnative_pg::values())
        .extra("monitoring", json!({ "podMonitorEnabled": true }))
        .unwrap()
        .extra("replicaCount", 2)
        .unwrap();
    let text = bkt_core::yaml::to_string(&values).unwrap();
    assert_eq!(
        text,
        "fullnameOverride: cloudnative-pg
resources:
  limits:
    memory: 256Mi
  requests:
    cpu: 20m
    memory: 64Mi
monitoring:
  podMonitorEnabled: true
replicaCount: 2
"
    );
    assert_eq!(values.extras().len(), 2);
    assert_eq!(
        values.typed(),
        &bkt_reference::values::cloudnative_pg::values()
    );
}

#[test]
fn an_extra_key_colliding_with_a_typed_field_is_an_error() {
    let error = WithExtra::new(bkt_reference::values::cloudnative_pg::values())
        .extra("fullnameOverride", "other")
        .unwrap_err();
    assert_eq!(
        error,
        Error::ExtraCollidesWithTypedField {
            values: std::any::type_name::<cloudnative_pg::Values>().to_owned(),
            key: "fullnameOverride".to_owned(),
        }
    );
    assert!(error.to_string().contains("set the typed field instead"));
    // Renamed keys collide by their chart name, not the Rust field name.
    assert!(
        WithExtra::new(bkt_reference::values::kube_prometheus_stack::values())
            .extra("kube-state-metrics", json!({}))
            .is_err()
    );
    assert!(
        WithExtra::new(bkt_reference::values::grafana::values("example.com"))
            .extra("grafana.ini", json!({}))
            .is_err()
    );
}

#[test]
fn an_extra_key_given_twice_is_an_error() {
    let error = WithExtra::new(bkt_reference::values::headlamp::values())
        .extra("replicaCount", 1)
        .unwrap()
        .extra("replicaCount", 2)
        .unwrap_err();
    assert_eq!(
        error,
        Error::DuplicateExtra {
            key: "replicaCount".to_owned()
        }
    );
}

#[test]
fn extras_need_values_that_are_a_mapping() {
    let error = WithExtra::new(vec![1]).extra("a", 1).unwrap_err();
    assert!(matches!(error, Error::NotAMapping { .. }), "{error}");
}

/// Flux substitutions pass through the writer unchanged, and Flux's escape `$${…}` too.
#[test]
fn substitutions_stay_strings() {
    let values = written(&bkt_reference::values::external_dns::values(
        "${A}", "${B}", "${C}", "${D}", "${E}",
    ));
    assert_eq!(values["txtOwnerId"], json!("${E}"));
    assert_eq!(values["extraArgs"][0], json!("--zone-id-filter=${D}"));
    let fluent = written(&bkt_reference::values::fluent_bit::values());
    assert!(
        fluent["config"]["outputs"]
            .as_str()
            .unwrap()
            .contains("HTTP_User $${username}")
    );
}

/// Every leaf `values` write, set to itself through `WithExtra::set`: each written path is a
/// path of the type and each written value fits it (the schema walk agrees with serde).
fn every_written_leaf_is_a_path_of_the_type<T>(values: &T)
where
    T: Serialize + schemars::JsonSchema + Clone + std::fmt::Debug,
{
    fn leaves(value: &Value, path: &mut Vec<String>, found: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(entries) if !entries.is_empty() => {
                for (key, entry) in entries {
                    path.push(key.replace('\\', "\\\\").replace('.', "\\."));
                    leaves(entry, path, found);
                    path.pop();
                }
            }
            leaf => found.push((path.join("."), leaf.clone())),
        }
    }
    fn json<T: Serialize>(values: &T) -> Value {
        serde_json::to_value(values).unwrap()
    }
    let mut found = Vec::new();
    leaves(&json(values), &mut Vec::new(), &mut found);
    assert!(!found.is_empty());
    for (path, leaf) in found {
        let with = WithExtra::new(values.clone())
            .set(&path, &leaf)
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(json(&with), json(values), "{path}");
    }
}

/// The reference platform's values of every chart (a chart's default values write nothing, so
/// the paths are those the platform sets).
#[test]
fn every_chart_accepts_the_paths_its_values_write() {
    use bkt_reference::values;
    every_written_leaf_is_a_path_of_the_type(&values::authentik::values());
    every_written_leaf_is_a_path_of_the_type(&values::aws_load_balancer_controller::values(
        "cluster",
        "eu-west-1",
        "vpc-1",
        "arn",
    ));
    every_written_leaf_is_a_path_of_the_type(&values::cloudnative_pg::values());
    every_written_leaf_is_a_path_of_the_type(&values::external_dns::values(
        "eu-west-1",
        "arn",
        "example.com",
        "Z1",
        "cluster",
    ));
    every_written_leaf_is_a_path_of_the_type(&values::external_secrets::values());
    every_written_leaf_is_a_path_of_the_type(&values::fluent_bit::values());
    every_written_leaf_is_a_path_of_the_type(&values::grafana::values("example.com"));
    every_written_leaf_is_a_path_of_the_type(&values::headlamp::values());
    every_written_leaf_is_a_path_of_the_type(&values::kube_prometheus_stack::values());
    every_written_leaf_is_a_path_of_the_type(&values::mariadb_operator::values());
    every_written_leaf_is_a_path_of_the_type(&values::opensearch::values());
    every_written_leaf_is_a_path_of_the_type(&values::opensearch_dashboards::values());
    every_written_leaf_is_a_path_of_the_type(&values::vault::values("arn", "eu-west-1"));
}
