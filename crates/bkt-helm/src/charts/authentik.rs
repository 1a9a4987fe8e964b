//! Authentik: single sign-on for the platform's UIs, on a `CloudNativePG` database.

use bkt_sso::Sso;
use serde::Serialize;

use crate::common::{Enabled, EnvVar, PodSecurityContext, WithResources, env_from_secret};
use crate::{Chart, Repository, RepositoryKind};

/// The authentik chart.
pub const CHART: Chart = Chart {
    name: "authentik",
    version: "2026.8.0",
    repository: Repository {
        name: "authentik",
        url: "https://charts.goauthentik.io",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/goauthentik/helm/blob/main/charts/authentik/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "authentik.existingSecret: the secret key comes from authentik-env, so the chart renders no Secret of its own.",
    "postgresql.enabled is off: the bundled Bitnami PostgreSQL stays off, CloudNativePG runs the database.",
    "blueprints.configMaps: the worker applies the SSO blueprint (groups, OIDC providers and applications, bindings) from the ConfigMap, and re-applies it when it changes; each client secret comes from its generated Secret through a BKT_SSO_* variable the blueprint reads with !Env.",
];

/// The `ConfigMap` holding the SSO blueprint.
pub const BLUEPRINT_CONFIG_MAP: &str = "authentik-blueprints-sso";
/// Its key (the chart mounts keys ending in `.yaml`).
pub const BLUEPRINT_KEY: &str = "sso.yaml";

/// Blueprints the chart mounts into the worker.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Blueprints {
    /// `ConfigMaps` whose `.yaml` keys are blueprints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_maps: Vec<String>,
}

/// A Secret by name (`{ secretName: … }`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct SecretName {
    /// The Secret's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

/// Authentik's own settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Authentik {
    /// The Secret holding the secret key (the chart renders none of its own).
    #[serde(
        rename = "existingSecret",
        skip_serializing_if = "crate::common::is_unset"
    )]
    pub existing_secret: SecretName,
    /// Error reports to the authentik project: off.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub error_reporting: Enabled,
}

/// Settings for every authentik pod.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Global {
    /// Environment: the database's host, name and credentials (from the `CloudNativePG` Secret).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The pods' security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
}

/// The platform's values for Authentik.
///
/// ```
/// use bkt_helm::charts::authentik::{self, Values};
/// use bkt_helm::common::{Enabled, WithResources};
///
/// let mut values = Values::default();
/// values.postgresql = Enabled::OFF;
/// values.server = WithResources::burstable("100m", "512Mi", "1Gi");
/// values.authentik.existing_secret.secret_name = Some("authentik".into());
/// assert_eq!(
///     bkt_core::yaml::to_string(&values)?,
///     concat!(
///         "authentik:\n  existingSecret:\n    secretName: authentik\n",
///         "postgresql:\n  enabled: false\n",
///         "server:\n  resources:\n    limits:\n      memory: 1Gi\n    requests:\n      cpu: 100m\n      memory: 512Mi\n",
///     )
/// );
///
/// // The server and the worker, one pod each; the worker without resources reserves nothing.
/// let pods = authentik::workloads(&values, "authentik")?;
/// assert_eq!(pods.iter().map(|pod| pod.name.as_str()).collect::<Vec<_>>(), ["authentik-server", "authentik-worker"]);
/// assert_eq!(pods[0].requests.cpu_millis, 100);
/// assert_eq!(pods[1].requests.cpu_millis, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// Authentik's own settings.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub authentik: Authentik,
    /// Settings for every pod.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub global: Global,
    /// The bundled `PostgreSQL`: off, `CloudNativePG` runs the database.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub postgresql: Enabled,
    /// The server.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub server: WithResources,
    /// The worker.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub worker: WithResources,
    /// Blueprints: the SSO declaration, when wired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blueprints: Option<Blueprints>,
}

impl Values {
    /// Applies the SSO declaration: mounts [`BLUEPRINT_CONFIG_MAP`] and gives the pods each
    /// application's client secret, from the Secret the declaration names, in the variable its
    /// blueprint entry reads.
    #[must_use]
    pub fn with_sso(mut self, sso: &Sso) -> Self {
        self.blueprints = Some(Blueprints {
            config_maps: vec![BLUEPRINT_CONFIG_MAP.to_owned()],
        });
        for application in sso.applications() {
            let secret = sso.secret_of(application);
            self.global.env.push(env_from_secret(
                &sso.secret_env_of(application),
                &secret.name,
                secret.key,
            ));
        }
        self
    }
}

/// The pods these values produce (chart 2026.8.0's defaults where the values say nothing): the
/// server and the worker `Deployment`s, one replica each (`server.replicas`, `worker.replicas`);
/// the chart's default anti-affinity is the preferred (soft) kind, which constrains nothing.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    let name = values
        .fullname_override
        .as_deref()
        .filter(|name| !name.is_empty())
        .unwrap_or("authentik");
    Ok(vec![
        Workload::deployment(
            &format!("{name}-server"),
            namespace,
            1,
            Requests::of("server.resources", values.server.resources.as_ref())?,
        ),
        Workload::deployment(
            &format!("{name}-worker"),
            namespace,
            1,
            Requests::of("worker.resources", values.worker.resources.as_ref())?,
        ),
    ])
}
