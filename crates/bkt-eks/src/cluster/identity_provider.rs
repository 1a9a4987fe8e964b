//! The cluster's OIDC identity provider (`var.oidc_identity_provider` of the eks module): an
//! issuer whose ID tokens the API server accepts besides IAM, validated in Rust by the rules of
//! the module's `validation` blocks.
//!
//! Users and groups from the tokens arrive prefixed ([`DEFAULT_PREFIX`], `oidc:`), so RBAC binds
//! `oidc:<group>`: a group named like a built-in one (`system:masters`) cannot take its rights.

use bkt_core::hcl::Expr;

use crate::{Error, Result};

/// The claim that becomes the username unless asked otherwise.
pub const DEFAULT_USERNAME_CLAIM: &str = "email";
/// The claim that lists the groups unless asked otherwise.
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";
/// The prefix of usernames and groups unless asked otherwise.
pub const DEFAULT_PREFIX: &str = "oidc:";
/// The text EKS refuses inside a username or groups prefix: Kubernetes' own users and groups
/// (`system:masters` …) start with it.
pub const RESERVED_PREFIX: &str = "system:";

/// The regular expression of the module's `name` validation. The EKS API gives the
/// configuration's name no pattern of its own; the module holds it to the rule the API gives
/// every other EKS name (clusters, node groups): a letter or digit, then letters, digits,
/// hyphens and underscores, at most 100 characters.
pub const IDENTITY_PROVIDER_NAME_PATTERN: &str = "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$";

/// Whether `value` matches [`IDENTITY_PROVIDER_NAME_PATTERN`], as the `validation` block does.
pub(crate) fn matches_identity_provider_name_pattern(value: &str) -> bool {
    value.as_bytes().split_first().is_some_and(|(first, rest)| {
        first.is_ascii_alphanumeric()
            && rest.len() <= 99
            && rest
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    })
}

/// The regular expression of the module's `issuer_url` validation: `https://`, a host, an
/// optional path; no query, no fragment, no whitespace (EKS requires an `https://` issuer
/// without a query, and the API server compares it byte for byte with each token's `iss`).
pub const ISSUER_URL_PATTERN: &str = "^https://[^/?#[:space:]]+[^?#[:space:]]*$";

/// `[[:space:]]` of the regular expression (RE2's and the `regex` crate's): ASCII space, tab,
/// newline, vertical tab, form feed, carriage return.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whether `value` matches [`ISSUER_URL_PATTERN`], as the `validation` block does.
pub(crate) fn matches_issuer_url_pattern(value: &str) -> bool {
    let Some(rest) = value.as_bytes().strip_prefix(b"https://") else {
        return false;
    };
    let outside_query = |b: &u8| !matches!(*b, b'?' | b'#') && !is_space(*b);
    rest.first().is_some_and(|b| *b != b'/') && rest.iter().all(outside_query)
}

/// The issuer of an [`IdentityProvider`]: a URL known in Rust, or a Terraform expression.
#[derive(Debug, Clone, PartialEq)]
pub enum IssuerUrl {
    /// A URL, checked by [`IdentityProviderBuilder::build`].
    Url(String),
    /// A Terraform expression, such as a template over the root's `var.domain`; Rust cannot see
    /// its value, so the module's `validation` checks it at plan time.
    Expr(Expr),
}

impl From<&str> for IssuerUrl {
    fn from(url: &str) -> Self {
        Self::Url(url.to_owned())
    }
}

impl From<String> for IssuerUrl {
    fn from(url: String) -> Self {
        Self::Url(url)
    }
}

impl From<Expr> for IssuerUrl {
    fn from(expr: Expr) -> Self {
        Self::Expr(expr)
    }
}

/// The OIDC identity provider of a cluster: the value of the eks module's
/// `oidc_identity_provider`, validated by the same rules as its `validation` blocks.
///
/// ```
/// use bkt_eks::IdentityProvider;
///
/// let authentik = IdentityProvider::builder(
///     "authentik",
///     "https://auth.example.com/application/o/kubernetes/",
///     "kubernetes",
/// )
/// .build()?;
/// assert_eq!(authentik.group_subject("acme-developers"), "oidc:acme-developers");
///
/// let query = IdentityProvider::builder("authentik", "https://auth.example.com/?app=k8s", "kubernetes")
///     .build()
///     .unwrap_err();
/// assert!(query.to_string().starts_with("eks.oidc_identity_provider.issuer_url"));
/// # Ok::<(), bkt_eks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityProvider {
    name: String,
    issuer_url: IssuerUrl,
    client_id: String,
    username_claim: String,
    groups_claim: String,
    username_prefix: String,
    groups_prefix: String,
}

/// Builds an [`IdentityProvider`]: the name, issuer and client ID in
/// [`IdentityProvider::builder`], the claims and prefixes chained.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityProviderBuilder {
    provider: IdentityProvider,
}

impl IdentityProvider {
    /// Starts a provider named `name` (its `identity_provider_config_name`) for the tokens of
    /// `issuer_url` issued to `client_id`; username from [`DEFAULT_USERNAME_CLAIM`], groups from
    /// [`DEFAULT_GROUPS_CLAIM`], both prefixed with [`DEFAULT_PREFIX`].
    #[must_use]
    pub fn builder(
        name: impl Into<String>,
        issuer_url: impl Into<IssuerUrl>,
        client_id: impl Into<String>,
    ) -> IdentityProviderBuilder {
        IdentityProviderBuilder {
            provider: Self {
                name: name.into(),
                issuer_url: issuer_url.into(),
                client_id: client_id.into(),
                username_claim: DEFAULT_USERNAME_CLAIM.to_owned(),
                groups_claim: DEFAULT_GROUPS_CLAIM.to_owned(),
                username_prefix: DEFAULT_PREFIX.to_owned(),
                groups_prefix: DEFAULT_PREFIX.to_owned(),
            },
        }
    }

