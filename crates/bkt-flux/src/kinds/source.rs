//! Flux sources (`source.toolkit.fluxcd.io/v1`): `GitRepository`, `OCIRepository`,
//! `HelmRepository`.

use serde::{Deserialize, Serialize};

use super::{LocalObjectReference, flux_object};
use crate::Duration;

flux_object! {
    /// A Git repository Flux fetches every `spec.interval`.
    ///
    /// ```
    /// use bkt_flux::kinds::{GitRepository, GitRepositoryRef, GitRepositorySpec};
    /// use bkt_flux::{Duration, Manifest};
    ///
    /// let repository = GitRepository::new(
    ///     "platform",
    ///     GitRepositorySpec {
    ///         reference: Some(GitRepositoryRef { branch: Some("main".into()), ..Default::default() }),
    ///         ..GitRepositorySpec::new(Duration::minutes(1), "https://github.com/example/platform")
    ///     },
    /// )
    /// .in_namespace("flux-system");
    /// assert_eq!(
    ///     Manifest::new(&repository)?.render()?,
    ///     "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: platform\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://github.com/example/platform\n  ref:\n    branch: main\n"
    /// );
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    GitRepository(GitRepositorySpec) = "source.toolkit.fluxcd.io", "v1", "GitRepository", "gitrepositories", NamespaceResourceScope
}

/// The desired state of a [`GitRepository`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRepositorySpec {
    /// How often the repository is fetched (required).
    pub interval: Duration,
    /// The repository's URL (required).
    pub url: String,
    /// The branch, tag, semver range or commit to check out.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<GitRepositoryRef>,
    /// The Secret with credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// How long a fetch may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// `.gitignore`-style patterns left out of the artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<String>,
}

impl GitRepositorySpec {
    /// The repository at `url`, fetched every `interval`.
    #[must_use]
    pub fn new(interval: Duration, url: impl Into<String>) -> Self {
        Self {
            interval,
            url: url.into(),
            reference: None,
            secret_ref: None,
            timeout: None,
            ignore: None,
        }
    }
}

/// What a [`GitRepository`] checks out; set one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GitRepositoryRef {
    /// A branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// A tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// A semver range over tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver: Option<String>,
    /// A full reference name (`refs/heads/main`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A commit SHA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

flux_object! {
    /// An OCI artifact (a chart or a packaged manifest folder) Flux pulls every `spec.interval`.
    ///
    /// ```
    /// use bkt_flux::kinds::{OciRepository, OciRepositoryRef, OciRepositorySpec};
    /// use bkt_flux::{Duration, Manifest};
    ///
    /// let artifact = OciRepository::new(
    ///     "podinfo",
    ///     OciRepositorySpec {
    ///         reference: Some(OciRepositoryRef { semver: Some(">=6.0.0".into()), ..Default::default() }),
    ///         provider: Some("aws".into()),
    ///         ..OciRepositorySpec::new(Duration::minutes(10), "oci://ghcr.io/stefanprodan/manifests/podinfo")
    ///     },
    /// );
    /// let yaml = Manifest::new(&artifact)?.render()?;
    /// assert!(yaml.starts_with("apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n"));
    /// assert!(yaml.ends_with("  ref:\n    semver: \">=6.0.0\"\n  provider: aws\n"));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    OciRepository(OciRepositorySpec) = "source.toolkit.fluxcd.io", "v1", "OCIRepository", "ocirepositories", NamespaceResourceScope
}

/// The desired state of an [`OciRepository`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OciRepositorySpec {
    /// How often the artifact is checked (required).
    pub interval: Duration,
    /// The artifact's URL, `oci://…` (required).
    pub url: String,
    /// The tag, semver range or digest to pull.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<OciRepositoryRef>,
    /// The cloud provider whose workload identity logs in (`aws`, `generic` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The Secret with registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// How long a pull may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

impl OciRepositorySpec {
    /// The artifact at `url`, checked every `interval`.
    #[must_use]
    pub fn new(interval: Duration, url: impl Into<String>) -> Self {
        Self {
            interval,
            url: url.into(),
            reference: None,
            provider: None,
            secret_ref: None,
            timeout: None,
        }
    }
}

/// What an [`OciRepository`] pulls; set one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OciRepositoryRef {
    /// A tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// A semver range over tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver: Option<String>,
    /// A digest (`sha256:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

flux_object! {
    /// A Helm chart repository (HTTPS index, or OCI with `type: oci`).
    ///
    /// ```
    /// use bkt_flux::kinds::{HelmRepository, HelmRepositorySpec};
    /// use bkt_flux::{Duration, Manifest};
    ///
    /// let charts = HelmRepository::new(
    ///     "bitnami",
    ///     HelmRepositorySpec {
    ///         repository_type: Some("oci".into()),
    ///         ..HelmRepositorySpec::new(Duration::hours(24), "oci://registry-1.docker.io/bitnamicharts")
    ///     },
    /// );
    /// assert!(Manifest::new(&charts)?.render()?.ends_with(
    ///     "spec:\n  interval: 24h\n  url: oci://registry-1.docker.io/bitnamicharts\n  type: oci\n"
    /// ));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    HelmRepository(HelmRepositorySpec) = "source.toolkit.fluxcd.io", "v1", "HelmRepository", "helmrepositories", NamespaceResourceScope
}

/// The desired state of a [`HelmRepository`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmRepositorySpec {
    /// How often the index is fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// The repository's URL (required).
    pub url: String,
    /// `default` (an HTTPS index) or `oci`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub repository_type: Option<String>,
    /// The Secret with credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// How long a fetch may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

impl HelmRepositorySpec {
    /// The HTTPS repository at `url`, fetched every `interval`.
    #[must_use]
    pub fn new(interval: Duration, url: impl Into<String>) -> Self {
        Self {
            interval: Some(interval),
            url: url.into(),
            repository_type: None,
            secret_ref: None,
            timeout: None,
        }
    }
}
