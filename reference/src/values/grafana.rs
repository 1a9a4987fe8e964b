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
        env_value_from: BTreeMap::new(),
    }
}
