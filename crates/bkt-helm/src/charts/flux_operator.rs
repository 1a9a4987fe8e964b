//! The Flux Operator (ControlPlane): installs and upgrades Flux itself from a `FluxInstance`.
//!
//! `make up` (`cargo xtask up`, `xtask/src/lifecycle/up.rs`) installs it with Helm before Flux
//! exists, with the chart's defaults: the platform sets no values, so [`Values`] is empty (extra
//! values go through [`crate::WithExtra`]).

use serde::Serialize;

use crate::{Chart, Repository, RepositoryKind};

/// The Flux Operator chart, from `ControlPlane`'s OCI registry.
pub const CHART: Chart = Chart {
    name: "flux-operator",
    // renovate: datasource=docker depName=ghcr.io/controlplaneio-fluxcd/charts/flux-operator
    version: "0.59.0",
    repository: Repository {
        name: "controlplaneio-fluxcd",
        url: "oci://ghcr.io/controlplaneio-fluxcd/charts",
        kind: RepositoryKind::Oci,
    },
    values_reference: "https://github.com/controlplaneio-fluxcd/flux-operator/blob/main/charts/flux-operator/values.yaml",
};

/// The reasons behind the values (none: the chart's defaults).
pub const WHY: &[&str] = &[];

/// The platform's values for the Flux Operator: none, the chart's defaults.
///
/// ```
/// use bkt_helm::charts::flux_operator::{self, CHART, Values};
///
/// // The operator's chart is served from an OCI registry; its values are the chart's defaults.
/// assert_eq!(CHART.oci_url().as_deref(), Some("oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator"));
/// assert_eq!(bkt_core::yaml::to_string(&Values::default())?, "{}\n");
/// let pods = flux_operator::workloads(&Values::default(), "flux-system")?;
/// assert_eq!((pods[0].requests.cpu_millis, pods[0].requests.memory_bytes), (100, 64 << 20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Values {}

/// The pods these values produce: the operator `Deployment`, one replica, with chart 0.59.0's
/// default requests (100m CPU, 64Mi). The Flux controllers it installs are its
/// `FluxInstance`'s workloads, not this chart's.
///
/// # Errors
/// Never for these values; the signature matches every chart's.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    let Values {} = values;
    Ok(vec![Workload::deployment(
        "flux-operator",
        namespace,
        1,
        Requests::parse("resources.requests", Some("100m"), Some("64Mi"))?,
    )])
}
