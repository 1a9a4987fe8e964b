//! The crate's one error type.

/// What is wrong with an SSO declaration, or with a consumer's wiring to it.
///
/// Every variant names the object (application, group or field), says what is wrong and how to
/// fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A name is not a DNS-1123 label.
    #[error(
        "{field}: {value:?} is not a valid name: use 1-63 lowercase ASCII letters, digits or '-', starting with a letter and not ending with '-' (e.g. platform-engineers)"
    )]
    InvalidName {
        /// Which name (`group`, `application`, `host`, …).
        field: String,
        /// The rejected value.
        value: String,
    },
    /// Two groups or two applications have the same name.
    #[error("{what} {name:?} is declared twice: give each {what} one declaration")]
    Duplicate {
        /// `group` or `application`.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// An application grants a role to a group that is not declared.
    #[error(
        "application {application:?} grants {role} to group {group:?}, which is not declared (declared groups: {declared}): declare it with SsoBuilder::group or fix the group's name"
    )]
    UnknownGroup {
        /// The application holding the grant.
        application: String,
        /// The undeclared group.
        group: String,
        /// The role it would get.
        role: String,
        /// The declared groups, comma-separated.
        declared: String,
    },
    /// An application grants nothing, so nobody could sign in to it.
    #[error(
        "application {application:?} grants no role to any group, so nobody could sign in: add .grant(group, role)"
    )]
    NoGrants {
        /// The application.
        application: String,
    },
    /// A group gets two roles in one application.
    #[error(
        "application {application:?} grants group {group:?} twice: give each group one role per application"
    )]
    DuplicateGrant {
        /// The application.
        application: String,
        /// The group granted twice.
        group: String,
    },
    /// A consumer asks for an application that is not declared.
    #[error(
        "{consumer} is wired to SSO application {application:?}, which is not declared (declared applications: {declared}): declare it with SsoBuilder::application or fix the name"
    )]
    UnknownApplication {
        /// Who asked (for example `grafana values`).
        consumer: String,
        /// The missing application.
        application: String,
        /// The declared applications, comma-separated.
        declared: String,
    },
    /// A consumer asks for an application of another kind.
    #[error(
        "{consumer} is wired to SSO application {application:?}, which is a {actual} application, not {expected}: wire the consumer to a {expected} application"
    )]
    WrongKind {
        /// Who asked.
        consumer: String,
        /// The application.
        application: String,
        /// The kind the consumer needs.
        expected: &'static str,
        /// The application's kind.
        actual: &'static str,
    },
    /// A consumer's ingress host differs from the host its redirect URIs are derived from.
    #[error(
        "SSO application {application:?}: redirect URIs go to host {expected:?} but the consumer's ingress serves {actual:?}: declare the application with the consumer's ingress host, or serve the consumer there"
    )]
    RedirectHostMismatch {
        /// The application.
        application: String,
        /// The host the redirect URIs use.
        expected: String,
        /// The host the consumer's ingress serves.
        actual: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
