//! The declaration: groups, applications, the consumers they serve and the roles groups get.

use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use crate::{Error, Result};

/// A DNS-1123 label: 1-63 lowercase ASCII letters, digits or `-`, starting with a letter and not
/// ending with `-`.
///
/// Application and group names become Kubernetes object names (`sso-grafana`), host labels,
/// Authentik slugs and RBAC subjects, so all of them use the one form every place accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// A validated label.
    ///
    /// ```
    /// use bkt_sso::Slug;
    /// assert_eq!(Slug::new("groups", "platform-engineers")?.as_str(), "platform-engineers");
    /// let error = Slug::new("groups", "Platform Engineers").unwrap_err();
    /// assert!(error.to_string().contains("groups"), "{error}");
    /// # Ok::<(), bkt_sso::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidName`] naming `field` when `value` is not a DNS-1123 label.
    pub fn new(field: &str, value: &str) -> Result<Self> {
        let bytes = value.as_bytes();
        let valid = !bytes.is_empty()
            && bytes.len() <= 63
            && bytes.first().is_some_and(u8::is_ascii_lowercase)
            && bytes.last() != Some(&b'-')
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::InvalidName {
                field: field.to_owned(),
                value: value.to_owned(),
            })
        }
    }

    /// The label as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group of people in Authentik; applications grant roles to groups.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    /// The group's name (Authentik group, `groups` claim value, RBAC subject after the prefix).
    pub name: Slug,
    /// Who belongs in it, for the docs and Authentik's UI.
    pub description: String,
}

/// What serves an application: which kind of consumer signs its users in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// Grafana (generic OAuth).
    Grafana,
    /// The Kubernetes API server (the EKS OIDC identity provider) and Headlamp, its web UI,
    /// which passes the user's ID token on to the API server.
    Kubernetes,
    /// OpenSearch Dashboards, and the OpenSearch security plugin behind it.
    OpenSearch,
    /// Vault's OIDC auth method.
    Vault,
}

impl Kind {
    /// The kind's name in messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grafana => "Grafana",
            Self::Kubernetes => "Kubernetes",
            Self::OpenSearch => "OpenSearch",
            Self::Vault => "Vault",
        }
    }

    /// The paths on the consumer's host that the provider may redirect back to.
    #[must_use]
    pub fn callback_paths(self) -> &'static [&'static str] {
        match self {
            Self::Grafana => &["/login/generic_oauth"],
            Self::Kubernetes => &["/oidc-callback"],
            Self::OpenSearch => &["/auth/openid/login"],
            Self::Vault => &["/ui/vault/auth/oidc/oidc/callback"],
        }
    }

    /// Redirect URIs on the user's own machine, for the consumer's command-line login.
    #[must_use]
    pub fn loopback_redirects(self) -> &'static [&'static str] {
        match self {
            // `vault login -method=oidc` listens here by default.
            Self::Vault => &["http://localhost:8250/oidc/callback"],
            Self::Grafana | Self::Kubernetes | Self::OpenSearch => &[],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Grafana organisation role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrafanaRole {
    /// Everything in the organisation, users and data sources included.
    Admin,
    /// Dashboards and Explore.
    Editor,
    /// Dashboards, read-only.
    Viewer,
}

impl GrafanaRole {
    /// Grafana's name for the role.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Editor => "Editor",
            Self::Viewer => "Viewer",
        }
    }
}

/// A Kubernetes `ClusterRole` a group is bound to, cluster-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClusterRole {
    /// `view`: read most objects, never Secrets.
    View,
    /// `edit`: change most namespaced objects.
    Edit,
    /// `cluster-admin`: everything.
    ClusterAdmin,
}

impl ClusterRole {
    /// The `ClusterRole`'s name (Kubernetes' default roles).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Edit => "edit",
            Self::ClusterAdmin => "cluster-admin",
        }
    }
}

/// What a group may do in OpenSearch: the security plugin's roles its backend role maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenSearchRole {
    /// `all_access`: every index and the security settings.
    AllAccess,
    /// `readall` and `kibana_user`: read every index and use Dashboards.
    ReadAll,
}

impl OpenSearchRole {
    /// The security plugin's roles (its predefined ones) this maps to.
    #[must_use]
    pub fn security_roles(self) -> &'static [&'static str] {
        match self {
            Self::AllAccess => &["all_access"],
            Self::ReadAll => &["readall", "kibana_user"],
        }
    }

    /// The role's name in messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllAccess => "all_access",
            Self::ReadAll => "readall",
        }
    }
}

/// A Vault policy a group's members get when they log in with OIDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VaultRole {
    /// `sso-admin`: everything.
    Admin,
    /// `sso-read`: read and list the KV store.
    Read,
}

impl VaultRole {
    /// The Vault policy's name; the bootstrap writes a policy of that name.
    #[must_use]
    pub fn policy(self) -> &'static str {
        match self {
            Self::Admin => "sso-admin",
            Self::Read => "sso-read",
        }
    }
}

