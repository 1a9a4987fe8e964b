//! The Flux Operator's `FluxInstance` (`fluxcd.controlplane.io/v1`): which Flux distribution a
//! cluster runs, with which controllers, and the Git (or OCI) source it syncs itself from.
//!
//! The operator (chart `flux-operator` of `bkt_helm`'s catalog) installs the distribution's
//! controllers and creates the sync source and the entry `Kustomization`, both named after
//! [`Sync::name`] (`flux-system` when unset), in the instance's namespace. It accepts one
//! instance per cluster, named `flux` ([`FluxInstance::NAME`]). Field names and required fields
//! follow the CRD of flux-operator v0.59.0 (`config/crd/bases/fluxcd.controlplane.io_fluxinstances.yaml`).

use serde::{Deserialize, Serialize};

use super::flux_object;
use crate::Duration;

/// The Flux distribution the kinds of this crate model: the release whose controllers serve
/// their API versions, and the version a [`Distribution`] pins by default through
/// [`Distribution::upstream`]. Its source-controller and kustomize-controller are v1.9.6, its
/// helm-controller v1.6.5.
// renovate: datasource=github-releases depName=fluxcd/flux2
pub const FLUX_VERSION: &str = "2.9.6";

/// The registry of the upstream Flux images.
pub const UPSTREAM_REGISTRY: &str = "ghcr.io/fluxcd";

flux_object! {
    /// A cluster's Flux installation, reconciled by the Flux Operator.
    ///
    /// ```
    /// use bkt_flux::kinds::flux_instance::{
    ///     Cluster, ClusterType, Component, Distribution, FluxInstance, FluxInstanceSpec, Sync,
    /// };
    /// use bkt_flux::Manifest;
    ///
    /// let instance = FluxInstance::named(
    ///     "flux-system",
    ///     FluxInstanceSpec {
    ///         components: vec![Component::SourceController, Component::KustomizeController],
    ///         cluster: Some(Cluster {
    ///             kind: Some(ClusterType::Aws),
    ///             network_policy: true,
    ///             domain: None,
    ///             multitenant: None,
    ///         }),
    ///         sync: Some(Sync::git_branch(
    ///             "https://github.com/example/platform",
    ///             "main",
    ///             "gitops/clusters/prod",
    ///         )),
    ///         ..FluxInstanceSpec::new(Distribution::upstream())
    ///     },
    /// );
    /// let yaml = Manifest::new(&instance)?.render()?;
    /// assert!(yaml.contains("metadata:\n  name: flux\n  namespace: flux-system\n"));
    /// assert!(yaml.contains("    registry: ghcr.io/fluxcd\n"));
    /// assert!(yaml.contains("  components:\n    - source-controller\n    - kustomize-controller\n"));
    /// assert!(yaml.contains("  cluster:\n    type: aws\n    networkPolicy: true\n"));
    /// assert!(yaml.contains("    ref: refs/heads/main\n    path: gitops/clusters/prod\n"));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    FluxInstance(FluxInstanceSpec) = "fluxcd.controlplane.io", "v1", "FluxInstance", "fluxinstances", NamespaceResourceScope
}

impl FluxInstance {
    /// The one name the operator accepts for an instance (its CRD rejects any other).
    pub const NAME: &'static str = "flux";

    /// The instance (named [`Self::NAME`]) in `namespace` with `spec`.
    #[must_use]
    pub fn named(namespace: impl Into<String>, spec: FluxInstanceSpec) -> Self {
        Self::new(Self::NAME, spec).in_namespace(namespace)
    }
}

/// The desired state of a [`FluxInstance`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxInstanceSpec {
    /// The Flux release and where its images come from (required).
    pub distribution: Distribution,
    /// The controllers installed; the operator installs source-, kustomize-, helm- and
    /// notification-controller when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// The cluster the controllers run on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// Whether the operator waits for the controllers to be ready (the operator's default:
    /// yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<bool>,
    /// The source the cluster syncs itself from, and the path it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<Sync>,
}

