//! The one error type of `bkt-core`, and the shape every crate of the workspace gives a value
//! that failed validation ([`Invalid`]).

/// A value that failed validation: where it is, what it was, what is wrong and how to fix it.
/// Every crate of the workspace reports a bad input as this one shape, inside its own error's
/// `Invalid` variant, so a caller can match on the field whatever crate refused it.
///
/// ```
/// use bkt_core::Invalid;
///
/// let error = Invalid::new("network.cidr_block", "10.40.0.1/16", "host bits are set: use 10.40.0.0/16");
/// assert_eq!(error.field, "network.cidr_block");
/// assert_eq!(
///     error.to_string(),
///     "network.cidr_block: \"10.40.0.1/16\" is invalid: host bits are set: use 10.40.0.0/16"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} is invalid: {reason}")]
pub struct Invalid {
    /// Dotted path of the offending field (for example `network.cidr_block`).
    pub field: String,
    /// The rejected value, as given.
    pub value: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl Invalid {
    /// The error for `field` holding `value`, with the reason and the fix.
    pub fn new(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// What went wrong while building or writing a model, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation: `field` is the path of the bad value.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// An override names a block the file does not have.
    #[error(
        "override of {address:?}: no such block in this file; its blocks are: {}. Write a resource as TYPE.NAME, a data source as data.TYPE.NAME, a module call as module.NAME, a provider as provider.TYPE (provider.TYPE.ALIAS when aliased)",
        .blocks.join(", ")
    )]
    NoSuchBlock {
        /// The address given.
        address: String,
        /// The addresses of the file's blocks that can be overridden.
        blocks: Vec<String>,
    },
    /// An override names an argument or nested block that the kind does not model.
    #[error(
        "override of {address}: {:?} is not an argument or nested block of {} as the crates model it; it has: {}. Fix the name, or add the argument to the kind's declaration (terraform_kind! / terraform_block!)",
        .at.last().map_or("", String::as_str),
        where_in(.address, .at),
        .known.join(", ")
    )]
    UnknownArgument {
        /// The block's address.
        address: String,
        /// The names followed from the block: the nested blocks on the way, then the first name
        /// that is not modelled.
        at: Vec<String>,
        /// The arguments and nested blocks (`name {}`) modelled there, in declaration order.
        known: Vec<String>,
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

/// Where an [`Error::UnknownArgument`] looked: the block at `address`, or a nested block of it.
fn where_in(address: &str, at: &[String]) -> String {
    match at.split_last() {
        Some((_, blocks)) if !blocks.is_empty() => {
            format!("the `{}` block of {address}", blocks.join("."))
        }
        _ => address.to_owned(),
    }
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
        Self::Invalid(Invalid::new(field, value, reason))
    }
}

/// An error and its chain of causes on one line, `error: cause: cause's cause`: what a `main`
/// prints. Every error of the workspace says its cause once — in its message or as its
/// [`source`](std::error::Error::source), never both — so `Display` of the outermost error alone
/// may leave the cause out; `Report` never does.
///
/// ```
/// use bkt_core::Report;
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("HelmRelease/grafana/grafana")]
/// struct Building {
///     source: std::num::ParseIntError,
/// }
///
/// let error = Building { source: "x".parse::<u8>().unwrap_err() };
/// assert_eq!(
///     Report(&error).to_string(),
///     "HelmRelease/grafana/grafana: invalid digit found in string"
/// );
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
