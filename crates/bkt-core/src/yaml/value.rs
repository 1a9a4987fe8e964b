//! [`Value`]: a value recorded once in the writer's ordered form, kept for later serialization
//! and read back through [`ValueRef`].
//!
//! Models that hold caller data of any `Serialize` type (Helm values, the objects of a manifest
//! file) record it at construction: the type is erased, so the holder stays object-safe and
//! `Clone`, while key order, every field and every string stay exactly as the caller's
//! `Serialize` impl described them. Serializing a `Value` replays those calls unchanged, so the
//! YAML writer treats it exactly like the original value.

use serde::Serialize;

use super::tree::{NewtypeShape, Node, StrStyle, UnitShape};
use crate::{Error, Result};

/// A value recorded in the YAML writer's ordered form; serializes exactly as the original did.
///
/// ```
/// # fn main() -> bkt_core::Result<()> {
/// use std::collections::BTreeMap;
///
/// let values = bkt_core::yaml::Value::new(&BTreeMap::from([("replicas", 3)]))?;
/// assert_eq!(bkt_core::yaml::to_string(&values)?, "replicas: 3\n");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Value(Node);

impl Value {
    /// Records `value`.
    ///
    /// # Errors
    /// [`Error::Yaml`], naming the value's type, when its `Serialize` impl fails.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self> {
        Node::from_value(value)
            .map(Self)
            .map_err(|err| Error::Yaml {
                what: std::any::type_name::<T>().to_owned(),
                message: err.to_string(),
            })
    }

    /// A read-only view of the recorded value.
    #[must_use]
    pub fn view(&self) -> ValueRef<'_> {
        ValueRef(&self.0)
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Strings go through as plain `str`s; the writer styles them when it serializes the
        // document that holds this value.
        self.0.emit(|_| StrStyle::Scalar).serialize(serializer)
    }
}

/// A read-only view of a [`Value`] or of a part of one. `Some` and newtype wrappers are looked
/// through, so a view shows the content the YAML will hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRef<'a>(&'a Node);

impl<'a> ValueRef<'a> {
    fn node(self) -> &'a Node {
        let mut node = self.0;
        while let Node::Newtype(
            NewtypeShape::Some | NewtypeShape::Struct(_) | NewtypeShape::Variant(_),
            inner,
        ) = node
        {
            node = inner;
        }
        node
    }

    /// The value under `key` of a mapping or struct; `None` when absent, null, or when this is
    /// not a mapping.
    #[must_use]
    pub fn get(self, key: &str) -> Option<ValueRef<'a>> {
        let found = match self.node() {
            Node::Struct(_, fields) => fields
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value),
            Node::Map(entries) => entries
                .iter()
                .find(|(name, _)| ValueRef(name).as_str() == Some(key))
                .map(|(_, value)| value),
            _ => None,
        }?;
        let found = ValueRef(found);
        (!found.is_null()).then_some(found)
    }

    /// The value at a path of keys (`["spec", "sourceRef", "name"]`).
    #[must_use]
    pub fn get_path(self, path: &[&str]) -> Option<ValueRef<'a>> {
        path.iter().try_fold(self, |value, key| value.get(key))
    }

    /// The text, when this is a string or a unit enum variant (written as its name).
    #[must_use]
    pub fn as_str(self) -> Option<&'a str> {
        match self.node() {
            Node::Str(text) => Some(text),
            Node::Unit(UnitShape::Variant(variant)) => Some(variant.name()),
            _ => None,
        }
    }

    /// Whether this is null (`None`, `()`).
    #[must_use]
    pub fn is_null(self) -> bool {
        matches!(self.node(), Node::Unit(UnitShape::None | UnitShape::Unit))
    }

    /// The elements of a sequence, in order; empty when this is not one.
    #[must_use]
    pub fn items(self) -> Vec<ValueRef<'a>> {
        match self.node() {
            Node::Seq(_, items) => items.iter().map(ValueRef).collect(),
            _ => Vec::new(),
        }
    }

    /// The keys of a mapping or struct, in order (non-string map keys left out).
    #[must_use]
    pub fn keys(self) -> Vec<&'a str> {
        match self.node() {
            Node::Struct(_, fields) => fields.iter().map(|(name, _)| *name).collect(),
            Node::Map(entries) => entries
                .iter()
                .filter_map(|(key, _)| ValueRef(key).as_str())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Every string in the value, mapping keys included, depth first in document order.
    #[must_use]
    pub fn strings(self) -> Vec<&'a str> {
        let mut found = Vec::new();
        collect_strings(self.0, &mut found);
        found
    }
}

fn collect_strings<'a>(node: &'a Node, found: &mut Vec<&'a str>) {
    match node {
        Node::Str(text) => found.push(text),
        Node::Unit(UnitShape::Variant(variant)) => found.push(variant.name()),
        Node::Newtype(_, inner) => collect_strings(inner, found),
        Node::Seq(_, items) => items.iter().for_each(|item| collect_strings(item, found)),
        Node::Map(entries) => {
            for (key, value) in entries {
                collect_strings(key, found);
                collect_strings(value, found);
            }
        }
        Node::Struct(_, fields) => {
            for (key, value) in fields {
                found.push(key);
                collect_strings(value, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Object {
        api_version: &'static str,
        kind: &'static str,
        spec: Spec,
        mode: Mode,
    }

    #[derive(Serialize)]
    enum Mode {
        Enabled,
    }

    #[derive(Serialize)]
    struct Spec {
        note: Option<&'static str>,
        items: Vec<&'static str>,
        text: String,
    }

    fn object() -> Object {
        Object {
            api_version: "v1",
            kind: "Thing",
            spec: Spec {
                note: None,
                items: vec!["a", "on"],
                text: "one\ntwo\n".into(),
            },
            mode: Mode::Enabled,
        }
    }

    #[test]
    fn serializes_like_the_original() {
        let value = Value::new(&object()).unwrap();
        assert_eq!(
            crate::yaml::to_string(&value).unwrap(),
            crate::yaml::to_string(&object()).unwrap()
        );
    }

    #[test]
    fn views_read_back_the_content() {
        let value = Value::new(&object()).unwrap();
        let view = value.view();
        assert_eq!(view.get("kind").and_then(ValueRef::as_str), Some("Thing"));
        assert!(view.get_path(&["spec", "note"]).is_none());
        assert_eq!(
            view.get_path(&["spec", "items"])
                .map(|items| items.items().len()),
            Some(2)
        );
        assert_eq!(view.keys(), ["apiVersion", "kind", "spec", "mode"]);
        assert_eq!(view.get("mode").and_then(ValueRef::as_str), Some("Enabled"));
        assert!(view.strings().contains(&"on"));
        assert!(view.get("missing").is_none());
    }
}
