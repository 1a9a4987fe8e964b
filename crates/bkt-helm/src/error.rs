//! The crate's one error type.

/// What went wrong while building chart values or the sample chart's schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An extra value would set a key that a typed field of the values already sets.
    #[error(
        "extra value {key:?} collides with the typed field {key:?} of {values}: set the typed field instead (the escape hatch adds keys, it never overrides one)"
    )]
    ExtraCollidesWithTypedField {
        /// The values type.
        values: String,
        /// The key given twice.
        key: String,
    },
    /// The same extra key was given twice.
    #[error("extra value {key:?} is given twice: give each extra key once")]
    DuplicateExtra {
        /// The key given twice.
        key: String,
    },
    /// Typed values did not serialize as a mapping, so extra keys cannot sit next to them.
    #[error("{values} does not serialize as a mapping of keys; extra values need one")]
    NotAMapping {
        /// The values type.
        values: String,
    },
    /// A value failed a rule of the chart.
    #[error("{field}: {value:?} is invalid: {reason}")]
    Invalid {
        /// Dotted path of the value, for example `ingress.host`.
        field: String,
        /// The rejected value.
        value: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A configuration file could not be serialized as YAML.
    #[error("YAML serialization of {what} failed: {message}")]
    Yaml {
        /// What was being serialized.
        what: String,
        /// The writer's message.
        message: String,
    },
    /// A value could not be serialized as JSON.
    #[error("JSON serialization of {what} failed: {message}")]
    Json {
        /// What was being serialized.
        what: String,
        /// The serializer's message.
        message: String,
    },
}

impl Error {
    pub(crate) fn invalid(field: &str, value: impl Into<String>, reason: &str) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            value: value.into(),
            reason: reason.to_owned(),
        }
    }

    pub(crate) fn json(what: &str, error: &serde_json::Error) -> Self {
        Self::Json {
            what: what.to_owned(),
            message: error.to_string(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
