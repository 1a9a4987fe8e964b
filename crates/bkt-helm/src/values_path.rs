//! Override paths checked against the values type itself, through its JSON schema.
//!
//! Whether `server.ha.replicas` exists is a question about the type, not about the value at
//! hand: an unset `Option` field is still a field. So the check walks the schema `schemars`
//! derives for the type (as serialized: `rename_all` and `rename` are already applied), from
//! the root through `properties`, following `$ref`s into `$defs`, `anyOf`/`oneOf` alternatives
//! (an `Option` is its type or null) and `allOf` members (flattened fields). A mapping
//! (`additionalProperties`) accepts any key below it, and so does an unconstrained schema (a
//! free-form `serde_json::Value`). A struct's schema lists its fields and nothing else: a key
//! it does not list is not in the typed model.
//!
//! The value given is checked against the schema at the path as deeply as the schema goes: its
//! JSON type against `type`, its text against `enum`/`const`, and an object's keys and a list's
//! items against their schemas, with the same errors as the path itself.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::{Error, Result};

/// The schema that allows anything (what a free-form value, or a key of one, has).
static ANY: Value = Value::Bool(true);

/// How many `$ref`s in a row a lookup follows before it takes the schema as unconstrained; the
/// derived schemas never chain more than one.
const MAX_REFS: usize = 16;

/// The keys of a dotted path, Helm `--set` style: `.` separates keys, `\.` is a dot inside a
/// key (`grafana\.ini.server`), `\\` a backslash.
pub(crate) fn parse(path: &str) -> Result<Vec<String>> {
    let invalid = |reason: &str| Error::InvalidValuesPath {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let mut keys = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => keys.push(String::new()),
            '\\' => match chars.next() {
                Some(escaped @ ('.' | '\\')) => push_char(&mut keys, escaped),
                _ => {
                    return Err(invalid(
                        "a backslash escapes only `.` (a dot inside a key) or `\\`: write `\\.` or `\\\\`",
                    ));
                }
            },
            other => push_char(&mut keys, other),
        }
    }
    if keys.iter().any(String::is_empty) {
        return Err(invalid(
            "every key between dots must be non-empty: write keys as `server.ha.replicas`",
        ));
    }
    Ok(keys)
}

fn push_char(keys: &mut [String], c: char) {
    if let Some(key) = keys.last_mut() {
        key.push(c);
    }
}

/// Checks that `keys` is a path of `T`'s typed model and that `value` fits the schema there.
pub(crate) fn check<T: JsonSchema>(path: &str, keys: &[String], value: &Value) -> Result<()> {
    let schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let walk = Walk {
        root: &schema,
        values: std::any::type_name::<T>(),
        path,
    };
    let mut at: &Value = &schema;
    for depth in 1..=keys.len() {
        at = walk.child(at, keys.get(..depth).unwrap_or_default())?;
    }
    walk.fits(at, keys, value)
}

/// One lookup through one root schema.
struct Walk<'a> {
    root: &'a Value,
    values: &'static str,
    path: &'a str,
}

