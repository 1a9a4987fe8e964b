//! The escape hatches: values a typed struct does not model, added next to it, never over it;
//! and overrides of values it does model, at any depth, checked against the type.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};

use crate::{Error, Result, values_path};

/// Typed chart values, plus overrides of modelled values at any depth, plus extra top-level
/// keys the typed struct does not model.
///
/// - [`WithExtra::set`] replaces one value the type models, at a dotted path of any depth
///   (`server.ha.replicas`), whatever the typed values put there, an unset `Option` included.
///   The path is checked against the type (its JSON schema, as serialized), not against the
///   current values: a key the type does not model is refused, naming the first unknown key and
///   the keys that exist there, and so is a value of another JSON type than the one modelled.
/// - [`WithExtra::extra`] adds a top-level key the type does not model. It refuses a key the
///   typed part already sets (and a key given twice), so an extra value can never silently
///   replace a typed one; overriding a typed value is what `set` is for.
///
/// Nothing added is ever dropped: overlapping overrides are refused too.
///
/// The typed part serializes first, in its own field order, with each override in the place of
/// the value it replaces (a key the typed values left out comes after its mapping's other keys);
/// the extra keys follow, sorted. Override and extra values are JSON values
/// ([`serde_json::Value`]): any `Serialize` value converts into one, and the YAML writer
/// serializes them like any other value.
///
/// ```
/// use bkt_helm::charts::external_secrets;
/// use bkt_helm::{Error, WithExtra};
///
/// let mut typed = external_secrets::Values::default();
/// typed.install_crds = Some(true);
/// let values = WithExtra::new(typed)
///     .set("webhook.resources.requests.cpu", "10m")?
///     .extra("replicaCount", 2)?
///     .extra("leaderElect", true)?;
/// let yaml = bkt_core::yaml::to_string(&values).map_err(|e| Error::Yaml {
///     what: "external-secrets values".into(),
///     message: e.to_string(),
/// })?;
/// // The typed part first, the override in its place, then the extra keys, sorted.
/// assert_eq!(
///     yaml,
///     "installCRDs: true\nwebhook:\n  resources:\n    requests:\n      cpu: 10m\nleaderElect: true\nreplicaCount: 2\n"
/// );
///
/// // An extra key under an overridden value is refused: it would hide the override.
/// assert!(matches!(
///     values.extra("webhook", serde_json::json!({ "replicaCount": 2 })),
///     Err(Error::ExtraCollidesWithTypedField { .. })
/// ));
/// # Ok::<(), bkt_helm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WithExtra<T> {
    typed: T,
    overrides: Vec<Override>,
    extra: BTreeMap<String, serde_json::Value>,
}

/// One checked override: its path as given, its keys, its value.
#[derive(Debug, Clone, PartialEq)]
struct Override {
    path: String,
    keys: Vec<String>,
    value: serde_json::Value,
}

impl<T: Serialize> WithExtra<T> {
    /// The typed values, with no extra key yet.
    pub fn new(typed: T) -> Self {
        Self {
            typed,
            overrides: Vec::new(),
            extra: BTreeMap::new(),
        }
    }

    /// Adds the top-level key `key` with `value`.
    ///
    /// # Errors
    /// [`Error::ExtraCollidesWithTypedField`] when the typed values already set `key` (or an
    /// override sets a value under it),
    /// [`Error::DuplicateExtra`] when `key` was added before, [`Error::NotAMapping`] when the
    /// typed values are not a mapping, and [`Error::Json`] when `value` cannot be serialized.
    pub fn extra(mut self, key: impl Into<String>, value: impl Serialize) -> Result<Self> {
        let key = key.into();
        let values = std::any::type_name::<T>();
        let typed = serde_json::to_value(&self.typed).map_err(|e| Error::json(values, &e))?;
        let serde_json::Value::Object(fields) = typed else {
            return Err(Error::NotAMapping {
                values: values.to_owned(),
            });
        };
        let overridden = self
            .overrides
            .iter()
            .any(|set| set.keys.first() == Some(&key));
        if fields.contains_key(&key) || overridden {
            return Err(Error::ExtraCollidesWithTypedField {
                values: values.to_owned(),
                key,
            });
        }
        if self.extra.contains_key(&key) {
            return Err(Error::DuplicateExtra { key });
        }
        let value = serde_json::to_value(value).map_err(|e| Error::json(&key, &e))?;
        self.extra.insert(key, value);
        Ok(self)
    }

    /// The typed part, as given (without the overrides).
    pub fn typed(&self) -> &T {
        &self.typed
    }

