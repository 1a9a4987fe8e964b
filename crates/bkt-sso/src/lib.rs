//! Single sign-on for the BKT platform, declared once.
//!
//! An [`Sso`] declares the groups people belong to and the OIDC applications they sign in to:
//! each application names its consumer ([`Grafana`], [`Kubernetes`] for the API server and
//! Headlamp, [`OpenSearch`], [`Vault`]), the first label of the consumer's ingress host, and the
//! role each group gets there. Everything else is derived from that one declaration:
//!
//! - the identity provider's side: [`Sso::blueprint`] is an Authentik blueprint that creates
//!   the groups, one OAuth2/OIDC provider and application per declared application, and the
//!   bindings that let only the granted groups in;
//! - each consumer's side: [`Sso::client`] gives a [`Client`] with the issuer, client ID,
//!   endpoints, redirect URIs, scopes, where the client secret lives, and the grants typed by
//!   the consumer's own roles — chart values, Vault configuration, RBAC bindings and the EKS
//!   identity provider are built from it;
//! - the client secret: generated in the cluster under the name [`Client::secret`] gives; the
//!   blueprint reads it from the environment variable [`Client::secret_env`], and each consumer
//!   gets a copy of the same Secret. No secret value appears anywhere in a declaration.
//!
//! Redirect URIs are never written by hand: they are the consumer's host plus the callback
//! paths its kind uses, so they always go to the host the consumer serves; [`Client::check_host`]
//! compares that host with the consumer's ingress.
//!
//! Wiring mistakes are errors that name the object: a grant to an undeclared group fails
//! [`SsoBuilder::build`], a consumer asking for an undeclared application (or one of another
//! kind) fails [`Sso::client`], and a role of another consumer kind does not compile.
//!
//! ```
//! use bkt_sso::{ApplicationSpec, Grafana, GrafanaRole, Sso};
//!
//! let sso = Sso::builder("auth")
//!     .group("admins", "Run the platform")
//!     .application(
//!         ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
//!             .grant("admins", GrafanaRole::Admin),
//!     )
//!     .build()?;
//!
//! let grafana = sso.client::<Grafana>("grafana values", "grafana")?;
//! assert_eq!(grafana.client_id(), "grafana");
//! assert_eq!(
//!     grafana.issuer("example.com"),
//!     "https://auth.example.com/application/o/grafana/"
//! );
//! assert_eq!(
//!     grafana.redirect_uris("example.com"),
//!     ["https://grafana.example.com/login/generic_oauth"]
//! );
//!
//! // A consumer wired to an application that does not exist is an error naming it.
//! let missing = sso.client::<Grafana>("grafana values", "grafana-old").unwrap_err();
//! assert!(missing.to_string().contains("\"grafana-old\", which is not declared"));
//! # Ok::<(), bkt_sso::Error>(())
//! ```
//!
//! ```compile_fail
//! use bkt_sso::{ApplicationSpec, Grafana, VaultRole};
//! // A Grafana application cannot grant a Vault policy.
//! let _ = ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
//!     .grant("admins", VaultRole::Admin);
//! ```

mod blueprint;
mod error;
mod model;

use std::marker::PhantomData;

pub use blueprint::{
    ApplicationAttrs, Attrs, BindingAttrs, Blueprint, Entry, GroupAttributes, GroupAttrs,
    Identifiers, Metadata, ProviderAttrs, RedirectUri, Tag,
};
pub use error::{Error, Result};
pub use model::{
    Application, ApplicationSpec, ClusterRole, Consumer, Grafana, GrafanaRole, Grant, Group, Kind,
    Kubernetes, OpenSearch, OpenSearchRole, Role, Slug, Sso, SsoBuilder, Vault, VaultRole,
};

use model::join;

/// The key of every client-secret Secret.
pub const SECRET_KEY: &str = "client-secret";
/// The ID-token claim that carries the user's groups (Authentik's `profile` scope).
pub const GROUPS_CLAIM: &str = "groups";
/// The scopes every consumer asks for: `groups` comes with `profile`.
pub const SCOPES: [&str; 3] = ["openid", "email", "profile"];

