//! The reference platform's sign-on declaration: its groups and the applications they may use.

use bkt_sso::{
    ApplicationSpec, ClusterRole, Grafana, GrafanaRole, Kubernetes, OpenSearch, OpenSearchRole,
    Result, Sso, Vault, VaultRole,
};

/// The reference platform's declaration: platform engineers administer everything,
/// developers read and build (Grafana editors, Kubernetes `view`, OpenSearch read, Vault
/// read).
///
/// # Errors
/// None in practice: the declaration is fixed and a test builds it; the `Result` is the
/// builder's.
pub fn sso() -> Result<Sso> {
    const ENGINEERS: &str = "bkt-platform-engineers";
    const DEVELOPERS: &str = "bkt-developers";
    Sso::builder("auth")
        .group(
            ENGINEERS,
            "Platform engineers: administer the cluster and every platform UI.",
        )
        .group(
            DEVELOPERS,
            "Developers: read the cluster, build dashboards, read logs and secrets.",
        )
        .application(
            ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
                .grant(ENGINEERS, GrafanaRole::Admin)
                .grant(DEVELOPERS, GrafanaRole::Editor),
        )
        .application(
            ApplicationSpec::<Kubernetes>::new("kubernetes", "Headlamp (Kubernetes)", "headlamp")
                .grant(ENGINEERS, ClusterRole::ClusterAdmin)
                .grant(DEVELOPERS, ClusterRole::View),
        )
        .application(
            ApplicationSpec::<OpenSearch>::new("opensearch", "OpenSearch Dashboards", "logs")
                .grant(ENGINEERS, OpenSearchRole::AllAccess)
                .grant(DEVELOPERS, OpenSearchRole::ReadAll),
        )
        .application(
            ApplicationSpec::<Vault>::new("vault", "Vault", "vault")
                .grant(ENGINEERS, VaultRole::Admin)
                .grant(DEVELOPERS, VaultRole::Read),
        )
        .build()
}
