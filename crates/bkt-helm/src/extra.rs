//! The escape hatch: values a typed struct does not model, added next to it, never over it.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::{Error, Result};

/// Typed chart values plus extra top-level keys the typed struct does not model.
///
/// The typed part serializes first, in its own field order; the extra keys follow, sorted.
/// [`WithExtra::extra`] refuses a key that the typed part already sets (and a key given twice),
/// so an extra value can never silently replace a typed one, and nothing added is ever dropped.
/// To set a key inside a section the typed struct models, add the field to the struct: a
/// modelled section is the whole truth for its subtree.
///
/// Extra values are JSON values ([`serde_json::Value`]): any `Serialize` value converts into
/// one, and the YAML writer serializes them like any other value.
#[derive(Debug, Clone, PartialEq)]
pub struct WithExtra<T> {
    typed: T,
    extra: BTreeMap<String, serde_json::Value>,
}

impl<T: Serialize> WithExtra<T> {
    /// The typed values, with no extra key yet.
    pub fn new(typed: T) -> Self {
        Self {
            typed,
            extra: BTreeMap::new(),
        }
    }

    /// Adds the top-level key `key` with `value`.
    ///
    /// # Errors
    /// [`Error::ExtraCollidesWithTypedField`] when the typed values already set `key`,
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
        if fields.contains_key(&key) {
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

    /// The typed part.
    pub fn typed(&self) -> &T {
        &self.typed
    }

    /// The extra keys and their values.
    #[must_use]
    pub fn extras(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.extra
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
        Flat {
            typed: &self.typed,
            extra: &self.extra,
        }
        .serialize(serializer)
    }
}
