//! OpenSearch Dashboards: the UI of the platform's logs.

use bkt_sso::{Client, OpenSearch};
use serde::Serialize;

use crate::common::{EnvVar, PodSecurityContext, Resources, SecurityContext};
use crate::{Chart, Repository, RepositoryKind};

/// The opensearch-dashboards chart.
pub const CHART: Chart = Chart {
    name: "opensearch-dashboards",
    version: "3.6.0",
    repository: Repository {
        name: "opensearch",
        url: "https://opensearch-project.github.io/helm-charts/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/opensearch-project/helm-charts/blob/main/charts/opensearch-dashboards/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "With SSO wired, opensearch_dashboards.yml is the chart's config: the image's defaults that still matter are kept (server.host, TLS verification off for the node's demo certificate, the headers the security plugin reads); OpenSearch's address and the service user still come from the environment.",
    "Sign-in offers both OpenID (Authentik) and the internal admin user (break-glass).",
];

/// The variable the Dashboards read the OIDC client secret from; the configuration refers to
/// it as `${OPENSEARCH_OIDC_CLIENT_SECRET}` (the Dashboards substitute environment variables in
/// their YAML).
pub const CLIENT_SECRET_VARIABLE: &str = "OPENSEARCH_OIDC_CLIENT_SECRET";

/// The chart's configuration files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Config {
    /// `opensearch_dashboards.yml`.
    #[serde(rename = "opensearch_dashboards.yml")]
    pub opensearch_dashboards_yml: DashboardsYml,
}

/// `opensearch_dashboards.yml`, in the Dashboards' flat dotted keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct DashboardsYml {
    /// Listen on every interface (the image's default, lost when the file is replaced).
    #[serde(rename = "server.host")]
    pub server_host: String,
    /// The node's certificate is the security plugin's demo one: not verified (the image's
    /// default).
    #[serde(rename = "opensearch.ssl.verificationMode")]
    pub ssl_verification_mode: String,
    /// Headers passed to OpenSearch: the security plugin reads the user's token and tenant.
    #[serde(rename = "opensearch.requestHeadersAllowlist")]
    pub request_headers_allowlist: Vec<String>,
    /// Sign-in methods offered.
    #[serde(rename = "opensearch_security.auth.type")]
    pub auth_type: Vec<String>,
    /// More than one sign-in method on the login page.
    #[serde(rename = "opensearch_security.auth.multiple_auth_enabled")]
    pub multiple_auth_enabled: bool,
    /// The provider's discovery document.
    #[serde(rename = "opensearch_security.openid.connect_url")]
    pub connect_url: String,
    /// The client ID.
    #[serde(rename = "opensearch_security.openid.client_id")]
    pub client_id: String,
    /// The client secret: a reference to [`CLIENT_SECRET_VARIABLE`], never the value.
    #[serde(rename = "opensearch_security.openid.client_secret")]
    pub client_secret: String,
    /// The scopes, space-separated.
    #[serde(rename = "opensearch_security.openid.scope")]
    pub scope: String,
    /// The public URL the callback path is appended to.
    #[serde(rename = "opensearch_security.openid.base_redirect_url")]
    pub base_redirect_url: String,
    /// The session cookie only over HTTPS (the ALB terminates TLS).
    #[serde(rename = "opensearch_security.cookie.secure")]
    pub cookie_secure: bool,
}

/// The platform's values for OpenSearch Dashboards.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    pub fullname_override: String,
    /// The OpenSearch endpoint.
    pub opensearch_hosts: String,
    /// Environment: OpenSearch's admin credentials from their Secret.
    pub extra_envs: Vec<EnvVar>,
    /// Resources.
    pub resources: Resources,
    /// The pod's security context.
    pub pod_security_context: PodSecurityContext,
    /// The container's security context.
    pub security_context: SecurityContext,
    /// Configuration files: `opensearch_dashboards.yml`, when SSO is wired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
}

impl Values {
    /// Offers sign-in through the SSO application `sso` next to the internal users: the
    /// `OpenID` settings in `opensearch_dashboards.yml`, the client secret from the Secret the
    /// declaration names. `escaped_secret_reference` is how the configuration refers to
    /// [`CLIENT_SECRET_VARIABLE`]: `${OPENSEARCH_OIDC_CLIENT_SECRET}` for the Dashboards, written
    /// `$${…}` where the values pass through Flux's substitution.
    #[must_use]
    pub fn with_sso(
        mut self,
        domain: &str,
        sso: &Client<'_, OpenSearch>,
        escaped_secret_reference: &str,
    ) -> Self {
        self.config = Some(Config {
            opensearch_dashboards_yml: DashboardsYml {
                server_host: "0.0.0.0".to_owned(),
                ssl_verification_mode: "none".to_owned(),
                request_headers_allowlist: vec![
                    "authorization".to_owned(),
                    "securitytenant".to_owned(),
                ],
                auth_type: vec!["basicauth".to_owned(), "openid".to_owned()],
                multiple_auth_enabled: true,
                connect_url: sso.discovery_url(domain),
                client_id: sso.client_id().to_owned(),
                client_secret: escaped_secret_reference.to_owned(),
                scope: sso.scopes().join(" "),
                base_redirect_url: sso.base_url(domain),
                cookie_secure: true,
            },
        });
        let secret = sso.secret();
        self.extra_envs.push(EnvVar::from_secret(
            CLIENT_SECRET_VARIABLE,
            &secret.name,
            secret.key,
        ));
        self
    }
}

/// The pods these values produce: one `Deployment` pod (chart 3.6.0's `replicaCount`).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    crate::workload::Workload::chart_deployment(
        "opensearch-dashboards",
        &values.fullname_override,
        namespace,
        &values.resources,
    )
}
