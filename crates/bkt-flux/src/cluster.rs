//! The cluster entry `clusters/<env>/`: the chain of Flux Kustomizations a cluster reconciles
//! (controllers → configs → vault bootstrap and platform → vault secrets → apps, with Vault's
//! OIDC sign-in after the bootstrap and the platform), each with its interval, retry interval,
//! timeout, `prune`, `wait`, source, path, `dependsOn` and the cluster vars substituted from one
//! `ConfigMap`; and the `local` flavour, an overlay that keeps only the apps layer for a cluster
//! without AWS. A platform builds one entry per environment (the reference platform's is
//! `bkt_reference::gitops::cluster::entry`).

use k8s_openapi::Resource;
use serde::Serialize;

use crate::kinds::flux_instance::{FluxInstance, SyncKind};
use crate::kinds::{
    CrossNamespaceSourceReference, HelmRelease, Kustomization, KustomizationSpec,
    NamespacedObjectReference, PostBuild, SourceKind, SubstituteReference, Test,
};
use crate::kustomize::{self, JsonPatchOp, Patch, Selector};
use crate::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

/// One Flux Kustomization of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Its name (a DNS-1123 label), in the entry's namespace.
    pub name: String,
    /// Why it exists and why it sits where it does in the chain: the comment above it.
    pub why: Option<String>,
    /// The layers that must be ready first.
    pub depends_on: Vec<String>,
    /// How often it is applied again.
    pub interval: Duration,
    /// How soon a failed apply is retried.
    pub retry_interval: Duration,
    /// How long an apply with its health checks may take.
    pub timeout: Duration,
    /// The folder applied, in the repository (`./gitops/apps/dev`).
    pub path: String,
}

/// A file of the entry and the layers it holds, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFile {
    /// The file name (`infrastructure.yaml`).
    pub name: String,
    /// Its layers.
    pub layers: Vec<Layer>,
}

