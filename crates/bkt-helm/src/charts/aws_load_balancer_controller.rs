//! The AWS Load Balancer Controller: the shared ALB behind every UI's Ingress.

use serde::Serialize;

use crate::common::{Create, ResourceRequirements, ServiceAccount};
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
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct MaxUnavailable {
    /// Pods that may be unavailable at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<u32>,
}

/// The platform's values for the AWS Load Balancer Controller. The chart refuses to install
/// without `clusterName`, so these values have no `Default`: [`Values::new`] takes it.
///
/// ```
/// use bkt_helm::charts::aws_load_balancer_controller::{self, TargetType, Values};
/// use bkt_helm::common::{ServiceAccount, burstable};
///
/// let mut values = Values::new("${CLUSTER_NAME}");
/// values.default_target_type = Some(TargetType::Ip);
/// values.service_account = ServiceAccount::irsa("aws-load-balancer-controller", "${ALB_ROLE_ARN}");
/// values.resources = Some(burstable("50m", "128Mi", "256Mi"));
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.starts_with("clusterName: ${CLUSTER_NAME}\n"));
/// assert!(yaml.contains("    eks.amazonaws.com/role-arn: ${ALB_ROLE_ARN}\n"));
/// assert!(yaml.contains("defaultTargetType: ip\n"));
///
/// // The chart's two replicas when `replicaCount` is unset.
/// let pods = aws_load_balancer_controller::workloads(&values, "kube-system")?;
/// assert_eq!((pods[0].replicas, pods[0].requests.memory_bytes), (2, 128 << 20));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The EKS cluster's name (required by the chart).
    pub cluster_name: String,
    /// The AWS region: `IMDSv2` with hop limit 1 keeps the pod from looking it up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The VPC's id, for the same reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Controller replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_count: Option<u32>,
    /// The controller's disruption budget.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub pod_disruption_budget: MaxUnavailable,
    /// The IRSA service account.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub service_account: ServiceAccount,
    /// The chart's `IngressClass`: off, ours lives in infrastructure/configs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_ingress_class_resource: Option<bool>,
    /// The chart's `IngressClassParams`: off, ours lives in infrastructure/configs.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub ingress_class_params: Create,
    /// The Service mutator webhook: off, no `LoadBalancer` Service depends on the controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_service_mutator_webhook: Option<bool>,
    /// The default target type of the ALB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_target_type: Option<TargetType>,
    /// The controller's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

impl Values {
    /// Values for the cluster named `cluster_name`, with nothing else set.
    ///
    /// ```
    /// use bkt_helm::charts::aws_load_balancer_controller::Values;
    ///
    /// let mut values = Values::new("${CLUSTER_NAME}");
    /// values.replica_count = Some(2);
    /// let json = serde_json::to_value(&values).map_err(|e| e.to_string())?;
    /// assert_eq!(json, serde_json::json!({ "clusterName": "${CLUSTER_NAME}", "replicaCount": 2 }));
    /// # Ok::<(), String>(())
    /// ```
    #[must_use]
    pub fn new(cluster_name: &str) -> Self {
        Self {
            cluster_name: cluster_name.to_owned(),
            region: None,
            vpc_id: None,
            replica_count: None,
            pod_disruption_budget: MaxUnavailable::default(),
            service_account: ServiceAccount::default(),
            create_ingress_class_resource: None,
            ingress_class_params: Create::default(),
            enable_service_mutator_webhook: None,
            default_target_type: None,
            resources: None,
        }
    }
}

/// The pods these values produce: the controller `Deployment` of `replicaCount` pods (the
/// chart's default, 2, when unset; chart 3.5.0's `configureDefaultAffinity` adds a preferred anti-affinity, which constrains nothing).
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
        values.replica_count.unwrap_or(2),
        Requests::of("resources", values.resources.as_ref())?,
    )])
}
