//! The reference platform's values of the `headlamp` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::headlamp::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    Values {
        fullname_override: "headlamp".to_owned(),
        cluster_role_binding: Create { create: false },
        pod_security_context: PodSecurityContext::restricted(Some(100), None),
        security_context: SecurityContext {
            read_only_root_filesystem: Some(true),
            ..SecurityContext::restricted()
        },
        resources: Resources::burstable("10m", "64Mi", "128Mi"),
        config: None,
    }
}
