//! The sample chart's values (`gitops/charts/sample-app/values.yaml`) as a Rust type, and the
//! chart's `values.schema.json` generated from it.
//!
//! [`SampleAppValues`] has a field for every key the chart's templates read, no more: its
//! [`Default`] is the chart's `values.yaml` (a test parses that file into the type and compares),
//! and [`values_schema`] is the JSON Schema Helm validates values against, made from the same
//! type with [`schemars`]. Each constraint sits on the field it constrains (`pattern`, length and
//! range attributes, enums for the documented choices, `additionalProperties: false` from
//! `deny_unknown_fields`); a key is required exactly where the field has no serde default. The
//! two rules across keys, which no field can carry, are written into the schema's `allOf` from
//! the same Rust rules that [`SampleAppValues::validate`] applies.
//!
//! ```
//! use bkt_reference::sample_app::{DatabaseType, SampleAppValues};
//!
//! let mut values = SampleAppValues::default();
//! values.database.kind = DatabaseType::Mysql;
//! let error = values.validate().unwrap_err();
//! assert!(error.to_string().starts_with("vault.enabled"));
//!
//! let schema = bkt_reference::sample_app::values_schema_json()?;
//! assert!(schema.contains("\"additionalProperties\": false"));
//! # Ok::<(), bkt_helm::Error>(())
//! ```

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use bkt_helm::{Error, Result};

/// Where the chart lives in the repository.
pub const CHART_DIR: &str = "gitops/charts/sample-app";

/// Where the generated schema is written, relative to the repository root.
pub const SCHEMA_PATH: &str = "gitops/charts/sample-app/values.schema.json";

/// An image repository without a tag.
pub const IMAGE_REPOSITORY_PATTERN: &str = r"^[a-z0-9]+([._/:-][a-z0-9]+)*$";
/// A full 40-hex git SHA, a semantic version, or empty (the chart's appVersion).
pub const IMAGE_TAG_PATTERN: &str =
    r"^([0-9a-f]{40}|[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?)?$";
/// A Kubernetes quantity as the chart's resources use them (`50m`, `128Mi`).
pub const QUANTITY_PATTERN: &str = r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|k|M|G)?$";
/// A Go duration (`10s`, `1m30s`).
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";
/// An IPv4 CIDR block.
pub const CIDR_PATTERN: &str = r"^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$";
/// A namespace name (a DNS-1123 label).
pub const NAMESPACE_PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// A DNS host name with a top-level domain.
pub const HOST_PATTERN: &str = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$";
/// The field of the Vault secret that holds the connection string.
pub const SECRET_KEY_PATTERN: &str = r"^[A-Za-z_][A-Za-z0-9_]*$";

/// A JSON object of any content (`global`, `affinity`, a toleration).
pub type AnyObject = BTreeMap<String, serde_json::Value>;