impl Sso {
    /// Starts a declaration whose identity provider is served at `<provider_host>.<domain>`.
    #[must_use]
    pub fn builder(provider_host: &str) -> SsoBuilder {
        SsoBuilder::new(provider_host)
    }

    /// The wiring of application `name` for a consumer of kind `K`; `consumer` names the caller
    /// in the error.
    ///
    /// # Errors
    /// [`Error::UnknownApplication`] when no application has that name;
    /// [`Error::WrongKind`] when it serves another kind of consumer.
    pub fn client<K: Consumer>(&self, consumer: &str, name: &str) -> Result<Client<'_, K>> {
        let Some(application) = self
            .applications()
            .iter()
            .find(|a| a.name().as_str() == name)
        else {
            return Err(Error::UnknownApplication {
                consumer: consumer.to_owned(),
                application: name.to_owned(),
                declared: join(self.applications().iter().map(|a| a.name().as_str())),
            });
        };
        if application.kind() != K::KIND {
            return Err(Error::WrongKind {
                consumer: consumer.to_owned(),
                application: name.to_owned(),
                expected: K::KIND.as_str(),
                actual: application.kind().as_str(),
            });
        }
        Ok(Client {
            sso: self,
            application,
            kind: PhantomData,
        })
    }

    /// The Secret holding `application`'s client secret (see [`Client::secret`]).
    #[must_use]
    pub fn secret_of(&self, application: &Application) -> SecretRef {
        secret_ref(application)
    }

    /// The variable of Authentik's worker holding `application`'s client secret (see
    /// [`Client::secret_env`]).
    #[must_use]
    pub fn secret_env_of(&self, application: &Application) -> String {
        secret_env(application)
    }

    /// `https://<provider host>.<domain>`.
    fn provider_url(&self, domain: &str) -> String {
        format!("https://{}.{domain}", self.provider_host())
    }
}

/// A Secret holding a client secret: its name and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretRef {
    /// The Secret's name (the same in Authentik's namespace and in the consumer's).
    pub name: String,
    /// The key holding the client secret.
    pub key: &'static str,
}

/// One application as its consumer sees it.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a, K: Consumer> {
    sso: &'a Sso,
    application: &'a Application,
    kind: PhantomData<K>,
}

