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
