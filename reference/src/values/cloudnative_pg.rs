//! The reference platform's values of the `cloudnative-pg` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::cloudnative_pg::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    Values {
        fullname_override: "cloudnative-pg".to_owned(),
        resources: Resources::burstable("20m", "64Mi", "256Mi"),
    }
}
