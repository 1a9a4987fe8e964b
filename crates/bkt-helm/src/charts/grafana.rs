//! Grafana (grafana-community's chart: grafana 12.x charts are published there, not by
//! grafana/helm-charts).

use std::collections::BTreeMap;

use bkt_sso::{Client, Grafana, GrafanaRole};
use serde::Serialize;

use crate::common::{EnvVarSource, ResourceRequirements, secret_key};
use crate::{Chart, Repository, RepositoryKind};

/// The grafana chart (grafana-community).
pub const CHART: Chart = Chart {
    name: "grafana",
    version: "12.11.1",
    repository: Repository {
        name: "grafana-community",
        url: "https://grafana-community.github.io/helm-charts",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/grafana-community/helm-charts/blob/main/charts/grafana/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "The Prometheus datasource and the stock dashboards come from kube-prometheus-stack as labelled ConfigMaps; the sidecars load those and any app's dashboards (label grafana_dashboard: \"1\").",
];

/// The admin credentials, from an existing Secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Admin {
    /// The Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_secret: Option<String>,
    /// Its key holding the user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_key: Option<String>,
    /// Its key holding the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_key: Option<String>,
}

/// `grafana.ini`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct GrafanaIni {
    /// The `[server]` section.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub server: IniServer,
    /// The `[auth.generic_oauth]` section: sign-in through the SSO provider, when wired.
    #[serde(rename = "auth.generic_oauth", skip_serializing_if = "Option::is_none")]
    pub generic_oauth: Option<GenericOauth>,
}

/// The variable Grafana reads the OAuth client secret from (it overrides `client_secret` of
/// `[auth.generic_oauth]`), so the secret is never in the values.
pub const CLIENT_SECRET_VARIABLE: &str = "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET";

/// The `[auth.generic_oauth]` section of `grafana.ini` (the flags are the section's own keys).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct GenericOauth {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The button's label on the login page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The OIDC client ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The scopes, space-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    /// The authorization endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// The token endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// The userinfo endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Where Grafana sends the browser after sign-out (the provider's end-session endpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signout_redirect_url: Option<String>,
    /// The claim holding the login name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_attribute_path: Option<String>,
    /// A `JMESPath` expression from the `groups` claim to a Grafana role, most privileged first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_attribute_path: Option<String>,
    /// A user whose groups map to no role is refused, never given a default role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_attribute_strict: Option<bool>,
    /// PKCE on the authorization code flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_pkce: Option<bool>,
    /// Users are created at first sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_sign_up: Option<bool>,
}

/// The `[server]` section of `grafana.ini`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct IniServer {
    /// The public URL (behind the shared ALB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_url: Option<String>,
}

/// A sidecar that loads labelled `ConfigMaps`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct SidecarWatch {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The label it looks for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_value: Option<String>,
    /// Where it looks (`ALL` namespaces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_namespace: Option<String>,
}

impl SidecarWatch {
    /// Every `ConfigMap` labelled `label: "1"` in every namespace.
    #[must_use]
    pub fn everywhere(label: &str) -> Self {
        Self {
            enabled: Some(true),
            label: Some(label.to_owned()),
            label_value: Some("1".to_owned()),
            search_namespace: Some("ALL".to_owned()),
        }
    }
}

/// The sidecars.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Sidecar {
    /// Dashboards.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub dashboards: SidecarWatch,
    /// Datasources.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub datasources: SidecarWatch,
}

/// The platform's values for Grafana.
///
/// ```
/// use bkt_helm::charts::grafana::{self, SidecarWatch, Values};
/// use bkt_sso::{ApplicationSpec, Grafana, GrafanaRole, Sso};
///
/// let sso = Sso::builder("auth")
///     .group("admins", "Run the platform")
///     .application(
///         ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
///             .grant("admins", GrafanaRole::Admin),
///     )
///     .build()?;
///
/// let mut values = Values::default();
/// values.admin.existing_secret = Some("grafana-admin".into());
/// values.sidecar.dashboards = SidecarWatch::everywhere("grafana_dashboard");
/// let values = values.with_sso("example.com", &sso.client::<Grafana>("grafana values", "grafana")?);
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.contains("admin:\n  existingSecret: grafana-admin\n"));
/// // The declared group is mapped to its Grafana role; anyone else is refused.
/// assert!(yaml.contains("    role_attribute_path: contains(groups[*], 'admins') && 'Admin'\n"));
/// assert!(yaml.contains("    role_attribute_strict: true\n"));
/// assert!(yaml.contains("    client_id: grafana\n"));
/// assert!(yaml.contains("    auth_url: https://auth.example.com/application/o/authorize/\n"));
/// assert!(yaml.contains("    label: grafana_dashboard\n"));
/// // The client secret comes from a Secret, never from the values.
/// assert!(yaml.contains(&format!("envValueFrom:\n  {}:\n    secretKeyRef:\n", grafana::CLIENT_SECRET_VARIABLE)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// The admin credentials.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub admin: Admin,
    /// `grafana.ini`.
    #[serde(
        rename = "grafana.ini",
        skip_serializing_if = "crate::common::is_unset"
    )]
    pub grafana_ini: GrafanaIni,
    /// The sidecars.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub sidecar: Sidecar,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Environment variables from Secrets: the OAuth client secret, when wired.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env_value_from: BTreeMap<String, EnvVarSource>,
}

impl Values {
    /// Signs users in through the SSO application `sso`: generic OAuth against its provider,
    /// the declared groups mapped to Grafana roles (a user in none is refused), and the client
    /// secret read from the Secret the declaration names. The admin user from
    /// `admin.existingSecret` stays as the break-glass login.
    #[must_use]
    pub fn with_sso(mut self, domain: &str, sso: &Client<'_, Grafana>) -> Self {
        self.grafana_ini.generic_oauth = Some(GenericOauth {
            enabled: Some(true),
            name: Some("Authentik".to_owned()),
            client_id: Some(sso.client_id().to_owned()),
            scopes: Some(sso.scopes().join(" ")),
            auth_url: Some(sso.authorize_url(domain)),
            token_url: Some(sso.token_url(domain)),
            api_url: Some(sso.userinfo_url(domain)),
            signout_redirect_url: Some(sso.end_session_url(domain)),
            login_attribute_path: Some("preferred_username".to_owned()),
            role_attribute_path: Some(role_attribute_path(sso)),
            role_attribute_strict: Some(true),
            use_pkce: Some(true),
            allow_sign_up: Some(true),
        });
        let secret = sso.secret();
        self.env_value_from.insert(
            CLIENT_SECRET_VARIABLE.to_owned(),
            secret_key(&secret.name, secret.key),
        );
        self
    }
}

/// `contains(groups[*], 'a') && 'Admin' || contains(groups[*], 'b') && 'Editor'`: the grants,
/// most privileged role first, so a user in two groups gets the higher role.
fn role_attribute_path(sso: &Client<'_, Grafana>) -> String {
    let mut grants = sso.grants();
    grants.sort_by_key(|(_, role)| match role {
        GrafanaRole::Admin => 0,
        GrafanaRole::Editor => 1,
        GrafanaRole::Viewer => 2,
    });
    grants
        .iter()
        .map(|(group, role)| {
            format!(
                "contains(groups[*], '{group}') && '{role}'",
                role = role.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join(" || ")
}

/// The pods these values produce: one `Deployment` pod (chart 12.11.1's `replicas`); its
/// dashboard and datasource sidecars request nothing by default.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    crate::workload::Workload::chart_deployment(
        "grafana",
        values.fullname_override.as_deref(),
        namespace,
        values.resources.as_ref(),
    )
}