/// The values of the sample-app chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "sample-app chart values", transform = cross_key_rules)]
pub struct SampleAppValues {
    /// Helm's values shared with subcharts (the chart has none; Helm always passes the key).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "any_object")]
    pub global: AnyObject,
    /// Pods, when the HPA does not own the count.
    #[schemars(range(min = 1))]
    pub replica_count: u32,
    /// The app's image.
    pub image: Image,
    /// Secrets for pulling the image.
    #[serde(default)]
    pub image_pull_secrets: Vec<ImagePullSecret>,
    /// Replaces the chart name in object names.
    #[serde(default)]
    #[schemars(length(max = 63))]
    pub name_override: String,
    /// Replaces the whole object name.
    #[serde(default)]
    #[schemars(length(max = 63))]
    pub fullname_override: String,
    /// The app's configuration.
    pub config: Config,
    /// The app's database.
    pub database: Database,
    /// The Vault agent that renders the connection string.
    pub vault: Vault,
    /// The pods' service account.
    #[serde(default)]
    pub service_account: ServiceAccount,
    /// The Service.
    pub service: Service,
    /// The Ingress on the platform's public ALB.
    pub ingress: Ingress,
    /// The app container's resources.
    #[serde(default)]
    pub resources: Resources,
    /// After SIGTERM the app fails readiness for this long while still serving, so the ALB and
    /// Service endpoints drop the pod first.
    #[serde(default = "defaults::shutdown_delay")]
    pub shutdown_delay: GoDuration,
    /// Then in-flight requests get this long to finish.
    #[serde(default = "defaults::shutdown_timeout")]
    pub shutdown_timeout: GoDuration,
    /// The pod's grace period: more than the delay and the timeout together.
    #[serde(default = "defaults::termination_grace_period_seconds")]
    #[schemars(range(min = 1))]
    pub termination_grace_period_seconds: u32,
    /// Extra pod annotations.
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// Extra pod labels.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// The pods' node selector.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// The pods' tolerations.
    #[serde(default)]
    #[schemars(with = "Vec<AnyObjectSchema>")]
    pub tolerations: Vec<AnyObject>,
    /// The pods' affinity.
    #[serde(default)]
    #[schemars(schema_with = "any_object")]
    pub affinity: AnyObject,
    /// The `PodDisruptionBudget`.
    #[serde(default)]
    pub pod_disruption_budget: PodDisruptionBudget,
    /// The `HorizontalPodAutoscaler`; when enabled it owns the replica count.
    #[serde(default)]
    pub autoscaling: Autoscaling,
    /// The `ServiceMonitor` Prometheus scrapes `/metrics` by.
    #[serde(default)]
    pub service_monitor: ServiceMonitor,
    /// The Grafana dashboard `ConfigMap`.
    #[serde(default)]
    pub dashboard: Dashboard,
    /// The `NetworkPolicy` objects.
    #[serde(default)]
    pub network_policy: NetworkPolicy,
    /// The Helm test pod.
    #[serde(default)]
    pub test: Test,
}

/// The app's image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    /// Image repository without tag.
    #[schemars(length(min = 1), pattern(IMAGE_REPOSITORY_PATTERN))]
    pub repository: String,
    /// Full 40-hex git SHA or a semantic version; empty = appVersion.
    #[schemars(pattern(IMAGE_TAG_PATTERN))]
    pub tag: String,
    /// When the kubelet pulls.
    pub pull_policy: PullPolicy,
}

/// When the kubelet pulls the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PullPolicy {
    /// On every start.
    Always,
    /// When the node does not have it.
    IfNotPresent,
    /// Never.
    Never,
}

impl PullPolicy {
    /// Every policy.
    pub const ALL: [Self; 3] = [Self::Always, Self::IfNotPresent, Self::Never];
}

/// A Secret for pulling images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImagePullSecret {
    /// The Secret's name.
    #[schemars(length(min = 1))]
    pub name: String,
}

/// The app's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Text shown on the page; edits reach running pods without a restart.
    #[schemars(length(min = 1, max = 500))]
    pub message: String,
    /// The log level.
    pub log_level: LogLevel,
}

/// The app's log level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Everything.
    Debug,
    /// Requests and lifecycle.
    Info,
    /// Problems.
    Warn,
    /// Failures only.
    Error,
}

impl LogLevel {
    /// Every level.
    pub const ALL: [Self; 4] = [Self::Debug, Self::Info, Self::Warn, Self::Error];
}

/// The app's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// Which database.
    #[serde(rename = "type")]
    pub kind: DatabaseType,
}

/// Which database the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseType {
    /// Embedded, in memory (the default).
    Memory,
    /// `MySQL` (the platform's `MariaDB`).
    Mysql,
    /// MongoDB (Atlas).
    Mongodb,
}

impl DatabaseType {
    /// Every type, in the order the chart documents them.
    pub const ALL: [Self; 3] = [Self::Memory, Self::Mysql, Self::Mongodb];

    /// Whether the type needs a connection string, which comes only from Vault: never from
    /// values, the image or a plain Secret in Git.
    #[must_use]
    pub fn needs_vault(self) -> bool {
        self != Self::Memory
    }
}