/// The `clusters/<environment>/` folder: files of Flux Kustomizations chained with
/// `dependsOn`, listed by a `kustomization.yaml`, and the cluster's own [`FluxInstance`] when
/// Flux manages itself. Every layer prunes, waits for its objects and substitutes the cluster
/// vars.
///
/// Two layers chained with `dependsOn`, a local overlay that keeps only `apps`, and the
/// refusal of a layer name that is not a DNS-1123 label:
///
/// ```
/// use bkt_flux::cluster::{ClusterEntry, EntryFile, Layer, LocalOverlay, LocalRelease, LocalRemoval};
/// use bkt_flux::kinds::{CrossNamespaceSourceReference, SourceKind};
/// use bkt_flux::{Duration, Error, GitOpsTree};
///
/// let layer = |name: &str, depends_on: &[&str]| Layer {
///     name: name.into(),
///     why: None,
///     depends_on: depends_on.iter().map(|&name| name.into()).collect(),
///     interval: Duration::minutes(10),
///     retry_interval: Duration::minutes(2),
///     timeout: Duration::minutes(5),
///     path: format!("./gitops/{name}"),
/// };
/// let mut entry = ClusterEntry {
///     environment: "dev".into(),
///     namespace: "flux-system".into(),
///     source: CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
///     cluster_vars: "cluster-vars".into(),
///     files: vec![EntryFile {
///         name: "layers.yaml".into(),
///         layers: vec![layer("infrastructure", &[]), layer("apps", &["infrastructure"])],
///     }],
///     instance: None,
///     local: Some(LocalOverlay {
///         name: "local".into(),
///         why: "A cluster without AWS runs the apps layer alone.".into(),
///         kept: "apps".into(),
///         releases: vec![LocalRelease {
///             name: "podinfo".into(),
///             test: true,
///             disabled: vec!["ingress".into()],
///             set: Vec::new(),
///         }],
///         removed: vec![LocalRemoval {
///             api_version: "v1".into(),
///             kind: "ServiceAccount".into(),
///             name: "podinfo-irsa".into(),
///             namespace: Some("apps".into()),
///         }],
///     }),
/// };
///
/// let mut tree = GitOpsTree::new("gitops", &[]);
/// tree.bootstrap_source(SourceKind::GitRepository, "flux-system", "flux-system", true);
/// tree.hand_written_folder("infrastructure");
/// tree.hand_written_folder("apps");
/// entry.add_to(&mut tree)?;
/// let files = tree.to_tree("my-generator")?;
/// let layers = String::from_utf8_lossy(files.get("clusters/dev/layers.yaml").unwrap_or_default());
/// assert!(layers.contains(concat!(
///     "  name: apps\n  namespace: flux-system\nspec:\n",
///     "  dependsOn:\n    - name: infrastructure\n",
///     "  interval: 10m\n  retryInterval: 2m\n  timeout: 5m\n  prune: true\n  wait: true\n",
/// )));
/// assert!(layers.contains("    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n"));
/// let local = String::from_utf8_lossy(files.get("clusters/local/kustomization.yaml").unwrap_or_default());
/// assert!(local.contains("# A cluster without AWS runs the apps layer alone.\n"));
/// assert!(local.contains("resources:\n  - ../dev\n"));
/// // The other layer is deleted from the build, and so is the object a local cluster lacks.
/// assert!(local.contains("        name: infrastructure\n        namespace: flux-system\n      $patch: delete\n"));
/// assert!(local.contains("                name: podinfo-irsa\n                namespace: apps\n              $patch: delete\n"));
/// // The kept release runs its Helm test, with the feature switched off.
/// assert!(local.contains("                test:\n                  enable: true\n                values:\n                  ingress:\n                    enabled: false\n"));
///
/// entry.files[0].layers[1].name = "Apps".into();
/// assert!(matches!(
///     entry.validate(),
///     Err(Error::Invalid(invalid)) if invalid.value == "Apps"
/// ));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterEntry {
    /// The environment, the folder's name (`dev`).
    pub environment: String,
    /// The namespace of the Flux Kustomizations (`flux-system`).
    pub namespace: String,
    /// The source every layer applies from (the bootstrap `GitRepository`).
    pub source: CrossNamespaceSourceReference,
    /// The `ConfigMap` of cluster vars (`cluster-vars`, written from Terraform's output).
    pub cluster_vars: String,
    /// The files, in the order the `kustomization.yaml` lists them.
    pub files: Vec<EntryFile>,
    /// The cluster's Flux installation, written to [`INSTANCE_FILE`] and listed first: the
    /// entry `Kustomization` its sync creates then applies it too, so a change to it (a new
    /// Flux version) reaches the cluster as a merge. Its sync must apply this entry.
    pub instance: Option<FluxInstance>,
    /// The overlay for a cluster without AWS, written to `clusters/<name>/`.
    pub local: Option<LocalOverlay>,
}

/// An overlay of the entry (`clusters/local/`) that deletes every layer but one, drops that
/// layer's `dependsOn` and patches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalOverlay {
    /// The overlay's folder name (`local`).
    pub name: String,
    /// Why it exists and what it leaves out: the comment at the top of its kustomization.
    pub why: String,
    /// The one layer kept (`apps`).
    pub kept: String,
    /// `HelmRelease`s of the kept layer, changed for a cluster without AWS.
    pub releases: Vec<LocalRelease>,
    /// Objects of the kept layer a cluster without AWS leaves out (their kinds or the services
    /// they reach are not there), each deleted by a `$patch: delete` patch.
    pub removed: Vec<LocalRemoval>,
}

/// An object of the kept layer the local cluster does not get.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LocalRemoval {
    /// Its `apiVersion`.
    pub api_version: String,
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace, for a namespaced object.
    pub namespace: Option<String>,
}

