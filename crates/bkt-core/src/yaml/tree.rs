//! An owned, order-preserving copy of a value as serde sees it, and its replay into a serializer.
//!
//! The YAML writer needs two things serde-saphyr cannot do while streaming: reorder the
//! top-level keys of a Kubernetes object, and choose the style of every string before the
//! serializer sees it. So a value is first serialized into a [`Node`] (every serde data-model
//! call recorded, with its names and in its order), then the node is replayed into serde-saphyr
//! through [`Emit`], which makes exactly the same calls except for the two decisions above.

use std::fmt;

use serde::Serialize;
use serde::ser::{
    self, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant,
};

/// The prefix of the newtype and tuple-struct names serde-saphyr's own style wrappers use
/// (`DoubleQuoted`, `LitStr`, `FlowSeq`, `RcAnchor`, …). Their content is replayed as given.
const SERDE_SAPHYR_WRAPPER_PREFIX: &str = "__yaml_";

/// The keys that lead a Kubernetes object, in the order hand-written manifests use.
const MANIFEST_KEYS: [&str; 3] = ["apiVersion", "kind", "metadata"];

/// An enum variant as serde names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EnumVariant {
    enum_name: &'static str,
    index: u32,
    variant: &'static str,
}

impl EnumVariant {
    /// The variant's name as serialized (a unit variant is written as this string).
    pub(super) fn name(self) -> &'static str {
        self.variant
    }
}

/// A value without content: `None`, `()`, a unit struct or a unit variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitShape {
    None,
    Unit,
    Struct(&'static str),
    Variant(EnumVariant),
}

/// A value wrapping exactly one other value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NewtypeShape {
    Some,
    Struct(&'static str),
    Variant(EnumVariant),
}

/// A value holding positional elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SeqShape {
    Seq,
    Tuple,
    TupleStruct(&'static str),
    TupleVariant(EnumVariant),
}

/// A value holding named fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StructShape {
    Struct(&'static str),
    Variant(EnumVariant),
}

/// One serialized value, exactly as its `Serialize` impl described it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Bool(bool),
    I64(i64),
    I128(i128),
    U64(u64),
    U128(u128),
    F32(f32),
    F64(f64),
    Str(String),
    Bytes(Vec<u8>),
    Unit(UnitShape),
    Newtype(NewtypeShape, Box<Node>),
    Seq(SeqShape, Vec<Node>),
    Map(Vec<(Node, Node)>),
    Struct(StructShape, Vec<(&'static str, Node)>),
}

impl Node {
    /// Records `value`.
    pub(super) fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<Self, TreeError> {
        value.serialize(NodeSerializer)
    }

    /// Moves `apiVersion`, `kind` and `metadata` to the front of a top-level mapping that is a
    /// Kubernetes object (it has both `apiVersion` and `kind`), in that order, keeping every
    /// other key where it was. Looks through `Some` and plain newtypes.
    ///
    /// A mapping without `apiVersion` keeps its order: Helm values often have a top-level
    /// `kind` (`DaemonSet` or `Deployment`) that belongs where its type declares it.
    pub(super) fn hoist_manifest_keys(&mut self) {
        match self {
            Node::Newtype(NewtypeShape::Some, inner) => inner.hoist_manifest_keys(),
            Node::Newtype(NewtypeShape::Struct(name), inner)
                if !name.starts_with(SERDE_SAPHYR_WRAPPER_PREFIX) =>
            {
                inner.hoist_manifest_keys();
            }
            Node::Struct(StructShape::Struct(_), fields)
                if is_manifest(fields.iter().map(|(key, _)| *key)) =>
            {
                fields.sort_by_key(|(key, _)| manifest_rank(key));
            }
            Node::Map(entries)
                if is_manifest(entries.iter().filter_map(|(key, _)| key.as_str())) =>
            {
                entries.sort_by_key(|(key, _)| {
                    key.as_str().map_or(MANIFEST_KEYS.len(), manifest_rank)
                });
            }
            _ => {}
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node as a value that serializes with styled strings.
    pub(super) fn emit(&self, style: fn(&str) -> StrStyle) -> Emit<'_> {
        Emit {
            node: self,
            style: Some(style),
        }
    }
}

/// Whether mapping keys name a Kubernetes object: `apiVersion` and `kind` both present.
fn is_manifest<'k>(keys: impl IntoIterator<Item = &'k str>) -> bool {
    let (mut api_version, mut kind) = (false, false);
    for key in keys {
        api_version |= key == "apiVersion";
        kind |= key == "kind";
    }
    api_version && kind
}

/// Where a key goes: the manifest keys by their position, everything else after them (the sort
/// is stable, so those keep their order).
fn manifest_rank(key: &str) -> usize {
    MANIFEST_KEYS
        .iter()
        .position(|manifest_key| *manifest_key == key)
        .unwrap_or(MANIFEST_KEYS.len())
}

/// How a string is handed to serde-saphyr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrStyle {
    /// As a plain `str`: serde-saphyr writes it plain, or double-quoted when a reader could
    /// take it for something else.
    Scalar,
    /// As a literal block scalar (`|` or `|-`).
    Literal,
    /// As a double-quoted scalar with escapes.
    DoubleQuoted,
}

