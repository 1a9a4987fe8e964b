//! [`GitOpsTree`]: the files of a Flux tree, checked as a graph and rendered into a
//! [`bkt_core::Tree`].
//!
//! The checks are listed on [`GitOpsTree`].

use std::collections::{BTreeMap, BTreeSet};

use bkt_core::yaml::ValueRef;
use bkt_core::{FileKind, Tree};

use crate::kinds::SourceKind;
use crate::manifest::ManifestFile;
use crate::{Error, Result};

mod api_group;
mod follow;
mod variables;

use api_group::{group, is_kustomize_file};

use variables::variables;

/// The annotation with which Flux leaves an object's `${…}` alone.
const SUBSTITUTE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// The file name of a folder's kustomization.
const KUSTOMIZATION_FILE: &str = "kustomization.yaml";

/// The files of a Flux tree, the hand-written folders beside them and the sources bootstrap
/// creates, with the cluster-vars keys `${VAR}`s may name.
///
/// The checks run on every render and return the first problem as an [`Error`] naming the
/// object (`kind/namespace/name`), its file and the fix; they never panic:
///
/// - no Flux object is defined twice (same kind, namespace and name) in what one cluster applies:
///   shared folders and one entry folder ([`GitOpsTree::cluster_folder`]);
/// - no `v1` Secret carries `data` or `stringData` (a secret value would be committed);
/// - every `${VAR}` in any string of any document is a key of the cluster-vars contract given to
///   [`GitOpsTree::new`] (`$${` is Flux's escape, not a variable; objects annotated
///   `kustomize.toolkit.fluxcd.io/substitute: disabled` are skipped, as Flux skips them);
/// - every Flux `sourceRef` (Kustomization, `HelmRelease` chart, `chartRef`) and every source a
///   Receiver names resolves to a source generated in the tree or registered with
///   [`GitOpsTree::bootstrap_source`] (the `flux-system` `GitRepository` that bootstrap makes);
/// - every `dependsOn` names a Flux Kustomization (or, for a `HelmRelease`, a `HelmRelease`) of
///   the tree, and the dependencies have no cycle;
/// - every Flux Kustomization `path` (and every chart path) in the repository that holds the tree
///   is a folder of the generated tree or of a folder registered with
///   [`GitOpsTree::hand_written_folder`];
/// - Flux applies only what a Kustomization's path builds, and the checks follow the same way:
///   from each Flux Kustomization's `path` through the `resources` and `components` of the
///   folders' `kustomization.yaml` (a folder without one is applied as every YAML file below
///   it, as kustomize-controller generates it). The cluster entries, the Kustomizations no other
///   one applies, are applied by bootstrap through the folder holding them, followed the same
///   way. Every entry a followed `kustomization.yaml` lists is a file or a folder (with its own
///   `kustomization.yaml`) of the tree or inside a hand-written folder; every file under a
///   followed folder is listed; and a `sourceRef` or `dependsOn` is satisfied only by an object
///   Flux applies. A tree with no Flux Kustomization (one layer, checked alone) is not followed:
///   whoever applies it is outside the tree.
///
/// An object's namespace is its `metadata.namespace`, else the `namespace` of the
/// `kustomization.yaml` generated in its folder; where neither says, references to it match by
/// kind and name alone.
///
/// A Flux Kustomization applying a folder of the tree from the bootstrap repository, and the
/// error when a path names no folder:
///
/// ```
/// use bkt_flux::kinds::{CrossNamespaceSourceReference, Kustomization, KustomizationSpec, SourceKind};
/// use bkt_flux::{Duration, Error, GitOpsTree, Manifest, ManifestFile};
///
/// let apps = |path: &str| {
///     Kustomization::new(
///         "apps",
///         KustomizationSpec {
///             path: Some(path.into()),
///             ..KustomizationSpec::new(
///                 Duration::minutes(10),
///                 CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
///             )
///         },
///     )
///     .in_namespace("flux-system")
/// };
/// let tree = |path: &str| -> bkt_flux::Result<GitOpsTree> {
///     let mut tree = GitOpsTree::new("gitops", &[]);
///     tree.bootstrap_source(SourceKind::GitRepository, "flux-system", "flux-system", true);
///     tree.cluster_folder("clusters/dev");
///     tree.hand_written_folder("apps");
///     tree.insert("clusters/dev/apps.yaml", ManifestFile::single(Manifest::new(&apps(path))?))?;
///     Ok(tree)
/// };
///
/// let files = tree("./gitops/apps")?.to_tree("my-generator")?;
/// let text = String::from_utf8_lossy(files.get("clusters/dev/apps.yaml").unwrap_or_default());
/// assert!(text.contains("  path: ./gitops/apps\n"));
///
/// assert!(matches!(
///     tree("./gitops/app")?.to_tree("my-generator"),
///     Err(Error::MissingPath { path, .. }) if path == "./gitops/app"
/// ));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GitOpsTree {
    dir: String,
    cluster_vars: Vec<String>,
    files: BTreeMap<String, ManifestFile>,
    hand_written: BTreeSet<String>,
    bootstrap: Vec<BootstrapSource>,
    cluster_folders: BTreeSet<String>,
}

