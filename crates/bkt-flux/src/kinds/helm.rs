//! The Flux `HelmRelease` (`helm.toolkit.fluxcd.io/v2`): a chart, its values, and what Helm does
//! when an install or upgrade fails.

use serde::{Deserialize, Serialize};

use super::{CrossNamespaceSourceReference, NamespacedObjectReference, flux_object};
use crate::kustomize::Selector;
use crate::{Duration, Result};

flux_object! {
    /// A Helm release Flux installs and upgrades.
    ///
    /// A release of a chart published as an OCI artifact (`chartRef`), with remediation and
    /// drift detection (the crate's front page shows one from a `HelmRepository`):
    ///
    /// ```
    /// use bkt_flux::kinds::{
    ///     CrossNamespaceSourceReference, DriftDetection, DriftDetectionMode, HelmRelease,
    ///     HelmReleaseSpec, IgnoreRule, Install, InstallRemediation, SourceKind, ValuesReference,
    /// };
    /// use bkt_flux::{Duration, Manifest};
    ///
    /// let release = HelmRelease::new(
    ///     "podinfo",
    ///     HelmReleaseSpec {
    ///         install: Some(Install {
    ///             remediation: Some(InstallRemediation { retries: Some(3), ..Default::default() }),
    ///             ..Install::default()
    ///         }),
    ///         drift_detection: Some(DriftDetection {
    ///             mode: Some(DriftDetectionMode::Enabled),
    ///             ignore: vec![IgnoreRule { paths: vec!["/spec/replicas".into()], target: None }],
    ///         }),
    ///         values_from: vec![ValuesReference {
    ///             kind: "ConfigMap".into(),
    ///             name: "podinfo-values".into(),
    ///             ..ValuesReference::default()
    ///         }],
    ///         ..HelmReleaseSpec::from_chart_ref(
    ///             Duration::minutes(30),
    ///             CrossNamespaceSourceReference::new(SourceKind::OciRepository, "podinfo"),
    ///         )
    ///     },
    /// );
    /// assert!(Manifest::new(&release)?.render()?.ends_with(concat!(
    ///     "spec:\n  interval: 30m\n",
    ///     "  chartRef:\n    kind: OCIRepository\n    name: podinfo\n",
    ///     "  driftDetection:\n    mode: enabled\n    ignore:\n      - paths:\n          - /spec/replicas\n",
    ///     "  install:\n    remediation:\n      retries: 3\n",
    ///     "  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    HelmRelease(HelmReleaseSpec) = "helm.toolkit.fluxcd.io", "v2", "HelmRelease", "helmreleases", NamespaceResourceScope
}

/// The desired state of a [`HelmRelease`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmReleaseSpec {
    /// `HelmRelease`s that must be ready before this one is installed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<NamespacedObjectReference>,
    /// How often the release is reconciled (required).
    pub interval: Duration,
    /// How long each Helm action may take (Helm's own default is 5m).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// The chart, from a `HelmRepository`, `GitRepository` or `Bucket`; or set `chart_ref`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<HelmChartTemplate>,
    /// The chart as an `OCIRepository`, `HelmChart` or `ExternalArtifact`; or set `chart`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart_ref: Option<CrossNamespaceSourceReference>,
    /// The Helm release name; `[<targetNamespace>-]<name>` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_name: Option<String>,
    /// The namespace the release is installed into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_namespace: Option<String>,
    /// How many release revisions Helm keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_history: Option<u32>,
    /// The service account Helm impersonates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Whether changes made in the cluster are detected and undone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift_detection: Option<DriftDetection>,
    /// What the install does, and how a failed one is remediated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<Install>,
    /// What an upgrade does, and how a failed one is remediated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<Upgrade>,
    /// Whether Helm tests run after an install or upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<Test>,
    /// Whether reconciliation is paused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// Values read from `ConfigMap`s and Secrets, merged before `values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_from: Vec<ValuesReference>,
    /// The chart's values, typed by the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Values>,
}

impl HelmReleaseSpec {
    /// A release of `chart` reconciled every `interval`.
    #[must_use]
    pub fn new(interval: Duration, chart: HelmChartTemplate) -> Self {
        Self {
            chart: Some(chart),
            ..Self::empty(interval)
        }
    }

    /// A release of the chart artifact `chart_ref` reconciled every `interval`.
    #[must_use]
    pub fn from_chart_ref(interval: Duration, chart_ref: CrossNamespaceSourceReference) -> Self {
        Self {
            chart_ref: Some(chart_ref),
            ..Self::empty(interval)
        }
    }