/// A `HelmRelease` of the kept layer as the local cluster runs it: its Helm test switched on,
/// chart features switched off, and values set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalRelease {
    /// The `HelmRelease`'s name.
    pub name: String,
    /// Whether helm-controller runs the chart's Helm test (and reports `TestSuccess`).
    pub test: bool,
    /// Chart features switched off (`<feature>.enabled: false`), in order.
    pub disabled: Vec<String>,
    /// Values set to a text, as dotted paths (`database.type`) and values, in order.
    pub set: Vec<(String, String)>,
}

/// The file of the entry's [`ClusterEntry::instance`].
pub const INSTANCE_FILE: &str = "flux-instance.yaml";

impl ClusterEntry {
    /// Every layer, in file order.
    pub fn layers(&self) -> impl Iterator<Item = &Layer> {
        self.files.iter().flat_map(|file| file.layers.iter())
    }

    /// The Flux Kustomization of `layer`.
    #[must_use]
    pub fn kustomization(&self, layer: &Layer) -> Kustomization {
        Kustomization::new(
            layer.name.clone(),
            KustomizationSpec {
                depends_on: layer
                    .depends_on
                    .iter()
                    .map(NamespacedObjectReference::new)
                    .collect(),
                retry_interval: Some(layer.retry_interval.clone()),
                timeout: Some(layer.timeout.clone()),
                wait: Some(true),
                path: Some(layer.path.clone()),
                post_build: Some(PostBuild {
                    substitute_from: vec![SubstituteReference::config_map(&self.cluster_vars)],
                    ..PostBuild::default()
                }),
                ..KustomizationSpec::new(layer.interval.clone(), self.source.clone())
            },
        )
        .in_namespace(self.namespace.clone())
    }

    /// Checks the entry's own rules: names are DNS-1123 labels, file names end in `.yaml`,
    /// layers are unique, and the overlay keeps a layer of the entry.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field and the fix.
    pub fn validate(&self) -> Result<()> {
        check_label("cluster.environment", &self.environment)?;
        check_label("cluster.namespace", &self.namespace)?;
        let mut names = Vec::new();
        for file in &self.files {
            let stem = file.name.strip_suffix(".yaml").unwrap_or_default();
            if stem.is_empty()
                || stem.contains('/')
                || file.name == "kustomization.yaml"
                || file.name == INSTANCE_FILE
            {
                return Err(Error::invalid(
                    "cluster.files.name",
                    &file.name,
                    "name each file <something>.yaml, in the entry's folder, other than kustomization.yaml and flux-instance.yaml",
                ));
            }
            for layer in &file.layers {
                check_label("cluster.layers.name", &layer.name)?;
                if names.contains(&layer.name.as_str()) {
                    return Err(Error::invalid(
                        "cluster.layers.name",
                        &layer.name,
                        "each layer needs its own name",
                    ));
                }
                names.push(&layer.name);
            }
        }
        if let Some(instance) = &self.instance {
            self.validate_instance(instance)?;
        }
        if let Some(local) = &self.local {
            check_label("cluster.local.name", &local.name)?;
            if local.name == self.environment {
                return Err(Error::invalid(
                    "cluster.local.name",
                    &local.name,
                    "the overlay needs a folder of its own; choose a name other than the environment's",
                ));
            }
            if !names.contains(&local.kept.as_str()) {
                return Err(Error::invalid(
                    "cluster.local.kept",
                    &local.kept,
                    "name a layer of the entry",
                ));
            }
        }
        Ok(())
    }