    /// The overrides, in the order they were set: each path as given and its value.
    pub fn overrides(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.overrides
            .iter()
            .map(|set| (set.path.as_str(), &set.value))
    }

    /// The extra keys and their values.
    #[must_use]
    pub fn extras(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.extra
    }
}

impl<T: Serialize + JsonSchema> WithExtra<T> {
    /// Sets the value at `path` to `value`, replacing what the typed values put there.
    ///
    /// `path` is a dotted path of keys as the chart's values spell them (`server.ha.replicas`,
    /// camelCase as serialized), Helm `--set` style: `\.` is a dot inside a key
    /// (`grafana\.ini.server`). It must exist in the type `T`: a field of a struct at every step
    /// (an unset `Option` field exists), or any key below a map. `value` must have a JSON type
    /// the type allows there (an integer where an integer is modelled, null where an `Option`
    /// is); an object or a list is checked key by key and item by item. Lists are set whole: a
    /// path does not index into one.
    ///
    /// ```
    /// use bkt_helm::WithExtra;
    /// use bkt_helm::charts::vault;
    ///
    /// let mut values = vault::Values::default();
    /// values.fullname_override = Some("vault".to_owned());
    /// values.server.ha.enabled = Some(false);
    /// let values = WithExtra::new(values)
    ///     .set("server.ha.replicas", 5)?
    ///     // An unset `Option` field is still a field of the type.
    ///     .set("server.statefulSet.securityContext.pod.fsGroup", 1000)?;
    /// let yaml = bkt_core::yaml::to_string(&values).map_err(|e| bkt_helm::Error::Yaml {
    ///     what: "vault values".into(),
    ///     message: e.to_string(),
    /// })?;
    /// assert!(yaml.contains("  ha:\n    enabled: false\n    replicas: 5\n"));
    /// assert!(yaml.contains("      pod:\n        fsGroup: 1000\n"));
    ///
    /// // A path the type does not model fails, naming the first unknown key and the keys there.
    /// let error = WithExtra::new(vault::Values::default())
    ///     .set("server.ha.replica", 5)
    ///     .unwrap_err();
    /// assert!(error.to_string().contains(
    ///     "\"replica\" is not a key of `server.ha`; the keys there are: enabled, raft, replicas"
    /// ));
    /// // So does a value of another JSON type than the one modelled.
    /// assert!(WithExtra::new(vault::Values::default())
    ///     .set("server.ha.replicas", "five")
    ///     .is_err());
    /// # Ok::<(), bkt_helm::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidValuesPath`] when `path` is malformed (an empty key, a stray `\`),
    /// [`Error::UnknownValuesPath`] when the type does not model it,
    /// [`Error::OverrideTypeMismatch`] when `value` (or a key or item inside it) does not fit the
    /// type there, [`Error::OverlappingOverrides`] when an earlier override sets the same value
    /// or one inside or around it, [`Error::ExtraCollidesWithTypedField`] when an extra key of
    /// the same name was added, and [`Error::Json`] when `value` cannot be serialized.
    pub fn set(mut self, path: &str, value: impl Serialize) -> Result<Self> {
        let keys = values_path::parse(path)?;
        let value = serde_json::to_value(value).map_err(|e| Error::json(path, &e))?;
        values_path::check::<T>(path, &keys, &value)?;
        if let Some(earlier) = self
            .overrides
            .iter()
            .find(|earlier| earlier.keys.starts_with(&keys) || keys.starts_with(&earlier.keys))
        {
            return Err(Error::OverlappingOverrides {
                first: earlier.path.clone(),
                second: path.to_owned(),
            });
        }
        if let Some(key) = keys.first().filter(|key| self.extra.contains_key(*key)) {
            return Err(Error::ExtraCollidesWithTypedField {
                values: std::any::type_name::<T>().to_owned(),
                key: key.clone(),
            });
        }
        self.overrides.push(Override {
            path: path.to_owned(),
            keys,
            value,
        });
        Ok(self)
    }
}

