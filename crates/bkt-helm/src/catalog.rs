//! The upstream charts the platform deploys: where each comes from and its exact version.
//!
//! Versions are exact pins (never ranges): Renovate proposes bumps, a reviewer reads the chart's
//! changelog, and the same pin reaches every cluster. Each chart's typed values live next to its
//! entry, in [`crate::charts`].

use crate::charts;

/// How Flux fetches a chart repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RepositoryKind {
    /// A classic Helm repository served over HTTPS (an `index.yaml`): a Flux `HelmRepository`.
    Http,
    /// An OCI registry: a Flux `OCIRepository` (or a `HelmRepository` of type `oci`).
    Oci,
}

/// A chart repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repository {
    /// The name the platform gives the repository's Flux source object.
    pub name: &'static str,
    /// The repository URL: `https://…` for HTTP, `oci://registry/path` (without the chart name)
    /// for OCI.
    pub url: &'static str,
    /// HTTP or OCI.
    pub kind: RepositoryKind,
}

/// One upstream chart at one exact version.
///
/// A chart of one's own, next to the catalog's:
///
/// ```
/// use bkt_helm::{CATALOG, Chart, Repository, RepositoryKind};
///
/// let podinfo = Chart {
///     name: "podinfo",
///     version: "6.9.2",
///     repository: Repository {
///         name: "podinfo",
///         url: "oci://ghcr.io/stefanprodan/charts",
///         kind: RepositoryKind::Oci,
///     },
///     values_reference: "https://github.com/stefanprodan/podinfo/blob/master/charts/podinfo/values.yaml",
/// };
/// assert_eq!(podinfo.oci_url().as_deref(), Some("oci://ghcr.io/stefanprodan/charts/podinfo"));
///
/// // A chart from an HTTPS index has no OCI reference.
/// let vault = CATALOG.iter().find(|chart| chart.name == "vault").copied();
/// assert_eq!(vault.map(|chart| (chart.repository.kind, chart.oci_url())), Some((RepositoryKind::Http, None)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chart {
    /// The chart's name in its repository.
    pub name: &'static str,
    /// The exact version installed.
    pub version: &'static str,
    /// Where the chart is published.
    pub repository: Repository,
    /// The chart's documented values (`values.yaml` upstream), for the reader of a release.
    pub values_reference: &'static str,
}

impl Chart {
    /// The chart's OCI reference (`oci://registry/path/chart`), for charts from an OCI registry.
    #[must_use]
    pub fn oci_url(&self) -> Option<String> {
        (self.repository.kind == RepositoryKind::Oci)
            .then(|| format!("{}/{}", self.repository.url, self.name))
    }
}

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
