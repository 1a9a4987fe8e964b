//! The Flux API kinds the tree uses, as serde types mirroring the CRDs at their newest GA
//! versions: [`Kustomization`] (`kustomize.toolkit.fluxcd.io/v1`), [`GitRepository`],
//! [`OciRepository`], [`HelmRepository`] (`source.toolkit.fluxcd.io/v1`), [`HelmRelease`]
//! (`helm.toolkit.fluxcd.io/v2`), [`Receiver`] (`notification.toolkit.fluxcd.io/v1`), and
//! [`Provider`] and [`Alert`] (`notification.toolkit.fluxcd.io/v1beta3`, the newest version
//! Flux serves for them). [`flux_instance::FluxInstance`] (`fluxcd.controlplane.io/v1`) is the
//! Flux Operator's: the Flux distribution a cluster runs and the source it syncs itself from.
//!
//! Each object is `metadata` (k8s-openapi's `ObjectMeta`) and a typed `spec`; `apiVersion` and
//! `kind` come from the type. Fields the CRD requires are plain fields (set through each spec's
//! `new`); every optional field is an `Option` or a `Vec` and is left out of the YAML when unset
//! or empty. Field order is the order of the hand-written manifests.
//!
//! Every kind reads back (`Deserialize`: `apiVersion` and `kind` are checked, `status` is
//! ignored) and implements k8s-openapi's `Resource`, `ListableResource` and
//! `Metadata<Ty = ObjectMeta>`, so kube-rs's blanket impl makes it a `kube::Resource` and
//! `kube::Api<HelmRelease>` works.

pub mod aws_load_balancer;
pub mod cnpg;
pub mod external_secrets;
pub mod flux_instance;
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

use serde::{Deserialize, Serialize};

/// The trait every kind here implements for its `apiVersion` and `kind`: k8s-openapi's
/// [`Resource`](k8s_openapi::Resource), under the name this module gave it before the kinds
/// joined k8s-openapi's and kube-rs's traits. With it in scope, `HelmRelease::KIND` and
/// `HelmRelease::API_VERSION` read as before.
pub use k8s_openapi::Resource as Object;

/// Declares a top-level object type: `metadata` + `spec`, serialized with its `apiVersion` and
/// `kind` first, read back from the same form (other fields, such as a cluster's `status`, are
/// ignored), and known to k8s-openapi and kube-rs through `k8s_openapi::Resource`,
/// `ListableResource` and `Metadata<Ty = ObjectMeta>`.
macro_rules! flux_object {
    (
        $(#[$doc:meta])* $name:ident($spec:ty) =
            $group:literal, $version:literal, $kind:literal, $plural:literal, $scope:ident
    ) => {
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

        impl k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = $kind;
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::$scope;
        }

        impl k8s_openapi::ListableResource for $name {
            const LIST_KIND: &'static str = concat!($kind, "List");
        }

        impl k8s_openapi::Metadata for $name {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let mut object = serializer.serialize_struct(stringify!($name), 4)?;
                object.serialize_field(
                    "apiVersion",
                    <Self as k8s_openapi::Resource>::API_VERSION,
                )?;
                object.serialize_field("kind", <Self as k8s_openapi::Resource>::KIND)?;
                object.serialize_field("metadata", &self.metadata)?;
                object.serialize_field("spec", &self.spec)?;
                object.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let object = $crate::kinds::ObjectForm::<$spec>::deserialize(deserializer)?;
                object.check::<Self, D::Error>()?;
                Ok(Self {
                    metadata: object.metadata,
                    spec: object.spec,
                })
            }
        }
    };
}
pub(crate) use flux_object;

/// The kinds a Flux `sourceRef`/`chartRef` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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

/// The serialized form of every kind declared with `flux_object!`, read before its `apiVersion`
/// and `kind` are checked against the type's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ObjectForm<T> {
    api_version: String,
    kind: String,
    #[serde(default)]
    pub(crate) metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    pub(crate) spec: T,
}

impl<T> ObjectForm<T> {
    /// An error naming the expected and found `apiVersion`/`kind` when they are not `R`'s.
    pub(crate) fn check<R: k8s_openapi::Resource, E: serde::de::Error>(&self) -> Result<(), E> {
        if self.api_version == R::API_VERSION && self.kind == R::KIND {
            Ok(())
        } else {
            Err(E::custom(format_args!(
                "apiVersion/kind is {}/{}, expected {}/{}: read this document into the type of its kind",
                self.api_version,
                self.kind,
                R::API_VERSION,
                R::KIND
            )))
        }
    }
}

#[cfg(test)]
mod tests;
