//! A team's release of podinfo, built with the facade on Kubernetes 1.33's API types.

use bkt_platform::flux::Duration;
use bkt_platform::flux::kinds::{
    CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec, SourceKind,
};

/// The podinfo `HelmRelease` in `flux-system`, from the `podinfo` `HelmRepository`.
#[must_use]
pub fn podinfo() -> HelmRelease {
    HelmRelease::new(
        "podinfo",
        HelmReleaseSpec::new(
            Duration::hours(1),
            HelmChartTemplate::new(
                "podinfo",
                "6.9.2",
                CrossNamespaceSourceReference::new(SourceKind::HelmRepository, "podinfo"),
            ),
        ),
    )
    .in_namespace("flux-system")
}
