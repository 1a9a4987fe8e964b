//! The logs' setup in `platform/opensearch/`: the Job that makes the logs usable with no manual
//! step (Fluent Bit's own least-privilege user, the retention policy, the Dashboards' index
//! pattern and saved search), its `NetworkPolicy`, the `ConfigMap` of its script, and Fluent
//! Bit's generated password.
//!
//! The script (`setup.sh`) stays a hand-written file beside the generated YAML, read by a
//! `configMapGenerator`; the Job's name carries the same content hash as the generated
//! `ConfigMap` ([`super::vault::config_map_hash`]), so a changed script runs a new Job. Every
//! step of the script creates or replaces its object, so a re-run changes nothing.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, EnvVar, ResourceRequirements, SecretVolumeSource, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use serde::Serialize;

use bkt_flux::compose::{GENERATED_PASSWORD, alphanumeric, generated_once, template};
use bkt_flux::kinds::external_secrets::{ExternalSecret, Password};
use bkt_flux::kustomize::{ConfigMapGenerator, GeneratorOptions};
use bkt_flux::network_policy::{Policy, Rule, app, pods_peer, tcp};
use bkt_flux::{Manifest, ManifestFile, Result};

use super::job::{ScriptedPod, empty_dir_volume, restricted_container, scripts_volume};
use super::vault::config_map_hash;
use crate::cluster_vars::ClusterVars;

/// The hand-written files of the setup's `configMapGenerator`, as `(path relative to the
/// folder, content)`.
pub const SETUP_FILES: [(&str, &str); 1] = [(
    "setup.sh",
    include_str!("../../../gitops/platform/opensearch/setup.sh"),
)];

/// The folder of the Job, relative to the tree.
pub const FOLDER: &str = "platform/opensearch";

/// The label of the Job's pods, the `ConfigMap`'s name and the Job name's prefix.
pub const NAME: &str = "opensearch-setup";

/// The prefix of the indices Fluent Bit writes (`Logstash_Prefix` of its output): the setup's
/// user may write `<prefix>-*` only, and the retention policy deletes them.
pub const INDEX_PREFIX: &str = "kube";

/// The Secret of Fluent Bit's OpenSearch user (keys `username` and `password`), generated once.
pub const FLUENT_BIT_SECRET: &str = "opensearch-fluent-bit";

/// The user name Fluent Bit writes as.
pub const FLUENT_BIT_USER: &str = "fluent-bit";

/// The Secret of Grafana's OpenSearch user (keys `username` and `password`), generated once.
pub const GRAFANA_SECRET: &str = "opensearch-grafana";

/// The user name Grafana's logs datasource reads as.
pub const GRAFANA_USER: &str = "grafana";

/// The image the Job runs: curl and a POSIX shell, pinned (the sample chart's test runs it too).
pub const CURL_IMAGE: &str = "curlimages/curl:8.16.0";

/// The user the curl image runs as (`curl_user`).
const CURL_UID: i64 = 100;

/// The Job's name: the `ConfigMap`'s, ending in the same content hash.
#[must_use]
pub fn job_name() -> String {
    let mut name = String::from(NAME);
    name.push('-');
    name.push_str(&config_map_hash(SETUP_FILES));
    name
}

/// The `configMapGenerator` of the script, which Flux must not substitute (its shell variables
/// are not Flux variables).
#[must_use]
pub fn config_map_generator() -> ConfigMapGenerator {
    ConfigMapGenerator {
        name: NAME.into(),
        files: SETUP_FILES
            .iter()
            .map(|(path, _)| (*path).to_owned())
            .collect(),
        options: Some(GeneratorOptions {
            labels: BTreeMap::from([("app.kubernetes.io/name".to_owned(), NAME.to_owned())]),
            annotations: BTreeMap::from([(
                "kustomize.toolkit.fluxcd.io/substitute".to_owned(),
                "disabled".to_owned(),
            )]),
            ..GeneratorOptions::default()
        }),
        ..ConfigMapGenerator::default()
    }
}

/// `name` with a literal value.
fn value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        ..EnvVar::default()
    }
}

/// Where the Job reads its credentials: files, not environment variables (they stay out of the
/// process environment and of `kubectl describe`).
const SECRETS_DIR: &str = "/secrets";

/// The Secrets mounted below [`SECRETS_DIR`], by folder: `OpenSearch`'s admin (`username`,
/// `password`), and the passwords the Job gives Fluent Bit's and Grafana's users.
const SECRET_FILES: [(&str, &str); 3] = [
    ("admin", "opensearch-admin"),
    ("fluent-bit", FLUENT_BIT_SECRET),
    ("grafana", GRAFANA_SECRET),
];