/// The Vault agent that renders the connection string to `/vault/secrets/db`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vault {
    /// Inject the agent.
    pub enabled: bool,
    /// The Kubernetes-auth role the pod logs in with.
    #[schemars(length(min = 1))]
    pub role: String,
    /// The Vault path the agent reads.
    #[schemars(length(min = 1))]
    pub secret_path: String,
    /// The field of that secret holding the connection string.
    #[schemars(pattern(SECRET_KEY_PATTERN))]
    pub secret_key: String,
    /// A full agent template instead of `secretPath`/`secretKey` (dynamic credentials).
    #[serde(default)]
    pub template: String,
}

/// The pods' service account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    /// Create it.
    pub create: bool,
    /// Its name; empty = the release's full name.
    #[serde(default)]
    #[schemars(length(max = 253))]
    pub name: String,
    /// Its annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// The Service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The Service type.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// The Service port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

/// A Service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceType {
    /// Inside the cluster only.
    ClusterIP,
    /// On every node's port.
    NodePort,
    /// A cloud load balancer of its own.
    LoadBalancer,
}

impl ServiceType {
    /// Every type.
    pub const ALL: [Self; 3] = [Self::ClusterIP, Self::NodePort, Self::LoadBalancer];
}

/// The Ingress on the platform's public ALB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ingress {
    /// Expose the app.
    pub enabled: bool,
    /// The host (the ACM certificate is found by it); required when enabled.
    pub host: String,
    /// The `IngressClass` (`alb`: the platform's public ALB).
    #[schemars(length(min = 1))]
    pub class_name: String,
    /// Extra annotations for the AWS Load Balancer Controller.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// Requests and limits of the app container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Resources {
    /// What the scheduler reserves.
    pub requests: Quantities,
    /// The ceiling.
    pub limits: Quantities,
}

/// CPU and memory quantities.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Quantities {
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Quantity")]
    pub cpu: Option<Quantity>,
    /// Memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Quantity")]
    pub memory: Option<Quantity>,
}

/// A Kubernetes quantity (`50m`, `128Mi`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Quantity(#[schemars(pattern(QUANTITY_PATTERN))] pub String);

/// A Go duration (`10s`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(description = "Go duration, e.g. 10s")]
pub struct GoDuration(#[schemars(pattern(DURATION_PATTERN))] pub String);

/// An IPv4 CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Cidr(#[schemars(pattern(CIDR_PATTERN))] pub String);

/// A namespace name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Namespace(#[schemars(pattern(NAMESPACE_PATTERN), length(max = 63))] pub String);

/// The schema of a choice: `enum` of its serialized values, in declaration order.
fn choices<T: Serialize>(all: &[T]) -> Schema {
    let values: Vec<serde_json::Value> = all
        .iter()
        .filter_map(|choice| serde_json::to_value(choice).ok())
        .collect();
    json_schema!({ "enum": values })
}

/// `JsonSchema` for a choice enum with an `ALL` constant: a plain `enum`, which Helm's error
/// messages name better than a `oneOf` of constants.
macro_rules! choice_schema {
    ($($ty:ident),*) => {$(
        impl JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                choices(&$ty::ALL)
            }
        }
    )*};
}

choice_schema!(PullPolicy, LogLevel, DatabaseType, ServiceType);

/// A count or a percentage (`1`, `"50%"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A count.
    Int(i64),
    /// A percentage.
    String(String),
}

impl JsonSchema for IntOrString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IntOrString".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["integer", "string"] })
    }
}

/// An object of any content: the schema says only that it is an object.
struct AnyObjectSchema;

impl JsonSchema for AnyObjectSchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AnyObject".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object" })
    }
}

fn any_object(generator: &mut SchemaGenerator) -> Schema {
    AnyObjectSchema::json_schema(generator)
}

/// The `PodDisruptionBudget`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDisruptionBudget {
    /// Render it.
    pub enabled: bool,
    /// Pods that must stay available.
    #[serde(default = "defaults::min_available")]
    pub min_available: IntOrString,
}

