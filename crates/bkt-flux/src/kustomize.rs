//! kustomize's own files: [`Kustomization`] (`kustomize.config.k8s.io/v1beta1`, a folder's
//! `kustomization.yaml`), [`Component`] (`v1alpha1`), and the [`Patch`] and [`Selector`] types
//! both they and the Flux Kustomization use.
//!
//! A patch's body is YAML text inside YAML. It is made only from typed values:
//! [`Patch::strategic_merge`] serializes any object, [`Patch::delete`] writes kustomize's
//! `$patch: delete` for one object, [`Patch::json6902`] serializes [`JsonPatchOp`]s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Result;

/// A folder's `kustomization.yaml`.
///
/// ```
/// use std::collections::BTreeMap;
///
/// use bkt_flux::Manifest;
/// use bkt_flux::kustomize::{ConfigMapGenerator, GeneratorOptions, Kustomization, Label};
///
/// let folder = Kustomization {
///     namespace: Some("monitoring".into()),
///     components: vec!["../../components/namespace-baseline".into()],
///     config_map_generator: vec![ConfigMapGenerator {
///         name: "dashboards".into(),
///         files: vec!["flux.json".into()],
///         options: Some(GeneratorOptions {
///             labels: BTreeMap::from([("grafana_dashboard".into(), "1".into())]),
///             disable_name_suffix_hash: Some(true),
///             ..GeneratorOptions::default()
///         }),
///         ..ConfigMapGenerator::default()
///     }],
///     labels: vec![Label {
///         pairs: BTreeMap::from([("app.kubernetes.io/part-of".into(), "monitoring".into())]),
///         ..Label::default()
///     }],
///     ..Kustomization::of(["namespace.yaml", "release.yaml"])
/// };
/// assert_eq!(
///     Manifest::new(&folder)?.render()?,
///     concat!(
///         "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
///         "namespace: monitoring\n",
///         "resources:\n  - namespace.yaml\n  - release.yaml\n",
///         "components:\n  - ../../components/namespace-baseline\n",
///         "configMapGenerator:\n  - name: dashboards\n    files:\n      - flux.json\n",
///         "    options:\n      labels:\n        grafana_dashboard: \"1\"\n      disableNameSuffixHash: true\n",
///         "labels:\n  - pairs:\n      app.kubernetes.io/part-of: monitoring\n",
///     )
/// );
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Kustomization {
    /// The namespace set on every object of the folder.
    pub namespace: Option<String>,
    /// Files and folders included, in order.
    pub resources: Vec<String>,
    /// kustomize components applied after the resources.
    pub components: Vec<String>,
    /// Patches applied to the result.
    pub patches: Vec<Patch>,
    /// `ConfigMap`s generated from files or literals.
    pub config_map_generator: Vec<ConfigMapGenerator>,
    /// Labels added to every object.
    pub labels: Vec<Label>,
}

/// The serialized form of [`Kustomization`] and [`Component`]: `apiVersion` and `kind` first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KustomizeFile<'a> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    resources: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    components: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    patches: &'a [Patch],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    config_map_generator: &'a [ConfigMapGenerator],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    labels: &'a [Label],
}

/// The read form of [`Kustomization`] and [`Component`]: `apiVersion` and `kind` are checked
/// against the type's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KustomizeFileForm {
    api_version: String,
    kind: String,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    resources: Vec<String>,
    #[serde(default)]
    components: Vec<String>,
    #[serde(default)]
    patches: Vec<Patch>,
    #[serde(default)]
    config_map_generator: Vec<ConfigMapGenerator>,
    #[serde(default)]
    labels: Vec<Label>,
}

impl KustomizeFileForm {
    fn check<E: serde::de::Error>(&self, api_version: &str, kind: &str) -> Result<(), E> {
        if self.api_version == api_version && self.kind == kind {
            Ok(())
        } else {
            Err(E::custom(format_args!(
                "apiVersion/kind is {}/{}, expected {api_version}/{kind}: read this document into the type of its kind",
                self.api_version, self.kind
            )))
        }
    }
}

impl Kustomization {
    /// The `apiVersion` of a kustomization file.
    pub const API_VERSION: &'static str = "kustomize.config.k8s.io/v1beta1";
    /// Its `kind`.
    pub const KIND: &'static str = "Kustomization";

    /// A kustomization of `resources`.
    #[must_use]
    pub fn of<I, S>(resources: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            resources: resources.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }
}

