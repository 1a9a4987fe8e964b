//! The platform layer `platform/`: insta snapshots of every generated file, and the checks the
//! tree runs on it.

use bkt_flux::GitOpsTree;
use bkt_reference::gitops::platform::{Component, Platform};

/// The dev layer alone in a tree, its `${DOMAIN}` a cluster var, the components' shared
/// kustomize components registered as hand-written.
fn platform_tree(platform: &Platform) -> Result<bkt_core::Tree, bkt_flux::Error> {
    let mut tree = GitOpsTree::new(
        "gitops",
        &[
            "DOMAIN",
            "LOG_RETENTION_DAYS",
            "ALB_PUBLIC_SECURITY_GROUP_ID",
            "ALB_ADMIN_SECURITY_GROUP_ID",
        ],
    );
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
    assert_eq!(paths.len(), 51, "{paths:#?}");
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

/// The text of the repository's file `path` (from the repository root).
fn repository_file(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
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

/// The environment variable `name` of the first container of the Job in `documents`.
fn job_env<'a>(job: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    job["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == name)
        .unwrap_or_else(|| panic!("the setup Job sets no {name}"))
}

/// Logs need no manual step: the opensearch folder runs a Job whose script comes from the
/// generated `ConfigMap` (named with the same hash), which installs the retention policy over
/// the indices Fluent Bit writes, with the environment's retention, and the Dashboards' index
/// pattern and saved search with `overwrite=true`; the Job is Pod Security restricted and has
/// its own egress-only policy.
#[test]
fn opensearch_gets_its_retention_policy_and_dashboards_objects_from_a_job() {
    let tree = platform_tree(&Platform::new(
        "${DOMAIN}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap();
    let job = &documents(&tree, "platform/opensearch/setup-job.yaml")[0];
    assert_eq!(job["kind"], "Job");
    let listing = &documents(&tree, "platform/opensearch/kustomization.yaml")[0];
    assert!(
        listing["resources"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("setup-job.yaml")),
        "{listing}"
    );
    let generator = &listing["configMapGenerator"][0];
    let script_name = generator["files"][0].as_str().unwrap();
    let script = &repository_file(&format!("gitops/platform/opensearch/{script_name}"));
    // The Job runs the generated ConfigMap and its name carries kustomize's hash of it.
    let volume = &job["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"];
    assert_eq!(volume, &generator["name"]);
    let hash = bkt_reference::gitops::vault::config_map_hash([(script_name, script.as_str())]);
    assert_eq!(
        job["metadata"]["name"].as_str().unwrap(),
        format!("{}-{hash}", generator["name"].as_str().unwrap())
    );
    assert_eq!(
        generator["options"]["annotations"]["kustomize.toolkit.fluxcd.io/substitute"],
        "disabled"
    );
    // The retention is the environment's, through the cluster var.
    assert_eq!(job_env(job, "RETENTION")["value"], "${LOG_RETENTION_DAYS}d");
    // The policy covers the indices Fluent Bit writes.
    let prefix = job_env(job, "INDEX_PREFIX")["value"].as_str().unwrap();
    let outputs = bkt_reference::values::fluent_bit::OUTPUTS;
    assert!(
        outputs
            .lines()
            .any(|line| line.split_whitespace().collect::<Vec<_>>() == ["Logstash_Prefix", prefix]),
        "Fluent Bit does not write {prefix}-*: {outputs}"
    );
    for call in [
        "_plugins/_ism/policies/",
        "\\\"min_index_age\\\":\\\"$RETENTION\\\"",
        "{\\\"delete\\\":{}}",
        "_plugins/_ism/change_policy/",
        "api/saved_objects/index-pattern/$INDEX_PREFIX-logs?overwrite=true",
        "api/saved_objects/search/$INDEX_PREFIX-recent?overwrite=true",
        "_plugins/_security/api/roles/fluent-bit",
    ] {
        assert!(script.contains(call), "setup.sh does not call {call}");
    }
    // Pod Security restricted.
    let pod = &job["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert_eq!(
        container["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(
        container["securityContext"]["capabilities"]["drop"],
        serde_json::json!(["ALL"])
    );
    // Its own policy: egress to OpenSearch and Dashboards only, no ingress.
    let policies = documents(&tree, "platform/opensearch/networkpolicy.yaml");
    let policy = policies
        .iter()
        .find(|policy| {
            policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                == job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        })
        .expect("no NetworkPolicy selects the setup Job's pods");
    assert_eq!(
        policy["spec"]["policyTypes"],
        serde_json::json!(["Ingress", "Egress"])
    );
    assert_eq!(policy["spec"]["egress"].as_array().unwrap().len(), 2);
}

/// Fluent Bit writes with its own user, not OpenSearch's admin: the credentials it reads come from
/// a Secret other than the admin's, generated once, whose user name the setup script gives only
/// write access to the log indices.
#[test]
fn fluent_bit_writes_as_its_own_opensearch_user() {
    let tree = platform_tree(&Platform::new(
        "${DOMAIN}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap();
    let copies = documents(&tree, "platform/logging/credentials.yaml");
    let copy = copies
        .iter()
        .find(|document| document["kind"] == "ExternalSecret")
        .unwrap();
    let source = copy["spec"]["dataFrom"][0]["extract"]["key"]
        .as_str()
        .unwrap();
    assert_ne!(
        source, "opensearch-admin",
        "Fluent Bit reads the admin's credentials"
    );
    let secrets = documents(&tree, "platform/opensearch/fluent-bit-credentials.yaml");
    let generated = object(&secrets, "ExternalSecret", source)
        .unwrap_or_else(|| panic!("no ExternalSecret in platform/opensearch writes {source}"));
    assert_eq!(generated["spec"]["refreshPolicy"], "CreatedOnce");
    let user = generated["spec"]["target"]["template"]["data"]["username"]
        .as_str()
        .unwrap();
    let script = repository_file("gitops/platform/opensearch/setup.sh");
    assert!(
        script.contains(&format!("internalusers/{user}"))
            && script.contains(&format!("rolesmapping/{user}")),
        "setup.sh does not make user {user}"
    );
}

/// Grafana shows logs with no setup: its release installs the plugin the provisioned logs
/// datasource needs (at a pinned version), the datasource reads Fluent Bit's indices with a
/// password Grafana gets from its environment (a copied Secret, never the file), and the sample
/// app's dashboard has a logs panel on that datasource beside its metrics.
#[test]
fn grafana_shows_the_sample_apps_logs_beside_its_metrics() {
    let tree = platform_tree(&Platform::new(
        "${DOMAIN}",
        bkt_reference::sso::sso().unwrap(),
    ))
    .unwrap();
    let config_maps = documents(&tree, "platform/grafana/logs-datasource.yaml");
    let config_map = &config_maps[0];
    assert_eq!(config_map["metadata"]["labels"]["grafana_datasource"], "1");
    let file = config_map["data"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    let provisioning: serde_json::Value = serde_saphyr::from_str(file.as_str().unwrap()).unwrap();
    let datasource = &provisioning["datasources"][0];
    let plugin = datasource["type"].as_str().unwrap();

    let release = &documents(&tree, "platform/grafana/release.yaml")[0];
    let values = &release["spec"]["values"];
    let preinstall = values["env"]["GF_PLUGINS_PREINSTALL"]
        .as_str()
        .unwrap_or_else(|| {
            panic!("Grafana installs no plugin: {}", values["env"]);
        });
    let (installed, version) = preinstall.split_once('@').unwrap();
    assert_eq!(
        installed, plugin,
        "the datasource's plugin is not installed"
    );
    assert!(
        version.split('.').count() == 3
            && version.split('.').all(|part| part.parse::<u32>().is_ok()),
        "the plugin is not pinned to an exact version: {preinstall}"
    );

    // The password: a variable Grafana's container gets from a Secret the folder copies.
    let password = datasource["secureJsonData"]["basicAuthPassword"]
        .as_str()
        .unwrap();
    let variable = password.strip_prefix('$').unwrap();
    let secret = values["envValueFrom"][variable]["secretKeyRef"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("Grafana's environment has no {variable}"));
    let copies = documents(&tree, "platform/grafana/logs-credentials.yaml");
    assert!(
        copies
            .iter()
            .any(|document| document["kind"] == "ExternalSecret"
                && document["spec"]["target"]["name"] == secret),
        "no ExternalSecret in platform/grafana writes {secret}"
    );
    assert_eq!(
        config_map["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/substitute"], "disabled",
        "Flux would substitute {password}"
    );

    // The indices are Fluent Bit's.
    let job = &documents(&tree, "platform/opensearch/setup-job.yaml")[0];
    let prefix = job_env(job, "INDEX_PREFIX")["value"].as_str().unwrap();
    assert_eq!(datasource["jsonData"]["database"], format!("{prefix}-*"));

    // The sample app's dashboard: a logs panel on this datasource, beside the metrics panels.
    let dashboard: serde_json::Value = serde_json::from_str(&repository_file(
        "gitops/charts/sample-app/dashboards/sample-app.json",
    ))
    .unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    let logs = panels
        .iter()
        .find(|panel| panel["type"] == "logs")
        .expect("the sample app's dashboard has no logs panel");
    assert_eq!(logs["datasource"]["uid"], datasource["uid"]);
    assert_eq!(logs["datasource"]["type"], plugin);
    assert!(
        logs["targets"][0]["query"]
            .as_str()
            .unwrap()
            .contains("$namespace"),
        "the logs panel does not follow the dashboard's namespace: {logs}"
    );
    assert!(
        panels
            .iter()
            .any(|panel| panel["datasource"]["type"] == "prometheus")
    );
}
