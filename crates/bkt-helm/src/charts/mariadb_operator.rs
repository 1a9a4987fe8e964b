//! The `MariaDB` operator: the MySQL-compatible database of the sample app.

use serde::Serialize;

use crate::common::{Enabled, Resources, WithResources};
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The bundled CRD subchart: on, so upgrades update the CRDs too.
    pub crds: Enabled,
    /// The operator's resources.
    pub resources: Resources,
    /// The admission webhook.
    pub webhook: WithResources,
    /// The webhook's certificate controller.
    pub cert_controller: WithResources,
}