/// The Job's one container: `setup.sh` with its environment, as non-root with nothing but the
/// scripts and `/tmp` mounted.
fn setup_container() -> Container {
    let quantity = |text: &str| Quantity(text.to_owned());
    // The unit makes the substituted value a string (`7d`), which an environment variable must be.
    let mut retention = ClusterVars::references().log_retention_days.to_string();
    retention.push('d');
    Container {
        name: "setup".into(),
        image: Some(CURL_IMAGE.into()),
        command: Some(vec!["/bin/sh".into(), "/scripts/setup.sh".into()]),
        env: Some(vec![
            value(
                "OPENSEARCH_URL",
                "https://opensearch-cluster-master.opensearch.svc:9200",
            ),
            value(
                "DASHBOARDS_URL",
                "http://opensearch-dashboards.opensearch.svc:5601",
            ),
            value("SECRETS_DIR", SECRETS_DIR),
            value("RETENTION", &retention),
            value("INDEX_PREFIX", INDEX_PREFIX),
            value("WAIT_SECONDS", "600"),
            value("HOME", "/tmp"),
        ]),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_owned(), quantity("10m")),
                ("memory".to_owned(), quantity("32Mi")),
            ])),
            limits: Some(BTreeMap::from([("memory".to_owned(), quantity("64Mi"))])),
            ..ResourceRequirements::default()
        }),
        security_context: Some(restricted_container()),
        volume_mounts: Some(
            vec![
                VolumeMount {
                    name: "scripts".into(),
                    mount_path: "/scripts".into(),
                    read_only: Some(true),
                    ..VolumeMount::default()
                },
                VolumeMount {
                    name: "tmp".into(),
                    mount_path: "/tmp".into(),
                    ..VolumeMount::default()
                },
            ]
            .into_iter()
            .chain(SECRET_FILES.iter().map(|(folder, _)| VolumeMount {
                name: [*folder, "-secret"].concat(),
                mount_path: [SECRETS_DIR, "/", folder].concat(),
                read_only: Some(true),
                ..VolumeMount::default()
            }))
            .collect(),
        ),
        ..Container::default()
    }
}

/// The Job: `setup.sh` as OpenSearch's admin, Pod Security `restricted`, bounded in time.
#[must_use]
pub fn job() -> Job {
    ScriptedPod {
        name: job_name(),
        labels: BTreeMap::from([("app.kubernetes.io/name".to_owned(), NAME.to_owned())]),
        uid: CURL_UID,
        active_deadline_seconds: 900,
        service_account: None,
        init_containers: None,
        containers: vec![setup_container()],
        volumes: [scripts_volume(NAME), empty_dir_volume("tmp", "4Mi", true)]
            .into_iter()
            .chain(SECRET_FILES.iter().map(|(folder, secret)| Volume {
                name: [*folder, "-secret"].concat(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some((*secret).to_owned()),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            }))
            .collect(),
    }
    .job()
}

/// The Job's own policy: no ingress; egress to OpenSearch (9200) and its Dashboards (5601) only.
#[must_use]
pub fn network_policy() -> NetworkPolicy {
    Policy::new("allow-opensearch-setup")
        .selecting(app(NAME))
        .ingress([])
        .egress([
            Rule::new([pods_peer(app("opensearch"))], [tcp(9200)]),
            Rule::new([pods_peer(app("opensearch-dashboards"))], [tcp(5601)]),
        ])
        .to_object()
}

/// Fluent Bit's and Grafana's passwords, generated once: the Job makes the users with them,
/// Fluent Bit and Grafana read them (copied into namespaces logging and grafana).
///
/// # Errors
/// A document that does not serialize.
pub fn fluent_bit_credentials() -> Result<ManifestFile> {
    Ok(ManifestFile::new([
        Manifest::new(&Password::new(FLUENT_BIT_SECRET, alphanumeric(32, 6)))?.why(
            "Fluent Bit's own OpenSearch user (fluent-bit), not the admin: the setup Job (job.yaml) makes the\n\
             user with this password and a role that may only create and write the kube-* indices.\n\
             Fluent Bit (namespace logging) reads the Secret through the Role in admin-credentials.yaml.",
        ),
        Manifest::new(&ExternalSecret::new(
            FLUENT_BIT_SECRET,
            generated_once(
                FLUENT_BIT_SECRET,
                template([("username", FLUENT_BIT_USER), ("password", GENERATED_PASSWORD)]),
                FLUENT_BIT_SECRET,
            ),
        ))?,
        Manifest::new(&Password::new(GRAFANA_SECRET, alphanumeric(32, 6)))?.why(
            "Grafana's logs datasource reads as its own OpenSearch user (grafana), made by the setup Job with\n\
             this password and a role that may only read the kube-* indices. Grafana (namespace grafana)\n\
             reads the Secret through the Role in admin-credentials.yaml.",
        ),
        Manifest::new(&ExternalSecret::new(
            GRAFANA_SECRET,
            generated_once(
                GRAFANA_SECRET,
                template([("username", GRAFANA_USER), ("password", GENERATED_PASSWORD)]),
                GRAFANA_SECRET,
            ),
        ))?,
    ]))
}

/// Why the setup Job looks the way it does.
pub const JOB_WHY: &str = "\
Makes the logs usable with no manual step (setup.sh, docs/gitops.md, section Logs): Fluent Bit's
own user and role (create and write kube-* only), the retention policy (kube-* deleted after
LOG_RETENTION_DAYS days, the environment's logs.retention_days), and in Dashboards the
index pattern kube-* (the default) and the saved search \"Container logs, newest first\". Every
step creates or replaces its object, so a re-run is safe.

- The name ends in the hash of the generated ConfigMap, so a script change runs a new Job;
  kustomize.toolkit.fluxcd.io/force: enabled recreates it when its pod template changes.
- activeDeadlineSeconds: the script waits up to 10 min for OpenSearch and for Dashboards.
- Pod Security restricted: non-root (curl_user), no privilege escalation, no capabilities,
  read-only root filesystem, RuntimeDefault seccomp; no service account token.";

/// The Grafana plugin of the OpenSearch datasource and its exact version: the one place it is
/// pinned (Grafana installs it on start, `GF_PLUGINS_PREINSTALL`).
pub const GRAFANA_PLUGIN: (&str, &str) = ("grafana-opensearch-datasource", "2.32.4");

/// The uid of Grafana's logs datasource, which the sample app's dashboard selects.
pub const GRAFANA_DATASOURCE_UID: &str = "opensearch-logs";

/// The variable Grafana reads the logs datasource's password from (the provisioning file
/// names it, so the password is never in the file).
pub const GRAFANA_PASSWORD_VARIABLE: &str = "OPENSEARCH_LOGS_PASSWORD";

/// A Grafana datasource provisioning file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceFile {
    api_version: u32,
    datasources: Vec<Datasource>,
}

/// One provisioned datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasource {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    uid: String,
    access: String,
    url: String,
    basic_auth: bool,
    basic_auth_user: String,
    editable: bool,
    json_data: OpenSearchJsonData,
    secure_json_data: BTreeMap<String, String>,
}

