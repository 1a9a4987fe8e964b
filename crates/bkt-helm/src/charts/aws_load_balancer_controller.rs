//! The AWS Load Balancer Controller: the shared ALB behind every UI's Ingress.

use serde::Serialize;

use crate::common::{Create, Resources, ServiceAccount};
use crate::{Chart, Repository, RepositoryKind};

/// The aws-load-balancer-controller chart, from AWS's eks-charts.
pub const CHART: Chart = Chart {
    name: "aws-load-balancer-controller",
    version: "3.5.0",
    repository: Repository {
        name: "eks-charts",
        url: "https://aws.github.io/eks-charts",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/aws/eks-charts/blob/master/stable/aws-load-balancer-controller/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "region and vpcId: nodes enforce IMDSv2 with a hop limit of 1, so the pod cannot look these up itself.",
    "IngressClass \"alb\" and IngressClassParams \"shared\" are ours, in infrastructure/configs, so every UI joins one ALB with the settings we review there.",
    "enableServiceMutatorWebhook is off: we create no LoadBalancer Services; without this webhook no Service creation anywhere in the cluster depends on this controller being up.",
];

/// How the ALB reaches pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    /// Straight to pod IPs (no `NodePort` hop).
    #[default]
    Ip,
    /// Through each node's `NodePort`.
    Instance,
}

/// A `PodDisruptionBudget` by the number of pods that may be down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaxUnavailable {
    /// Pods that may be unavailable at once.
    pub max_unavailable: u32,
}

/// The platform's values for the AWS Load Balancer Controller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The EKS cluster's name.
    pub cluster_name: String,
    /// The AWS region: `IMDSv2` with hop limit 1 keeps the pod from looking it up.
    pub region: String,
    /// The VPC's id, for the same reason.
    pub vpc_id: String,
    /// Controller replicas.
    pub replica_count: u32,
    /// The controller's disruption budget.
    pub pod_disruption_budget: MaxUnavailable,
    /// The IRSA service account.
    pub service_account: ServiceAccount,
    /// The chart's `IngressClass`: off, ours lives in infrastructure/configs.
    pub create_ingress_class_resource: bool,
    /// The chart's `IngressClassParams`: off, ours lives in infrastructure/configs.
    pub ingress_class_params: Create,
    /// The Service mutator webhook: off, no `LoadBalancer` Service depends on the controller.
    pub enable_service_mutator_webhook: bool,
    /// The default target type of the ALB.
    pub default_target_type: TargetType,
    /// The controller's resources.
    pub resources: Resources,
}

/// The pods these values produce: the controller `Deployment` of `replicaCount` pods (chart
/// 3.5.0's `configureDefaultAffinity` adds a preferred anti-affinity, which constrains nothing).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    Ok(vec![Workload::deployment(
        "aws-load-balancer-controller",
        namespace,
        values.replica_count,
        Requests::of("resources", &values.resources)?,
    )])
}