    fn empty(interval: Duration) -> Self {
        Self {
            depends_on: Vec::new(),
            interval,
            timeout: None,
            chart: None,
            chart_ref: None,
            release_name: None,
            target_namespace: None,
            max_history: None,
            service_account_name: None,
            drift_detection: None,
            install: None,
            upgrade: None,
            test: None,
            suspend: None,
            values_from: Vec::new(),
            values: None,
        }
    }
}

/// Helm values of any `Serialize` type, recorded once at construction: key order, every field
/// and every string reach the YAML exactly as the caller's type serializes them, and nothing is
/// dropped.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Ui {
///     enabled: bool,
/// }
///
/// let values = bkt_flux::kinds::Values::new(&Ui { enabled: true })?;
/// assert_eq!(bkt_core::yaml::to_string(&values)?, "enabled: true\n");
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Values(bkt_core::yaml::Value);

impl Values {
    /// Records `values`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when the values' `Serialize` impl fails.
    pub fn new<T: Serialize + ?Sized>(values: &T) -> Result<Self> {
        Ok(Self(bkt_core::yaml::Value::new(values)?))
    }

    /// The recorded values, to read back.
    #[must_use]
    pub fn view(&self) -> bkt_core::yaml::ValueRef<'_> {
        self.0.view()
    }
}

/// Where a [`HelmRelease`] takes its chart from.
///
/// A chart kept in a Git repository, packaged anew on every revision, whose failed upgrade is
/// uninstalled rather than rolled back and whose Helm tests run after each release:
///
/// ```
/// use bkt_flux::kinds::{
///     Crds, CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec,
///     ReconcileStrategy, RemediationStrategy, SourceKind, Test, Upgrade, UpgradeRemediation,
/// };
/// use bkt_flux::{Duration, Manifest};
///
/// let mut chart = HelmChartTemplate::new(
///     "./charts/sample-app",
///     "0.1.0",
///     CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system")
///         .in_namespace("flux-system"),
/// );
/// chart.spec.reconcile_strategy = Some(ReconcileStrategy::Revision);
/// chart.spec.values_files = vec!["./charts/sample-app/values-dev.yaml".into()];
/// let release = HelmRelease::new(
///     "sample-app",
///     HelmReleaseSpec {
///         upgrade: Some(Upgrade {
///             crds: Some(Crds::Skip),
///             remediation: Some(UpgradeRemediation {
///                 retries: Some(2),
///                 strategy: Some(RemediationStrategy::Uninstall),
///                 ..UpgradeRemediation::default()
///             }),
///             ..Upgrade::default()
///         }),
///         test: Some(Test { enable: Some(true), ..Test::default() }),
///         ..HelmReleaseSpec::new(Duration::minutes(5), chart)
///     },
/// );
/// assert!(Manifest::new(&release)?.render()?.ends_with(concat!(
///     // The version is quoted: it stays a string for every YAML reader.
///     "  chart:\n    spec:\n      chart: ./charts/sample-app\n      version: \"0.1.0\"\n",
///     "      reconcileStrategy: Revision\n",
///     "      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
///     "      valuesFiles:\n        - ./charts/sample-app/values-dev.yaml\n",
///     "  upgrade:\n    crds: Skip\n    remediation:\n      retries: 2\n      strategy: uninstall\n",
///     "  test:\n    enable: true\n",
/// )));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelmChartTemplate {
    /// The chart.
    pub spec: HelmChartTemplateSpec,
}

/// The chart of a [`HelmRelease`]: name (or path) and exact version in a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmChartTemplateSpec {
    /// The chart's name in a `HelmRepository`, or its path in a `GitRepository`.
    pub chart: String,
    /// The exact chart version (a semver range is allowed but not used here: pin it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When a new chart artifact is made from a `GitRepository`: `ChartVersion` or `Revision`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconcile_strategy: Option<ReconcileStrategy>,
    /// The source holding the chart.
    pub source_ref: CrossNamespaceSourceReference,
    /// How often the chart source is checked; the release's interval when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// Values files of the chart merged in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_files: Vec<String>,
}

impl HelmChartTemplate {
    /// The chart `chart` at exactly `version` from `source_ref`.
    #[must_use]
    pub fn new(
        chart: impl Into<String>,
        version: impl Into<String>,
        source_ref: CrossNamespaceSourceReference,
    ) -> Self {
        Self {
            spec: HelmChartTemplateSpec {
                chart: chart.into(),
                version: Some(version.into()),
                reconcile_strategy: None,
                source_ref,
                interval: None,
                values_files: Vec::new(),
            },
        }
    }
}

/// When a chart from Git is packaged anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReconcileStrategy {
    /// When the chart's version changes.
    ChartVersion,
    /// On every new source revision.
    Revision,
}

/// What Helm does with a chart's CRDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Crds {
    /// Leave them alone.
    Skip,
    /// Create missing ones.
    Create,
    /// Create missing ones and replace existing ones.
    CreateReplace,
}

