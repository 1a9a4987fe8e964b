//! The reference platform's values of the `opensearch-dashboards` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::opensearch_dashboards::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("opensearch-dashboards".to_owned());
    values.opensearch_hosts = Some("https://opensearch-cluster-master:9200".to_owned());
    values.extra_envs = vec![
        env_from_secret("OPENSEARCH_USERNAME", "opensearch-admin", "username"),
        env_from_secret("OPENSEARCH_PASSWORD", "opensearch-admin", "password"),
    ];
    values.resources = Some(burstable("100m", "512Mi", "1Gi"));
    values.pod_security_context = Some(restricted_pod(Some(1000), Some(1000)));
    values.security_context = Some(restricted_container());
    values
}
