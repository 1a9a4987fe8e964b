//! The one error type of `bkt-flux`: every message names the object (`kind/namespace/name`) or
//! the field, the bad value, and the fix.

/// What went wrong while building or checking a GitOps tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation: `field` is the path of the bad value.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// A `sourceRef` (or `chartRef`, or a Receiver resource) names no source in the tree.
    #[error(
        "{object} in {file}: {field} names {source_ref}, which is neither generated in the tree nor registered as a bootstrap source; add that source to the tree, fix the reference, or register it with GitOpsTree::bootstrap_source"
    )]
    MissingSource {
        /// The referring object, `kind/namespace/name`.
        object: String,
        /// The file holding it, relative to the tree.
        file: String,
        /// The referring field (`spec.sourceRef`).
        field: String,
        /// The missing source, `kind/namespace/name`.
        source_ref: String,
    },
    /// A `dependsOn` entry names no object of the same kind in the tree.
    #[error(
        "{object} in {file}: dependsOn names {dependency}, which is not in the tree; add it or remove the dependency"
    )]
    UnknownDependency {
        /// The depending object, `kind/namespace/name`.
        object: String,
        /// The file holding it.
        file: String,
        /// The missing dependency, `kind/namespace/name`.
        dependency: String,
    },
    /// The `dependsOn` graph has a cycle; Flux would wait forever.
    #[error("dependsOn cycle: {}; remove one of these dependencies", cycle.join(" -> "))]
    DependencyCycle {
        /// The objects of the cycle in order, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A Flux Kustomization's `path` (or a chart path in the repository) is no folder of the tree.
    #[error(
        "{object} in {file}: {field} is {path:?}, which is no folder of the generated tree or of a registered hand-written folder; generate that folder, fix the path, or register it with GitOpsTree::hand_written_folder"
    )]
    MissingPath {
        /// The object, `kind/namespace/name`.
        object: String,
        /// The file holding it.
        file: String,
        /// The field (`spec.path`).
        field: String,
        /// The path as written.
        path: String,
    },
    /// A file under a folder Flux applies is listed by no `kustomization.yaml`, so Flux never
    /// applies it.
    #[error(
        "{file}: no kustomization.yaml lists it, so Flux never applies it; add it to the resources of {kustomization}, or remove it"
    )]
    UnlistedFile {
        /// The unlisted file, or the folder (with its own `kustomization.yaml`) that holds it.
        file: String,
        /// The `kustomization.yaml` that should list it: the nearest one Flux builds.
        kustomization: String,
    },
    /// A `kustomization.yaml` lists a file or folder that is not in the tree.
    #[error(
        "{kustomization}: {field} is {entry:?}, which is neither a file nor a folder of the generated tree nor inside a registered hand-written folder; generate it, fix the entry, or register the folder with GitOpsTree::hand_written_folder"
    )]
    MissingResource {
        /// The listing `kustomization.yaml`.
        kustomization: String,
        /// The list and index (`resources[2]`, `components[0]`).
        field: String,
        /// The entry as written.
        entry: String,
    },
    /// A `kustomization.yaml` lists a folder that has no `kustomization.yaml`: kustomize cannot
    /// build it.
    #[error(
        "{kustomization}: {field} is {entry:?}, a folder without kustomization.yaml, which kustomize cannot build; give the folder a kustomization.yaml or list its files"
    )]
    FolderWithoutKustomization {
        /// The listing `kustomization.yaml`.
        kustomization: String,
        /// The list and index (`resources[2]`).
        field: String,
        /// The entry as written.
        entry: String,
    },
    /// A reference (`sourceRef`, `dependsOn`) names an object that is defined only in a file
    /// Flux never applies.
    #[error(
        "{object} in {file}: {field} names {target}, defined in {target_file}, which no Flux Kustomization applies (no kustomization.yaml followed from a cluster entry lists it); list {target_file} in the kustomization.yaml of a folder a Kustomization's path builds"
    )]
    NotApplied {
        /// The referring object, `kind/namespace/name`.
        object: String,
        /// The file holding it.
        file: String,
        /// The referring field (`spec.sourceRef`, `spec.dependsOn`); one of the fields the
        /// checks read, so the error stays small.
        field: &'static str,
        /// The named object, `kind/namespace/name`.
        target: String,
        /// The file defining it.
        target_file: String,
    },
    /// A `${VAR}` reference names no key of the cluster-vars contract.
    #[error(
        "{object} in {file}: {variable:?} in {text:?} is not a cluster var; use a key of the cluster-vars contract (ClusterVars::KEYS), or double the dollar sign for literal text (Flux's escape)"
    )]
    UnknownVariable {
        /// The object, `kind/namespace/name`.
        object: String,
        /// The file holding it.
        file: String,
        /// The variable as written, without `${` and `}`.
        variable: String,
        /// The string that holds it.
        text: String,
    },
    /// A Secret carrying `data` or `stringData` would put a secret value into Git.
    #[error(
        "{object} in {file}: a Secret with {field} would be committed to Git; deliver it through External Secrets, Vault or a generator in the cluster instead"
    )]
    SecretInGit {
        /// The Secret, `v1/Secret/namespace/name` style id.
        object: String,
        /// The file holding it.
        file: String,
        /// `data` or `stringData`.
        field: String,
    },
    /// Two objects of the tree have the same kind, namespace and name.
    #[error("{object}: defined in {first} and again in {second}; each object must be defined once")]
    DuplicateObject {
        /// The object, `kind/namespace/name`.
        object: String,
        /// The first file.
        first: String,
        /// The second file.
        second: String,
    },
    /// The SSO declaration, or an object wired to it, was rejected by `bkt-sso` (feature `sso`).
    #[cfg(feature = "sso")]
    #[error("{object}")]
    Sso {
        /// The object being built (`HelmRelease/grafana/grafana`), or `SSO declaration`.
        object: String,
        /// What `bkt-sso` found, naming the application or group and the fix.
        source: bkt_sso::Error,
    },
    /// A chart's values were rejected by `bkt-helm` (feature `helm`).
    #[cfg(feature = "helm")]
    #[error("{object}")]
    Helm {
        /// The release whose values were built (`HelmRelease/opensearch/opensearch`).
        object: String,
        /// What `bkt-helm` found.
        source: bkt_helm::Error,
    },
    /// Writing YAML or assembling the file tree failed.
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A declaration that fails to build (an undeclared group, a duplicate name) fails the layer
/// that was given it.
#[cfg(feature = "sso")]
impl From<bkt_sso::Error> for Error {
    fn from(source: bkt_sso::Error) -> Self {
        Self::Sso {
            object: "SSO declaration".to_owned(),
            source,
        }
    }
}

impl Error {
    /// An [`Error::Invalid`] for `field` holding `value`, with the reason and the fix.
    #[must_use]
    pub fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid(bkt_core::Invalid::new(field, value, reason))
    }
}