impl<T: Serialize> Serialize for WithExtra<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a, T> {
            #[serde(flatten)]
            typed: &'a T,
            #[serde(flatten)]
            extra: &'a BTreeMap<String, serde_json::Value>,
        }
        if self.overrides.is_empty() {
            return Flat {
                typed: &self.typed,
                extra: &self.extra,
            }
            .serialize(serializer);
        }
        // Recorded in the YAML writer's ordered form, so every key keeps its place.
        let mut typed = bkt_core::yaml::Value::new(&self.typed).map_err(S::Error::custom)?;
        for set in &self.overrides {
            let value = bkt_core::yaml::Value::new(&set.value).map_err(S::Error::custom)?;
            let keys: Vec<&str> = set.keys.iter().map(String::as_str).collect();
            typed
                .set(&keys, value)
                .map_err(|e| S::Error::custom(format!("override {:?}: {e}", set.path)))?;
        }
        Flat {
            typed: &typed,
            extra: &self.extra,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::WithExtra;
    use crate::charts::{authentik, aws_load_balancer_controller, grafana, vault};
    use crate::common::restricted_pod;

    /// Vault values with the typed model's HA section set, as a user would build them (outside
    /// this crate the structs are `#[non_exhaustive]`: changing a default is the way).
    #[allow(
        clippy::field_reassign_with_default,
        reason = "written as a user of the crate must"
    )]
    fn vault_values() -> vault::Values {
        let mut values = vault::Values::default();
        values.fullname_override = Some("vault".to_owned());
        values.server.ha.enabled = Some(true);
        values.server.ha.replicas = Some(3);
        values
    }

    fn yaml<T: serde::Serialize>(values: &T) -> String {
        bkt_core::yaml::to_string(values).unwrap()
    }

    fn json<T: serde::Serialize>(values: &T) -> Value {
        serde_json::to_value(values).unwrap()
    }

    fn error<T: serde::Serialize + schemars::JsonSchema + std::fmt::Debug>(
        values: T,
        path: &str,
        value: impl serde::Serialize,
    ) -> String {
        WithExtra::new(values)
            .set(path, value)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_value_set_at_depth_three_replaces_the_typed_one_in_place() {
        let values = WithExtra::new(vault_values())
            .set("server.ha.replicas", 5)
            .unwrap();
        assert_eq!(json(&values)["server"]["ha"]["replicas"], 5);
        let typed = yaml(&vault_values());
        assert!(typed.ends_with("  ha:\n    enabled: true\n    replicas: 3\n"));
        // Only that line changes: every key keeps its place.
        assert_eq!(
            yaml(&values),
            typed.replace(
                "  ha:\n    enabled: true\n    replicas: 3\n",
                "  ha:\n    enabled: true\n    replicas: 5\n"
            )
        );
    }

    #[test]
    fn an_unset_option_field_can_be_set_and_comes_after_the_set_keys() {
        let values = WithExtra::new(vault_values())
            .set("server.statefulSet.securityContext.pod.fsGroup", 1000)
            .unwrap();
        assert_eq!(
            json(&values)["server"]["statefulSet"]["securityContext"]["pod"]["fsGroup"],
            1000
        );
        assert!(yaml(&values).ends_with("    replicas: 3\n  statefulSet:\n    securityContext:\n      pod:\n        fsGroup: 1000\n"));
        // Below an unset `Option` struct too: the mapping is created on the way.
        let values = WithExtra::new(authentik::Values::default())
            .set("blueprints.configMaps", ["sso"])
            .unwrap();
        assert_eq!(
            json(&values)["blueprints"],
            json!({ "configMaps": ["sso"] })
        );
        assert!(yaml(&values).ends_with("blueprints:\n  configMaps:\n    - sso\n"));
    }

    #[test]
    fn an_option_field_can_be_unset_with_null() {
        let values = WithExtra::new(vault_values())
            .set("server.ha.replicas", Value::Null)
            .unwrap();
        let written = json(&values);
        assert_eq!(written["server"]["ha"]["replicas"], Value::Null);
        assert_eq!(written["server"]["ha"]["enabled"], true);
        // A Kubernetes shape follows the API's schema, which has no null: an omitted field is
        // unset there.
        let mut values = vault::Values::default();
        values.server.stateful_set.security_context.pod = Some(restricted_pod(Some(100), None));
        assert!(
            error(
                values,
                "server.statefulSet.securityContext.pod.fsGroup",
                Value::Null
            )
            .contains("is modelled as integer, the override gives null")
        );
    }

    #[test]
    fn an_unknown_key_fails_naming_it_and_the_keys_there() {
        assert_eq!(
            error(vault_values(), "server.ha.replica", 5),
            "bkt_helm::charts::vault::Values: override path \"server.ha.replica\" is not in the \
             typed model: \"replica\" is not a key of `server.ha`; the keys there are: enabled, \
             raft, replicas. Fix the path (keys as the chart spells them, camelCase; a dot inside \
             a key as `\\.`), or, for a top-level key the type does not model, use \
             `WithExtra::extra`"
        );
        // Keys are the serialized ones (`rename_all = "camelCase"`), not the Rust field names.
        assert!(
            error(vault_values(), "server.stateful_set.securityContext", json!({}))
                .contains("\"stateful_set\" is not a key of `server`; the keys there are: dataStorage, extraEnvironmentVars, ha, image, resources, serviceAccount, statefulSet")
        );
        assert!(
            error(vault_values(), "replicas", 1)
                .contains("\"replicas\" is not a key of the top level; the keys there are: fullnameOverride, global, injector, server, ui")
        );
    }

    #[test]
    fn a_key_below_a_scalar_fails_naming_its_type() {
        assert!(
            error(vault_values(), "server.ha.replicas.count", 1).contains(
                "\"count\" is not a key of `server.ha.replicas`; the type models a scalar or a list there, which has no keys: set the value there as a whole"
            )
        );
    }

    #[test]
    fn a_value_of_another_json_type_fails() {
        assert_eq!(
            error(vault_values(), "server.ha.replicas", "five"),
            "bkt_helm::charts::vault::Values: `server.ha.replicas` is modelled as integer or \
             null, the override gives string: give integer or null"
        );
        // A field that is not an `Option` cannot be unset.
        assert!(
            error(vault_values(), "server.ha", Value::Null)
                .contains("`server.ha` is modelled as object, the override gives null")
        );
        // An enum admits its texts only.
        assert!(
            error(
                aws_load_balancer_controller::Values::new("cluster"),
                "defaultTargetType",
                "pod"
            )
            .contains("`defaultTargetType` is modelled as \"instance\" or \"ip\" or null, the override gives string")
        );
        // A map admits any key, and checks the value against its value type.
        WithExtra::new(vault_values())
            .set("server.extraEnvironmentVars.VAULT_LOG_LEVEL", "debug")
            .unwrap();
        assert!(
            error(
                vault_values(),
                "server.extraEnvironmentVars.VAULT_LOG_LEVEL",
                1
            )
            .contains("is modelled as string, the override gives integer")
        );
    }

    #[test]
    fn an_object_value_is_checked_key_by_key() {
        let values = WithExtra::new(vault_values())
            .set("server.ha", json!({ "enabled": false, "replicas": 1 }))
            .unwrap();
        assert_eq!(
            json(&values)["server"]["ha"],
            json!({ "enabled": false, "replicas": 1 })
        );
        assert!(
            error(vault_values(), "server.ha", json!({ "replica": 1 }))
                .contains("\"replica\" is not a key of `server.ha`")
        );
        assert!(
            error(
                vault_values(),
                "server.ha",
                json!({ "raft": { "enabled": "yes" } })
            )
            .contains(
                "`server.ha.raft.enabled` is modelled as boolean or null, the override gives string"
            )
        );
    }

    #[test]
    fn a_dot_inside_a_key_is_escaped() {
        let values = WithExtra::new(grafana::Values::default())
            .set(r"grafana\.ini.auth\.generic_oauth.enabled", true)
            .unwrap();
        assert_eq!(
            json(&values)["grafana.ini"]["auth.generic_oauth"]["enabled"],
            true
        );
        assert!(
            error(grafana::Values::default(), "grafana.ini.server", json!({}))
                .contains("\"grafana\" is not a key of the top level")
        );
    }

    #[test]
    fn a_malformed_path_fails() {
        assert_eq!(
            error(vault_values(), "server..ha", 1),
            "override path \"server..ha\" is malformed: every key between dots must be non-empty: \
             write keys as `server.ha.replicas`"
        );
        assert!(error(vault_values(), r"server\ha", 1).contains("a backslash escapes only"));
    }

    #[test]
    fn overlapping_overrides_and_extras_are_refused() {
        let values = WithExtra::new(vault_values())
            .set("server.ha", json!({}))
            .unwrap();
        assert_eq!(
            values
                .clone()
                .set("server.ha.replicas", 1)
                .unwrap_err()
                .to_string(),
            "overrides \"server.ha\" and \"server.ha.replicas\" overlap: the later would replace \
             (part of) the earlier; set each value once, at its own path"
        );
        assert!(values.clone().set("server.ha", json!({})).is_err());
        // An extra key of the same name as an overridden one would be written twice.
        let authentik = WithExtra::new(authentik::Values::default())
            .set("blueprints.configMaps", ["sso"])
            .unwrap();
        assert!(authentik.extra("blueprints", json!({})).is_err());
        let authentik = WithExtra::new(authentik::Values::default())
            .extra("blueprints", json!({}))
            .unwrap();
        assert!(authentik.set("blueprints.configMaps", ["sso"]).is_err());
        assert_eq!(values.overrides().count(), 1);
    }
}