/// A [`Node`] replayed into a serializer. `style` is `None` for map keys and inside
/// serde-saphyr's own wrappers, whose strings are replayed unchanged.
pub(super) struct Emit<'a> {
    node: &'a Node,
    style: Option<fn(&str) -> StrStyle>,
}

impl<'a> Emit<'a> {
    fn child(&self, node: &'a Node) -> Self {
        Emit {
            node,
            style: self.style,
        }
    }

    fn unstyled(node: &'a Node) -> Self {
        Emit { node, style: None }
    }

    /// The child of a named wrapper: serde-saphyr's own wrappers keep their content as given.
    fn child_of(&self, name: &str, node: &'a Node) -> Self {
        if name.starts_with(SERDE_SAPHYR_WRAPPER_PREFIX) {
            Self::unstyled(node)
        } else {
            self.child(node)
        }
    }
}

impl Serialize for Emit<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.node {
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::I64(value) => serializer.serialize_i64(*value),
            Node::I128(value) => serializer.serialize_i128(*value),
            Node::U64(value) => serializer.serialize_u64(*value),
            Node::U128(value) => serializer.serialize_u128(*value),
            Node::F32(value) => serializer.serialize_f32(*value),
            Node::F64(value) => serializer.serialize_f64(*value),
            Node::Str(value) => match self.style.map(|style| style(value)) {
                None | Some(StrStyle::Scalar) => serializer.serialize_str(value),
                Some(StrStyle::Literal) => serde_saphyr::LitStr(value).serialize(serializer),
                Some(StrStyle::DoubleQuoted) => {
                    serde_saphyr::DoubleQuoted(value.as_str()).serialize(serializer)
                }
            },
            Node::Bytes(value) => serializer.serialize_bytes(value),
            Node::Unit(shape) => match *shape {
                UnitShape::None => serializer.serialize_none(),
                UnitShape::Unit => serializer.serialize_unit(),
                UnitShape::Struct(name) => serializer.serialize_unit_struct(name),
                UnitShape::Variant(v) => {
                    serializer.serialize_unit_variant(v.enum_name, v.index, v.variant)
                }
            },
            Node::Newtype(shape, inner) => match *shape {
                NewtypeShape::Some => serializer.serialize_some(&self.child(inner)),
                NewtypeShape::Struct(name) => {
                    serializer.serialize_newtype_struct(name, &self.child_of(name, inner))
                }
                NewtypeShape::Variant(v) => serializer.serialize_newtype_variant(
                    v.enum_name,
                    v.index,
                    v.variant,
                    &self.child(inner),
                ),
            },
            Node::Seq(shape, items) => self.serialize_seq(*shape, items, serializer),
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(&Self::unstyled(key), &self.child(value))?;
                }
                map.end()
            }
            Node::Struct(shape, fields) => self.serialize_struct(*shape, fields, serializer),
        }
    }
}

