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
    Values {
        fullname_override: "vault".to_owned(),
        global: Global { tls_disable: true },
        injector: Injector {
            enabled: true,
            replicas: 1,
            resources: Resources::burstable("10m", "64Mi", "128Mi"),
            security_context: SecurityContexts::vault_user(),
        },
        ui: Ui {
            enabled: true,
            service_type: "ClusterIP".to_owned(),
        },
        server: Server {
            image: Image {
                repository: SERVER_IMAGE_REPOSITORY.to_owned(),
                tag: SERVER_IMAGE_TAG.to_owned(),
            },
            resources: Resources::burstable("50m", "128Mi", "256Mi"),
            service_account: ServiceAccount::irsa("vault", role_arn),
            extra_environment_vars: BTreeMap::from([("AWS_REGION".to_owned(), region.to_owned())]),
            data_storage: DataStorage {
                enabled: true,
                size: "2Gi".to_owned(),
            },
            stateful_set: StatefulSet {
                security_context: SecurityContexts::vault_user(),
            },
            ha: Ha {
                enabled: true,
                replicas: 3,
                raft: Raft {
                    enabled: true,
                    set_node_id: true,
                    config: SERVER_CONFIG.to_owned(),
                },
            },
        },
    }
}
