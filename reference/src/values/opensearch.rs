//! The reference platform's values of the `opensearch` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::opensearch::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// `opensearch.yml`, the node's configuration: OpenSearch's own file, kept verbatim as
/// `src/charts/opensearch/opensearch.yml`. `node.store.allow_mmap: false` turns mmap off, so the
/// node's `vm.max_map_count` does not matter.
pub const OPENSEARCH_YML: &str = include_str!("opensearch/opensearch.yml");

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.single_node = Some(true);
    values.replicas = Some(1);
    values.opensearch_java_opts = Some("-Xms1g -Xmx1g".to_owned());
    values.resources = Some(burstable("250m", "2Gi", "2Gi"));
    values.persistence.enabled = Some(true);
    values.persistence.size = Some("10Gi".to_owned());
    values.persistence.enable_init_chown = Some(false);
    values.sysctl_init = Enabled::OFF;
    values.config.opensearch_yml = Some(OPENSEARCH_YML.to_owned());
    values.extra_envs = vec![env_from_secret(
        "OPENSEARCH_INITIAL_ADMIN_PASSWORD",
        "opensearch-admin",
        "password",
    )];
    values.pod_security_context = Some(restricted_pod(Some(1000), Some(1000)));
    values.security_context = Some(SecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(1000),
        ..restricted_container()
    });
    values
}