impl<'a> Emit<'a> {
    fn serialize_seq<S: ser::Serializer>(
        &self,
        shape: SeqShape,
        items: &'a [Node],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match shape {
            SeqShape::Seq => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&self.child(item))?;
                }
                seq.end()
            }
            SeqShape::Tuple => {
                let mut tuple = serializer.serialize_tuple(items.len())?;
                for item in items {
                    tuple.serialize_element(&self.child(item))?;
                }
                tuple.end()
            }
            SeqShape::TupleStruct(name) => {
                let mut tuple = serializer.serialize_tuple_struct(name, items.len())?;
                for item in items {
                    tuple.serialize_field(&self.child_of(name, item))?;
                }
                tuple.end()
            }
            SeqShape::TupleVariant(v) => {
                let mut tuple = serializer.serialize_tuple_variant(
                    v.enum_name,
                    v.index,
                    v.variant,
                    items.len(),
                )?;
                for item in items {
                    tuple.serialize_field(&self.child(item))?;
                }
                tuple.end()
            }
        }
    }

    fn serialize_struct<S: ser::Serializer>(
        &self,
        shape: StructShape,
        fields: &'a [(&'static str, Node)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match shape {
            StructShape::Struct(name) => {
                let mut record = serializer.serialize_struct(name, fields.len())?;
                for (key, value) in fields {
                    record.serialize_field(key, &self.child(value))?;
                }
                record.end()
            }
            StructShape::Variant(v) => {
                let mut record = serializer.serialize_struct_variant(
                    v.enum_name,
                    v.index,
                    v.variant,
                    fields.len(),
                )?;
                for (key, value) in fields {
                    record.serialize_field(key, &self.child(value))?;
                }
                record.end()
            }
        }
    }
}

/// An error raised by a value's own `Serialize` impl while it is being recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TreeError(String);

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TreeError {}

