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
    /// An override path that the typed values do not model (decided from the type: an unset
    /// `Option` field is still modelled).
    #[error(
        "{values}: override path {path:?} is not in the typed model: {:?} is not a key of {}; {}. Fix the path (keys as the chart spells them, camelCase; a dot inside a key as `\\.`), or, for a top-level key the type does not model, use `WithExtra::extra`",
        .at.last().map_or("", String::as_str),
        crate::values_path::shown(.at.split_last().map_or(&[][..], |(_, parent)| parent)),
        what_is_there(.known)
    )]
    UnknownValuesPath {
        /// The values type.
        values: &'static str,
        /// The override path, as given.
        path: String,
        /// The keys followed to the first one that is not modelled, that one last (it can be
        /// inside the value given, when that is an object).
        at: Vec<String>,
        /// The keys the type models where that key was looked up, sorted; empty below a scalar
        /// or a list.
        known: Vec<String>,
    },
    /// An override's value has a JSON type (or a text) the typed model does not allow there.
    #[error(
        "{values}: {at} is modelled as {expected}, the override gives {found}: give {expected}"
    )]
    OverrideTypeMismatch {
        /// The values type.
        values: &'static str,
        /// Where the mismatch is: the override path, or a key inside the value given.
        at: String,
        /// What the type allows there: JSON types (`integer or null`) or the allowed texts.
        expected: String,
        /// The JSON type given.
        found: &'static str,
    },
    /// An override path that is not a path of keys.
    #[error("override path {path:?} is malformed: {reason}")]
    InvalidValuesPath {
        /// The path, as given.
        path: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Two overrides set the same value, or one sets a value inside another's.
    #[error(
        "overrides {first:?} and {second:?} overlap: the later would replace (part of) the earlier; set each value once, at its own path"
    )]
    OverlappingOverrides {
        /// The path set first.
        first: String,
        /// The path set second.
        second: String,
    },
    /// A value failed a rule of the chart.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// Workloads that the node groups cannot run, each naming the rule it breaks and the fix.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Unplaceable(Vec<crate::capacity::Violation>),
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
    /// An [`Error::Invalid`] for `field` holding `value`, with the reason and the fix.
    #[must_use]
    pub fn invalid(field: &str, value: impl Into<String>, reason: &str) -> Self {
        Self::Invalid(bkt_core::Invalid::new(
            field,
            Into::<String>::into(value),
            reason,
        ))
    }

    /// An [`Error::Json`] for `what`, from serde's error.
    #[must_use]
    pub fn json(what: &str, error: &serde_json::Error) -> Self {
        Self::Json {
            what: what.to_owned(),
            message: error.to_string(),
        }
    }
}

/// The end of an [`Error::UnknownValuesPath`] message: what the type has where the key was
/// looked up.
fn what_is_there(known: &[String]) -> String {
    if known.is_empty() {
        "the type models a scalar or a list there, which has no keys: set the value there as a whole".to_owned()
    } else {
        format!("the keys there are: {}", known.join(", "))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
