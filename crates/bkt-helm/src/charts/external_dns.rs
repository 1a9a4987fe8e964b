//! external-dns: Route 53 records for every Ingress host.

use serde::Serialize;

use crate::common::{
    EnvVar, PodSecurityContext, ResourceRequirements, SecurityContext, ServiceAccount,
};
use crate::{Chart, Repository, RepositoryKind};

/// The external-dns chart (kubernetes-sigs).
pub const CHART: Chart = Chart {
    name: "external-dns",
    version: "1.21.1",
    repository: Repository {
        name: "external-dns",
        url: "https://kubernetes-sigs.github.io/external-dns/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/kubernetes-sigs/external-dns/blob/master/charts/external-dns/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Only our zone and our domain: the IAM role allows changes to this zone alone, and the filters keep external-dns from even listing others.",
    "The owner id (txtOwnerId) is how `make down` and a second cluster tell our records apart.",
];

/// The DNS provider.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Provider {
    /// Its name (`aws`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// How external-dns treats records it owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Create, update and delete: records follow the Ingresses.
    #[default]
    Sync,
    /// Create and update, never delete.
    UpsertOnly,
}

/// The platform's values for external-dns.
///
/// ```
/// use bkt_helm::charts::external_dns::{self, Policy, Values};
///
/// let mut values = Values::default();
/// values.provider.name = Some("aws".into());
/// values.sources = vec!["ingress".into()];
/// values.domain_filters = vec!["${DOMAIN}".into()];
/// values.txt_owner_id = Some("${CLUSTER_NAME}".into());
/// values.policy = Some(Policy::UpsertOnly);
/// assert_eq!(
///     bkt_core::yaml::to_string(&values)?,
///     concat!(
///         "provider:\n  name: aws\n",
///         "sources:\n  - ingress\n",
///         "domainFilters:\n  - ${DOMAIN}\n",
///         "txtOwnerId: ${CLUSTER_NAME}\n",
///         "policy: upsert-only\n",
///     )
/// );
/// assert_eq!(external_dns::workloads(&values, "external-dns")?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The DNS provider.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub provider: Provider,
    /// Environment of the container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The IRSA service account.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub service_account: ServiceAccount,
    /// The object kinds whose hosts become records.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Only names under these domains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domain_filters: Vec<String>,
    /// Extra command-line arguments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_args: Vec<String>,
    /// The owner id written into the TXT ownership records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txt_owner_id: Option<String>,
    /// Sync or upsert-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// The pod's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,
    /// The container's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// The container's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// The pods these values produce: one `Deployment` pod (chart 1.21.1 runs a single replica).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    Ok(vec![Workload::deployment(
        "external-dns",
        namespace,
        1,
        Requests::of("resources", values.resources.as_ref())?,
    )])
}
