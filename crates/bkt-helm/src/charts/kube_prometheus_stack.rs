//! kube-prometheus-stack: Prometheus, Alertmanager, the operator, and Grafana's dashboards and
//! datasource (Grafana itself is its own release, [`super::grafana`]).

use serde::Serialize;

use crate::common::{Enabled, ResourceRequirements, WithResources};
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
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Grafana {
    /// The Grafana subchart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Ship the dashboards as `ConfigMaps` even with the subchart off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_deploy_dashboards: Option<bool>,
    /// Ship the datasource as a `ConfigMap` even with the subchart off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_deploy_datasources: Option<bool>,
}

/// Alertmanager.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Alertmanager {
    /// The `Alertmanager` object's spec.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub alertmanager_spec: AlertmanagerSpec,
}

/// The `Alertmanager` object's spec.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AlertmanagerSpec {
    /// Replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// Prometheus.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Prometheus {
    /// The `Prometheus` object's spec.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub prometheus_spec: PrometheusSpec,
}

/// The `Prometheus` object's spec.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct PrometheusSpec {
    /// Replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// How long metrics are kept (`7d`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// `false`: select `ServiceMonitors` of every release, not only this chart's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `false`: select `PodMonitors` of every release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_monitor_selector_nil_uses_helm_values: Option<bool>,
    /// `false`: select rules of every release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_selector_nil_uses_helm_values: Option<bool>,
}

/// The platform's values for kube-prometheus-stack.
///
/// ```
/// use bkt_helm::charts::kube_prometheus_stack::{self, Values};
/// use bkt_helm::common::Enabled;
///
/// let mut values = Values::default();
/// values.grafana.enabled = Some(false);
/// values.kube_proxy = Enabled::OFF;
/// values.prometheus.prometheus_spec.replicas = Some(2);
/// values.prometheus.prometheus_spec.retention = Some("7d".into());
/// assert_eq!(
///     bkt_core::yaml::to_string(&values)?,
///     concat!(
///         "grafana:\n  enabled: false\n",
///         "kubeProxy:\n  enabled: false\n",
///         "prometheus:\n  prometheusSpec:\n    replicas: 2\n    retention: 7d\n",
///     )
/// );
///
/// // The operator, kube-state-metrics, the node exporter on every node, Alertmanager and
/// // Prometheus with its two replicas.
/// let pods = kube_prometheus_stack::workloads(&values, "monitoring")?;
/// let prometheus = pods.iter().find(|pod| pod.name.starts_with("prometheus-kube-prometheus")).map(|pod| pod.replicas);
/// assert_eq!(prometheus, Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// The bundled Grafana.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub grafana: Grafana,
    /// Off: EKS runs it on the managed control plane.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub kube_controller_manager: Enabled,
    /// Off: EKS runs it on the managed control plane.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub kube_scheduler: Enabled,
    /// Off: EKS runs it on the managed control plane.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub kube_etcd: Enabled,
    /// Off: nothing to scrape on EKS.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub kube_proxy: Enabled,
    /// Alertmanager.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub alertmanager: Alertmanager,
    /// The Prometheus operator.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub prometheus_operator: WithResources,
    /// Prometheus.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub prometheus: Prometheus,
    /// The kube-state-metrics subchart.
    #[serde(
        rename = "kube-state-metrics",
        skip_serializing_if = "crate::common::is_unset"
    )]
    pub kube_state_metrics: WithResources,
    /// The node exporter subchart.
    #[serde(
        rename = "prometheus-node-exporter",
        skip_serializing_if = "crate::common::is_unset"
    )]
    pub prometheus_node_exporter: WithResources,
}

/// The pods these values produce (chart 88.5.3): the Prometheus operator and kube-state-metrics
/// `Deployment`s, one replica each; the node exporter `DaemonSet` (its subchart tolerates every
/// `NoSchedule` taint by default); and the `StatefulSet`s the operator runs for Prometheus and
/// Alertmanager, `replicas` each (the chart's default, 1, when unset). Without a `storageSpec` both keep their data in an
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
    let name = values
        .fullname_override
        .as_deref()
        .filter(|name| !name.is_empty())
        .unwrap_or("kube-prometheus-stack");
    let node_exporter = Workload::daemon_set(
        "prometheus-node-exporter",
        namespace,
        Requests::of(
            "prometheus-node-exporter.resources",
            values.prometheus_node_exporter.resources.as_ref(),
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
                values.prometheus_operator.resources.as_ref(),
            )?,
        ),
        Workload::deployment(
            "kube-state-metrics",
            namespace,
            1,
            Requests::of(
                "kube-state-metrics.resources",
                values.kube_state_metrics.resources.as_ref(),
            )?,
        ),
        node_exporter,
        Workload::stateful_set(
            &format!("prometheus-{name}-prometheus"),
            namespace,
            values.prometheus.prometheus_spec.replicas.unwrap_or(1),
            Requests::of(
                "prometheus.prometheusSpec.resources",
                values.prometheus.prometheus_spec.resources.as_ref(),
            )?,
        ),
    ];
    workloads.push(Workload::stateful_set(
        &format!("alertmanager-{name}-alertmanager"),
        namespace,
        values.alertmanager.alertmanager_spec.replicas.unwrap_or(1),
        Requests::of(
            "alertmanager.alertmanagerSpec.resources",
            values.alertmanager.alertmanager_spec.resources.as_ref(),
        )?,
    ));
    Ok(workloads)
}
