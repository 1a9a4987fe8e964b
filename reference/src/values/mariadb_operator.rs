//! The reference platform's values of the `mariadb-operator` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::mariadb_operator::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.crds = Enabled::ON;
    values.resources = Some(burstable("10m", "64Mi", "256Mi"));
    values.webhook = WithResources::burstable("10m", "32Mi", "128Mi");
    values.cert_controller = WithResources::burstable("10m", "32Mi", "128Mi");
    values
}
