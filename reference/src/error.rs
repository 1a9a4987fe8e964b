//! The reference platform's one error type: every crate's refusals, and the rules across
//! environments.

/// What went wrong while rendering the platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the platform spec failed validation.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// The network model was rejected.
    #[error(transparent)]
    Network(#[from] bkt_network::Error),
    /// The Atlas model was rejected.
    #[error(transparent)]
    Atlas(#[from] bkt_atlas::Error),
    /// The github-oidc model or a policy document was rejected.
    #[error(transparent)]
    Oidc(#[from] bkt_oidc::Error),
    /// The eks, ecr or workload-identity model was rejected.
    #[error(transparent)]
    Eks(#[from] bkt_eks::Error),
    /// A chart's values or the sample chart's schema was rejected.
    #[error(transparent)]
    Helm(#[from] bkt_helm::Error),
    /// The SSO declaration or a consumer's wiring to it is invalid.
    #[error(transparent)]
    Sso(#[from] bkt_sso::Error),
    /// A Flux model or the GitOps tree's graph checks rejected the tree (boxed: its errors
    /// name object, file, field and value, and would make every `Result` of this crate large).
    #[error(transparent)]
    Flux(Box<bkt_flux::Error>),
    /// A settings data file is not TOML.
    #[error("line {line}, column {column}: {message}")]
    SettingsSyntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// A setting of a data file is missing, unknown or invalid.
    #[error("{field}: {message}")]
    Setting {
        /// Dotted path of the setting, for example `sample_app.image_tag`.
        field: String,
        /// What is wrong and the expected form.
        message: String,
    },
    /// A JSON file could not be serialized.
    #[error("JSON serialization of {what} failed: {message}")]
    Json {
        /// The file.
        what: String,
        /// The serializer's message.
        message: String,
    },
    /// The tree could not be assembled.
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
    /// An environment's node groups cannot run the platform's workloads.
    #[error(
        "environment {environment:?}: its node group cannot run the platform (one line per workload that cannot run)\n{message}"
    )]
    Capacity {
        /// The environment, by name.
        environment: String,
        /// One line per workload that cannot run: the workload, the rule it breaks, the fix.
        message: String,
    },
    /// Two environments break a rule across environments.
    #[error("environments {first:?} and {second:?}: {reason}")]
    Environments {
        /// The first environment, by name.
        first: String,
        /// The second environment, by name.
        second: String,
        /// What they share and how to fix it.
        reason: String,
    },
}

impl Error {
    pub(crate) fn invalid(
        field: &str,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid(bkt_core::Invalid::new(field, value, reason))
    }
}

impl From<bkt_flux::Error> for Error {
    fn from(error: bkt_flux::Error) -> Self {
        Self::Flux(Box::new(error))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
