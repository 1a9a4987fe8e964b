//! The reference platform's values of the `aws-load-balancer-controller` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::aws_load_balancer_controller::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The dev platform's values; the arguments are the cluster's facts (Flux substitutions
/// in the GitOps tree).
#[must_use]
pub fn values(cluster_name: &str, region: &str, vpc_id: &str, role_arn: &str) -> Values {
    Values {
        cluster_name: cluster_name.to_owned(),
        region: region.to_owned(),
        vpc_id: vpc_id.to_owned(),
        replica_count: 2,
        pod_disruption_budget: MaxUnavailable { max_unavailable: 1 },
        service_account: ServiceAccount::irsa("aws-load-balancer-controller", role_arn),
        create_ingress_class_resource: false,
        ingress_class_params: Create { create: false },
        enable_service_mutator_webhook: false,
        default_target_type: TargetType::Ip,
        resources: Resources::burstable("50m", "128Mi", "256Mi"),
    }
}