/// A role in one consumer, whatever the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Role {
    /// A Grafana role.
    Grafana(GrafanaRole),
    /// A Kubernetes cluster role.
    Kubernetes(ClusterRole),
    /// OpenSearch roles.
    OpenSearch(OpenSearchRole),
    /// A Vault policy.
    Vault(VaultRole),
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grafana(role) => write!(f, "Grafana role {}", role.as_str()),
            Self::Kubernetes(role) => write!(f, "cluster role {}", role.as_str()),
            Self::OpenSearch(role) => write!(f, "OpenSearch role {}", role.as_str()),
            Self::Vault(role) => write!(f, "Vault policy {}", role.policy()),
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A kind of consumer, as a type: it fixes the role type its grants take, so a Grafana
/// application cannot grant a Vault policy (a compile error, not a render error).
///
/// Sealed: the kinds are the ones the platform knows how to wire.
pub trait Consumer: sealed::Sealed {
    /// The roles this consumer has.
    type Role: Copy;
    /// The consumer's kind.
    const KIND: Kind;
    /// The role as the kind-independent [`Role`].
    fn wrap(role: Self::Role) -> Role;
    /// The role back from a [`Role`], if it is one of this kind.
    fn unwrap(role: Role) -> Option<Self::Role>;
}

macro_rules! consumer {
    ($(#[$doc:meta])* $name:ident, $role:ty, $variant:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {}
        impl sealed::Sealed for $name {}
        impl Consumer for $name {
            type Role = $role;
            const KIND: Kind = Kind::$variant;
            fn wrap(role: $role) -> Role {
                Role::$variant(role)
            }
            fn unwrap(role: Role) -> Option<$role> {
                match role {
                    Role::$variant(role) => Some(role),
                    _ => None,
                }
            }
        }
    };
}

consumer!(
    /// Grafana: generic OAuth, groups mapped to organisation roles.
    Grafana, GrafanaRole, Grafana
);
consumer!(
    /// The Kubernetes API server and Headlamp: groups bound to cluster roles.
    Kubernetes, ClusterRole, Kubernetes
);
consumer!(
    /// OpenSearch Dashboards and the security plugin: groups as backend roles.
    OpenSearch, OpenSearchRole, OpenSearch
);
consumer!(
    /// Vault's OIDC auth method: groups as external identity groups with policies.
    Vault, VaultRole, Vault
);

/// A group's role in one application.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Grant {
    /// The group.
    pub group: Slug,
    /// What its members get.
    pub role: Role,
}

/// One OIDC application: a confidential client of Authentik, served by one consumer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Application {
    name: Slug,
    title: String,
    kind: Kind,
    host: Slug,
    grants: Vec<Grant>,
}

impl Application {
    /// The application's name: its Authentik slug and client ID.
    #[must_use]
    pub fn name(&self) -> &Slug {
        &self.name
    }

    /// The name users see in Authentik's library.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The consumer kind.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The first label of the consumer's ingress host (`grafana` for `grafana.<domain>`).
    #[must_use]
    pub fn host(&self) -> &Slug {
        &self.host
    }

    /// Who may sign in, and with which role.
    #[must_use]
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The consumer's base URL: `https://<host>.<domain>`.
    #[must_use]
    pub fn base_url(&self, domain: &str) -> String {
        format!("https://{}.{domain}", self.host)
    }

    /// Every URI the provider may redirect to: the kind's callback paths on the consumer's
    /// host, then the kind's loopback URIs for command-line logins. Never written by hand, so
    /// they always go to the host the consumer is declared at.
    #[must_use]
    pub fn redirect_uris(&self, domain: &str) -> Vec<String> {
        let base = self.base_url(domain);
        self.kind
            .callback_paths()
            .iter()
            .map(|path| format!("{base}{path}"))
            .chain(
                self.kind
                    .loopback_redirects()
                    .iter()
                    .map(|uri| (*uri).to_owned()),
            )
            .collect()
    }
}

/// An application being declared, typed by its consumer kind.
#[derive(Debug, Clone)]
pub struct ApplicationSpec<K: Consumer> {
    name: String,
    title: String,
    host: String,
    grants: Vec<(String, K::Role)>,
    kind: PhantomData<K>,
}

impl<K: Consumer> ApplicationSpec<K> {
    /// ```
    /// use bkt_sso::{ApplicationSpec, Sso, Vault, VaultRole};
    /// let vault = ApplicationSpec::<Vault>::new("vault", "Vault", "vault")
    ///     .grant("operators", VaultRole::Admin);
    /// // The grant names a group the declaration must have: building without it fails.
    /// let error = Sso::builder("auth").application(vault.clone()).build().unwrap_err();
    /// assert!(error.to_string().contains("operators"), "{error}");
    /// let sso = Sso::builder("auth").group("operators", "Operators").application(vault).build()?;
    /// assert_eq!(sso.applications().len(), 1);
    /// # Ok::<(), bkt_sso::Error>(())
    /// ```
    ///
    /// An application `name` (its slug and client ID) whose consumer is served at
    /// `<host>.<domain>`; `title` is what users see.
    #[must_use]
    pub fn new(name: &str, title: &str, host: &str) -> Self {
        Self {
            name: name.to_owned(),
            title: title.to_owned(),
            host: host.to_owned(),
            grants: Vec::new(),
            kind: PhantomData,
        }
    }