impl<'a> Walk<'a> {
    /// The schema itself, with `$ref`s followed.
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_REFS {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer));
            match target {
                Some(target) => schema = target,
                None => return &ANY,
            }
        }
        &ANY
    }

    /// The schemas a value at `schema` may match: `anyOf`/`oneOf` members, each resolved.
    fn alternatives(&self, schema: &'a Value) -> Vec<&'a Value> {
        let mut found = Vec::new();
        self.collect_alternatives(schema, &mut found, 0);
        found
    }

    fn collect_alternatives(&self, schema: &'a Value, found: &mut Vec<&'a Value>, depth: usize) {
        let schema = self.resolve(schema);
        let members = ["anyOf", "oneOf"]
            .iter()
            .find_map(|keyword| schema.get(keyword).and_then(Value::as_array));
        match members {
            Some(members) if depth < MAX_REFS => {
                for member in members {
                    self.collect_alternatives(member, found, depth + 1);
                }
            }
            _ => found.push(schema),
        }
    }

    /// `schema` and its `allOf` members (the fields a flattened struct brings), resolved.
    fn with_all_of(&self, schema: &'a Value) -> Vec<&'a Value> {
        let mut parts = vec![schema];
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                parts.extend(self.alternatives(member));
            }
        }
        parts
    }

    /// The schema of the last key of `at` below `schema`, which the keys before it reached.
    fn child(&self, schema: &'a Value, at: &[String]) -> Result<&'a Value> {
        let key = at.last().map_or("", String::as_str);
        let mut known = BTreeSet::new();
        for alternative in self.alternatives(schema) {
            if is_any(alternative) {
                return Ok(&ANY);
            }
            for part in self.with_all_of(alternative) {
                if let Some(properties) = part.get("properties").and_then(Value::as_object) {
                    if let Some(found) = properties.get(key) {
                        return Ok(found);
                    }
                    known.extend(properties.keys().cloned());
                }
                match part.get("additionalProperties") {
                    Some(Value::Bool(false)) | None => {}
                    Some(additional) => return Ok(additional),
                }
            }
        }
        Err(Error::UnknownValuesPath {
            values: self.values,
            path: self.path.to_owned(),
            at: at.to_vec(),
            known: known.into_iter().collect(),
        })
    }

    /// Checks `value` against `schema`, reached at `at`.
    fn fits(&self, schema: &'a Value, at: &[String], value: &Value) -> Result<()> {
        let alternatives = self.alternatives(schema);
        if !alternatives
            .iter()
            .any(|alternative| accepts(alternative, value))
        {
            return Err(Error::OverrideTypeMismatch {
                values: self.values,
                at: shown(at),
                expected: expected(&alternatives),
                found: json_type(value),
            });
        }
        match value {
            Value::Object(entries) => {
                for (key, entry) in entries {
                    let mut deeper = at.to_vec();
                    deeper.push(key.clone());
                    let below = self.child(schema, &deeper)?;
                    self.fits(below, &deeper, entry)?;
                }
            }
            Value::Array(items) => {
                // Only a schema that names its items constrains them.
                let items_schema = alternatives
                    .iter()
                    .find_map(|alternative| alternative.get("items"));
                if let Some(items_schema) = items_schema {
                    for (index, item) in items.iter().enumerate() {
                        let mut deeper = at.to_vec();
                        deeper.push(index.to_string());
                        self.fits(items_schema, &deeper, item)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A schema with no constraint at all (`true`, `{}`, or only annotations).
fn is_any(schema: &Value) -> bool {
    match schema {
        Value::Bool(allowed) => *allowed,
        Value::Object(keywords) => !keywords.keys().any(|keyword| {
            matches!(
                keyword.as_str(),
                "type"
                    | "properties"
                    | "additionalProperties"
                    | "enum"
                    | "const"
                    | "allOf"
                    | "anyOf"
                    | "oneOf"
                    | "$ref"
                    | "items"
            )
        }),
        _ => false,
    }
}

/// The JSON types a schema names in `type` (one or a list).
fn types(schema: &Value) -> impl Iterator<Item = &str> {
    let listed = match schema.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    listed.into_iter()
}

/// Whether one alternative's own `type`, `enum` and `const` admit `value` (nested keys and
/// items are checked separately, with their paths).
fn accepts(schema: &Value, value: &Value) -> bool {
    if is_any(schema) {
        return true;
    }
    if schema == &Value::Bool(false) {
        return false;
    }
    let mut kinds = types(schema).peekable();
    let type_ok = kinds.peek().is_none() || kinds.any(|kind| has_type(value, kind));
    let enum_ok = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_none_or(|allowed| allowed.contains(value));
    let const_ok = schema.get("const").is_none_or(|allowed| allowed == value);
    type_ok && enum_ok && const_ok
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        other => json_type(value) == other,
    }
}

/// The JSON type of a value, as JSON Schema names it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What the alternatives admit, for the error: their types, or their allowed values.
fn expected(alternatives: &[&Value]) -> String {
    let mut admitted = BTreeSet::new();
    for alternative in alternatives {
        let allowed = alternative
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| alternative.get("const").map(|only| vec![only.clone()]));
        match allowed {
            Some(values) => admitted.extend(values.iter().map(Value::to_string)),
            None => admitted.extend(types(alternative).map(str::to_owned)),
        }
    }
    admitted.into_iter().collect::<Vec<_>>().join(" or ")
}

/// A path of keys as the errors show it: `` `server.ha` `` (a dot inside a key escaped, as
/// the override path writes it), or `the top level` when empty.
pub(crate) fn shown(keys: &[String]) -> String {
    if keys.is_empty() {
        "the top level".to_owned()
    } else {
        let dotted = keys
            .iter()
            .map(|key| key.replace('\\', "\\\\").replace('.', "\\."))
            .collect::<Vec<_>>()
            .join(".");
        format!("`{dotted}`")
    }
}
