//! What a chart is, apart from which charts there are: its repository, its name and its exact
//! version. The catalog ([`crate::CATALOG`]) lists the platform's; each chart module under
//! [`crate::charts`] defines its own entry with these types.

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
