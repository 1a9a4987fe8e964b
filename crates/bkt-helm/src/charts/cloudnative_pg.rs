//! `CloudNativePG`: the `PostgreSQL` operator that runs Authentik's database.

use serde::Serialize;

use crate::common::ResourceRequirements;
use crate::{Chart, Repository, RepositoryKind};

/// The `CloudNativePG` operator chart.
pub const CHART: Chart = Chart {
    name: "cloudnative-pg",
    version: "0.29.0",
    repository: Repository {
        name: "cloudnative-pg",
        url: "https://cloudnative-pg.github.io/charts",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/cloudnative-pg/charts/blob/main/charts/cloudnative-pg/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Authentik needs PostgreSQL; CloudNativePG runs it from maintained images (the chart's bundled Bitnami PostgreSQL moved to the deprecated legacy registry) and generates its password.",
];

/// The platform's values for `CloudNativePG`.
///
/// ```
/// use bkt_helm::charts::cloudnative_pg::{self, Values};
/// use bkt_helm::common::burstable;
///
/// let mut values = Values::default();
/// values.fullname_override = Some("cnpg".into());
/// values.resources = Some(burstable("100m", "200Mi", "400Mi"));
/// assert!(bkt_core::yaml::to_string(&values)?.starts_with("fullnameOverride: cnpg\nresources:\n"));
///
/// // The operator's Deployment takes the overridden name.
/// let pods = cloudnative_pg::workloads(&values, "cnpg-system")?;
/// assert_eq!((pods[0].name.as_str(), pods[0].requests.memory_bytes), ("cnpg", 200 << 20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// The operator's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// The pods these values produce: the operator `Deployment`, one replica (chart 0.29.0's
/// `replicaCount`). The `PostgreSQL` clusters it runs are their own workloads.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    crate::workload::Workload::chart_deployment(
        "cloudnative-pg",
        values.fullname_override.as_deref(),
        namespace,
        values.resources.as_ref(),
    )
}
