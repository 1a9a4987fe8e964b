//! Typed AWS IAM for the BKT crates: the IAM resource kinds every crate uses to write a role or
//! a policy ([`aws`]), typed policy and trust documents ([`policy`]), and (coming) the GitHub
//! Actions OIDC module.

pub mod aws;
mod github;
mod module;
pub mod policy;

pub use github::{
    CLAIM_BRANCH, CLAIM_ENVIRONMENT, CLAIM_PULL_REQUEST, CLAIM_REPOSITORY, GitHubRole,
    GitHubRoleBuilder, GitHubSubject, ISSUER_HOST, MAX_ROLE_NAME, REF_NAME_PATTERN, REFS_PREFIX,
    REPOSITORY_PATTERN, ROLE_NAME_PATTERN, Repository, RoleName,
};
pub use module::{GithubOidcInputs, GithubOidcModule, GithubOidcOutputs};

/// What went wrong, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation.
    #[error("{field}: {value:?} is invalid: {reason}")]
    Invalid {
        /// Path of the field, for example `Condition.StringEquals`.
        field: String,
        /// The rejected value.
        value: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// An error from the shared core (a name or a file tree).
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
}

impl Error {
    pub(crate) fn invalid(
        field: &str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