    /// The instance's rules: the name the operator accepts, the entry's namespace, and a sync
    /// that creates the entry's source and applies this entry's folder.
    fn validate_instance(&self, instance: &FluxInstance) -> Result<()> {
        let name = instance.metadata.name.as_deref().unwrap_or_default();
        if name != FluxInstance::NAME {
            return Err(Error::invalid(
                "cluster.instance.metadata.name",
                name,
                "name the FluxInstance flux: the operator accepts no other name",
            ));
        }
        let namespace = instance.metadata.namespace.as_deref().unwrap_or_default();
        if namespace != self.namespace {
            return Err(Error::invalid(
                "cluster.instance.metadata.namespace",
                namespace,
                "put the FluxInstance in the entry's namespace, where its sync creates the entry's source",
            ));
        }
        let Some(sync) = &instance.spec.sync else {
            return Err(Error::invalid(
                "cluster.instance.spec.sync",
                "unset",
                "set the sync that creates the entry's source and applies clusters/<environment>",
            ));
        };
        let sync_name = sync.name.as_deref().unwrap_or(&self.namespace);
        let kind = match sync.kind {
            SyncKind::GitRepository => SourceKind::GitRepository,
            SyncKind::OciRepository => SourceKind::OciRepository,
            SyncKind::Bucket => SourceKind::Bucket,
        };
        if sync_name != self.source.name || kind != self.source.kind {
            return Err(Error::invalid(
                "cluster.instance.spec.sync",
                format_args!("{} {sync_name}", kind.as_str()),
                format!(
                    "the sync creates the source every layer applies from, {} {}: give it that kind and name",
                    self.source.kind.as_str(),
                    self.source.name
                ),
            ));
        }
        let path = sync.path.trim_start_matches("./").trim_end_matches('/');
        let mut entry = String::from("clusters/");
        entry.push_str(&self.environment);
        if path != entry && !path.ends_with(&format!("/{entry}")) {
            return Err(Error::invalid(
                "cluster.instance.spec.sync.path",
                &sync.path,
                format!("the sync applies this entry: a path ending in {entry}"),
            ));
        }
        Ok(())
    }

    /// Adds `clusters/<environment>/` (and the overlay's folder) to `tree`.
    ///
    /// # Errors
    /// [`Error::Invalid`] from [`ClusterEntry::validate`]; [`Error::Core`] when a path is taken
    /// or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        self.validate()?;
        let mut entry = String::from("clusters/");
        entry.push_str(&self.environment);
        tree.cluster_folder(entry);
        let folder = |name: &str, file: &str| {
            let mut path = String::from("clusters/");
            path.push_str(name);
            path.push('/');
            path.push_str(file);
            path
        };
        for file in &self.files {
            let documents = file
                .layers
                .iter()
                .map(|layer| {
                    let manifest = Manifest::new(&self.kustomization(layer))?;
                    Ok(match &layer.why {
                        Some(why) => manifest.why(why.clone()),
                        None => manifest,
                    })
                })
                .collect::<Result<ManifestFile>>()?;
            tree.insert(folder(&self.environment, &file.name), documents)?;
        }
        if let Some(instance) = &self.instance {
            tree.insert(
                folder(&self.environment, INSTANCE_FILE),
                ManifestFile::single(Manifest::new(instance)?),
            )?;
        }
        let listing = kustomize::Kustomization::of(
            self.instance
                .iter()
                .map(|_| INSTANCE_FILE.to_owned())
                .chain(self.files.iter().map(|file| file.name.clone())),
        );
        tree.insert(
            folder(&self.environment, "kustomization.yaml"),
            ManifestFile::single(Manifest::new(&listing)?),
        )?;
        if let Some(local) = &self.local {
            tree.insert(
                folder(&local.name, "kustomization.yaml"),
                ManifestFile::single(self.overlay(local)?),
            )?;
        }
        Ok(())
    }

    /// The overlay's `kustomization.yaml`.
    fn overlay(&self, local: &LocalOverlay) -> Result<Manifest> {
        let mut base = String::from("../");
        base.push_str(&self.environment);
        let mut patches = Vec::new();
        // A cluster without the Flux Operator (kind, `flux install`) has no FluxInstance CRD.
        if self.instance.is_some() {
            patches.push(Patch::delete(
                <FluxInstance as Resource>::API_VERSION,
                <FluxInstance as Resource>::KIND,
                FluxInstance::NAME,
                Some(&self.namespace),
            )?);
        }
        for layer in self.layers().filter(|layer| layer.name != local.kept) {
            patches.push(Patch::delete(
                <Kustomization as Resource>::API_VERSION,
                <Kustomization as Resource>::KIND,
                &layer.name,
                Some(&self.namespace),
            )?);
        }
        patches.push(Patch::json6902(
            Selector::kind_name(<Kustomization as Resource>::KIND, &local.kept),
            &[
                JsonPatchOp::remove("/spec/dependsOn"),
                JsonPatchOp::add(
                    "/spec/patches",
                    &local
                        .releases
                        .iter()
                        .map(LocalRelease::patch)
                        .chain(local.removed.iter().map(|object| {
                            Patch::delete(
                                &object.api_version,
                                &object.kind,
                                &object.name,
                                object.namespace.as_deref(),
                            )
                        }))
                        .collect::<Result<Vec<_>>>()?,
                )?,
            ],
        )?);
        Ok(Manifest::new(&kustomize::Kustomization {
            patches,
            ..kustomize::Kustomization::of([base])
        })?
        .why(local.why.clone()))
    }
}

