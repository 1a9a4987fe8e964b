//! One module per upstream chart: its catalog entry (`CHART`), its typed `Values` with a `dev`
//! constructor giving exactly what the dev platform sets, and `WHY`, the reasons behind those
//! values (the comments a hand-written release carried inside its `values`), for the release
//! that installs the chart to write above itself.

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
