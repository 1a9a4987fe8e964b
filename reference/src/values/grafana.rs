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
    let mut values = Values::default();
    values.fullname_override = Some("grafana".to_owned());
    values.admin.existing_secret = Some("grafana-admin".to_owned());
    values.admin.user_key = Some("admin-user".to_owned());
    values.admin.password_key = Some("admin-password".to_owned());
    values.grafana_ini.server.root_url = Some(format!("https://grafana.{domain}"));
    values.sidecar.dashboards = SidecarWatch::everywhere("grafana_dashboard");
    values.sidecar.datasources = SidecarWatch::everywhere("grafana_datasource");
    values.resources = Some(burstable("50m", "128Mi", "256Mi"));
    // The logs datasource's password (platform/grafana/logs-datasource.yaml).
    values.env_value_from.insert(
        crate::gitops::logs::GRAFANA_PASSWORD_VARIABLE.to_owned(),
        secret_key(crate::gitops::logs::GRAFANA_SECRET, "password"),
    );
    values
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
