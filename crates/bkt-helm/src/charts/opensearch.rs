//! OpenSearch: the store of the platform's logs, one node for dev.

use serde::Serialize;

use crate::common::{Enabled, EnvVar, PodSecurityContext, Resources, SecurityContext};
use crate::{Chart, Repository, RepositoryKind};

/// The opensearch chart.
pub const CHART: Chart = Chart {
    name: "opensearch",
    version: "3.6.0",
    repository: Repository {
        name: "opensearch",
        url: "https://opensearch-project.github.io/helm-charts/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/opensearch-project/helm-charts/blob/main/charts/opensearch/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "One node for dev: enough for a week of platform logs, small enough for a two-node cluster.",
    "persistence.enableInitChown is off: fsGroup makes the volume writable; the chart's root chown init container would break the restricted Pod Security level.",
    "sysctlInit is off and node.store.allow_mmap is false: mmap is off, so the node's vm.max_map_count does not matter and no privileged sysctl init container is needed; at dev volume niofs is fast enough.",
];

/// The data volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Persistence {
    /// On.
    pub enabled: bool,
    /// Its size.
    pub size: String,
    /// The chart's root chown init container: off (fsGroup makes the volume writable).
    pub enable_init_chown: bool,
}

/// `opensearch.yml`, the node's configuration: OpenSearch's own file, kept verbatim as
/// `src/charts/opensearch/opensearch.yml`. `node.store.allow_mmap: false` turns mmap off, so the
/// node's `vm.max_map_count` does not matter.
pub const OPENSEARCH_YML: &str = include_str!("opensearch/opensearch.yml");

/// Configuration files of the node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Config {
    /// `opensearch.yml` ([`OPENSEARCH_YML`]).
    #[serde(rename = "opensearch.yml")]
    pub opensearch_yml: String,
}

/// The platform's values for OpenSearch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// One node, no cluster formation.
    pub single_node: bool,
    /// Nodes.
    pub replicas: u32,
    /// The JVM's heap.
    pub opensearch_java_opts: String,
    /// Resources.
    pub resources: Resources,
    /// The data volume.
    pub persistence: Persistence,
    /// The privileged sysctl init container: off, mmap is off.
    pub sysctl_init: Enabled,
    /// Configuration files.
    pub config: Config,
    /// Environment: the initial admin password from its Secret.
    pub extra_envs: Vec<EnvVar>,
    /// The pod's security context.
    pub pod_security_context: PodSecurityContext,
    /// The container's security context.
    pub security_context: SecurityContext,
}

impl Values {
    /// The dev platform's values.
    #[must_use]
    pub fn dev() -> Self {
        Self {
            single_node: true,
            replicas: 1,
            opensearch_java_opts: "-Xms1g -Xmx1g".to_owned(),
            resources: Resources::burstable("250m", "2Gi", "2Gi"),
            persistence: Persistence {
                enabled: true,
                size: "10Gi".to_owned(),
                enable_init_chown: false,
            },
            sysctl_init: Enabled::OFF,
            config: Config {
                opensearch_yml: OPENSEARCH_YML.to_owned(),
            },
            extra_envs: vec![EnvVar::from_secret(
                "OPENSEARCH_INITIAL_ADMIN_PASSWORD",
                "opensearch-admin",
                "password",
            )],
            pod_security_context: PodSecurityContext::restricted(Some(1000), Some(1000)),
            security_context: SecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(1000),
                ..SecurityContext::restricted()
            },
        }
    }
}