/// The `HorizontalPodAutoscaler`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Autoscaling {
    /// Render it (it then owns the replica count).
    pub enabled: bool,
    /// The fewest pods.
    #[serde(default = "defaults::min_replicas")]
    #[schemars(range(min = 1))]
    pub min_replicas: u32,
    /// The most pods.
    #[serde(default = "defaults::max_replicas")]
    #[schemars(range(min = 1))]
    pub max_replicas: u32,
    /// The CPU utilisation the HPA aims at.
    #[serde(
        rename = "targetCPUUtilizationPercentage",
        default = "defaults::target_cpu_utilization_percentage"
    )]
    #[schemars(range(min = 1, max = 100))]
    pub target_cpu_utilization_percentage: u32,
}

/// The `ServiceMonitor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceMonitor {
    /// Render it.
    pub enabled: bool,
    /// The scrape interval.
    #[serde(default = "defaults::scrape_interval")]
    pub interval: GoDuration,
    /// Extra labels, for a Prometheus whose `serviceMonitorSelector` is not empty.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// The Grafana dashboard `ConfigMap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Render it.
    pub enabled: bool,
    /// The Grafana folder (annotation `grafana_folder`).
    #[serde(default = "defaults::dashboard_folder")]
    pub folder: String,
}

/// The `NetworkPolicy` objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicy {
    /// Render them.
    pub enabled: bool,
    /// Who may connect to the pods.
    #[serde(default)]
    pub ingress: NetworkPolicyIngress,
    /// Where the pods may connect.
    #[serde(default)]
    pub egress: NetworkPolicyEgress,
}

/// Who may connect to the pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkPolicyIngress {
    /// Sources of ALB traffic: in IP target mode the ALB connects from its ENIs in the VPC,
    /// which no pod selector can match, so the VPC CIDR.
    #[serde(rename = "loadBalancerCIDRs")]
    pub load_balancer_cidrs: Vec<Cidr>,
    /// Prometheus.
    pub prometheus: PodPeer,
}

/// Pods of a namespace, by labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodPeer {
    /// The namespace.
    pub namespace: Namespace,
    /// The pods' labels.
    pub pod_labels: BTreeMap<String, String>,
}

/// Where the pods may connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkPolicyEgress {
    /// The cluster DNS.
    pub dns: PodPeer,
    /// Vault (with `vault.enabled`).
    pub vault: PortPeer,
    /// The database (with a database other than memory).
    pub database: DatabasePeer,
}

/// Pods of a namespace, by labels, on a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortPeer {
    /// The namespace.
    pub namespace: Namespace,
    /// The pods' labels.
    pub pod_labels: BTreeMap<String, String>,
    /// The port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
}

/// Where the database is: a namespace (and pod labels), or CIDRs; with neither, the database
/// port is open to any address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabasePeer {
    /// The namespace; empty for none.
    #[schemars(schema_with = "namespace_or_empty")]
    pub namespace: String,
    /// The pods' labels.
    pub pod_labels: BTreeMap<String, String>,
    /// CIDR blocks (Atlas private endpoints).
    pub cidrs: Vec<Cidr>,
    /// The port; 0 means the type's standard port (3306 for mysql, 27017 for mongodb).
    #[schemars(range(min = 0, max = 65535))]
    pub port: u16,
}

fn namespace_or_empty(generator: &mut SchemaGenerator) -> Schema {
    let namespace = generator.subschema_for::<Namespace>();
    json_schema!({ "anyOf": [namespace, { "const": "" }] })
}

/// The Helm test pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Test {
    /// Its image (curl; the app image has no shell).
    pub image: TestImage,
}

/// The Helm test pod's image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestImage {
    /// The repository.
    #[schemars(length(min = 1))]
    pub repository: String,
    /// The tag.
    #[schemars(length(min = 1))]
    pub tag: String,
}

/// The chart's defaults for keys a caller may leave out.
mod defaults {
    use super::{GoDuration, IntOrString};

    pub(super) fn shutdown_delay() -> GoDuration {
        GoDuration("10s".to_owned())
    }

    pub(super) fn shutdown_timeout() -> GoDuration {
        GoDuration("20s".to_owned())
    }

    pub(super) fn termination_grace_period_seconds() -> u32 {
        40
    }

    pub(super) fn min_available() -> IntOrString {
        IntOrString::Int(1)
    }

