//! The `MariaDB` operator: the MySQL-compatible database of the sample app.

use serde::Serialize;

use crate::common::{Enabled, ResourceRequirements, WithResources};
use crate::{Chart, Repository, RepositoryKind};

/// The mariadb-operator chart.
pub const CHART: Chart = Chart {
    name: "mariadb-operator",
    version: "26.6.0",
    repository: Repository {
        name: "mariadb-operator",
        url: "https://helm.mariadb.com/mariadb-operator",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/mariadb-operator/mariadb-operator/blob/main/deploy/charts/mariadb-operator/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "The MySQL-compatible database for the sample app: MariaDB's own operator and images, which are maintained (unlike the Bitnami MySQL chart's images).",
    "CRDs come from the bundled subchart (crds.enabled) so upgrades update them too.",
];

/// The platform's values for the `MariaDB` operator.
///
/// ```
/// use bkt_helm::charts::mariadb_operator::{self, Values};
/// use bkt_helm::common::{Enabled, burstable};
///
/// let mut values = Values::default();
/// values.crds = Enabled::ON;
/// values.resources = Some(burstable("50m", "64Mi", "128Mi"));
/// assert!(bkt_core::yaml::to_string(&values)?.starts_with("crds:\n  enabled: true\nresources:\n"));
/// let pods = mariadb_operator::workloads(&values, "mariadb-system")?;
/// assert_eq!(pods.len(), 3);
/// assert_eq!(pods[0].requests.memory_bytes, 64 << 20);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The bundled CRD subchart: on, so upgrades update the CRDs too.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub crds: Enabled,
    /// The operator's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The admission webhook.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub webhook: WithResources,
    /// The webhook's certificate controller.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub cert_controller: WithResources,
}

/// The pods these values produce: the operator, webhook and cert controller `Deployment`s, one
/// replica each (chart 26.6.0). The `MariaDB` servers it runs are their own workloads.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    Ok(vec![
        Workload::deployment(
            "mariadb-operator",
            namespace,
            1,
            Requests::of("resources", values.resources.as_ref())?,
        ),
        Workload::deployment(
            "mariadb-operator-webhook",
            namespace,
            1,
            Requests::of("webhook.resources", values.webhook.resources.as_ref())?,
        ),
        Workload::deployment(
            "mariadb-operator-cert-controller",
            namespace,
            1,
            Requests::of(
                "certController.resources",
                values.cert_controller.resources.as_ref(),
            )?,
        ),
    ])
}