/// A source that exists in the cluster without being generated in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BootstrapSource {
    kind: SourceKind,
    namespace: String,
    name: String,
    holds_tree: bool,
}

impl GitOpsTree {
    /// An empty tree that sits at `dir` of its repository (`gitops`: Flux paths read
    /// `./gitops/...`), whose `${VAR}`s may name only `cluster_vars`.
    #[must_use]
    pub fn new(dir: impl Into<String>, cluster_vars: &[&str]) -> Self {
        Self {
            dir: dir.into(),
            cluster_vars: cluster_vars.iter().map(|key| (*key).to_owned()).collect(),
            ..Self::default()
        }
    }

    /// Adds a file at `path`, relative to the tree (`clusters/dev/apps.yaml`).
    ///
    /// # Errors
    /// [`Error::Core`] with a duplicate-path error when the path is taken.
    pub fn insert(&mut self, path: impl Into<String>, file: ManifestFile) -> Result<()> {
        let path = path.into();
        if self.files.contains_key(&path) {
            return Err(bkt_core::Error::DuplicatePath { path }.into());
        }
        self.files.insert(path, file);
        Ok(())
    }

    /// Moves every file, hand-written folder and bootstrap source of `other` into this tree,
    /// its paths under `prefix/`.
    ///
    /// # Errors
    /// As [`GitOpsTree::insert`]; nothing is moved then.
    pub fn extend_under(&mut self, prefix: &str, other: GitOpsTree) -> Result<()> {
        let under = |path: &str| {
            let mut joined = prefix.trim_end_matches('/').to_owned();
            joined.push('/');
            joined.push_str(path);
            joined
        };
        if let Some(path) = other
            .files
            .keys()
            .map(|path| under(path))
            .find(|path| self.files.contains_key(path))
        {
            return Err(bkt_core::Error::DuplicatePath { path }.into());
        }
        for (path, file) in other.files {
            self.files.insert(under(&path), file);
        }
        self.hand_written
            .extend(other.hand_written.iter().map(|folder| under(folder)));
        self.cluster_folders
            .extend(other.cluster_folders.iter().map(|folder| under(folder)));
        for source in other.bootstrap {
            if !self.bootstrap.contains(&source) {
                self.bootstrap.push(source);
            }
        }
        Ok(())
    }

    /// Registers a folder of hand-written files (relative to the tree, `charts/sample-app`) as
    /// a valid target of Flux paths.
    pub fn hand_written_folder(&mut self, folder: impl Into<String>) {
        self.hand_written
            .insert(folder.into().trim_end_matches('/').to_owned());
    }

    /// Registers `folder` (relative to the tree, `clusters/dev`) as one cluster's entry: its
    /// objects exist in that cluster only, so two entries may define the same Flux object (each
    /// cluster's `Kustomization/flux-system/apps`) without a duplicate error. Objects of shared
    /// folders are checked against every entry's.
    pub fn cluster_folder(&mut self, folder: impl Into<String>) {
        self.cluster_folders
            .insert(folder.into().trim_end_matches('/').to_owned());
    }

    /// Registers a source that bootstrap creates rather than the tree (the `GitRepository`
    /// `flux-system/flux-system`). `holds_tree`: it is the repository this tree is committed
    /// to, so paths into it are checked against the tree.
    pub fn bootstrap_source(
        &mut self,
        kind: SourceKind,
        namespace: impl Into<String>,
        name: impl Into<String>,
        holds_tree: bool,
    ) {
        self.bootstrap.push(BootstrapSource {
            kind,
            namespace: namespace.into(),
            name: name.into(),
            holds_tree,
        });
    }

