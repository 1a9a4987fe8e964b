//! [`Value`]: a value recorded once in the writer's ordered form, kept for later serialization
//! and read back through [`ValueRef`].
//!
//! Models that hold caller data of any `Serialize` type (Helm values, the objects of a manifest
//! file) record it at construction: the type is erased, so the holder stays object-safe and
//! `Clone`, while key order, every field and every string stay exactly as the caller's
//! `Serialize` impl described them. Serializing a `Value` replays those calls unchanged, so the
//! YAML writer treats it exactly like the original value.

use serde::Serialize;

use super::tree::{NewtypeShape, Node, SeqShape, StrStyle, UnitShape};
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

    /// Puts `value` at `path` (a path of mapping keys), replacing what is there.
    ///
    /// Every other key keeps its place and its order. A key that is absent is added after the
    /// keys its mapping already has, and a key on the way that is absent or null (an unset
    /// `Option`) becomes a mapping holding the rest of the path. An empty path replaces the
    /// whole value. This is the primitive under typed overrides (`bkt_helm::WithExtra::set`),
    /// which decide first, from the type, whether the path exists.
    ///
    /// ```
    /// # fn main() -> bkt_core::Result<()> {
    /// use std::collections::BTreeMap;
    ///
    /// let mut values = bkt_core::yaml::Value::new(&BTreeMap::from([("replicas", 3)]))?;
    /// values.set(&["server", "ha", "enabled"], bkt_core::yaml::Value::new(&true)?)?;
    /// assert_eq!(
    ///     bkt_core::yaml::to_string(&values)?,
    ///     "replicas: 3\nserver:\n  ha:\n    enabled: true\n"
    /// );
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the path up to the first key whose parent holds something
    /// other than a mapping (a string, a number, a list), which has no keys to set.
    pub fn set(&mut self, path: &[&str], value: Value) -> Result<()> {
        set_node(&mut self.0, path, value.0).map_err(|depth| {
            let reached = path.get(..depth).unwrap_or(path).join(".");
            let parent = if depth == 0 {
                "the value itself".to_owned()
            } else {
                format!("{reached:?}")
            };
            Error::invalid(
                path.join("."),
                reached,
                format!(
                    "{parent} holds a scalar or a list, which has no keys to set: set {parent} as a whole instead"
                ),
            )
        })
    }
}

/// The content under `Some(…)` and plain newtype wrappers, where a mapping's keys live.
fn content_mut(node: &mut Node) -> &mut Node {
    match node {
        Node::Newtype(NewtypeShape::Some | NewtypeShape::Struct(_), inner) => content_mut(inner),
        other => other,
    }
}

/// Puts `value` at `path` under `node`; on failure, the number of keys followed before a
/// node that is not a mapping.
fn set_node(node: &mut Node, path: &[&str], value: Node) -> Result<(), usize> {
    let Some((key, rest)) = path.split_first() else {
        *node = value;
        return Ok(());
    };
    let node = content_mut(node);
    if matches!(node, Node::Unit(UnitShape::None | UnitShape::Unit)) {
        *node = Node::Map(Vec::new());
    }
    if let Node::Struct(_, fields) = node
        && !fields.iter().any(|(name, _)| name == key)
    {
        // A struct's field names are `'static`; a key it did not serialize (a skipped `None`)
        // turns it into the mapping it serializes as, with the same keys in the same order.
        let entries = std::mem::take(fields)
            .into_iter()
            .map(|(name, value)| (Node::Str(name.to_owned()), value))
            .collect();
        *node = Node::Map(entries);
    }
    let child = match node {
        Node::Struct(_, fields) => fields
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, child)| child),
        Node::Map(entries) => {
            let position = entries
                .iter()
                .position(|(name, _)| ValueRef(name).as_str() == Some(key));
            let position = position.unwrap_or_else(|| {
                entries.push((Node::Str((*key).to_owned()), Node::Unit(UnitShape::None)));
                entries.len() - 1
            });
            entries.get_mut(position).map(|(_, child)| child)
        }
        _ => None,
    };
    let Some(child) = child else {
        return Err(0);
    };
    set_node(child, rest, value).map_err(|depth| depth + 1)
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Strings go through as plain `str`s; the writer styles them when it serializes the
        // document that holds this value.
        self.0.emit(|_| StrStyle::Scalar).serialize(serializer)
    }
}

/// Reads any self-describing value (a YAML or JSON document) keeping its mapping keys in
/// document order, so a value read back serializes to the bytes it was read from.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor).map(Self)
    }
}

/// Builds a [`Node`] from whatever the deserializer finds.
struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::I64(value))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Node, E> {
        Ok(Node::I128(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::U64(value))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Node, E> {
        Ok(Node::U128(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::F64(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Str(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Str(value))
    }

    fn visit_bytes<E>(self, value: &[u8]) -> Result<Node, E> {
        Ok(Node::Bytes(value.to_vec()))
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Unit(UnitShape::None))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Unit(UnitShape::None))
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item.0);
        }
        Ok(Node::Seq(SeqShape::Seq, items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Value, Value>()? {
            entries.push((key.0, value.0));
        }
        Ok(Node::Map(entries))
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

    #[test]
    fn set_replaces_in_place_and_adds_after() {
        let mut value = Value::new(&object()).unwrap();
        value
            .set(&["spec", "text"], Value::new("three").unwrap())
            .unwrap();
        // `note` is a `None` that serializes as null: it becomes a mapping.
        value
            .set(&["spec", "note", "why"], Value::new(&1).unwrap())
            .unwrap();
        value
            .set(&["spec", "added"], Value::new(&true).unwrap())
            .unwrap();
        assert_eq!(
            crate::yaml::to_string(&value).unwrap(),
            "apiVersion: v1\nkind: Thing\nspec:\n  note:\n    why: 1\n  items:\n    - a\n    - \"on\"\n  text: three\n  added: true\nmode: Enabled\n"
        );
    }

    #[test]
    fn set_below_a_scalar_names_the_scalar() {
        let mut value = Value::new(&object()).unwrap();
        let error = value
            .set(&["spec", "text", "deeper"], Value::new(&1).unwrap())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "spec.text.deeper: \"spec.text\" is invalid: \"spec.text\" holds a scalar or a list, which has no keys to set: set \"spec.text\" as a whole instead"
        );
    }
}
