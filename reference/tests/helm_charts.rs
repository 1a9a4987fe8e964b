//! The catalog against the GitOps tree: each chart's typed dev values, written by the platform's
//! YAML writer and read back, equal the `values` of the chart's `HelmRelease` in `gitops/`
//! (compared as data, not text), and the release installs the catalog's chart, version and
//! repository. Also: the escape hatch never drops a key and never overrides a typed one.

use std::path::{Path, PathBuf};

use bkt_helm::charts::{
    authentik, aws_load_balancer_controller, cloudnative_pg, external_dns, external_secrets,
    fluent_bit, flux_operator, grafana, headlamp, kube_prometheus_stack, mariadb_operator,
    opensearch, opensearch_dashboards, vault,
};
use bkt_helm::{CATALOG, Chart, Error, RepositoryKind, WithExtra};
use serde::Serialize;
use serde_json::{Value, json};

/// The platform's SSO declaration, which the platform layer wires its releases to.
fn sso() -> bkt_sso::Sso {
    bkt_reference::sso::sso().unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A hand-written manifest of one document, parsed into a generic value.
fn parse_file(path: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Typed values as the platform writes them (the YAML writer), read back as a generic value.
fn written<T: Serialize>(values: &T) -> Value {
    let text = bkt_core::yaml::to_string(values).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("{error}:\n{text}"))
}

/// The release at `release` installs `chart` from the repository in `repository`, with exactly
/// `values`.
fn assert_release<T: Serialize>(chart: &Chart, release: &str, repository: &str, values: &T) {
    let release_doc = parse_file(release);
    let spec = &release_doc["spec"]["chart"]["spec"];
    assert_eq!(spec["chart"], json!(chart.name), "{release}: chart");
    assert_eq!(spec["version"], json!(chart.version), "{release}: version");
    assert_eq!(spec["sourceRef"]["kind"], json!("HelmRepository"));
    assert_eq!(spec["sourceRef"]["name"], json!(chart.repository.name));
    let repository_doc = parse_file(repository);
    assert_eq!(repository_doc["kind"], json!("HelmRepository"));
    assert_eq!(
        repository_doc["metadata"]["name"],
        json!(chart.repository.name)
    );
    assert_eq!(repository_doc["spec"]["url"], json!(chart.repository.url));
    assert_eq!(chart.repository.kind, RepositoryKind::Http);
    let expected = &release_doc["spec"]["values"];
    assert!(expected.is_object(), "{release}: no values");
    assert_eq!(
        &written(values),
        expected,
        "{release}: the typed dev values differ from the release's values"
    );
}

const CONTROLLERS: &str = "gitops/infrastructure/controllers";

fn controller(name: &str, file: &str) -> String {
    format!("{CONTROLLERS}/{name}/{file}")
}

#[test]
fn aws_load_balancer_controller_values_are_todays() {
    let dir = "aws-load-balancer-controller";
    assert_release(
        &aws_load_balancer_controller::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::aws_load_balancer_controller::values(
            "${CLUSTER_NAME}",
            "${AWS_REGION}",
            "${VPC_ID}",
            "${AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN}",
        ),
    );
}

#[test]
fn cloudnative_pg_values_are_todays() {
    let dir = "cloudnative-pg";
    assert_release(
        &cloudnative_pg::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::cloudnative_pg::values(),
    );
}

#[test]
fn external_dns_values_are_todays() {
    let dir = "external-dns";
    assert_release(
        &external_dns::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::external_dns::values(
            "${AWS_REGION}",
            "${EXTERNAL_DNS_ROLE_ARN}",
            "${DOMAIN}",
            "${HOSTED_ZONE_ID}",
            "${CLUSTER_NAME}",
        ),
    );
}

#[test]
fn external_secrets_values_are_todays() {
    let dir = "external-secrets";
    assert_release(
        &external_secrets::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::external_secrets::values(),
    );
}

#[test]
fn kube_prometheus_stack_values_are_todays() {
    let dir = "kube-prometheus-stack";
    assert_release(
        &kube_prometheus_stack::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::kube_prometheus_stack::values(),
    );
}

#[test]
fn mariadb_operator_values_are_todays() {
    let dir = "mariadb-operator";
    assert_release(
        &mariadb_operator::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::mariadb_operator::values(),
    );
}

#[test]
fn vault_values_are_todays() {
    let dir = "vault";
    assert_release(
        &vault::CHART,
        &controller(dir, "release.yaml"),
        &controller(dir, "repository.yaml"),
        &bkt_reference::values::vault::values("${VAULT_ROLE_ARN}", "${AWS_REGION}"),
    );
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

#[test]
fn authentik_values_are_todays() {
    assert_release(
        &authentik::CHART,
        "gitops/platform/authentik/release.yaml",
        "gitops/platform/authentik/repository.yaml",
        &bkt_reference::values::authentik::values().with_sso(&sso()),
    );
}

#[test]
fn grafana_values_are_todays() {
    assert_release(
        &grafana::CHART,
        "gitops/platform/grafana/release.yaml",
        "gitops/platform/grafana/repository.yaml",
        &bkt_helm::WithExtra::new(
            bkt_reference::values::grafana::values("${DOMAIN}").with_sso(
                "${DOMAIN}",
                &sso().client("grafana values", "grafana").unwrap(),
            ),
        )
        .extra("env", bkt_reference::values::grafana::plugin_env())
        .unwrap(),
    );
}

#[test]
fn headlamp_values_are_todays() {
    assert_release(
        &headlamp::CHART,
        "gitops/platform/headlamp/release.yaml",
        "gitops/platform/headlamp/repository.yaml",
        &bkt_reference::values::headlamp::values().with_sso(
            "${DOMAIN}",
            &sso().client("headlamp values", "kubernetes").unwrap(),
        ),
    );
}

#[test]
fn fluent_bit_values_are_todays() {
    assert_release(
        &fluent_bit::CHART,
        "gitops/platform/logging/release.yaml",
        "gitops/platform/logging/repository.yaml",
        &bkt_reference::values::fluent_bit::values(),
    );
}

#[test]
fn opensearch_values_are_todays() {
    assert_release(
        &opensearch::CHART,
        "gitops/platform/opensearch/opensearch.yaml",
        "gitops/platform/opensearch/repository.yaml",
        &bkt_reference::values::opensearch::values()
            .with_sso(
                "${DOMAIN}",
                &sso().client("opensearch values", "opensearch").unwrap(),
            )
            .unwrap(),
    );
}

#[test]
fn opensearch_dashboards_values_are_todays() {
    assert_release(
        &opensearch_dashboards::CHART,
        "gitops/platform/opensearch/dashboards.yaml",
        "gitops/platform/opensearch/repository.yaml",
        &bkt_reference::values::opensearch_dashboards::values().with_sso(
            "${DOMAIN}",
            &sso().client("dashboards values", "opensearch").unwrap(),
            "$${OPENSEARCH_OIDC_CLIENT_SECRET}",
        ),
    );
}

/// The Flux Operator has no `HelmRelease`: `scripts/up.sh` installs it with Helm, from the
/// catalog's registry at the catalog's version, with no values.
#[test]
fn flux_operator_is_installed_at_the_catalog_pin() {
    let script = std::fs::read_to_string(repo_root().join("scripts/up.sh")).unwrap();
    let chart = &flux_operator::CHART;
    assert!(
        script.contains(&format!("flux_operator_version={}\n", chart.version)),
        "scripts/up.sh pins another Flux Operator version than {}",
        chart.version
    );
    let url = chart.oci_url().unwrap();
    assert!(
        script.contains(&url),
        "scripts/up.sh installs from elsewhere than {url}"
    );
    assert_eq!(
        written(&bkt_reference::values::flux_operator::values()),
        json!({})
    );
}

/// Every chart of the catalog is checked above (a new entry needs its test).
#[test]
fn the_catalog_is_exactly_the_charts_checked_here() {
    let names: Vec<&str> = CATALOG.iter().map(|chart| chart.name).collect();
    assert_eq!(
        names,
        [
            "flux-operator",
            "aws-load-balancer-controller",
            "external-dns",
            "external-secrets",
            "cloudnative-pg",
            "mariadb-operator",
            "kube-prometheus-stack",
            "vault",
            "authentik",
            "grafana",
            "headlamp",
            "fluent-bit",
            "opensearch",
            "opensearch-dashboards",
        ]
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
  requests:
    cpu: 20m
    memory: 64Mi
  limits:
    memory: 256Mi
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