/// The OpenSearch plugin's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenSearchJsonData {
    database: String,
    time_field: String,
    flavor: String,
    version: String,
    log_message_field: String,
    tls_skip_verify: bool,
}

/// The `ConfigMap` of Grafana's logs datasource, labelled for the datasource sidecar: the
/// OpenSearch plugin over Fluent Bit's indices, as user `grafana`, its password from the
/// environment (`$OPENSEARCH_LOGS_PASSWORD`, which Grafana expands; Flux must not).
///
/// # Errors
/// A document that does not serialize.
pub fn grafana_datasource() -> Result<ConfigMap> {
    let mut password = String::from("$");
    password.push_str(GRAFANA_PASSWORD_VARIABLE);
    let mut indices = String::from(INDEX_PREFIX);
    indices.push_str("-*");
    let file = DatasourceFile {
        api_version: 1,
        datasources: vec![Datasource {
            name: "OpenSearch logs".into(),
            kind: GRAFANA_PLUGIN.0.into(),
            uid: GRAFANA_DATASOURCE_UID.into(),
            access: "proxy".into(),
            url: "https://opensearch-cluster-master.opensearch.svc:9200".into(),
            basic_auth: true,
            basic_auth_user: GRAFANA_USER.into(),
            editable: false,
            json_data: OpenSearchJsonData {
                database: indices,
                time_field: "@timestamp".into(),
                flavor: "opensearch".into(),
                version: "3.0.0".into(),
                log_message_field: "log".into(),
                tls_skip_verify: true,
            },
            secure_json_data: BTreeMap::from([("basicAuthPassword".to_owned(), password)]),
        }],
    };
    Ok(ConfigMap {
        metadata: ObjectMeta {
            name: Some("opensearch-logs-datasource".into()),
            labels: Some(BTreeMap::from([(
                "grafana_datasource".to_owned(),
                "1".to_owned(),
            )])),
            annotations: Some(BTreeMap::from([(
                "kustomize.toolkit.fluxcd.io/substitute".to_owned(),
                "disabled".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([(
            "opensearch-logs.yaml".to_owned(),
            bkt_core::yaml::to_string(&file)?,
        )])),
        ..ConfigMap::default()
    })
}
