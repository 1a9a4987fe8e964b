//! The reference platform's values of the `flux-operator` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::flux_operator::*;

/// The dev platform's values (the chart's defaults).
#[must_use]
pub fn values() -> Values {
    Values::default()
}
