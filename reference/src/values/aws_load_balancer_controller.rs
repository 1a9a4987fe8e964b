//! The reference platform's values of the `aws-load-balancer-controller` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::aws_load_balancer_controller::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The dev platform's values; the arguments are the cluster's facts (Flux substitutions
/// in the GitOps tree).
#[must_use]
pub fn values(cluster_name: &str, region: &str, vpc_id: &str, role_arn: &str) -> Values {
    let mut values = Values::new(cluster_name);
    values.region = Some(region.to_owned());
    values.vpc_id = Some(vpc_id.to_owned());
    values.replica_count = Some(2);
    values.pod_disruption_budget.max_unavailable = Some(1);
    values.service_account = ServiceAccount::irsa("aws-load-balancer-controller", role_arn);
    values.create_ingress_class_resource = Some(false);
    values.ingress_class_params = Create::NO;
    values.enable_service_mutator_webhook = Some(false);
    values.default_target_type = Some(TargetType::Ip);
    values.resources = Some(burstable("50m", "128Mi", "256Mi"));
    values
}