impl Serialize for Kustomization {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        KustomizeFile {
            api_version: Self::API_VERSION,
            kind: Self::KIND,
            namespace: self.namespace.as_ref(),
            resources: &self.resources,
            components: &self.components,
            patches: &self.patches,
            config_map_generator: &self.config_map_generator,
            labels: &self.labels,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Kustomization {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = KustomizeFileForm::deserialize(deserializer)?;
        form.check(Self::API_VERSION, Self::KIND)?;
        Ok(Self {
            namespace: form.namespace,
            resources: form.resources,
            components: form.components,
            patches: form.patches,
            config_map_generator: form.config_map_generator,
            labels: form.labels,
        })
    }
}

/// A kustomize component (`kustomize.config.k8s.io/v1alpha1`): resources and patches a
/// kustomization opts into through `components`.
///
/// ```
/// use bkt_flux::Manifest;
/// use bkt_flux::kustomize::Component;
///
/// let component = Component {
///     resources: vec!["default-deny.yaml".into(), "allow-dns.yaml".into()],
///     ..Component::default()
/// };
/// assert_eq!(
///     Manifest::new(&component)?.render()?,
///     "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - default-deny.yaml\n  - allow-dns.yaml\n"
/// );
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Component {
    /// Files included, in order.
    pub resources: Vec<String>,
    /// Patches applied to the including kustomization's objects.
    pub patches: Vec<Patch>,
}

impl Component {
    /// The `apiVersion` of a component file.
    pub const API_VERSION: &'static str = "kustomize.config.k8s.io/v1alpha1";
    /// Its `kind`.
    pub const KIND: &'static str = "Component";
}

impl Serialize for Component {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        KustomizeFile {
            api_version: Self::API_VERSION,
            kind: Self::KIND,
            namespace: None,
            resources: &self.resources,
            components: &[],
            patches: &self.patches,
            config_map_generator: &[],
            labels: &[],
        }
        .serialize(serializer)
    }
}

/// A component file with keys a [`Component`] does not hold (`namespace`, `components`,
/// generators, labels) is rejected rather than read with them dropped.
impl<'de> Deserialize<'de> for Component {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = KustomizeFileForm::deserialize(deserializer)?;
        form.check(Self::API_VERSION, Self::KIND)?;
        if form.namespace.is_some()
            || !form.components.is_empty()
            || !form.config_map_generator.is_empty()
            || !form.labels.is_empty()
        {
            return Err(serde::de::Error::custom(
                "a Component holds only resources and patches: move namespace, components, configMapGenerator and labels into the including kustomization",
            ));
        }
        Ok(Self {
            resources: form.resources,
            patches: form.patches,
        })
    }
}

/// A patch: a strategic-merge or JSON 6902 body, applied to the objects `target` selects (or,
/// without a target, to the object the body names).
///
/// The three ways to build one; each body is YAML serialized from typed values:
///
/// ```
/// use bkt_flux::kustomize::{JsonPatchOp, Kustomization, Patch, Selector};
///
/// #[derive(serde::Serialize)]
/// struct Replicas {
///     replicas: u32,
/// }
///
/// let scale = Patch::strategic_merge(&Replicas { replicas: 1 })?
///     .with_target(Selector::kind_name("Deployment", "podinfo"));
/// assert_eq!(scale.patch.as_deref(), Some("replicas: 1\n"));
///
/// let drop = Patch::delete("v1", "Service", "podinfo-canary", Some("apps"))?;
/// assert_eq!(
///     drop.patch.as_deref(),
///     Some("apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo-canary\n  namespace: apps\n$patch: delete\n")
/// );
///
/// let edit = Patch::json6902(
///     Selector::kind_name("Kustomization", "apps"),
///     &[JsonPatchOp::remove("/spec/dependsOn"), JsonPatchOp::replace("/spec/interval", "5m")?],
/// )?;
/// assert_eq!(
///     edit.patch.as_deref(),
///     Some("- op: remove\n  path: /spec/dependsOn\n- op: replace\n  path: /spec/interval\n  value: 5m\n")
/// );
///
/// // In a kustomization, the body is a block of YAML text under `patch:`.
/// let text = bkt_core::yaml::to_string(&Kustomization { patches: vec![scale], ..Kustomization::of(["release.yaml"]) })?;
/// assert!(text.ends_with("patches:\n  - target:\n      kind: Deployment\n      name: podinfo\n    patch: |\n      replicas: 1\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Patch {
    /// The objects patched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Selector>,
    /// A file holding the body, relative to the kustomization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The body, inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
}

impl Patch {
    /// A strategic-merge patch whose body is `object` (an object, or the part of one to merge).
    ///
    /// # Errors
    /// [`crate::Error::Core`] when `object` does not serialize.
    pub fn strategic_merge<T: Serialize + ?Sized>(object: &T) -> Result<Self> {
        Ok(Self {
            patch: Some(bkt_core::yaml::to_string(object)?),
            ..Self::default()
        })
    }

