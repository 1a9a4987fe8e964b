//! The reference platform's values of the `grafana` chart.

use std::collections::BTreeMap;

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::grafana::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The dev platform's values; `domain` is the platform's DNS domain (a Flux substitution in
/// the GitOps tree).
#[must_use]
pub fn values(domain: &str) -> Values {
    Values {
        fullname_override: "grafana".to_owned(),
        admin: Admin {
            existing_secret: "grafana-admin".to_owned(),
            user_key: "admin-user".to_owned(),
            password_key: "admin-password".to_owned(),
        },
        grafana_ini: GrafanaIni {
            server: IniServer {
                root_url: format!("https://grafana.{domain}"),
            },
            generic_oauth: None,
        },
        sidecar: Sidecar {
            dashboards: SidecarWatch::everywhere("grafana_dashboard"),
            datasources: SidecarWatch::everywhere("grafana_datasource"),
        },
        resources: Resources::burstable("50m", "128Mi", "256Mi"),
        // The logs datasource's password (platform/grafana/logs-datasource.yaml).
        env_value_from: BTreeMap::from([(
            crate::gitops::logs::GRAFANA_PASSWORD_VARIABLE.to_owned(),
            EnvVarSource {
                secret_key_ref: KeyRef {
                    name: crate::gitops::logs::GRAFANA_SECRET.to_owned(),
                    key: "password".to_owned(),
                },
            },
        )]),
    }
}

/// The chart's `env` (a key the typed values do not model): `GF_PLUGINS_PREINSTALL`, the
/// OpenSearch datasource plugin at its pinned version (`id@version`), which Grafana installs on
/// start.
#[must_use]
pub fn plugin_env() -> BTreeMap<String, String> {
    let (plugin, version) = crate::gitops::logs::GRAFANA_PLUGIN;
    let mut pinned = String::from(plugin);
    pinned.push('@');
    pinned.push_str(version);
    BTreeMap::from([("GF_PLUGINS_PREINSTALL".to_owned(), pinned)])
}
