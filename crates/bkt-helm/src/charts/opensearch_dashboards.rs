//! OpenSearch Dashboards: the UI of the platform's logs.

use bkt_sso::{Client, OpenSearch};
use serde::Serialize;

use crate::common::{
    EnvVar, PodSecurityContext, ResourceRequirements, SecurityContext, env_from_secret,
};
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Config {
    /// `opensearch_dashboards.yml`.
    #[serde(
        rename = "opensearch_dashboards.yml",
        skip_serializing_if = "crate::common::is_unset"
    )]
    pub opensearch_dashboards_yml: DashboardsYml,
}

/// `opensearch_dashboards.yml`, in the Dashboards' flat dotted keys.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DashboardsYml {
    /// Listen on every interface (the image's default, lost when the file is replaced).
    #[serde(rename = "server.host", skip_serializing_if = "Option::is_none")]
    pub server_host: Option<String>,
    /// The node's certificate is the security plugin's demo one: not verified (the image's
    /// default).
    #[serde(
        rename = "opensearch.ssl.verificationMode",
        skip_serializing_if = "Option::is_none"
    )]
    pub ssl_verification_mode: Option<String>,
    /// Headers passed to OpenSearch: the security plugin reads the user's token and tenant.
    #[serde(
        rename = "opensearch.requestHeadersAllowlist",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub request_headers_allowlist: Vec<String>,
    /// Sign-in methods offered.
    #[serde(
        rename = "opensearch_security.auth.type",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub auth_type: Vec<String>,
    /// More than one sign-in method on the login page.
    #[serde(
        rename = "opensearch_security.auth.multiple_auth_enabled",
        skip_serializing_if = "Option::is_none"
    )]
    pub multiple_auth_enabled: Option<bool>,
    /// The provider's discovery document.
    #[serde(
        rename = "opensearch_security.openid.connect_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub connect_url: Option<String>,
    /// The client ID.
    #[serde(
        rename = "opensearch_security.openid.client_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    /// The client secret: a reference to [`CLIENT_SECRET_VARIABLE`], never the value.
    #[serde(
        rename = "opensearch_security.openid.client_secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_secret: Option<String>,
    /// The scopes, space-separated.
    #[serde(
        rename = "opensearch_security.openid.scope",
        skip_serializing_if = "Option::is_none"
    )]
    pub scope: Option<String>,
    /// The public URL the callback path is appended to.
    #[serde(
        rename = "opensearch_security.openid.base_redirect_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub base_redirect_url: Option<String>,
    /// The session cookie only over HTTPS (the ALB terminates TLS).
    #[serde(
        rename = "opensearch_security.cookie.secure",
        skip_serializing_if = "Option::is_none"
    )]
    pub cookie_secure: Option<bool>,
}

/// The platform's values for OpenSearch Dashboards.
///
/// ```
/// use bkt_helm::charts::opensearch_dashboards::{self, Values};
/// use bkt_sso::{ApplicationSpec, OpenSearch, OpenSearchRole, Sso};
///
/// let sso = Sso::builder("auth")
///     .group("admins", "Run the platform")
///     .application(
///         ApplicationSpec::<OpenSearch>::new("opensearch", "OpenSearch", "opensearch")
///             .grant("admins", OpenSearchRole::AllAccess),
///     )
///     .build()?;
///
/// let mut values = Values::default();
/// values.opensearch_hosts = Some("https://opensearch-cluster-master:9200".into());
/// let values = values.with_sso(
///     "example.com",
///     &sso.client::<OpenSearch>("dashboards values", "opensearch")?,
///     &format!("$${{{}}}", opensearch_dashboards::CLIENT_SECRET_VARIABLE),
/// );
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.contains("opensearchHosts: https://opensearch-cluster-master:9200\n"));
/// assert!(yaml.contains("opensearch_security.openid.client_secret: $${OPENSEARCH_OIDC_CLIENT_SECRET}"));
/// assert_eq!(opensearch_dashboards::workloads(&values, "logging")?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// The OpenSearch endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opensearch_hosts: Option<String>,
    /// Environment: OpenSearch's admin credentials from their Secret.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_envs: Vec<EnvVar>,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The pod's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,
    /// The container's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
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
                server_host: Some("0.0.0.0".to_owned()),
                ssl_verification_mode: Some("none".to_owned()),
                request_headers_allowlist: vec![
                    "authorization".to_owned(),
                    "securitytenant".to_owned(),
                ],
                auth_type: vec!["basicauth".to_owned(), "openid".to_owned()],
                multiple_auth_enabled: Some(true),
                connect_url: Some(sso.discovery_url(domain)),
                client_id: Some(sso.client_id().to_owned()),
                client_secret: Some(escaped_secret_reference.to_owned()),
                scope: Some(sso.scopes().join(" ")),
                base_redirect_url: Some(sso.base_url(domain)),
                cookie_secure: Some(true),
            },
        });
        let secret = sso.secret();
        self.extra_envs.push(env_from_secret(
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
        values.fullname_override.as_deref(),
        namespace,
        values.resources.as_ref(),
    )
}
