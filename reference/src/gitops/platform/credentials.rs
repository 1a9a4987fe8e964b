//! The `OpenSearch` credentials copied to the namespaces that read the logs (Fluent Bit, Grafana).

use crate::gitops::logs;
use bkt_flux::compose::SecretCopy;

/// How grafana reads its own OpenSearch credentials.
pub(super) fn grafana_logs_credentials() -> SecretCopy<'static> {
    SecretCopy {
        reader: "opensearch-credentials-reader",
        store: "opensearch",
        remote_namespace: "opensearch",
        secret: logs::GRAFANA_SECRET,
        target: logs::GRAFANA_SECRET,
    }
}

/// How logging reads Fluent Bit's OpenSearch credentials.
pub(super) fn opensearch_credentials() -> SecretCopy<'static> {
    SecretCopy {
        reader: "opensearch-credentials-reader",
        store: "opensearch",
        remote_namespace: "opensearch",
        secret: logs::FLUENT_BIT_SECRET,
        target: "opensearch-credentials",
    }
}
