//! Headlamp: the Kubernetes web UI.

use bkt_sso::{Client, Kubernetes};
use serde::Serialize;

use crate::common::{Create, PodSecurityContext, ResourceRequirements, SecurityContext};
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
    "Users sign in through Authentik (OIDC); Headlamp passes their ID token to the API server, which maps their groups to cluster roles (the EKS OIDC identity provider), so Headlamp's service account gets no cluster-admin binding.",
];

/// The variable Headlamp reads the OIDC client secret from.
pub const CLIENT_SECRET_VARIABLE: &str = "OIDC_CLIENT_SECRET";

/// Headlamp's own settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Config {
    /// Sign-in through OIDC.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub oidc: Oidc,
}

/// Headlamp's OIDC settings: everything comes from one Secret (`externalSecret`), which holds
/// `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_ISSUER_URL`, `OIDC_SCOPES` and
/// `OIDC_CALLBACK_URL` ([`oidc_environment`] gives all but the secret).
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Oidc {
    /// The chart's own Secret from values: not created (the secret would be in Git).
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub secret: Create,
    /// The Secret the settings come from.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub external_secret: ExternalOidcSecret,
    /// The callback URL; set so the chart passes `-oidc-callback-url` (its value comes from the
    /// Secret's `OIDC_CALLBACK_URL`).
    #[serde(rename = "callbackURL", skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// The Secret Headlamp's OIDC settings come from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct ExternalOidcSecret {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The Secret's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Secret has `OIDC_SCOPES` (otherwise the chart leaves the scopes at Headlamp's
    /// default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_scopes: Option<bool>,
}

/// The non-secret keys of the Secret Headlamp's OIDC settings come from, with their values;
/// the Secret also needs [`CLIENT_SECRET_VARIABLE`], the client secret itself.
#[must_use]
pub fn oidc_environment(domain: &str, sso: &Client<'_, Kubernetes>) -> Vec<(&'static str, String)> {
    vec![
        ("OIDC_CLIENT_ID", sso.client_id().to_owned()),
        ("OIDC_ISSUER_URL", sso.issuer(domain)),
        ("OIDC_SCOPES", sso.scopes().join(",")),
        ("OIDC_CALLBACK_URL", callback_url(domain, sso)),
    ]
}

fn callback_url(domain: &str, sso: &Client<'_, Kubernetes>) -> String {
    sso.redirect_uris(domain)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The platform's values for Headlamp.
///
/// ```
/// use bkt_helm::charts::headlamp::{self, Values};
/// use bkt_helm::common::Create;
/// use bkt_sso::{ApplicationSpec, ClusterRole, Kubernetes, Sso};
///
/// let sso = Sso::builder("auth")
///     .group("admins", "Run the platform")
///     .application(
///         ApplicationSpec::<Kubernetes>::new("kubernetes", "Kubernetes", "headlamp")
///             .grant("admins", ClusterRole::ClusterAdmin),
///     )
///     .build()?;
///
/// let mut values = Values::default();
/// values.cluster_role_binding = Create::NO;
/// let values =
///     values.with_sso("example.com", &sso.client::<Kubernetes>("headlamp values", "kubernetes")?);
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.contains("clusterRoleBinding:\n  create: false\n"));
/// assert!(yaml.contains("    callbackURL: https://headlamp.example.com/oidc-callback\n"));
/// assert_eq!(headlamp::workloads(&values, "headlamp")?[0].name, "headlamp");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// The chart's cluster-admin binding: not created.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub cluster_role_binding: Create,
    /// The pod's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,
    /// The container's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// The container's resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Headlamp's settings: OIDC, when wired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
}

impl Values {
    /// Signs users in through the SSO application `sso`, reading the settings from the Secret
    /// the declaration names (in Headlamp's namespace it must hold the keys of
    /// [`oidc_environment`] and [`CLIENT_SECRET_VARIABLE`]).
    #[must_use]
    pub fn with_sso(mut self, domain: &str, sso: &Client<'_, Kubernetes>) -> Self {
        self.config = Some(Config {
            oidc: Oidc {
                secret: Create::NO,
                external_secret: ExternalOidcSecret {
                    enabled: Some(true),
                    name: Some(sso.secret().name),
                    has_scopes: Some(true),
                },
                callback_url: Some(callback_url(domain, sso)),
            },
        });
        self
    }
}

/// The pods these values produce: one `Deployment` pod (chart 0.45.0's `replicaCount`).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    crate::workload::Workload::chart_deployment(
        "headlamp",
        values.fullname_override.as_deref(),
        namespace,
        values.resources.as_ref(),
    )
}
