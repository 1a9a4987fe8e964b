//! The one error type of `bkt-core`.

/// What went wrong while building or writing a model, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation: `field` is the path of the bad value.
    #[error("{field}: {value:?} is invalid: {reason}")]
    Invalid {
        /// Dotted path of the offending field (for example `network.cidr_block`).
        field: String,
        /// The rejected value, as given.
        value: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Two generated files claim the same path.
    #[error("{path}: generated twice; each path in the tree must come from exactly one model")]
    DuplicatePath {
        /// The path, relative to the tree root.
        path: String,
    },
    /// A value could not be serialized to YAML.
    #[error("YAML serialization of {what} failed: {message}")]
    Yaml {
        /// What was being serialized (for example the file path).
        what: String,
        /// The serializer's message.
        message: String,
    },
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Invalid`] for `field` holding `value`, with the reason and the fix.
    pub fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}
