//! External Secrets: turns Vault entries and in-cluster generators into Kubernetes Secrets.

use serde::Serialize;

use crate::common::{ResourceRequirements, WithResources};
use crate::{Chart, Repository, RepositoryKind};

/// The External Secrets Operator chart.
pub const CHART: Chart = Chart {
    name: "external-secrets",
    version: "2.9.0",
    repository: Repository {
        name: "external-secrets",
        url: "https://charts.external-secrets.io",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/external-secrets/external-secrets/blob/main/deploy/charts/external-secrets/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "External Secrets turns Vault entries and in-cluster generators into the Kubernetes Secrets that third-party charts expect; nothing secret is ever written to Git.",
];

/// The platform's values for External Secrets.
///
/// ```
/// use bkt_helm::charts::external_secrets::{self, Values};
/// use bkt_helm::common::WithResources;
///
/// let mut values = Values::default();
/// values.install_crds = Some(true);
/// values.webhook = WithResources::burstable("10m", "32Mi", "64Mi");
/// assert_eq!(
///     bkt_core::yaml::to_string(&values)?,
///     "installCRDs: true\nwebhook:\n  resources:\n    limits:\n      memory: 64Mi\n    requests:\n      cpu: 10m\n      memory: 32Mi\n"
/// );
///
/// // The controller, the webhook and the cert controller; only the webhook reserves anything.
/// let pods = external_secrets::workloads(&values, "external-secrets")?;
/// let reserved = pods.iter().map(|pod| pod.requests.cpu_millis).collect::<Vec<_>>();
/// assert_eq!(reserved, [0, 10, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// Install the CRDs with the chart, so upgrades update them.
    #[serde(rename = "installCRDs", skip_serializing_if = "Option::is_none")]
    pub install_crds: Option<bool>,
    /// The controller's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The admission webhook.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub webhook: WithResources,
    /// The webhook's certificate controller.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub cert_controller: WithResources,
}

/// The pods these values produce: the controller, the webhook and the cert controller
/// `Deployment`s, one replica each (chart 2.9.0's `replicaCount`, `webhook.replicaCount`,
/// `certController.replicaCount`).
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
            "external-secrets",
            namespace,
            1,
            Requests::of("resources", values.resources.as_ref())?,
        ),
        Workload::deployment(
            "external-secrets-webhook",
            namespace,
            1,
            Requests::of("webhook.resources", values.webhook.resources.as_ref())?,
        ),
        Workload::deployment(
            "external-secrets-cert-controller",
            namespace,
            1,
            Requests::of(
                "certController.resources",
                values.cert_controller.resources.as_ref(),
            )?,
        ),
    ])
}
