//! The reference platform's values of the `kube-prometheus-stack` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::kube_prometheus_stack::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    Values {
        fullname_override: "kube-prometheus-stack".to_owned(),
        grafana: Grafana {
            enabled: false,
            force_deploy_dashboards: true,
            force_deploy_datasources: true,
        },
        kube_controller_manager: Enabled::OFF,
        kube_scheduler: Enabled::OFF,
        kube_etcd: Enabled::OFF,
        kube_proxy: Enabled::OFF,
        alertmanager: Alertmanager {
            alertmanager_spec: AlertmanagerSpec {
                replicas: 1,
                resources: Resources::burstable("10m", "64Mi", "128Mi"),
            },
        },
        prometheus_operator: WithResources::burstable("50m", "128Mi", "256Mi"),
        prometheus: Prometheus {
            prometheus_spec: PrometheusSpec {
                replicas: 1,
                retention: "7d".to_owned(),
                resources: Resources::burstable("200m", "1Gi", "2Gi"),
                service_monitor_selector_nil_uses_helm_values: false,
                pod_monitor_selector_nil_uses_helm_values: false,
                rule_selector_nil_uses_helm_values: false,
            },
        },
        kube_state_metrics: WithResources::burstable("10m", "64Mi", "128Mi"),
        prometheus_node_exporter: WithResources::burstable("10m", "32Mi", "64Mi"),
    }
}
