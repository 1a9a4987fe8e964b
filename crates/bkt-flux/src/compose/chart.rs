//! A chart's source and release (feature `helm`): the blocks of [`super`] that take a
//! `bkt_helm::Chart` from the catalog.

use bkt_helm::Chart;
use serde::Serialize;

use super::wrap;
use crate::kinds::{
    CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec, HelmRepository,
    HelmRepositorySpec, Install, NamespacedObjectReference, SourceKind, Upgrade, Values,
};
use crate::{Duration, Manifest, ManifestFile, Result};

/// The chart's `HelmRepository`, named as the catalog names it.
///
/// # Errors
/// [`crate::Error::Core`] when a document does not serialize.
pub fn repository(chart: &Chart) -> Result<ManifestFile> {
    let source = HelmRepository::new(
        chart.repository.name,
        HelmRepositorySpec::new(Duration::hours(24), chart.repository.url),
    );
    Ok(ManifestFile::single(Manifest::new(&source)?))
}

/// The release of `chart` with `values`: reconciled hourly, install retried three times, a
/// failed upgrade cleaned up and rolled back after three retries. The comment names the values
/// reference and the reasons behind the values (`why`).
///
/// ```
/// use bkt_flux::{Duration, compose};
/// use bkt_helm::charts::external_secrets;
///
/// let mut values = external_secrets::Values::default();
/// values.install_crds = Some(true);
/// let yaml = compose::release(
///     &external_secrets::CHART,
///     Duration::minutes(10),
///     &values,
///     &["The chart installs its own CRDs, so upgrades update them."],
///     Some("vault"),
/// )?
/// .render()?;
/// assert!(yaml.starts_with("# Values reference: "));
/// assert!(yaml.contains("# The chart installs its own CRDs, so upgrades update them.\n"));
/// assert!(yaml.contains("  dependsOn:\n    - name: vault\n  interval: 1h\n  timeout: 10m\n"));
/// assert!(yaml.contains(concat!(
///     "  upgrade:\n    cleanupOnFail: true\n",
///     "    remediation:\n      retries: 3\n      remediateLastFailure: true\n",
/// )));
/// assert!(yaml.ends_with("  values:\n    installCRDs: true\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::Core`] when a document does not serialize.
pub fn release<V: Serialize>(
    chart: &Chart,
    timeout: Duration,
    values: &V,
    why: &[&str],
    depends_on: Option<&str>,
) -> Result<ManifestFile> {
    let object = HelmRelease::new(
        chart.name,
        HelmReleaseSpec {
            depends_on: depends_on
                .map(NamespacedObjectReference::new)
                .into_iter()
                .collect(),
            timeout: Some(timeout),
            install: Some(Install::retried(3)),
            upgrade: Some(Upgrade::rolled_back(3)),
            values: Some(Values::new(values)?),
            ..HelmReleaseSpec::new(
                Duration::hours(1),
                HelmChartTemplate::new(
                    chart.name,
                    chart.version,
                    CrossNamespaceSourceReference::new(
                        SourceKind::HelmRepository,
                        chart.repository.name,
                    ),
                ),
            )
        },
    );
    let mut comment = String::from("Values reference: ");
    comment.push_str(chart.values_reference);
    for reason in why {
        comment.push('\n');
        comment.push_str(&wrap(reason));
    }
    Ok(ManifestFile::single(Manifest::new(&object)?.why(comment)))
}