impl FluxInstanceSpec {
    /// `distribution` with every other field unset.
    #[must_use]
    pub fn new(distribution: Distribution) -> Self {
        Self {
            distribution,
            components: Vec::new(),
            cluster: None,
            wait: None,
            sync: None,
        }
    }
}

/// A Flux release and its image registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    /// The release, exact (`2.9.6`) or a semver range the operator resolves (required).
    pub version: String,
    /// The registry of the controller images (required; `ghcr.io/fluxcd` for upstream).
    pub registry: String,
    /// The manifests' OCI artifact (`oci://…`); the operator's own when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}

impl Distribution {
    /// Upstream Flux [`FLUX_VERSION`] from [`UPSTREAM_REGISTRY`].
    #[must_use]
    pub fn upstream() -> Self {
        Self {
            version: FLUX_VERSION.to_owned(),
            registry: UPSTREAM_REGISTRY.to_owned(),
            artifact: None,
        }
    }
}

/// A Flux controller the operator can install (the CRD's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Component {
    /// Fetches sources (Git, OCI, Helm repositories, buckets) into artifacts.
    SourceController,
    /// Applies `Kustomization`s.
    KustomizeController,
    /// Applies `HelmRelease`s.
    HelmController,
    /// Sends and receives events (`Provider`, `Alert`, `Receiver`).
    NotificationController,
    /// Scans image repositories.
    ImageReflectorController,
    /// Writes image updates to Git.
    ImageAutomationController,
    /// Composes artifacts (`ArtifactGenerator`; Flux 2.7+).
    SourceWatcher,
}

/// The cluster Flux runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    /// The cluster's flavour, which sets cloud-specific defaults (the operator's default:
    /// `kubernetes`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ClusterType>,
    /// Whether the operator ships Flux's own `NetworkPolicy` objects for its namespace
    /// (required when `cluster` is set).
    pub network_policy: bool,
    /// The cluster's DNS domain (the operator's default: `cluster.local`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Whether Flux runs in multi-tenant lockdown (the operator's default: no).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multitenant: Option<bool>,
}

/// The cluster flavours the operator knows (the CRD's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ClusterType {
    /// Any conformant cluster.
    Kubernetes,
    /// Red Hat `OpenShift`.
    #[serde(rename = "openshift")]
    OpenShift,
    /// Amazon EKS.
    Aws,
    /// Azure AKS.
    Azure,
    /// Google GKE.
    Gcp,
}

/// The kinds of source a [`Sync`] can create (the CRD's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SyncKind {
    /// A Git repository; [`Sync::reference`] is a Git reference (`refs/heads/main`).
    GitRepository,
    /// An OCI artifact; [`Sync::reference`] is a tag.
    #[serde(rename = "OCIRepository")]
    OciRepository,
    /// An S3-compatible bucket; [`Sync::reference`] is the bucket's name.
    Bucket,
}

/// The source the operator creates for the cluster to sync itself from, and the entry
/// `Kustomization` that applies [`Sync::path`] of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sync {
    /// The name of the source and the `Kustomization` (the operator's default: the
    /// instance's namespace, `flux-system`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How often the source is fetched (the operator's default: `1m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// The source's kind (required).
    pub kind: SyncKind,
    /// The source's URL (required).
    pub url: String,
    /// The Git reference, OCI tag or bucket name (required).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The folder of the source the entry `Kustomization` applies (required).
    pub path: String,
    /// The Secret in the instance's namespace holding the source's credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_secret: Option<String>,
}

impl Sync {
    /// Syncing `path` of the Git repository `url` at the branch `branch`.
    #[must_use]
    pub fn git_branch(url: impl Into<String>, branch: &str, path: impl Into<String>) -> Self {
        let mut reference = String::from("refs/heads/");
        reference.push_str(branch);
        Self {
            name: None,
            interval: None,
            kind: SyncKind::GitRepository,
            url: url.into(),
            reference,
            path: path.into(),
            pull_secret: None,
        }
    }
}
