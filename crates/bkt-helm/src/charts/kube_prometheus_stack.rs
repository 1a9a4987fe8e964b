//! kube-prometheus-stack: Prometheus, Alertmanager, the operator, and Grafana's dashboards and
//! datasource (Grafana itself is its own release, [`super::grafana`]).

use serde::Serialize;

use crate::common::{Enabled, Resources, WithResources};
use crate::{Chart, Repository, RepositoryKind};

/// The kube-prometheus-stack chart (prometheus-community).
pub const CHART: Chart = Chart {
    name: "kube-prometheus-stack",
    version: "88.5.3",
    repository: Repository {
        name: "prometheus-community",
        url: "https://prometheus-community.github.io/helm-charts",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Grafana is its own release in platform/grafana (its admin password comes from a generator that needs this layer's operators first); this chart still ships its dashboards and datasource.",
    "EKS runs kube-controller-manager, kube-scheduler, etcd and kube-proxy metrics on the managed control plane; there is nothing to scrape.",
    "Dev keeps metrics on the pod's disk; a restart loses at most a week of dev metrics.",
    "Prometheus picks up ServiceMonitors and rules from every release (sample-app's included), not only those labelled for this chart (the *SelectorNilUsesHelmValues settings).",
];

/// The bundled Grafana: off, but its dashboards and datasource still deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Grafana {
    /// The Grafana subchart.
    pub enabled: bool,
    /// Ship the dashboards as `ConfigMaps` even with the subchart off.
    pub force_deploy_dashboards: bool,
    /// Ship the datasource as a `ConfigMap` even with the subchart off.
    pub force_deploy_datasources: bool,
}

/// Alertmanager.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alertmanager {
    /// The `Alertmanager` object's spec.
    pub alertmanager_spec: AlertmanagerSpec,
}

/// The `Alertmanager` object's spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct AlertmanagerSpec {
    /// Replicas.
    pub replicas: u32,
    /// Resources.
    pub resources: Resources,
}

/// Prometheus.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prometheus {
    /// The `Prometheus` object's spec.
    pub prometheus_spec: PrometheusSpec,
}

/// The `Prometheus` object's spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSpec {
    /// Replicas.
    pub replicas: u32,
    /// How long metrics are kept (`7d`).
    pub retention: String,
    /// Resources.
    pub resources: Resources,
    /// `false`: select `ServiceMonitors` of every release, not only this chart's.
    pub service_monitor_selector_nil_uses_helm_values: bool,
    /// `false`: select `PodMonitors` of every release.
    pub pod_monitor_selector_nil_uses_helm_values: bool,
    /// `false`: select rules of every release.
    pub rule_selector_nil_uses_helm_values: bool,
}

/// The platform's values for kube-prometheus-stack.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name prefix.
    pub fullname_override: String,
    /// The bundled Grafana.
    pub grafana: Grafana,
    /// Off: EKS runs it on the managed control plane.
    pub kube_controller_manager: Enabled,
    /// Off: EKS runs it on the managed control plane.
    pub kube_scheduler: Enabled,
    /// Off: EKS runs it on the managed control plane.
    pub kube_etcd: Enabled,
    /// Off: nothing to scrape on EKS.
    pub kube_proxy: Enabled,
    /// Alertmanager.
    pub alertmanager: Alertmanager,
    /// The Prometheus operator.
    pub prometheus_operator: WithResources,
    /// Prometheus.
    pub prometheus: Prometheus,
    /// The kube-state-metrics subchart.
    #[serde(rename = "kube-state-metrics")]
    pub kube_state_metrics: WithResources,
    /// The node exporter subchart.
    #[serde(rename = "prometheus-node-exporter")]
    pub prometheus_node_exporter: WithResources,
}

/// The pods these values produce (chart 88.5.3): the Prometheus operator and kube-state-metrics
/// `Deployment`s, one replica each; the node exporter `DaemonSet` (its subchart tolerates every
/// `NoSchedule` taint by default); and the `StatefulSet`s the operator runs for Prometheus and
/// Alertmanager, `replicas` each. Without a `storageSpec` both keep their data in an
/// `emptyDir`, so neither is stateful in the sense of [`crate::workload::Workload::stateful`].
/// The operator's config-reloader sidecars are not counted.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, TaintEffect, Toleration, TolerationOperator, Workload};
    let name = if values.fullname_override.is_empty() {
        "kube-prometheus-stack"
    } else {
        values.fullname_override.as_str()
    };
    let node_exporter = Workload::daemon_set(
        "prometheus-node-exporter",
        namespace,
        Requests::of(
            "prometheus-node-exporter.resources",
            &values.prometheus_node_exporter.resources,
        )?,
    )
    .with_tolerations(vec![Toleration {
        key: String::new(),
        operator: TolerationOperator::Exists,
        value: String::new(),
        effect: Some(TaintEffect::NoSchedule),
    }]);
    let mut workloads = vec![
        Workload::deployment(
            &format!("{name}-operator"),
            namespace,
            1,
            Requests::of(
                "prometheusOperator.resources",
                &values.prometheus_operator.resources,
            )?,
        ),
        Workload::deployment(
            "kube-state-metrics",
            namespace,
            1,
            Requests::of(
                "kube-state-metrics.resources",
                &values.kube_state_metrics.resources,
            )?,
        ),
        node_exporter,
        Workload::stateful_set(
            &format!("prometheus-{name}-prometheus"),
            namespace,
            values.prometheus.prometheus_spec.replicas,
            Requests::of(
                "prometheus.prometheusSpec.resources",
                &values.prometheus.prometheus_spec.resources,
            )?,
        ),
    ];
    workloads.push(Workload::stateful_set(
        &format!("alertmanager-{name}-alertmanager"),
        namespace,
        values.alertmanager.alertmanager_spec.replicas,
        Requests::of(
            "alertmanager.alertmanagerSpec.resources",
            &values.alertmanager.alertmanager_spec.resources,
        )?,
    ));
    Ok(workloads)
}