    /// Lets members of `group` sign in, with `role`.
    #[must_use]
    pub fn grant(mut self, group: &str, role: K::Role) -> Self {
        self.grants.push((group.to_owned(), role));
        self
    }

    fn erase(self) -> RawApplication {
        RawApplication {
            name: self.name,
            title: self.title,
            host: self.host,
            kind: K::KIND,
            grants: self
                .grants
                .into_iter()
                .map(|(group, role)| (group, K::wrap(role)))
                .collect(),
        }
    }
}

/// An application as declared, before its names and groups are checked.
#[derive(Debug, Clone)]
struct RawApplication {
    name: String,
    title: String,
    host: String,
    kind: Kind,
    grants: Vec<(String, Role)>,
}

impl RawApplication {
    fn build(self, groups: &[Group]) -> Result<Application> {
        let name = Slug::new("application", &self.name)?;
        let host = Slug::new(&format!("application {name}: host"), &self.host)?;
        if self.grants.is_empty() {
            return Err(Error::NoGrants {
                application: name.to_string(),
            });
        }
        let mut seen = BTreeSet::new();
        let mut grants = Vec::with_capacity(self.grants.len());
        for (group, role) in self.grants {
            let Some(declared) = groups.iter().find(|g| g.name.as_str() == group) else {
                return Err(Error::UnknownGroup {
                    application: name.to_string(),
                    group,
                    role: role.to_string(),
                    declared: join(groups.iter().map(|g| g.name.as_str())),
                });
            };
            if !seen.insert(group.clone()) {
                return Err(Error::DuplicateGrant {
                    application: name.to_string(),
                    group,
                });
            }
            grants.push(Grant {
                group: declared.name.clone(),
                role,
            });
        }
        Ok(Application {
            name,
            title: self.title,
            kind: self.kind,
            host,
            grants,
        })
    }
}

pub(crate) fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Builds an [`Sso`]: groups, then applications that grant them roles.
#[derive(Debug, Clone, Default)]
pub struct SsoBuilder {
    provider_host: String,
    groups: Vec<(String, String)>,
    applications: Vec<RawApplication>,
}

impl SsoBuilder {
    /// A declaration whose identity provider (Authentik) is served at `<provider_host>.<domain>`.
    #[must_use]
    pub fn new(provider_host: &str) -> Self {
        Self {
            provider_host: provider_host.to_owned(),
            ..Self::default()
        }
    }

    /// Declares a group.
    #[must_use]
    pub fn group(mut self, name: &str, description: &str) -> Self {
        self.groups.push((name.to_owned(), description.to_owned()));
        self
    }

    /// Declares an application.
    #[must_use]
    pub fn application<K: Consumer>(mut self, application: ApplicationSpec<K>) -> Self {
        self.applications.push(application.erase());
        self
    }

    /// The checked declaration.
    ///
    /// # Errors
    /// The first problem found: an invalid name ([`Error::InvalidName`]), a group or application
    /// declared twice ([`Error::Duplicate`]), a grant to an undeclared group
    /// ([`Error::UnknownGroup`]), a group granted twice in one application
    /// ([`Error::DuplicateGrant`]), or an application that grants nothing ([`Error::NoGrants`]).
    pub fn build(self) -> Result<Sso> {
        let provider_host = Slug::new("provider host", &self.provider_host)?;
        let mut groups: Vec<Group> = Vec::with_capacity(self.groups.len());
        for (name, description) in self.groups {
            let name = Slug::new("group", &name)?;
            if groups.iter().any(|g| g.name == name) {
                return Err(Error::Duplicate {
                    what: "group",
                    name: name.to_string(),
                });
            }
            groups.push(Group { name, description });
        }
        let mut applications: Vec<Application> = Vec::with_capacity(self.applications.len());
        for raw in self.applications {
            let application = raw.build(&groups)?;
            if applications.iter().any(|a| a.name == application.name) {
                return Err(Error::Duplicate {
                    what: "application",
                    name: application.name.to_string(),
                });
            }
            applications.push(application);
        }
        Ok(Sso::from_parts(provider_host, groups, applications))
    }
}

/// A checked SSO declaration: groups and applications, each application's grants naming
/// declared groups only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sso {
    provider_host: Slug,
    groups: Vec<Group>,
    applications: Vec<Application>,
}

impl Sso {
    pub(crate) fn from_parts(
        provider_host: Slug,
        groups: Vec<Group>,
        applications: Vec<Application>,
    ) -> Self {
        Self {
            provider_host,
            groups,
            applications,
        }
    }

    /// The first label of the identity provider's host (`auth` for `auth.<domain>`).
    #[must_use]
    pub fn provider_host(&self) -> &Slug {
        &self.provider_host
    }

    /// The declared groups, in declaration order.
    #[must_use]
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The declared applications, in declaration order.
    #[must_use]
    pub fn applications(&self) -> &[Application] {
        &self.applications
    }
}