    /// The files, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &ManifestFile)> {
        self.files.iter().map(|(path, file)| (path.as_str(), file))
    }

    /// Checks the graph, then renders every file with the generated-file header naming
    /// `generator`; paths are relative to the tree.
    ///
    /// # Errors
    /// The first failed check (see [`GitOpsTree`]), or [`Error::Core`] when a
    /// document does not serialize.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        self.check()?;
        let mut tree = Tree::new(generator);
        for (path, file) in &self.files {
            tree.insert(path, FileKind::Yaml, &file.render()?)?;
        }
        Ok(tree)
    }

    /// Runs every check listed on [`GitOpsTree`].
    ///
    /// # Errors
    /// The first problem found.
    pub fn check(&self) -> Result<()> {
        let objects = self.objects();
        check_duplicates(&objects, &self.cluster_folders)?;
        for object in &objects {
            check_secret(object)?;
            self.check_variables(object)?;
        }
        let mut graph = Graph::new(self, &objects);
        let kustomizations = graph.kustomization_targets();
        if !kustomizations.is_empty() {
            graph.followed = Some(follow::Followed::new(
                follow::Files {
                    files: &self.files,
                    hand_written: &self.hand_written,
                },
                &kustomizations,
            )?);
        }
        graph.check_references()?;
        graph.check_cycles()
    }

    /// The folder of the tree (`apps/dev`, `""` for the tree itself) that the repository path
    /// `path` (`./gitops/apps/dev`) names, when it names one inside the tree.
    fn tree_folder<'p>(&self, path: &'p str) -> Option<&'p str> {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        if path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return None;
        }
        let folder = path.strip_prefix(self.dir.as_str())?;
        // `./gitopsapps` shares the tree's prefix but is another folder.
        (folder.is_empty() || folder.starts_with('/')).then(|| folder.trim_start_matches('/'))
    }

    /// Every document of the tree with its identity.
    fn objects(&self) -> Vec<Object<'_>> {
        let folder_namespaces: BTreeMap<&str, &str> = self
            .files
            .iter()
            .filter_map(|(path, file)| {
                let folder = path.strip_suffix(KUSTOMIZATION_FILE)?;
                let namespace = file.documents().iter().find_map(|document| {
                    let object = document.object();
                    is_kustomize_file(object)
                        .then(|| object.get("namespace").and_then(ValueRef::as_str))
                        .flatten()
                })?;
                Some((folder, namespace))
            })
            .collect();
        let mut objects = Vec::new();
        for (path, file) in &self.files {
            let folder = path.rfind('/').map_or("", |slash| &path[..=slash]);
            for document in file.documents() {
                let view = document.object();
                let text = |key: &[&str]| view.get_path(key).and_then(ValueRef::as_str);
                let namespace = text(&["metadata", "namespace"])
                    .or_else(|| folder_namespaces.get(folder).copied());
                objects.push(Object {
                    file: path,
                    api_version: text(&["apiVersion"]).unwrap_or_default(),
                    kind: text(&["kind"]).unwrap_or_default(),
                    name: text(&["metadata", "name"]).unwrap_or_default(),
                    namespace,
                    view,
                });
            }
        }
        objects
    }

    fn check_variables(&self, object: &Object<'_>) -> Result<()> {
        let disabled = object
            .view
            .get_path(&["metadata", "annotations", SUBSTITUTE_ANNOTATION])
            .and_then(ValueRef::as_str)
            == Some("disabled");
        if disabled {
            return Ok(());
        }
        for text in object.view.strings() {
            for variable in variables(text) {
                if !self.cluster_vars.iter().any(|key| key == variable) {
                    return Err(Error::UnknownVariable {
                        object: object.id(),
                        file: object.file.to_owned(),
                        variable: variable.to_owned(),
                        text: text.to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Whether the repository path `path` (`./gitops/apps/dev`) is a folder of the tree.
    fn has_folder(&self, path: &str) -> bool {
        let Some(folder) = self.tree_folder(path) else {
            return false;
        };
        if folder.is_empty() {
            return !self.files.is_empty();
        }
        let inside = |base: &str| {
            base.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        };
        self.files.keys().any(|file| inside(file))
            || self.hand_written.iter().any(|written| {
                written == folder
                    || inside(written)
                    || folder
                        .strip_prefix(written.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
    }
}

/// One document of the tree and where it is.
struct Object<'a> {
    file: &'a str,
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    view: ValueRef<'a>,
}

impl Object<'_> {
    /// `kind/namespace/name`, or `kind/name` when the namespace is not known.
    fn id(&self) -> String {
        object_id(self.kind, self.namespace, self.name)
    }

    fn is(&self, api_group: &str, kind: &str) -> bool {
        group(self.api_version) == api_group && self.kind == kind
    }
}

fn object_id(kind: &str, namespace: Option<&str>, name: &str) -> String {
    let mut id = kind.to_owned();
    for part in namespace.into_iter().chain([name]) {
        id.push('/');
        id.push_str(part);
    }
    id
}

const KUSTOMIZE_GROUP: &str = "kustomize.toolkit.fluxcd.io";
const HELM_GROUP: &str = "helm.toolkit.fluxcd.io";
const SOURCE_GROUP: &str = "source.toolkit.fluxcd.io";
const NOTIFICATION_GROUP: &str = "notification.toolkit.fluxcd.io";

// (group, kind, namespace, name) → every (file, cluster) that defines it.
type Definitions<'o> = BTreeMap<(&'o str, &'o str, &'o str, &'o str), Vec<(&'o str, &'o str)>>;

fn check_duplicates(objects: &[Object<'_>], cluster_folders: &BTreeSet<String>) -> Result<()> {
    // The cluster entry a file belongs to ("" for shared folders, which every cluster applies).
    let cluster_of = |file: &str| {
        cluster_folders
            .iter()
            .find(|folder| {
                file.strip_prefix(folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map_or("", String::as_str)
    };
    let mut seen: Definitions<'_> = BTreeMap::new();
    for object in objects {
        // Flux objects with a known namespace: others may be defined in a base and reused.
        let flux = group(object.api_version).ends_with(".toolkit.fluxcd.io");
        let Some(namespace) = object.namespace.filter(|_| flux) else {
            continue;
        };
        let key = (
            group(object.api_version),
            object.kind,
            namespace,
            object.name,
        );
        let cluster = cluster_of(object.file);
        let defined = seen.entry(key).or_default();
        // Shared folders meet every cluster; an entry's folder meets itself and the shared ones.
        if let Some((first, _)) = defined
            .iter()
            .find(|(_, other)| other.is_empty() || cluster.is_empty() || *other == cluster)
        {
            return Err(Error::DuplicateObject {
                object: object.id(),
                first: (*first).to_owned(),
                second: object.file.to_owned(),
            });
        }
        defined.push((object.file, cluster));
    }
    Ok(())
}

fn check_secret(object: &Object<'_>) -> Result<()> {
    if object.api_version != "v1" || object.kind != "Secret" {
        return Ok(());
    }
    match ["data", "stringData"]
        .into_iter()
        .find(|field| object.view.get(field).is_some())
    {
        Some(field) => Err(Error::SecretInGit {
            object: object.id(),
            file: object.file.to_owned(),
            field: field.to_owned(),
        }),
        None => Ok(()),
    }
}

/// A source an object may reference: generated, or registered as bootstrap.
struct Source<'a> {
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    holds_tree: bool,
    /// The file defining it; `None` for a bootstrap source.
    file: Option<&'a str>,
}

/// The sources and the `dependsOn` targets of the tree.
struct Graph<'t, 'a> {
    tree: &'t GitOpsTree,
    objects: &'t [Object<'a>],
    sources: Vec<Source<'t>>,
    /// What Flux applies, once followed; `None` for a tree with no Flux Kustomization.
    followed: Option<follow::Followed>,
}

impl<'t, 'a: 't> Graph<'t, 'a> {
    fn new(tree: &'t GitOpsTree, objects: &'t [Object<'a>]) -> Self {
        let mut sources: Vec<Source<'t>> = objects
            .iter()
            .filter(|object| group(object.api_version) == SOURCE_GROUP)
            .map(|object| Source {
                kind: object.kind,
                namespace: object.namespace,
                name: object.name,
                holds_tree: false,
                file: Some(object.file),
            })
            .collect();
        sources.extend(tree.bootstrap.iter().map(|source| Source {
            kind: source.kind.as_str(),
            namespace: Some(source.namespace.as_str()),
            name: source.name.as_str(),
            holds_tree: source.holds_tree,
            file: None,
        }));
        Self {
            tree,
            objects,
            sources,
            followed: None,
        }
    }

    /// Every Flux Kustomization's file, with the folder of the tree its path names when its
    /// source holds the tree.
    fn kustomization_targets(&self) -> Vec<(&'a str, Option<String>)> {
        self.objects
            .iter()
            .filter(|object| object.is(KUSTOMIZE_GROUP, "Kustomization"))
            .map(|object| {
                let spec = object.view.get("spec");
                let folder = spec
                    .and_then(|spec| spec.get("sourceRef"))
                    .and_then(|reference| self.source(object, "spec.sourceRef", reference).ok())
                    .filter(|source| source.holds_tree)
                    .and(spec.and_then(|spec| spec.get("path")))
                    .and_then(ValueRef::as_str)
                    .and_then(|path| self.tree.tree_folder(path))
                    .map(str::to_owned);
                (object.file, folder)
            })
            .collect()
    }

    /// Whether Flux creates what `file` defines (always, for a bootstrap source or a tree that
    /// is not followed).
    fn applies(&self, file: Option<&str>) -> bool {
        match (&self.followed, file) {
            (Some(followed), Some(file)) => followed.applies(file),
            _ => true,
        }
    }

    /// The source a reference at `field` of `object` names, or the error naming it.
    fn source(
        &self,
        object: &Object<'_>,
        field: &'static str,
        reference: ValueRef<'_>,
    ) -> Result<&Source<'t>> {
        let text = |key: &str| reference.get(key).and_then(ValueRef::as_str);
        let kind = text("kind").unwrap_or_default();
        let name = text("name").unwrap_or_default();
        let namespace = text("namespace").or(object.namespace);
        let mut matching = self.sources.iter().filter(|source| {
            source.kind == kind
                && source.name == name
                && match (namespace, source.namespace) {
                    (Some(wanted), Some(has)) => wanted == has,
                    _ => true,
                }
        });
        let first = matching.next();
        if let Some(source) = first
            .into_iter()
            .chain(matching)
            .find(|source| self.applies(source.file))
        {
            return Ok(source);
        }
        Err(match first.and_then(|source| source.file) {
            Some(defined_in) => Error::NotApplied {
                object: object.id(),
                file: object.file.to_owned(),
                field,
                target: object_id(kind, namespace, name),
                target_file: defined_in.to_owned(),
            },
            None => Error::MissingSource {
                object: object.id(),
                file: object.file.to_owned(),
                field: field.to_owned(),
                source_ref: object_id(kind, namespace, name),
            },
        })
    }

    fn check_path(
        &self,
        object: &Object<'_>,
        source: &Source<'_>,
        field: &str,
        path: Option<&str>,
    ) -> Result<()> {
        match path {
            Some(path) if source.holds_tree && !self.tree.has_folder(path) => {
                Err(Error::MissingPath {
                    object: object.id(),
                    file: object.file.to_owned(),
                    field: field.to_owned(),
                    path: path.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The Flux Kustomizations first: every other object hangs on what they apply.
    fn check_references(&self) -> Result<()> {
        for object in self.objects {
            if object.is(KUSTOMIZE_GROUP, "Kustomization") {
                let spec = object.view.get("spec");
                let at = |path: &[&str]| spec.and_then(|spec| spec.get_path(path));
                if let Some(reference) = at(&["sourceRef"]) {
                    let source = self.source(object, "spec.sourceRef", reference)?;
                    let path = at(&["path"]).and_then(ValueRef::as_str);
                    self.check_path(object, source, "spec.path", path)?;
                }
                self.dependencies(object)?;
            }
        }
        for object in self.objects {
            let spec = object.view.get("spec");
            let at = |path: &[&str]| spec.and_then(|spec| spec.get_path(path));
            if object.is(HELM_GROUP, "HelmRelease") {
                if let Some(reference) = at(&["chart", "spec", "sourceRef"]) {
                    let source = self.source(object, "spec.chart.spec.sourceRef", reference)?;
                    if source.kind == SourceKind::GitRepository.as_str() {
                        let chart = at(&["chart", "spec", "chart"]).and_then(ValueRef::as_str);
                        self.check_path(object, source, "spec.chart.spec.chart", chart)?;
                    }
                }
                if let Some(reference) = at(&["chartRef"]) {
                    self.source(object, "spec.chartRef", reference)?;
                }
                self.dependencies(object)?;
            } else if object.is(NOTIFICATION_GROUP, "Receiver") {
                for resource in at(&["resources"]).map(ValueRef::items).unwrap_or_default() {
                    let api_version = resource.get("apiVersion").and_then(ValueRef::as_str);
                    if api_version.is_some_and(|version| group(version) == SOURCE_GROUP) {
                        self.source(object, "spec.resources", resource)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The objects `object`'s `dependsOn` names (of its own kind), or the error naming the first
    /// missing one.
    fn dependencies(&self, object: &Object<'a>) -> Result<Vec<usize>> {
        let entries = object
            .view
            .get_path(&["spec", "dependsOn"])
            .map(ValueRef::items)
            .unwrap_or_default();
        let mut found = Vec::new();
        for entry in entries {
            let name = entry
                .get("name")
                .and_then(ValueRef::as_str)
                .unwrap_or_default();
            let namespace = entry
                .get("namespace")
                .and_then(ValueRef::as_str)
                .or(object.namespace);
            let matches = |candidate: &Object<'_>| {
                candidate.api_version == object.api_version
                    && candidate.kind == object.kind
                    && candidate.name == name
                    && match (namespace, candidate.namespace) {
                        (Some(wanted), Some(has)) => wanted == has,
                        _ => true,
                    }
            };
            let target = self
                .objects
                .iter()
                .position(|candidate| matches(candidate) && self.applies(Some(candidate.file)));
            if let Some(index) = target {
                found.push(index);
                continue;
            }
            if let Some(unapplied) = self.objects.iter().find(|candidate| matches(candidate)) {
                return Err(Error::NotApplied {
                    object: object.id(),
                    file: object.file.to_owned(),
                    field: "spec.dependsOn",
                    target: unapplied.id(),
                    target_file: unapplied.file.to_owned(),
                });
            }
            return Err(Error::UnknownDependency {
                object: object.id(),
                file: object.file.to_owned(),
                dependency: object_id(object.kind, namespace, name),
            });
        }
        Ok(found)
    }

    /// Depth-first search over `dependsOn`; the first cycle found, in order.
    fn check_cycles(&self) -> Result<()> {
        let edges: Vec<Vec<usize>> = self
            .objects
            .iter()
            .map(|object| self.dependencies(object).unwrap_or_default())
            .collect();
        // 0: not visited, 1: on the current path, 2: done.
        let mut state = vec![0_u8; self.objects.len()];
        for start in 0..self.objects.len() {
            let mut path = Vec::new();
            if let Some(cycle) = visit(start, &edges, &mut state, &mut path) {
                let mut names: Vec<String> = cycle
                    .iter()
                    .filter_map(|index| self.objects.get(*index).map(Object::id))
                    .collect();
                if let Some(first) = names.first().cloned() {
                    names.push(first);
                }
                return Err(Error::DependencyCycle { cycle: names });
            }
        }
        Ok(())
    }
}

/// Visits `node`; returns the nodes of a cycle reached from it, starting where it closes.
fn visit(
    node: usize,
    edges: &[Vec<usize>],
    state: &mut [u8],
    path: &mut Vec<usize>,
) -> Option<Vec<usize>> {
    match state.get(node) {
        Some(2) | None => return None,
        Some(1) => {
            let start = path.iter().position(|on_path| *on_path == node)?;
            return Some(path.get(start..)?.to_vec());
        }
        _ => {}
    }
    if let Some(slot) = state.get_mut(node) {
        *slot = 1;
    }
    path.push(node);
    for next in edges.get(node).into_iter().flatten() {
        if let Some(cycle) = visit(*next, edges, state, path) {
            return Some(cycle);
        }
    }
    path.pop();
    if let Some(slot) = state.get_mut(node) {
        *slot = 2;
    }
    None
}
