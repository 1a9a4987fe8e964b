//! The sample chart and its Rust values type cannot drift: the chart's `values.yaml` is the
//! type's default, validates against the schema generated from the type, and values that break
//! the chart's rules are rejected with the path of the bad value, and the committed `values.schema.json` is the generated one.

use std::path::{Path, PathBuf};

use bkt_reference::sample_app::{SCHEMA_PATH, SampleAppValues, values_schema, values_schema_json};
use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn values_yaml_text() -> String {
    std::fs::read_to_string(repo_root().join("gitops/charts/sample-app/values.yaml")).unwrap()
}

/// The chart's `values.yaml` as a generic value, with the `global` key Helm always adds.
fn chart_values() -> Value {
    let mut values: Value = serde_saphyr::from_str(&values_yaml_text()).unwrap();
    values["global"] = json!({});
    values
}

/// `overrides` merged over `base` as Helm merges user values over the chart's.
fn merge(base: &mut Value, overrides: &Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// The instance paths of the schema's errors for the chart's values with `overrides`.
fn errors(overrides: &Value) -> Vec<String> {
    let schema = serde_json::to_value(values_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut values = chart_values();
    merge(&mut values, overrides);
    validator
        .iter_errors(&values)
        .map(|error| format!("{} {error}", error.instance_path()))
        .collect()
}

#[test]
fn values_yaml_is_the_types_default() {
    let parsed: SampleAppValues = serde_saphyr::from_str(&values_yaml_text()).unwrap();
    assert_eq!(parsed, SampleAppValues::default());
}

#[test]
fn the_default_serializes_back_to_values_yaml_as_data() {
    let written = bkt_core::yaml::to_string(&SampleAppValues::default()).unwrap();
    let reread: Value = serde_saphyr::from_str(&written).unwrap();
    let original: Value = serde_saphyr::from_str(&values_yaml_text()).unwrap();
    assert_eq!(reread, original);
}

#[test]
fn values_yaml_validates_against_the_generated_schema() {
    assert_eq!(errors(&json!({})), Vec::<String>::new());
}

#[test]
fn every_documented_combination_validates() {
    let sha = "0123456789abcdef0123456789abcdef01234567";
    for overrides in [
        json!({ "image": { "repository": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app", "tag": sha },
                "ingress": { "enabled": true, "host": "sample-app.dev.example.com" },
                "serviceMonitor": { "enabled": true } }),
        json!({ "database": { "type": "mysql" }, "vault": { "enabled": true },
                "networkPolicy": { "egress": { "database": { "namespace": "mysql", "podLabels": { "app.kubernetes.io/name": "mariadb" } } } } }),
        json!({ "database": { "type": "mongodb" }, "vault": { "enabled": true, "template": "x" },
                "networkPolicy": { "egress": { "database": { "cidrs": ["192.168.248.0/21"] } } } }),
        json!({ "autoscaling": { "enabled": true, "minReplicas": 3, "maxReplicas": 8 },
                "podDisruptionBudget": { "minAvailable": "50%" } }),
        json!({ "networkPolicy": { "enabled": false }, "serviceAccount": { "create": false } }),
    ] {
        assert_eq!(errors(&overrides), Vec::<String>::new(), "{overrides}");
    }
}

/// Each bad value is refused, and the error names its path.
#[test]
fn bad_values_are_rejected_naming_the_path() {
    for (overrides, path) in [
        (json!({ "replicas": 3 }), ""),
        (
            json!({ "ingress": { "hostname": "a.example.com" } }),
            "/ingress",
        ),
        (
            json!({ "database": { "type": "postgres" } }),
            "/database/type",
        ),
        (
            json!({ "config": { "logLevel": "trace" } }),
            "/config/logLevel",
        ),
        (json!({ "replicaCount": "two" }), "/replicaCount"),
        (json!({ "replicaCount": 0 }), "/replicaCount"),
        (json!({ "service": { "port": 70000 } }), "/service/port"),
        (json!({ "image": { "tag": "latest" } }), "/image/tag"),
        (json!({ "config": { "message": "" } }), "/config/message"),
        (json!({ "shutdownDelay": "10" }), "/shutdownDelay"),
        (
            json!({ "resources": { "limits": { "memory": "lots" } } }),
            "/resources/limits/memory",
        ),
        (
            json!({ "networkPolicy": { "ingress": { "loadBalancerCIDRs": ["vpc"] } } }),
            "/networkPolicy/ingress/loadBalancerCIDRs/0",
        ),
        (
            json!({ "networkPolicy": { "egress": { "database": { "namespace": "Not_A_Namespace" } } } }),
            "/networkPolicy/egress/database/namespace",
        ),
        (json!({ "ingress": { "enabled": true } }), "/ingress/host"),
        (
            json!({ "ingress": { "enabled": true, "host": "https://a.example.com" } }),
            "/ingress/host",
        ),
        (json!({ "database": { "type": "mysql" } }), "/vault/enabled"),
    ] {
        let found = errors(&overrides);
        assert!(
            found
                .iter()
                .any(|error| error.starts_with(&format!("{path} "))),
            "{overrides}: want an error at {path:?}, got {found:?}"
        );
    }
}

/// The same values the schema refuses are refused when read into the Rust type.
#[test]
fn the_rust_type_refuses_unknown_keys_and_bad_choices() {
    let good: Value = serde_saphyr::from_str(&values_yaml_text()).unwrap();
    assert!(serde_json::from_value::<SampleAppValues>(good.clone()).is_ok());
    for overrides in [
        json!({ "replicas": 3 }),
        json!({ "database": { "type": "postgres" } }),
        json!({ "ingress": { "hostname": "a.example.com" } }),
        json!({ "replicaCount": "two" }),
    ] {
        let mut values = good.clone();
        merge(&mut values, &overrides);
        assert!(
            serde_json::from_value::<SampleAppValues>(values).is_err(),
            "{overrides}"
        );
    }
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let committed = std::fs::read_to_string(repo_root().join(SCHEMA_PATH)).unwrap();
    assert_eq!(
        committed,
        values_schema_json().unwrap(),
        "{SCHEMA_PATH} is stale: run `cargo run --example generate`"
    );
}