impl ser::Error for TreeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Records a value as a [`Node`].
struct NodeSerializer;

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = TreeError;
    type SerializeSeq = SeqRecorder;
    type SerializeTuple = SeqRecorder;
    type SerializeTupleStruct = SeqRecorder;
    type SerializeTupleVariant = SeqRecorder;
    type SerializeMap = MapRecorder;
    type SerializeStruct = StructRecorder;
    type SerializeStructVariant = StructRecorder;

    fn serialize_bool(self, v: bool) -> Result<Node, TreeError> {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Node, TreeError> {
        Ok(Node::I64(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Node, TreeError> {
        Ok(Node::I64(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Node, TreeError> {
        Ok(Node::I64(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Node, TreeError> {
        Ok(Node::I64(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Node, TreeError> {
        Ok(Node::I128(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Node, TreeError> {
        Ok(Node::U64(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Node, TreeError> {
        Ok(Node::U64(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Node, TreeError> {
        Ok(Node::U64(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Node, TreeError> {
        Ok(Node::U64(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Node, TreeError> {
        Ok(Node::U128(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Node, TreeError> {
        Ok(Node::F32(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Node, TreeError> {
        Ok(Node::F64(v))
    }
    fn serialize_char(self, v: char) -> Result<Node, TreeError> {
        Ok(Node::Str(v.into()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, TreeError> {
        Ok(Node::Str(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Node, TreeError> {
        Ok(Node::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> Result<Node, TreeError> {
        Ok(Node::Unit(UnitShape::None))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, TreeError> {
        Ok(Node::Newtype(
            NewtypeShape::Some,
            Box::new(value.serialize(self)?),
        ))
    }
    fn serialize_unit(self) -> Result<Node, TreeError> {
        Ok(Node::Unit(UnitShape::Unit))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Node, TreeError> {
        Ok(Node::Unit(UnitShape::Struct(name)))
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<Node, TreeError> {
        Ok(Node::Unit(UnitShape::Variant(EnumVariant {
            enum_name: name,
            index,
            variant,
        })))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Node, TreeError> {
        Ok(Node::Newtype(
            NewtypeShape::Struct(name),
            Box::new(value.serialize(self)?),
        ))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, TreeError> {
        let shape = NewtypeShape::Variant(EnumVariant {
            enum_name: name,
            index,
            variant,
        });
        Ok(Node::Newtype(shape, Box::new(value.serialize(self)?)))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqRecorder, TreeError> {
        Ok(SeqRecorder::new(SeqShape::Seq))
    }
    fn serialize_tuple(self, _len: usize) -> Result<SeqRecorder, TreeError> {
        Ok(SeqRecorder::new(SeqShape::Tuple))
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<SeqRecorder, TreeError> {
        Ok(SeqRecorder::new(SeqShape::TupleStruct(name)))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<SeqRecorder, TreeError> {
        let shape = SeqShape::TupleVariant(EnumVariant {
            enum_name: name,
            index,
            variant,
        });
        Ok(SeqRecorder::new(shape))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapRecorder, TreeError> {
        Ok(MapRecorder {
            entries: Vec::new(),
            pending_key: None,
        })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<StructRecorder, TreeError> {
        Ok(StructRecorder::new(StructShape::Struct(name)))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<StructRecorder, TreeError> {
        let shape = StructShape::Variant(EnumVariant {
            enum_name: name,
            index,
            variant,
        });
        Ok(StructRecorder::new(shape))
    }
}

/// Records the elements of a sequence, tuple, tuple struct or tuple variant.
struct SeqRecorder {
    shape: SeqShape,
    items: Vec<Node>,
}

impl SeqRecorder {
    fn new(shape: SeqShape) -> Self {
        Self {
            shape,
            items: Vec::new(),
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.items.push(value.serialize(NodeSerializer)?);
        Ok(())
    }

    fn finish(self) -> Node {
        Node::Seq(self.shape, self.items)
    }
}

impl SerializeSeq for SeqRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(self.finish())
    }
}

impl SerializeTuple for SeqRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(self.finish())
    }
}

impl SerializeTupleStruct for SeqRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(self.finish())
    }
}

impl SerializeTupleVariant for SeqRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(self.finish())
    }
}

/// Records the entries of a map, in the order the map yields them.
struct MapRecorder {
    entries: Vec<(Node, Node)>,
    pending_key: Option<Node>,
}

impl SerializeMap for MapRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TreeError> {
        self.pending_key = Some(key.serialize(NodeSerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        let key = self.pending_key.take().ok_or_else(|| {
            TreeError(
                "a map value was serialized before its key (a bug in a Serialize impl)".into(),
            )
        })?;
        self.entries.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Node, TreeError> {
        if self.pending_key.is_some() {
            return Err(TreeError(
                "a map key was serialized without its value (a bug in a Serialize impl)".into(),
            ));
        }
        Ok(Node::Map(self.entries))
    }
}

/// Records the fields of a struct or struct variant, skipped fields left out.
struct StructRecorder {
    shape: StructShape,
    fields: Vec<(&'static str, Node)>,
}

impl StructRecorder {
    fn new(shape: StructShape) -> Self {
        Self {
            shape,
            fields: Vec::new(),
        }
    }
}

impl SerializeStruct for StructRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TreeError> {
        self.fields.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(Node::Struct(self.shape, self.fields))
    }
}

impl SerializeStructVariant for StructRecorder {
    type Ok = Node;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TreeError> {
        self.fields.push((key, value.serialize(NodeSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Node, TreeError> {
        Ok(Node::Struct(self.shape, self.fields))
    }
}
