//! The Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`): a path of a source, built with
//! kustomize, substituted, applied and pruned.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    CrossNamespaceSourceReference, NamespacedObjectReference, ObjectKindReference, flux_object,
};
use crate::Duration;
use crate::kustomize::Patch;

flux_object! {
    /// A Flux Kustomization: applies `spec.path` of `spec.sourceRef` every `spec.interval`.
    ///
    /// ```
    /// use bkt_flux::kinds::{
    ///     CrossNamespaceSourceReference, Kustomization, KustomizationSpec,
    ///     NamespacedObjectReference, PostBuild, SourceKind, SubstituteReference,
    /// };
    /// use bkt_flux::{Duration, Manifest};
    ///
    /// let apps = Kustomization::new(
    ///     "apps",
    ///     KustomizationSpec {
    ///         depends_on: vec![NamespacedObjectReference::new("infrastructure")],
    ///         path: Some("./gitops/apps".into()),
    ///         wait: Some(true),
    ///         post_build: Some(PostBuild {
    ///             substitute_from: vec![SubstituteReference::config_map("cluster-vars")],
    ///             ..PostBuild::default()
    ///         }),
    ///         ..KustomizationSpec::new(
    ///             Duration::minutes(10),
    ///             CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
    ///         )
    ///     },
    /// );
    /// assert!(Manifest::new(&apps)?.render()?.ends_with(concat!(
    ///     "spec:\n",
    ///     "  dependsOn:\n    - name: infrastructure\n",
    ///     "  interval: 10m\n",
    ///     "  prune: true\n",
    ///     "  wait: true\n",
    ///     "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    ///     "  path: ./gitops/apps\n",
    ///     "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    Kustomization(KustomizationSpec) = "kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "kustomizations", NamespaceResourceScope
}

/// The desired state of a Flux [`Kustomization`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KustomizationSpec {
    /// Kustomizations that must be ready before this one is applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<NamespacedObjectReference>,
    /// How often the source is built and applied again (required).
    pub interval: Duration,
    /// How soon a failed apply is retried; `interval` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<Duration>,
    /// How long an apply, health check or prune may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Whether objects removed from the source are deleted from the cluster (required).
    pub prune: bool,
    /// Whether every applied object must become ready before this Kustomization is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<bool>,
    /// The source holding the manifests (required).
    pub source_ref: CrossNamespaceSourceReference,
    /// The folder in the source, for example `./gitops/apps/dev`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The namespace every object is moved into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_namespace: Option<String>,
    /// Objects whose readiness decides this Kustomization's (when `wait` is unset).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_checks: Vec<ObjectKindReference>,
    /// Patches applied after the build.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Patch>,
    /// Variable substitution after the build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_build: Option<PostBuild>,
    /// The service account the apply impersonates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Whether reconciliation is paused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// Whether immutable fields are changed by recreating the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

impl KustomizationSpec {
    /// A Kustomization of `source_ref` reconciled every `interval`, with `prune: true`.
    #[must_use]
    pub fn new(interval: Duration, source_ref: CrossNamespaceSourceReference) -> Self {
        Self {
            depends_on: Vec::new(),
            interval,
            retry_interval: None,
            timeout: None,
            prune: true,
            wait: None,
            source_ref,
            path: None,
            target_namespace: None,
            health_checks: Vec::new(),
            patches: Vec::new(),
            post_build: None,
            service_account_name: None,
            suspend: None,
            force: None,
        }
    }
}

/// Flux's post-build variable substitution.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostBuild {
    /// Variables given inline.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub substitute: BTreeMap<String, String>,
    /// `ConfigMap`s and Secrets whose keys become variables, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substitute_from: Vec<SubstituteReference>,
}

/// A `ConfigMap` or Secret of variables.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubstituteReference {
    /// `ConfigMap` or `Secret`.
    pub kind: String,
    /// Its name, in the Kustomization's namespace.
    pub name: String,
    /// Whether a missing object is tolerated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

impl SubstituteReference {
    /// The `ConfigMap` `name`.
    #[must_use]
    pub fn config_map(name: impl Into<String>) -> Self {
        Self {
            kind: "ConfigMap".to_owned(),
            name: name.into(),
            optional: None,
        }
    }
}
