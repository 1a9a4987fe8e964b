//! The reference platform's values of the `kube-prometheus-stack` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::kube_prometheus_stack::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("kube-prometheus-stack".to_owned());
    values.grafana.enabled = Some(false);
    values.grafana.force_deploy_dashboards = Some(true);
    values.grafana.force_deploy_datasources = Some(true);
    values.kube_controller_manager = Enabled::OFF;
    values.kube_scheduler = Enabled::OFF;
    values.kube_etcd = Enabled::OFF;
    values.kube_proxy = Enabled::OFF;
    let alertmanager = &mut values.alertmanager.alertmanager_spec;
    alertmanager.replicas = Some(1);
    alertmanager.resources = Some(burstable("10m", "64Mi", "128Mi"));
    values.prometheus_operator = WithResources::burstable("50m", "128Mi", "256Mi");
    let prometheus = &mut values.prometheus.prometheus_spec;
    prometheus.replicas = Some(1);
    prometheus.retention = Some("7d".to_owned());
    prometheus.resources = Some(burstable("200m", "1Gi", "2Gi"));
    prometheus.service_monitor_selector_nil_uses_helm_values = Some(false);
    prometheus.pod_monitor_selector_nil_uses_helm_values = Some(false);
    prometheus.rule_selector_nil_uses_helm_values = Some(false);
    values.kube_state_metrics = WithResources::burstable("10m", "64Mi", "128Mi");
    values.prometheus_node_exporter = WithResources::burstable("10m", "32Mi", "64Mi");
    values
}