    /// The configuration's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The issuer.
    #[must_use]
    pub fn issuer_url(&self) -> &IssuerUrl {
        &self.issuer_url
    }

    /// The client ID.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The prefix of every group from a token.
    #[must_use]
    pub fn groups_prefix(&self) -> &str {
        &self.groups_prefix
    }

    /// The prefix of every username from a token.
    #[must_use]
    pub fn username_prefix(&self) -> &str {
        &self.username_prefix
    }

    /// The Kubernetes group a token's `group` becomes: the name an RBAC binding's subject must
    /// use (`oidc:acme-developers`).
    #[must_use]
    pub fn group_subject(&self, group: &str) -> String {
        [self.groups_prefix.as_str(), group].concat()
    }

    /// The value of the module call's `oidc_identity_provider`, every attribute written out (the
    /// prefixes the RBAC bindings depend on stay visible in the root).
    #[must_use]
    pub fn to_expr(&self) -> Expr {
        let issuer_url = match &self.issuer_url {
            IssuerUrl::Url(url) => Expr::from(url.as_str()),
            IssuerUrl::Expr(expr) => expr.clone(),
        };
        Expr::object([
            ("name", Expr::from(self.name.as_str())),
            ("issuer_url", issuer_url),
            ("client_id", self.client_id.as_str().into()),
            ("username_claim", self.username_claim.as_str().into()),
            ("groups_claim", self.groups_claim.as_str().into()),
            ("username_prefix", self.username_prefix.as_str().into()),
            ("groups_prefix", self.groups_prefix.as_str().into()),
        ])
    }
}

/// The dotted path of one attribute of the variable.
fn field(leaf: &str) -> String {
    ["eks.oidc_identity_provider.", leaf].concat()
}

fn check_issuer_url(url: &str) -> Result<()> {
    let reason = if !url.starts_with("https://") {
        "EKS accepts only an https:// issuer; use the issuer's https:// URL exactly as its tokens' iss claim has it"
    } else if url.contains(['?', '#']) {
        "EKS accepts no query or fragment in the issuer; remove everything from the ? or #"
    } else if matches_issuer_url_pattern(url) {
        return Ok(());
    } else {
        "give a host after https:// and no whitespace, e.g. https://auth.example.com/application/o/kubernetes/"
    };
    Err(Error::invalid(&field("issuer_url"), url, reason))
}

fn check_prefix(leaf: &str, prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        return Err(Error::invalid(
            &field(leaf),
            prefix,
            "give a prefix such as oidc: (the provider rejects an empty one)",
        ));
    }
    if prefix.contains(RESERVED_PREFIX) {
        return Err(Error::invalid(
            &field(leaf),
            prefix,
            "EKS rejects a prefix containing system: (Kubernetes' own users and groups); use oidc:",
        ));
    }
    Ok(())
}

impl IdentityProviderBuilder {
    /// The claim that becomes the username (default [`DEFAULT_USERNAME_CLAIM`]).
    #[must_use]
    pub fn username_claim(mut self, claim: impl Into<String>) -> Self {
        self.provider.username_claim = claim.into();
        self
    }

    /// The claim that lists the groups (default [`DEFAULT_GROUPS_CLAIM`]).
    #[must_use]
    pub fn groups_claim(mut self, claim: impl Into<String>) -> Self {
        self.provider.groups_claim = claim.into();
        self
    }

    /// The prefix of usernames (default [`DEFAULT_PREFIX`]; `-` turns prefixing off).
    #[must_use]
    pub fn username_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.provider.username_prefix = prefix.into();
        self
    }

    /// The prefix of groups (default [`DEFAULT_PREFIX`]).
    #[must_use]
    pub fn groups_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.provider.groups_prefix = prefix.into();
        self
    }

    /// Validates every value by the rules of the module's `validation` blocks (an issuer given
    /// as [`IssuerUrl::Expr`] is left to them), and the claims as the provider does (not
    /// empty).
    ///
    /// # Errors
    /// [`Error::Invalid`] for the first bad attribute, naming it
    /// (`eks.oidc_identity_provider.<attribute>`), with the fix.
    pub fn build(self) -> Result<IdentityProvider> {
        let provider = self.provider;
        if !matches_identity_provider_name_pattern(&provider.name) {
            return Err(Error::invalid(
                &field("name"),
                &provider.name,
                "start with a letter or digit and use only letters, digits, hyphens and underscores, at most 100 (e.g. authentik)",
            ));
        }
        if let IssuerUrl::Url(url) = &provider.issuer_url {
            check_issuer_url(url)?;
        }
        if provider.client_id.is_empty() {
            return Err(Error::invalid(
                &field("client_id"),
                "",
                "give the client ID the issuer puts in its tokens' aud claim",
            ));
        }
        for (leaf, claim) in [
            ("username_claim", &provider.username_claim),
            ("groups_claim", &provider.groups_claim),
        ] {
            if claim.is_empty() {
                return Err(Error::invalid(
                    &field(leaf),
                    "",
                    "name a claim of the ID token (the provider rejects an empty one)",
                ));
            }
        }
        check_prefix("username_prefix", &provider.username_prefix)?;
        check_prefix("groups_prefix", &provider.groups_prefix)?;
        Ok(provider)
    }
}

#[cfg(test)]
mod tests;
