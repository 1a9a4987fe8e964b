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
    Values {
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
        security_config: None,
    }
}