/// How Flux handles drift between the release and the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DriftDetection {
    /// `enabled`, `warn` or `disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<DriftDetectionMode>,
    /// Fields whose drift is ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<IgnoreRule>,
}

/// Whether drift is corrected, reported or ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftDetectionMode {
    /// Detect and correct.
    Enabled,
    /// Detect and report only.
    Warn,
    /// Do not detect.
    Disabled,
}

/// JSON pointers whose drift is ignored, optionally for some objects only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IgnoreRule {
    /// JSON pointers (`/spec/replicas`).
    pub paths: Vec<String>,
    /// The objects the rule applies to; all when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Selector>,
}

/// How failures are handled: remediate (roll back or uninstall) or retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Strategy {
    /// The strategy.
    pub name: StrategyName,
    /// The wait between retries, with `RetryOnFailure`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<Duration>,
}

/// The failure strategies of Flux 2.7+.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StrategyName {
    /// Remediate as `remediation` says (the default).
    RemediateOnFailure,
    /// Retry the same action every `retryInterval`, without remediation.
    RetryOnFailure,
}

/// The install action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Install {
    /// Whether Helm skips waiting for resources to be ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_wait: Option<bool>,
    /// What happens to the chart's CRDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crds: Option<Crds>,
    /// Whether Helm creates the target namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_namespace: Option<bool>,
    /// How long the install may take; the release's timeout when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// What happens on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// How a failed install is remediated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<InstallRemediation>,
}

impl Install {
    /// An install retried `retries` times (uninstalling in between) before it stays failed.
    ///
    /// ```
    /// use bkt_flux::kinds::Install;
    ///
    /// let yaml = bkt_core::yaml::to_string(&Install::retried(3))?;
    /// assert_eq!(yaml, "remediation:\n  retries: 3\n");
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    #[must_use]
    pub fn retried(retries: i32) -> Self {
        Self {
            remediation: Some(InstallRemediation {
                retries: Some(retries),
                ..InstallRemediation::default()
            }),
            ..Self::default()
        }
    }
}

/// How a failed install is remediated. Without `retries` a failed install stays failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallRemediation {
    /// How many times the install is retried (uninstalling in between); `-1` forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<i32>,
    /// Whether failed Helm tests are ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_test_failures: Option<bool>,
    /// Whether the last failure is remediated once retries are exhausted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediate_last_failure: Option<bool>,
}

/// The upgrade action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upgrade {
    /// Whether Helm skips waiting for resources to be ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_wait: Option<bool>,
    /// What happens to the chart's CRDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crds: Option<Crds>,
    /// Whether objects created by a failed upgrade are deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_on_fail: Option<bool>,
    /// Whether objects are replaced when they cannot be patched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
    /// How long the upgrade may take; the release's timeout when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// What happens on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// How a failed upgrade is remediated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<UpgradeRemediation>,
}

impl Upgrade {
    /// An upgrade whose failure deletes what it created and is retried `retries` times, rolling
    /// back in between and after the last failure.
    ///
    /// ```
    /// use bkt_flux::kinds::Upgrade;
    ///
    /// let yaml = bkt_core::yaml::to_string(&Upgrade::rolled_back(3))?;
    /// assert_eq!(
    ///     yaml,
    ///     "cleanupOnFail: true\nremediation:\n  retries: 3\n  remediateLastFailure: true\n"
    /// );
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    #[must_use]
    pub fn rolled_back(retries: i32) -> Self {
        Self {
            cleanup_on_fail: Some(true),
            remediation: Some(UpgradeRemediation {
                retries: Some(retries),
                remediate_last_failure: Some(true),
                ..UpgradeRemediation::default()
            }),
            ..Self::default()
        }
    }
}

/// How a failed upgrade is remediated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeRemediation {
    /// How many times the upgrade is retried (remediating in between); `-1` forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<i32>,
    /// Whether failed Helm tests are ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_test_failures: Option<bool>,
    /// Whether the last failure is remediated once retries are exhausted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediate_last_failure: Option<bool>,
    /// `rollback` (the default) or `uninstall`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<RemediationStrategy>,
}

/// How a failed upgrade is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemediationStrategy {
    /// Roll back to the last successful release.
    Rollback,
    /// Uninstall the release.
    Uninstall,
}

/// The Helm test action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Test {
    /// Whether tests run after install and upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<bool>,
    /// How long the tests may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Whether failures are ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_failures: Option<bool>,
}

/// Values read from a `ConfigMap` or Secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValuesReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// Its name, in the release's namespace.
    pub name: String,
    /// The key holding the values; `values.yaml` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_key: Option<String>,
    /// Where in the values the content goes (a dotted path); merged at the top when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_path: Option<String>,
    /// Whether a missing object is tolerated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}