impl<'a, K: Consumer> Client<'a, K> {
    /// The application.
    #[must_use]
    pub fn application(&self) -> &'a Application {
        self.application
    }

    /// The OIDC client ID (the application's name).
    #[must_use]
    pub fn client_id(&self) -> &'a str {
        self.application.name().as_str()
    }

    /// The issuer: `https://<provider host>.<domain>/application/o/<name>/` (Authentik issues
    /// per application).
    #[must_use]
    pub fn issuer(&self, domain: &str) -> String {
        let (before, after) = self.issuer_around_domain();
        format!("{before}{domain}{after}")
    }

    /// The issuer split around the domain, `(before, after)`: the issuer is
    /// `before + domain + after`, for where the domain is only known as an expression (a
    /// Terraform variable).
    #[must_use]
    pub fn issuer_around_domain(&self) -> (String, String) {
        (
            format!("https://{}.", self.sso.provider_host()),
            format!("/application/o/{}/", self.client_id()),
        )
    }

    /// The `OpenID` discovery document's URL.
    #[must_use]
    pub fn discovery_url(&self, domain: &str) -> String {
        format!("{}.well-known/openid-configuration", self.issuer(domain))
    }

    /// The authorization endpoint.
    #[must_use]
    pub fn authorize_url(&self, domain: &str) -> String {
        format!("{}/application/o/authorize/", self.sso.provider_url(domain))
    }

    /// The token endpoint.
    #[must_use]
    pub fn token_url(&self, domain: &str) -> String {
        format!("{}/application/o/token/", self.sso.provider_url(domain))
    }

    /// The userinfo endpoint.
    #[must_use]
    pub fn userinfo_url(&self, domain: &str) -> String {
        format!("{}/application/o/userinfo/", self.sso.provider_url(domain))
    }

    /// The end-session (sign-out) endpoint of this application.
    #[must_use]
    pub fn end_session_url(&self, domain: &str) -> String {
        format!("{}end-session/", self.issuer(domain))
    }

    /// The consumer's host: `<host>.<domain>`.
    #[must_use]
    pub fn host(&self, domain: &str) -> String {
        format!("{}.{domain}", self.application.host())
    }

    /// The consumer's base URL: `https://<host>.<domain>`.
    #[must_use]
    pub fn base_url(&self, domain: &str) -> String {
        self.application.base_url(domain)
    }

    /// Every URI the provider may redirect to ([`Application::redirect_uris`]).
    #[must_use]
    pub fn redirect_uris(&self, domain: &str) -> Vec<String> {
        self.application.redirect_uris(domain)
    }

    /// The scopes to request.
    #[must_use]
    pub fn scopes(&self) -> &'static [&'static str] {
        &SCOPES
    }

    /// The Secret that holds the client secret, under the same name in Authentik's namespace
    /// (where it is generated) and in the consumer's (where it is copied).
    #[must_use]
    pub fn secret(&self) -> SecretRef {
        secret_ref(self.application)
    }

    /// The environment variable of Authentik's worker that holds the client secret.
    #[must_use]
    pub fn secret_env(&self) -> String {
        secret_env(self.application)
    }

    /// The grants, typed by this consumer's roles: `(group, role)`.
    #[must_use]
    pub fn grants(&self) -> Vec<(&'a Slug, K::Role)> {
        self.application
            .grants()
            .iter()
            .filter_map(|grant| K::unwrap(grant.role).map(|role| (&grant.group, role)))
            .collect()
    }

    /// Checks that the consumer's ingress serves the host the redirect URIs go to.
    ///
    /// # Errors
    /// [`Error::RedirectHostMismatch`] naming the application and both hosts.
    pub fn check_host(&self, domain: &str, ingress_host: &str) -> Result<()> {
        let expected = self.host(domain);
        if expected == ingress_host {
            Ok(())
        } else {
            Err(Error::RedirectHostMismatch {
                application: self.client_id().to_owned(),
                expected,
                actual: ingress_host.to_owned(),
            })
        }
    }
}

/// `sso-<name>`, key [`SECRET_KEY`].
fn secret_ref(application: &Application) -> SecretRef {
    SecretRef {
        name: format!("sso-{}", application.name()),
        key: SECRET_KEY,
    }
}

/// `BKT_SSO_<NAME>_CLIENT_SECRET`, with `-` as `_`.
pub(crate) fn secret_env(application: &Application) -> String {
    let name: String = application
        .name()
        .as_str()
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    format!("BKT_SSO_{name}_CLIENT_SECRET")
}

/// The prefix the API server puts before OIDC user and group names, so they can never collide
/// with IAM-mapped or built-in (`system:`) names.
pub const KUBERNETES_PREFIX: &str = "oidc:";

impl Client<'_, Kubernetes> {
    /// The ID-token claim the API server takes the user name from: Authentik's
    /// `preferred_username` (the `email` claim would need `email_verified`).
    #[must_use]
    pub fn username_claim(&self) -> &'static str {
        "preferred_username"
    }

    /// The prefix of user and group names in the API server ([`KUBERNETES_PREFIX`]).
    #[must_use]
    pub fn prefix(&self) -> &'static str {
        KUBERNETES_PREFIX
    }

    /// The RBAC subject of a group: `oidc:<group>`.
    #[must_use]
    pub fn subject(&self, group: &Slug) -> String {
        format!("{KUBERNETES_PREFIX}{group}")
    }
}

#[cfg(test)]
mod tests;
