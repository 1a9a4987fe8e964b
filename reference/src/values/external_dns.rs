//! The reference platform's values of the `external-dns` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::external_dns::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The dev platform's values; the arguments are the cluster's facts (Flux substitutions
/// in the GitOps tree).
#[must_use]
pub fn values(
    region: &str,
    role_arn: &str,
    domain: &str,
    hosted_zone_id: &str,
    cluster_name: &str,
) -> Values {
    let mut values = Values::default();
    values.provider.name = Some("aws".to_owned());
    values.env = vec![env_value("AWS_DEFAULT_REGION", region)];
    values.service_account = ServiceAccount::irsa("external-dns", role_arn);
    values.sources = vec!["ingress".to_owned()];
    values.domain_filters = vec![domain.to_owned()];
    values.extra_args = vec![
        format!("--zone-id-filter={hosted_zone_id}"),
        "--aws-zone-type=public".to_owned(),
    ];
    values.txt_owner_id = Some(cluster_name.to_owned());
    values.policy = Some(Policy::Sync);
    values.pod_security_context = Some(restricted_pod(Some(65534), Some(65534)));
    values.security_context = Some(SecurityContext {
        read_only_root_filesystem: Some(true),
        ..restricted_container()
    });
    values.resources = Some(burstable("10m", "64Mi", "128Mi"));
    values
}
