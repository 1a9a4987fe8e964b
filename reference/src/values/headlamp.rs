//! The reference platform's values of the `headlamp` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::headlamp::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("headlamp".to_owned());
    values.cluster_role_binding = Create::NO;
    values.pod_security_context = Some(restricted_pod(Some(100), None));
    values.security_context = Some(SecurityContext {
        read_only_root_filesystem: Some(true),
        ..restricted_container()
    });
    values.resources = Some(burstable("10m", "64Mi", "128Mi"));
    values
}
