//! Grafana (grafana-community's chart: grafana 12.x charts are published there, not by
//! grafana/helm-charts).

use std::collections::BTreeMap;

use bkt_sso::{Client, Grafana, GrafanaRole};
use serde::Serialize;

use crate::common::{EnvVarSource, KeyRef, Resources};
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Admin {
    /// The Secret.
    pub existing_secret: String,
    /// Its key holding the user name.
    pub user_key: String,
    /// Its key holding the password.
    pub password_key: String,
}

/// `grafana.ini`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct GrafanaIni {
    /// The `[server]` section.
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct GenericOauth {
    /// On.
    pub enabled: bool,
    /// The button's label on the login page.
    pub name: String,
    /// The OIDC client ID.
    pub client_id: String,
    /// The scopes, space-separated.
    pub scopes: String,
    /// The authorization endpoint.
    pub auth_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The userinfo endpoint.
    pub api_url: String,
    /// Where Grafana sends the browser after sign-out (the provider's end-session endpoint).
    pub signout_redirect_url: String,
    /// The claim holding the login name.
    pub login_attribute_path: String,
    /// A `JMESPath` expression from the `groups` claim to a Grafana role, most privileged first.
    pub role_attribute_path: String,
    /// A user whose groups map to no role is refused, never given a default role.
    pub role_attribute_strict: bool,
    /// PKCE on the authorization code flow.
    pub use_pkce: bool,
    /// Users are created at first sign-in.
    pub allow_sign_up: bool,
}

/// The `[server]` section of `grafana.ini`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct IniServer {
    /// The public URL (behind the shared ALB).
    pub root_url: String,
}

/// A sidecar that loads labelled `ConfigMaps`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SidecarWatch {
    /// On.
    pub enabled: bool,
    /// The label it looks for.
    pub label: String,
    /// The label's value.
    pub label_value: String,
    /// Where it looks (`ALL` namespaces).
    pub search_namespace: String,
}

impl SidecarWatch {
    /// Every `ConfigMap` labelled `label: "1"` in every namespace.
    #[must_use]
    pub fn everywhere(label: &str) -> Self {
        Self {
            enabled: true,
            label: label.to_owned(),
            label_value: "1".to_owned(),
            search_namespace: "ALL".to_owned(),
        }
    }
}

/// The sidecars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Sidecar {
    /// Dashboards.
    pub dashboards: SidecarWatch,
    /// Datasources.
    pub datasources: SidecarWatch,
}

/// The platform's values for Grafana.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    pub fullname_override: String,
    /// The admin credentials.
    pub admin: Admin,
    /// `grafana.ini`.
    #[serde(rename = "grafana.ini")]
    pub grafana_ini: GrafanaIni,
    /// The sidecars.
    pub sidecar: Sidecar,
    /// Resources.
    pub resources: Resources,
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
            enabled: true,
            name: "Authentik".to_owned(),
            client_id: sso.client_id().to_owned(),
            scopes: sso.scopes().join(" "),
            auth_url: sso.authorize_url(domain),
            token_url: sso.token_url(domain),
            api_url: sso.userinfo_url(domain),
            signout_redirect_url: sso.end_session_url(domain),
            login_attribute_path: "preferred_username".to_owned(),
            role_attribute_path: role_attribute_path(sso),
            role_attribute_strict: true,
            use_pkce: true,
            allow_sign_up: true,
        });
        let secret = sso.secret();
        self.env_value_from.insert(
            CLIENT_SECRET_VARIABLE.to_owned(),
            EnvVarSource {
                secret_key_ref: KeyRef {
                    name: secret.name,
                    key: secret.key.to_owned(),
                },
            },
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
        &values.fullname_override,
        namespace,
        &values.resources,
    )
}
