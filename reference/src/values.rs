//! The reference platform's chart values: one module per chart of the `bkt_helm` catalog it
//! installs, each a `values` function building that chart's typed values.

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
