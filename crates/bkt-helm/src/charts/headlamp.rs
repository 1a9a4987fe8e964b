//! Headlamp: the Kubernetes web UI.

use serde::Serialize;

use crate::common::{Create, PodSecurityContext, Resources, SecurityContext};
use crate::{Chart, Repository, RepositoryKind};

/// The Headlamp chart.
pub const CHART: Chart = Chart {
    name: "headlamp",
    version: "0.45.0",
    repository: Repository {
        name: "headlamp",
        url: "https://kubernetes-sigs.github.io/headlamp/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/kubernetes-sigs/headlamp/blob/main/charts/headlamp/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Users sign in with their own Kubernetes token (or OIDC through Authentik once configured); Headlamp's service account gets no cluster-admin binding.",
];

/// The platform's values for Headlamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    pub fullname_override: String,
    /// The chart's cluster-admin binding: not created.
    pub cluster_role_binding: Create,
    /// The pod's security context.
    pub pod_security_context: PodSecurityContext,
    /// The container's security context.
    pub security_context: SecurityContext,
    /// The container's resources.
    pub resources: Resources,
}

impl Values {
    /// The dev platform's values.
    #[must_use]
    pub fn dev() -> Self {
        Self {
            fullname_override: "headlamp".to_owned(),
            cluster_role_binding: Create { create: false },
            pod_security_context: PodSecurityContext::restricted(Some(100), None),
            security_context: SecurityContext {
                read_only_root_filesystem: Some(true),
                ..SecurityContext::restricted()
            },
            resources: Resources::burstable("10m", "64Mi", "128Mi"),
        }
    }
}
