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
    Values {
        provider: Provider {
            name: "aws".to_owned(),
        },
        env: vec![EnvVar::value("AWS_DEFAULT_REGION", region)],
        service_account: ServiceAccount::irsa("external-dns", role_arn),
        sources: vec!["ingress".to_owned()],
        domain_filters: vec![domain.to_owned()],
        extra_args: vec![
            format!("--zone-id-filter={hosted_zone_id}"),
            "--aws-zone-type=public".to_owned(),
        ],
        txt_owner_id: cluster_name.to_owned(),
        policy: Policy::Sync,
        pod_security_context: PodSecurityContext::restricted(Some(65534), Some(65534)),
        security_context: SecurityContext {
            read_only_root_filesystem: Some(true),
            ..SecurityContext::restricted()
        },
        resources: Resources::burstable("10m", "64Mi", "128Mi"),
    }
}
