//! One module per upstream chart: its catalog entry (`CHART`), its typed `Values`, and `WHY`,
//! the reasons behind the reference platform's values (the comments a hand-written release
//! carried inside its `values`), for the release that installs the chart to write above itself.
//!
//! A default means unset: every value the chart has a default for is an `Option` (a list or map
//! left empty, a section with nothing set in it), left out of the output, so `Values::default()`
//! writes `{}` and the chart's own defaults apply. A value the chart requires has no default: a
//! constructor takes it ([`aws_load_balancer_controller::Values::new`]). The value structs are
//! `#[non_exhaustive]`: outside this crate, values are built by changing a default.
//!
//! ```
//! use bkt_helm::charts::kube_prometheus_stack::Values;
//!
//! let mut values = Values::default();
//! assert_eq!(serde_json::to_value(&values).map_err(|e| e.to_string())?, serde_json::json!({}));
//! values.prometheus.prometheus_spec.retention = Some("7d".to_owned());
//! assert_eq!(
//!     serde_json::to_value(&values).map_err(|e| e.to_string())?,
//!     serde_json::json!({ "prometheus": { "prometheusSpec": { "retention": "7d" } } })
//! );
//! # Ok::<(), String>(())
//! ```

pub mod authentik;
pub mod aws_load_balancer_controller;
pub mod cloudnative_pg;
pub mod external_dns;
pub mod external_secrets;
pub mod fluent_bit;
pub mod flux_operator;
pub mod grafana;
pub mod headlamp;
pub mod kube_prometheus_stack;
pub mod mariadb_operator;
pub mod opensearch;
pub mod opensearch_dashboards;
pub mod vault;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    /// Each chart's values as serialized, from the values a user starts from: the default, or
    /// for a chart with a required value, the constructor given only that.
    fn defaults() -> Vec<(&'static str, Value)> {
        fn json<T: serde::Serialize>(values: &T) -> Value {
            serde_json::to_value(values).unwrap_or_else(|e| json!({ "error": e.to_string() }))
        }
        vec![
            ("authentik", json(&super::authentik::Values::default())),
            (
                "aws-load-balancer-controller",
                json(&super::aws_load_balancer_controller::Values::new("cluster")),
            ),
            (
                "cloudnative-pg",
                json(&super::cloudnative_pg::Values::default()),
            ),
            (
                "external-dns",
                json(&super::external_dns::Values::default()),
            ),
            (
                "external-secrets",
                json(&super::external_secrets::Values::default()),
            ),
            ("fluent-bit", json(&super::fluent_bit::Values::default())),
            (
                "flux-operator",
                json(&super::flux_operator::Values::default()),
            ),
            ("grafana", json(&super::grafana::Values::default())),
            ("headlamp", json(&super::headlamp::Values::default())),
            (
                "kube-prometheus-stack",
                json(&super::kube_prometheus_stack::Values::default()),
            ),
            (
                "mariadb-operator",
                json(&super::mariadb_operator::Values::default()),
            ),
            ("opensearch", json(&super::opensearch::Values::default())),
            (
                "opensearch-dashboards",
                json(&super::opensearch_dashboards::Values::default()),
            ),
            ("vault", json(&super::vault::Values::default())),
        ]
    }

    /// Unset values produce the pods of the chart's own defaults, not zero replicas.
    #[test]
    fn unset_values_count_the_charts_defaults() {
        let pods = |workloads: crate::Result<Vec<crate::workload::Workload>>| {
            workloads
                .unwrap()
                .into_iter()
                .map(|w| (w.name, w.replicas, w.stateful))
                .collect::<Vec<_>>()
        };
        let stack = pods(super::kube_prometheus_stack::workloads(
            &super::kube_prometheus_stack::Values::default(),
            "m",
        ));
        assert!(stack.contains(&(
            "prometheus-kube-prometheus-stack-prometheus".to_owned(),
            1,
            false
        )));
        assert!(stack.contains(&(
            "alertmanager-kube-prometheus-stack-alertmanager".to_owned(),
            1,
            false
        )));
        assert_eq!(
            pods(super::vault::workloads(
                &super::vault::Values::default(),
                "v"
            )),
            [
                ("vault".to_owned(), 1, true),
                ("vault-agent-injector".to_owned(), 1, false)
            ]
        );
        assert_eq!(
            pods(super::opensearch::workloads(
                &super::opensearch::Values::default(),
                "o"
            )),
            [("opensearch-cluster-master".to_owned(), 3, true)]
        );
        let controller = super::aws_load_balancer_controller::Values::new("c");
        assert_eq!(
            pods(super::aws_load_balancer_controller::workloads(
                &controller,
                "k"
            )),
            [("aws-load-balancer-controller".to_owned(), 2, false)]
        );
    }

    #[test]
    fn default_values_set_nothing() {
        let set: Vec<String> = defaults()
            .into_iter()
            .filter(|(chart, values)| {
                let required = match *chart {
                    "aws-load-balancer-controller" => json!({ "clusterName": "cluster" }),
                    _ => json!({}),
                };
                *values != required
            })
            .map(|(chart, values)| format!("{chart}: {values}"))
            .collect();
        assert!(
            set.is_empty(),
            "defaults that set values:\n{}",
            set.join("\n")
        );
    }
}
