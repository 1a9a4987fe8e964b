//! The Flux API kinds the tree uses, as serde types mirroring the CRDs at their newest GA
//! versions: [`Kustomization`] (`kustomize.toolkit.fluxcd.io/v1`), [`GitRepository`],
//! [`OciRepository`], [`HelmRepository`] (`source.toolkit.fluxcd.io/v1`), [`HelmRelease`]
//! (`helm.toolkit.fluxcd.io/v2`), [`Receiver`] (`notification.toolkit.fluxcd.io/v1`), and
//! [`Provider`] and [`Alert`] (`notification.toolkit.fluxcd.io/v1beta3`, the newest version
//! Flux serves for them).
//!
//! Each object is `metadata` (k8s-openapi's `ObjectMeta`) and a typed `spec`; `apiVersion` and
//! `kind` come from the type. Fields the CRD requires are plain fields (set through each spec's
//! `new`); every optional field is an `Option` or a `Vec` and is left out of the YAML when unset
//! or empty. Field order is the order of the hand-written manifests.

pub mod aws_load_balancer;
pub mod cnpg;
pub mod external_secrets;
mod helm;
mod kustomization;
pub mod mariadb;
mod notification;
mod source;

pub use helm::{
    Crds, DriftDetection, DriftDetectionMode, HelmChartTemplate, HelmChartTemplateSpec,
    HelmRelease, HelmReleaseSpec, IgnoreRule, Install, InstallRemediation, ReconcileStrategy,
    RemediationStrategy, Strategy, StrategyName, Test, Upgrade, UpgradeRemediation, Values,
    ValuesReference,
};
pub use kustomization::{Kustomization, KustomizationSpec, PostBuild, SubstituteReference};
pub use notification::{
    Alert, AlertSpec, EventSeverity, Provider, ProviderSpec, Receiver, ReceiverSpec,
};
pub use source::{
    GitRepository, GitRepositoryRef, GitRepositorySpec, HelmRepository, HelmRepositorySpec,
    OciRepository, OciRepositoryRef, OciRepositorySpec,
};

use serde::Serialize;

/// A Flux (or other custom) object type: its `apiVersion` and `kind`.
pub trait Object {
    /// The `apiVersion`, for example `kustomize.toolkit.fluxcd.io/v1`.
    const API_VERSION: &'static str;
    /// The `kind`, for example `Kustomization`.
    const KIND: &'static str;
}

/// Declares a top-level object type: `metadata` + `spec`, serialized with its `apiVersion` and
/// `kind` first.
macro_rules! flux_object {
    ($(#[$doc:meta])* $name:ident($spec:ty) = $api_version:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// Name, namespace, labels and annotations.
            pub metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            /// The desired state.
            pub spec: $spec,
        }

        impl $name {
            /// The object `name` (no namespace: the folder's kustomization sets it, or
            /// [`Self::in_namespace`]) with `spec`.
            #[must_use]
            pub fn new(name: impl Into<String>, spec: $spec) -> Self {
                Self {
                    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                        name: Some(name.into()),
                        ..Default::default()
                    },
                    spec,
                }
            }

            /// The same object in `namespace`.
            #[must_use]
            pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
                self.metadata.namespace = Some(namespace.into());
                self
            }
        }

        impl $crate::kinds::Object for $name {
            const API_VERSION: &'static str = $api_version;
            const KIND: &'static str = $kind;
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut object = serializer.serialize_struct(stringify!($name), 4)?;
                object.serialize_field("apiVersion", $api_version)?;
                object.serialize_field("kind", $kind)?;
                object.serialize_field("metadata", &self.metadata)?;
                object.serialize_field("spec", &self.spec)?;
                object.end()
            }
        }
    };
}
pub(crate) use flux_object;

/// The kinds a Flux `sourceRef`/`chartRef` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum SourceKind {
    /// `source.toolkit.fluxcd.io` `GitRepository`.
    GitRepository,
    /// `source.toolkit.fluxcd.io` `OCIRepository`.
    #[serde(rename = "OCIRepository")]
    OciRepository,
    /// `source.toolkit.fluxcd.io` `HelmRepository` (a `HelmRelease`'s chart source).
    HelmRepository,
    /// `source.toolkit.fluxcd.io` `HelmChart` (a `HelmRelease`'s `chartRef`).
    HelmChart,
    /// `source.toolkit.fluxcd.io` `Bucket`.
    Bucket,
    /// `source.toolkit.fluxcd.io` `ExternalArtifact` (Flux 2.7+).
    ExternalArtifact,
}

impl SourceKind {
    /// The kind as the YAML writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GitRepository => "GitRepository",
            Self::OciRepository => "OCIRepository",
            Self::HelmRepository => "HelmRepository",
            Self::HelmChart => "HelmChart",
            Self::Bucket => "Bucket",
            Self::ExternalArtifact => "ExternalArtifact",
        }
    }
}

/// A reference to a Flux source, possibly in another namespace (`sourceRef`, `chartRef`,
/// `chart.spec.sourceRef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossNamespaceSourceReference {
    /// The source's `apiVersion`; Flux defaults it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The source's kind.
    pub kind: SourceKind,
    /// The source's name.
    pub name: String,
    /// The source's namespace; the referring object's own when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl CrossNamespaceSourceReference {
    /// A reference to the `kind` source `name` in the referring object's namespace.
    #[must_use]
    pub fn new(kind: SourceKind, name: impl Into<String>) -> Self {
        Self {
            api_version: None,
            kind,
            name: name.into(),
            namespace: None,
        }
    }

    /// The same reference into `namespace`.
    #[must_use]
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }
}

/// A reference to an object of a known kind by name, possibly in another namespace
/// (`dependsOn`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct NamespacedObjectReference {
    /// The object's name.
    pub name: String,
    /// Its namespace; the referring object's own when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl NamespacedObjectReference {
    /// A reference to `name` in the referring object's namespace.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            namespace: None,
        }
    }
}

/// A reference to an object of any kind (health checks, Receiver resources, Alert event
/// sources).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectKindReference {
    /// The object's `apiVersion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The object's kind.
    pub kind: String,
    /// The object's name (`*` for every object of the kind where the field allows it).
    pub name: String,
    /// Its namespace; the referring object's own when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// A reference to an object in the same namespace (`secretRef`, `providerRef`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct LocalObjectReference {
    /// The object's name.
    pub name: String,
}

impl LocalObjectReference {
    /// A reference to `name`.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

#[cfg(test)]
mod tests;
