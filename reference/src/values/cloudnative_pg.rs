//! The reference platform's values of the `cloudnative-pg` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::cloudnative_pg::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("cloudnative-pg".to_owned());
    values.resources = Some(burstable("20m", "64Mi", "256Mi"));
    values
}
