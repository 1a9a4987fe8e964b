//! Validated names: the identifiers HCL allows for labels, variables, locals and outputs.

use std::borrow::Cow;
use std::fmt;

use crate::{Error, Result};

/// A Terraform identifier: a letter or `_`, then letters, digits, `_` or `-`, at most 64 bytes.
///
/// Used for resource and data source names, variables, locals, outputs and `for` variables.
/// Build one with [`Name::new`] from runtime input, or with [`crate::name!`] from a literal,
/// which is checked at compile time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Cow<'static, str>);

/// The longest name accepted; Terraform has no limit, but longer names are always a mistake.
pub const MAX_NAME_LEN: usize = 64;

const fn is_valid(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_LEN {
        return false;
    }
    if !(bytes[0].is_ascii_alphabetic() || bytes[0] == b'_') {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

impl Name {
    pub(crate) const EACH: Name = Name(Cow::Borrowed("each"));
    pub(crate) const KEY: Name = Name(Cow::Borrowed("key"));
    pub(crate) const VALUE: Name = Name(Cow::Borrowed("value"));

    /// A validated name.
    ///
    /// A name made at run time; a literal is checked at compile time with [`crate::name!`].
    ///
    /// ```
    /// use bkt_core::Name;
    /// let queue = format!("{}_dlq", "orders");
    /// assert_eq!(Name::new(queue)?.as_str(), "orders_dlq");
    /// assert!(Name::new("orders dlq").unwrap_err().to_string().starts_with("name: "));
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] when `name` is empty, longer than [`MAX_NAME_LEN`], or holds a
    /// character other than ASCII letters, digits, `_` and `-` (or starts with a digit or `-`).
    pub fn new(name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        if is_valid(&name) {
            Ok(Self(Cow::Owned(name)))
        } else {
            Err(Error::invalid(
                "name",
                &name,
                "use 1-64 ASCII letters, digits, '_' or '-', starting with a letter or '_' (e.g. flow_logs)",
            ))
        }
    }

    /// Compile-time constructor behind [`crate::name!`]; evaluated in a `const` block, so an
    /// invalid literal is a compile error, never a runtime panic.
    #[doc(hidden)]
    #[must_use]
    pub const fn from_static(name: &'static str) -> Self {
        assert!(
            is_valid(name),
            "invalid Terraform name literal: use 1-64 ASCII letters, digits, '_' or '-', starting with a letter or '_' (e.g. flow_logs)"
        );
        Self(Cow::Borrowed(name))
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for Name {
    type Error = Error;
    fn try_from(name: &str) -> Result<Self> {
        Self::new(name)
    }
}

/// A [`Name`] from a string literal, validated at compile time.
///
/// ```
/// let name = bkt_core::name!("flow_logs");
/// assert_eq!(name.as_str(), "flow_logs");
/// ```
///
/// ```compile_fail
/// let name = bkt_core::name!("9 lives");
/// ```
#[macro_export]
macro_rules! name {
    ($name:expr) => {
        const { $crate::Name::from_static($name) }
    };
}
