//! OpenSearch Dashboards: the UI of the platform's logs.

use serde::Serialize;

use crate::common::{EnvVar, PodSecurityContext, Resources, SecurityContext};
use crate::{Chart, Repository, RepositoryKind};

/// The opensearch-dashboards chart.
pub const CHART: Chart = Chart {
    name: "opensearch-dashboards",
    version: "3.6.0",
    repository: Repository {
        name: "opensearch",
        url: "https://opensearch-project.github.io/helm-charts/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/opensearch-project/helm-charts/blob/main/charts/opensearch-dashboards/values.yaml",
};

/// The reasons behind the values (none beyond the fields' own docs).
pub const WHY: &[&str] = &[];

/// The platform's values for OpenSearch Dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    pub fullname_override: String,
    /// The OpenSearch endpoint.
    pub opensearch_hosts: String,
    /// Environment: OpenSearch's admin credentials from their Secret.
    pub extra_envs: Vec<EnvVar>,
    /// Resources.
    pub resources: Resources,
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
            fullname_override: "opensearch-dashboards".to_owned(),
            opensearch_hosts: "https://opensearch-cluster-master:9200".to_owned(),
            extra_envs: vec![
                EnvVar::from_secret("OPENSEARCH_USERNAME", "opensearch-admin", "username"),
                EnvVar::from_secret("OPENSEARCH_PASSWORD", "opensearch-admin", "password"),
            ],
            resources: Resources::burstable("100m", "512Mi", "1Gi"),
            pod_security_context: PodSecurityContext::restricted(Some(1000), Some(1000)),
            security_context: SecurityContext::restricted(),
        }
    }
}
