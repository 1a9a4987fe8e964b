//! Grafana (grafana-community's chart: grafana 12.x charts are published there, not by
//! grafana/helm-charts).

use serde::Serialize;

use crate::common::Resources;
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct GrafanaIni {
    /// The `[server]` section.
    pub server: IniServer,
}

/// The `[server]` section of `grafana.ini`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct IniServer {
    /// The public URL (behind the shared ALB).
    pub root_url: String,
}

/// A sidecar that loads labelled `ConfigMaps`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Sidecar {
    /// Dashboards.
    pub dashboards: SidecarWatch,
    /// Datasources.
    pub datasources: SidecarWatch,
}

/// The platform's values for Grafana.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
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
}

impl Values {
    /// The dev platform's values; `domain` is the platform's DNS domain (a Flux substitution in
    /// the GitOps tree).
    #[must_use]
    pub fn dev(domain: &str) -> Self {
        Self {
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
            },
            sidecar: Sidecar {
                dashboards: SidecarWatch::everywhere("grafana_dashboard"),
                datasources: SidecarWatch::everywhere("grafana_datasource"),
            },
            resources: Resources::burstable("50m", "128Mi", "256Mi"),
        }
    }
}
