//! Typed AWS IAM for the BKT crates: policy and trust documents, the IAM resource kinds, and the
//! GitHub Actions OIDC module with trust conditions that are exact by construction.
//!
//! - [`policy`]: [`PolicyDocument`](policy::PolicyDocument) and
//!   [`Statement`](policy::Statement) — the one way every BKT crate writes a policy. Conditions
//!   are grouped by [`Operator`](policy::Operator) and a key can appear only once per operator
//!   (IAM would silently keep one of two), so adding it twice is an error. Values are
//!   [`Expr`](bkt_core::hcl::Expr)s: references and templates work where text does.
//!   [`IrsaTrust`](policy::IrsaTrust) is the trust of a role assumed by one Kubernetes service
//!   account.
//! - [`aws`]: `aws_iam_role`, `aws_iam_role_policy`, `aws_iam_openid_connect_provider` … as typed
//!   kinds, shared by every crate that writes IAM.
//! - [`GithubOidcModule`] renders `terraform/modules/github-oidc` (the provider, created or looked
//!   up, and roles from a map, with the module's validations); [`GithubOidcInputs`] /
//!   [`GithubOidcOutputs`] are its typed call.
//! - [`GitHubRole`] checks the module's rules in Rust and writes a role's trust: one repository
//!   and one branch or environment under `StringEquals`; a wildcard only through
//!   [`GitHubRoleBuilder::branches_matching`], pull requests only through
//!   [`GitHubRoleBuilder::pull_requests`].
//!
//! ```
//! use bkt_oidc::GitHubRole;
//! use bkt_oidc::policy::{Operator, PolicyDocument, Statement};
//!
//! // A role pushing images from the main branch of one repository.
//! let ci = GitHubRole::builder("acme-dev-github-ci", "example-org/platform")
//!     .branch("main")
//!     .policy(PolicyDocument::new([Statement::allow()
//!         .sid("LogInToTheRegistry")?
//!         .action("ecr:GetAuthorizationToken")
//!         .resource("*")]))
//!     .build()?;
//! assert_eq!(ci.subject().claim(), "repo:example-org/platform:ref:refs/heads/main");
//! assert_eq!(ci.subject().operator(), Operator::StringEquals);
//!
//! // Its trust document, as the value of an `assume_role_policy` argument.
//! let trust = ci.trust_document("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
//! let statement = &trust.statements()[0];
//! assert_eq!(statement.conditions().len(), 1);
//! let _assume_role_policy = trust.to_json();
//!
//! // What the module rejects is rejected here first, naming the field and the fix.
//! let error = GitHubRole::builder("ci", "example-org/*").branch("main").build().unwrap_err();
//! assert!(error.to_string().starts_with("roles.ci.repository: \"example-org/*\" is invalid"));
//! let error = GitHubRole::builder("ci", "example-org/platform").build().unwrap_err();
//! assert!(error.to_string().contains("exactly one of branch or environment"));
//!
//! // A condition key twice under one operator is an error, never a silently dropped value.
//! let twice = Statement::allow()
//!     .condition(Operator::StringEquals, "aws:PrincipalTag/team", "a")?
//!     .condition(Operator::StringEquals, "aws:PrincipalTag/team", "b");
//! assert!(twice.is_err());
//! # Ok::<(), bkt_oidc::Error>(())
//! ```

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
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
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
        Self::Invalid(bkt_core::Invalid::new(
            field,
            Into::<String>::into(value),
            reason,
        ))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