    pub(super) fn min_replicas() -> u32 {
        2
    }

    pub(super) fn max_replicas() -> u32 {
        6
    }

    pub(super) fn target_cpu_utilization_percentage() -> u32 {
        70
    }

    pub(super) fn scrape_interval() -> GoDuration {
        GoDuration("30s".to_owned())
    }

    pub(super) fn dashboard_folder() -> String {
        "Applications".to_owned()
    }
}

/// Why `ingress.host` is required when the Ingress is enabled.
const HOST_REQUIRED: &str =
    "ingress.host is required when ingress.enabled, e.g. sample-app.dev.example.com";
/// Why a database needs the Vault agent.
const VAULT_REQUIRED: &str =
    "database.type mysql/mongodb needs vault.enabled: the connection string comes from Vault";

/// Whether `host` is a DNS host name with a top-level domain ([`HOST_PATTERN`]).
fn is_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    match labels.split_last() {
        Some((top, rest)) => {
            !rest.is_empty()
                && rest.iter().all(label_ok)
                && top.len() >= 2
                && top.bytes().all(|b| b.is_ascii_lowercase())
        }
        None => false,
    }
}

impl SampleAppValues {
    /// The rules across keys that the schema's `allOf` also carries.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `ingress.host` when the Ingress is enabled without a valid
    /// host, or `vault.enabled` when a database other than memory is chosen without Vault.
    pub fn validate(&self) -> Result<()> {
        if self.ingress.enabled && !is_host(&self.ingress.host) {
            return Err(Error::invalid(
                "ingress.host",
                self.ingress.host.clone(),
                HOST_REQUIRED,
            ));
        }
        if self.database.kind.needs_vault() && !self.vault.enabled {
            return Err(Error::invalid("vault.enabled", "false", VAULT_REQUIRED));
        }
        Ok(())
    }
}

/// The schema's `allOf`: the two rules across keys, from the same Rust rules as
/// [`SampleAppValues::validate`].
fn cross_key_rules(schema: &mut Schema) {
    let needs_vault: Vec<serde_json::Value> = DatabaseType::ALL
        .into_iter()
        .filter(|kind| kind.needs_vault())
        .filter_map(|kind| serde_json::to_value(kind).ok())
        .collect();
    let rules = serde_json::json!([
        {
            "if": { "properties": { "ingress": { "properties": { "enabled": { "const": true } } } } },
            "then": { "properties": { "ingress": { "properties": { "host": {
                "minLength": 1,
                "pattern": HOST_PATTERN,
                "description": HOST_REQUIRED,
            } } } } },
        },
        {
            "if": { "properties": { "database": { "properties": { "type": { "enum": needs_vault } } } } },
            "then": { "properties": { "vault": { "properties": { "enabled": {
                "const": true,
                "description": VAULT_REQUIRED,
            } } } } },
        },
    ]);
    schema.insert("allOf".to_owned(), rules);
}

/// Drops the annotations schemars adds that say nothing a reader of the values needs: `default`
/// (the chart's `values.yaml` is where defaults are read) and the Rust integer `format`s.
fn drop_rust_annotations(schema: &mut Schema) {
    schema.remove("default");
    if schema
        .get("format")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|format| format.starts_with("int") || format.starts_with("uint"))
    {
        schema.remove("format");
    }
}

/// The chart's values schema (JSON Schema 2020-12), every subschema inline as Helm reads it.
#[must_use]
pub fn values_schema() -> Schema {
    SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .with_transform(RecursiveTransform(drop_rust_annotations))
        .into_generator()
        .into_root_schema_for::<SampleAppValues>()
}

/// [`values_schema`] as the text of `values.schema.json`: pretty-printed, one trailing newline.
///
/// # Errors
/// [`Error::Json`] if the schema cannot be serialized (it always can).
pub fn values_schema_json() -> Result<String> {
    let mut text = serde_json::to_string_pretty(&values_schema())
        .map_err(|error| Error::json(SCHEMA_PATH, &error))?;
    text.push('\n');
    Ok(text)
}

mod default_values;
#[cfg(test)]
mod tests;
