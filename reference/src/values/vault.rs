//! The reference platform's values of the `vault` chart.

use std::collections::BTreeMap;

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::vault::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The dev platform's values; the arguments are the cluster's facts (Flux substitutions
/// in the GitOps tree).
#[must_use]
pub fn values(role_arn: &str, region: &str) -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("vault".to_owned());
    values.global.tls_disable = Some(true);
    values.injector.enabled = Some(true);
    values.injector.replicas = Some(1);
    values.injector.resources = Some(burstable("10m", "64Mi", "128Mi"));
    values.injector.security_context = SecurityContexts::vault_user();
    values.ui.enabled = Some(true);
    values.ui.service_type = Some("ClusterIP".to_owned());
    let server = &mut values.server;
    server.image.repository = Some(SERVER_IMAGE_REPOSITORY.to_owned());
    server.image.tag = Some(SERVER_IMAGE_TAG.to_owned());
    server.resources = Some(burstable("50m", "128Mi", "256Mi"));
    server.service_account = ServiceAccount::irsa("vault", role_arn);
    server.extra_environment_vars = BTreeMap::from([("AWS_REGION".to_owned(), region.to_owned())]);
    server.data_storage.enabled = Some(true);
    server.data_storage.size = Some("2Gi".to_owned());
    server.stateful_set.security_context = SecurityContexts::vault_user();
    server.ha.enabled = Some(true);
    server.ha.replicas = Some(3);
    server.ha.raft.enabled = Some(true);
    server.ha.raft.set_node_id = Some(true);
    server.ha.raft.config = Some(SERVER_CONFIG.to_owned());
    values
}
