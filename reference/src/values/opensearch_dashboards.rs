//! The reference platform's values of the `opensearch-dashboards` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::opensearch_dashboards::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    Values {
        fullname_override: "opensearch-dashboards".to_owned(),
        opensearch_hosts: "https://opensearch-cluster-master:9200".to_owned(),
        extra_envs: vec![
            EnvVar::from_secret("OPENSEARCH_USERNAME", "opensearch-admin", "username"),
            EnvVar::from_secret("OPENSEARCH_PASSWORD", "opensearch-admin", "password"),
        ],
        resources: Resources::burstable("100m", "512Mi", "1Gi"),
        pod_security_context: PodSecurityContext::restricted(Some(1000), Some(1000)),
        security_context: SecurityContext::restricted(),
        config: None,
    }
}