    /// A patch that deletes one object from the build.
    ///
    /// # Errors
    /// [`crate::Error::Core`] if the body does not serialize (it always does).
    pub fn delete(
        api_version: &str,
        kind: &str,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<Self> {
        Self::strategic_merge(&DeletePatch {
            patch: "delete",
            api_version,
            kind,
            metadata: DeleteMetadata { name, namespace },
        })
    }

    /// A JSON 6902 patch of the objects `target` selects.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when an operation's value does not serialize.
    pub fn json6902(target: Selector, operations: &[JsonPatchOp]) -> Result<Self> {
        Ok(Self {
            target: Some(target),
            path: None,
            patch: Some(bkt_core::yaml::to_string(operations)?),
        })
    }

    /// The same patch applied to the objects `target` selects.
    #[must_use]
    pub fn with_target(mut self, target: Selector) -> Self {
        self.target = Some(target);
        self
    }
}

/// kustomize's delete directive for one object.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletePatch<'a> {
    #[serde(rename = "$patch")]
    patch: &'static str,
    api_version: &'a str,
    kind: &'a str,
    metadata: DeleteMetadata<'a>,
}

#[derive(Serialize)]
struct DeleteMetadata<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
}

/// One JSON 6902 operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonPatchOp {
    /// What is done.
    pub op: JsonPatchOpKind,
    /// The JSON pointer it is done at (`/spec/dependsOn`).
    pub path: String,
    /// The value added or replacing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<bkt_core::yaml::Value>,
}

impl JsonPatchOp {
    /// Removes what is at `path`.
    #[must_use]
    pub fn remove(path: impl Into<String>) -> Self {
        Self {
            op: JsonPatchOpKind::Remove,
            path: path.into(),
            value: None,
        }
    }

    /// Adds `value` at `path`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when `value` does not serialize.
    pub fn add<T: Serialize + ?Sized>(path: impl Into<String>, value: &T) -> Result<Self> {
        Ok(Self {
            op: JsonPatchOpKind::Add,
            path: path.into(),
            value: Some(bkt_core::yaml::Value::new(value)?),
        })
    }

    /// Replaces what is at `path` with `value`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when `value` does not serialize.
    pub fn replace<T: Serialize + ?Sized>(path: impl Into<String>, value: &T) -> Result<Self> {
        Ok(Self {
            op: JsonPatchOpKind::Replace,
            path: path.into(),
            value: Some(bkt_core::yaml::Value::new(value)?),
        })
    }
}

/// The JSON 6902 operations used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonPatchOpKind {
    /// Add a value.
    Add,
    /// Remove a value.
    Remove,
    /// Replace a value.
    Replace,
}

/// Which objects a patch applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    /// API group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// API version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name (a regular expression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A label selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<String>,
}

impl Selector {
    /// The objects of `kind` named `name`.
    #[must_use]
    pub fn kind_name(kind: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind: Some(kind.into()),
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// A generated `ConfigMap`: its name carries a hash of its content.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMapGenerator {
    /// The `ConfigMap`'s name (before the hash suffix).
    pub name: String,
    /// Files read into keys, relative to the kustomization.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// `KEY=value` literals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub literals: Vec<String>,
    /// Labels and annotations of the generated object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<GeneratorOptions>,
}

/// Metadata of a generated object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorOptions {
    /// Labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Whether the name stays without the content hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_name_suffix_hash: Option<bool>,
}

/// Labels added to objects.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// The labels.
    pub pairs: BTreeMap<String, String>,
    /// Whether selectors get them too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_selectors: Option<bool>,
    /// Whether pod templates get them too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_templates: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kustomization_with_a_generator_and_patches() {
        let file = Kustomization {
            namespace: Some("vault".into()),
            config_map_generator: vec![ConfigMapGenerator {
                name: "vault-bootstrap".into(),
                files: vec!["init.sh".into()],
                options: Some(GeneratorOptions {
                    annotations: BTreeMap::from([(
                        "kustomize.toolkit.fluxcd.io/substitute".to_owned(),
                        "disabled".to_owned(),
                    )]),
                    ..GeneratorOptions::default()
                }),
                ..ConfigMapGenerator::default()
            }],
            patches: vec![
                Patch::delete("v1", "Namespace", "x", None).unwrap(),
                Patch::json6902(
                    Selector::kind_name("Kustomization", "apps"),
                    &[
                        JsonPatchOp::remove("/spec/dependsOn"),
                        JsonPatchOp::add("/spec/suspend", &true).unwrap(),
                    ],
                )
                .unwrap(),
            ],
            ..Kustomization::of(["job.yaml"])
        };
        assert_eq!(
            bkt_core::yaml::to_string(&file).unwrap(),
            r"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: vault
resources:
  - job.yaml
patches:
  - patch: |
      apiVersion: v1
      kind: Namespace
      metadata:
        name: x
      $patch: delete
  - target:
      kind: Kustomization
      name: apps
    patch: |
      - op: remove
        path: /spec/dependsOn
      - op: add
        path: /spec/suspend
        value: true
configMapGenerator:
  - name: vault-bootstrap
    files:
      - init.sh
    options:
      annotations:
        kustomize.toolkit.fluxcd.io/substitute: disabled
"
        );
    }

    #[test]
    fn a_component() {
        let component = Component {
            resources: vec!["networkpolicy.yaml".into()],
            ..Component::default()
        };
        assert_eq!(
            bkt_core::yaml::to_string(&component).unwrap(),
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - networkpolicy.yaml\n"
        );
    }
}