/// Whether `value` is a DNS-1123 label (what Kubernetes names and folder names here are).
fn check_label(field: &str, value: &str) -> Result<()> {
    let valid = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            value,
            "use a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        ))
    }
}

/// A local release patch's body: `apiVersion`, `kind`, `metadata.name`, then the spec.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReleasePatch<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: PatchMetadata<'a>,
    spec: ReleasePatchSpec,
}

#[derive(Serialize)]
struct PatchMetadata<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct ReleasePatchSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<Test>,
    #[serde(skip_serializing_if = "Setting::is_empty")]
    values: Setting,
}

/// An ordered tree of value settings.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Setting {
    Bool(bool),
    Text(String),
    Map(Vec<(String, Setting)>),
}

impl Setting {
    fn is_empty(&self) -> bool {
        matches!(self, Setting::Map(entries) if entries.is_empty())
    }

    /// Sets `path` (keys from the root) to `value`, keeping the order keys were first set in.
    fn set(&mut self, path: &[&str], value: Setting) {
        let Some((first, rest)) = path.split_first() else {
            *self = value;
            return;
        };
        if !matches!(self, Setting::Map(_)) {
            *self = Setting::Map(Vec::new());
        }
        if let Setting::Map(entries) = self {
            let index = if let Some(index) = entries.iter().position(|(key, _)| key == first) {
                index
            } else {
                entries.push(((*first).to_owned(), Setting::Map(Vec::new())));
                entries.len() - 1
            };
            if let Some((_, child)) = entries.get_mut(index) {
                child.set(rest, value);
            }
        }
    }
}

impl Serialize for Setting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Setting::Bool(value) => serializer.serialize_bool(*value),
            Setting::Text(value) => serializer.serialize_str(value),
            Setting::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl LocalRelease {
    /// The strategic-merge patch of the release.
    fn patch(&self) -> Result<Patch> {
        let mut values = Setting::Map(Vec::new());
        for feature in &self.disabled {
            values.set(&[feature.as_str(), "enabled"], Setting::Bool(false));
        }
        for (path, value) in &self.set {
            let keys: Vec<&str> = path.split('.').collect();
            values.set(&keys, Setting::Text(value.clone()));
        }
        let body = ReleasePatch {
            api_version: <HelmRelease as Resource>::API_VERSION,
            kind: <HelmRelease as Resource>::KIND,
            metadata: PatchMetadata { name: &self.name },
            spec: ReleasePatchSpec {
                test: self.test.then(|| Test {
                    enable: Some(true),
                    ..Test::default()
                }),
                values,
            },
        };
        Ok(
            Patch::strategic_merge(&body)?.with_target(Selector::kind_name(
                <HelmRelease as Resource>::KIND,
                &self.name,
            )),
        )
    }
}
