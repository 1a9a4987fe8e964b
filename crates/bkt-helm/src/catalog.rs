//! The upstream charts the platform deploys: where each comes from and its exact version.
//!
//! Versions are exact pins (never ranges): Renovate proposes bumps, a reviewer reads the chart's
//! changelog, and the same pin reaches every cluster. Each chart's typed values live next to its
//! entry, in [`crate::charts`].

pub use crate::chart::{Chart, Repository, RepositoryKind};
use crate::charts;

/// Every upstream chart the platform deploys, in install order (controllers, then platform
/// services), the Flux Operator first: `make up` installs it before Flux exists.
pub const CATALOG: [&Chart; 14] = [
    &charts::flux_operator::CHART,
    &charts::aws_load_balancer_controller::CHART,
    &charts::external_dns::CHART,
    &charts::external_secrets::CHART,
    &charts::cloudnative_pg::CHART,
    &charts::mariadb_operator::CHART,
    &charts::kube_prometheus_stack::CHART,
    &charts::vault::CHART,
    &charts::authentik::CHART,
    &charts::grafana::CHART,
    &charts::headlamp::CHART,
    &charts::fluent_bit::CHART,
    &charts::opensearch::CHART,
    &charts::opensearch_dashboards::CHART,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_is_an_exact_version() {
        for chart in CATALOG {
            let parts: Vec<&str> = chart.version.split('.').collect();
            assert_eq!(parts.len(), 3, "{}: {}", chart.name, chart.version);
            assert!(
                parts
                    .iter()
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())),
                "{}: {} is not an exact version",
                chart.name,
                chart.version
            );
        }
    }

    #[test]
    fn chart_names_are_unique_and_urls_match_their_kind() {
        let mut names: Vec<&str> = CATALOG.iter().map(|chart| chart.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
        for chart in CATALOG {
            let scheme = match chart.repository.kind {
                RepositoryKind::Http => "https://",
                RepositoryKind::Oci => "oci://",
            };
            assert!(chart.repository.url.starts_with(scheme), "{}", chart.name);
        }
        assert_eq!(
            charts::flux_operator::CHART.oci_url().as_deref(),
            Some("oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator")
        );
        assert_eq!(charts::vault::CHART.oci_url(), None);
    }
}
