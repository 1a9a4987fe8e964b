//! Fluent Bit: container logs to OpenSearch.
//!
//! The pipeline is Fluent Bit's own configuration language, kept verbatim as the files
//! `src/charts/fluent_bit/{inputs,filters,outputs}.conf` and included as text.

use serde::Serialize;

use crate::common::{EnvFromSource, ResourceRequirements};
use crate::{Chart, Repository, RepositoryKind};

/// The fluent-bit chart.
pub const CHART: Chart = Chart {
    name: "fluent-bit",
    version: "0.58.1",
    repository: Repository {
        name: "fluent",
        url: "https://fluent.github.io/helm-charts",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/fluent/helm-charts/blob/main/charts/fluent-bit/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Pipeline: tail container logs, add pod/namespace/labels from the API server, lift a JSON log line into fields (Merge_Log), ship to OpenSearch over TLS with the admin credentials.",
    "The credentials' references are written with a doubled dollar sign, Flux's escape: Flux leaves one dollar sign, and Fluent Bit itself expands them from the environment.",
    "tls.verify is off because OpenSearch serves the security plugin's self-signed demo certificate in dev; the NetworkPolicies keep this hop inside the cluster.",
];

/// The pipeline's sections.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Config {
    /// `[INPUT]` sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<String>,
    /// `[FILTER]` sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    /// `[OUTPUT]` sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<String>,
}

/// The platform's values for Fluent Bit.
///
/// ```
/// use bkt_helm::charts::fluent_bit::{self, Values};
/// use bkt_helm::common::all_keys_of_secret;
/// use bkt_helm::workload::WorkloadKind;
///
/// let mut values = Values::default();
/// values.env_from = vec![all_keys_of_secret("opensearch-credentials")];
/// values.config.outputs = Some("[OUTPUT]\n    Name stdout\n    Match *\n".into());
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.starts_with("envFrom:\n  - secretRef:\n      name: opensearch-credentials\n"));
/// // A configuration section is a block of text, as the chart takes it.
/// assert!(yaml.ends_with("config:\n  outputs: |\n    [OUTPUT]\n        Name stdout\n        Match *\n"));
///
/// // One pod on every node.
/// let pods = fluent_bit::workloads(&values, "logging")?;
/// assert_eq!(pods[0].kind, WorkloadKind::DaemonSet);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Environment from Secrets: OpenSearch's credentials.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFromSource>,
    /// The pipeline.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub config: Config,
}

/// The pods these values produce: a `DaemonSet` (chart 0.58.1's default `kind`), one pod on
/// every node (its default `tolerations` are empty: it runs on every untainted node).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    Ok(vec![Workload::daemon_set(
        "fluent-bit",
        namespace,
        Requests::of("resources", values.resources.as_ref())?,
    )])
}
