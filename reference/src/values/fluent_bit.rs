//! The reference platform's values of the `fluent-bit` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::fluent_bit::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// Tail every container log.
pub const INPUTS: &str = include_str!("fluent_bit/inputs.conf");
/// Kubernetes metadata, JSON log lines lifted into fields.
pub const FILTERS: &str = include_str!("fluent_bit/filters.conf");
/// OpenSearch, with credentials from the environment.
pub const OUTPUTS: &str = include_str!("fluent_bit/outputs.conf");

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.resources = Some(burstable("20m", "64Mi", "128Mi"));
    values.env_from = vec![all_keys_of_secret("opensearch-credentials")];
    values.config.inputs = Some(INPUTS.to_owned());
    values.config.filters = Some(FILTERS.to_owned());
    values.config.outputs = Some(OUTPUTS.to_owned());
    values
}
