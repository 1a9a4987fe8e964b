//! One model of a customer-managed KMS key, used by all three modules: the EKS Secrets key,
//! the ECR image key and Vault's unseal key.
//!
//! Every key is rotated yearly, has a deletion window, a key policy and optionally an alias.
//! The key policy is the one each hand-written module wrote: the account administers the key
//! (`kms:*` on `*` for `arn:<partition>:iam::<account>:root`), which delegates every other grant
//! to IAM policies — Vault's role, for instance, gets its KMS actions from its own role policy.

use bkt_core::Name;
use bkt_core::hcl::{Arg, Expr, Resource};
use bkt_oidc::policy::{PolicyDocument, Principal, Statement};

use crate::aws::{KmsAlias, KmsKey};
use crate::{Error, Result};

/// Fewest days KMS waits between scheduling a deletion and deleting.
pub const MIN_DELETION_WINDOW_DAYS: u8 = 7;
/// Most days KMS waits between scheduling a deletion and deleting.
pub const MAX_DELETION_WINDOW_DAYS: u8 = 30;
/// The longest KMS alias, `alias/` included.
pub const MAX_ALIAS_LENGTH: usize = 256;
/// The prefix every alias starts with.
pub const ALIAS_PREFIX: &str = "alias/";
/// The prefix reserved for AWS-managed keys' aliases.
pub const RESERVED_ALIAS_PREFIX: &str = "alias/aws/";

/// The `Sid` of the statement that lets the account administer the key.
pub const ACCOUNT_ADMINISTERS_KEY: &str = "AccountAdministersKey";

/// Checks a whole alias name (`alias/acme-dev-eks-secrets`) as KMS does.
///
/// # Errors
/// [`Error::Invalid`] naming `field` when the alias does not start with `alias/`, starts with
/// the reserved `alias/aws/`, is longer than 256 characters or holds a character other than
/// letters, digits, `/`, `_` and `-`.
pub fn check_alias(field: &str, alias: &str) -> Result<()> {
    let Some(rest) = alias.strip_prefix(ALIAS_PREFIX) else {
        return Err(Error::invalid(
            field,
            alias,
            "a KMS alias starts with alias/ (e.g. alias/acme-dev-eks-secrets)",
        ));
    };
    if alias.starts_with(RESERVED_ALIAS_PREFIX) {
        return Err(Error::invalid(
            field,
            alias,
            "alias/aws/ is reserved for AWS-managed keys; choose another name",
        ));
    }
    if rest.is_empty() || alias.len() > MAX_ALIAS_LENGTH {
        return Err(Error::invalid(
            field,
            alias,
            "a KMS alias is alias/ followed by 1 to 250 characters",
        ));
    }
    if !rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
    {
        return Err(Error::invalid(
            field,
            alias,
            "a KMS alias may hold only letters, digits, /, _ and -",
        ));
    }
    Ok(())
}

/// Where the account that administers a key is read from: the references to the partition
/// and the account ID (each module reads them from its own data sources or locals).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The partition (`data.aws_partition.current.partition`).
    pub partition: Expr,
    /// The account ID (`data.aws_caller_identity.current.account_id`).
    pub account_id: Expr,
}

impl Account {
    /// `arn:<partition>:iam::<account>:root`: the account itself as a principal.
    #[must_use]
    pub fn root_arn(&self) -> Expr {
        Expr::template([
            "arn:".into(),
            self.partition.clone(),
            ":iam::".into(),
            self.account_id.clone(),
            ":root".into(),
        ])
    }
}

/// A KMS key: rotated, with its policy and an optional alias. Build one with [`Key::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    key: Resource<KmsKey>,
    alias: Option<Resource<KmsAlias>>,
}

/// Builds a [`Key`]: required values in [`Key::builder`], the rest chained.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyBuilder {
    name: Name,
    description: Expr,
    account: Account,
    deletion_window_in_days: u8,
    alias: Option<(Expr, String)>,
    tags: Option<Expr>,
    why: Option<String>,
}

impl Key {
    /// Starts the key `aws_kms_key.<name>` described by `description`, administered by
    /// `account`. Defaults: a 7-day deletion window, no alias, no tags.
    #[must_use]
    pub fn builder(name: Name, description: impl Into<Expr>, account: Account) -> KeyBuilder {
        KeyBuilder {
            name,
            description: description.into(),
            account,
            deletion_window_in_days: MIN_DELETION_WINDOW_DAYS,
            alias: None,
            tags: None,
            why: None,
        }
    }

    /// The key resource.
    #[must_use]
    pub fn key(&self) -> &Resource<KmsKey> {
        &self.key
    }

    /// The alias resource, if the key has one.
    #[must_use]
    pub fn alias(&self) -> Option<&Resource<KmsAlias>> {
        self.alias.as_ref()
    }

    /// The key's policy: the account administers the key.
    ///
    /// # Errors
    /// None in practice: the statement's `Sid` is a valid constant.
    pub fn policy(account: &Account) -> Result<PolicyDocument> {
        Ok(PolicyDocument::new([Statement::allow()
            .sid(ACCOUNT_ADMINISTERS_KEY)?
            .principal(Principal::aws(account.root_arn()))
            .action("kms:*")
            .resource("*")]))
    }

    /// The key's blocks, key first, then its alias.
    #[must_use]
    pub fn to_blocks(&self) -> Vec<bkt_core::hcl::Block> {
        let mut blocks = vec![self.key.to_block()];
        blocks.extend(self.alias.iter().map(Resource::to_block));
        blocks
    }
}

impl KeyBuilder {
    /// Days between scheduling the deletion and deleting (7–30, default 7).
    #[must_use]
    pub fn deletion_window_in_days(mut self, days: u8) -> Self {
        self.deletion_window_in_days = days;
        self
    }

    /// An alias `aws_kms_alias.<same name>` whose name is `alias` (a template such as
    /// `alias/${var.cluster_name}-eks-secrets`); `literal_suffix` is its literal text after the
    /// last interpolation, checked here as KMS would check it.
    #[must_use]
    pub fn alias(mut self, alias: Expr, literal_suffix: impl Into<String>) -> Self {
        self.alias = Some((alias, literal_suffix.into()));
        self
    }

    /// The key's tags.
    #[must_use]
    pub fn tags(mut self, tags: impl Into<Expr>) -> Self {
        self.tags = Some(tags.into());
        self
    }

    /// The comment above the key, saying why it exists.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }

    /// Validates the key's settings and builds its resources.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the deletion window is outside 7–30 days (field
    /// `kms.deletion_window_in_days`) or the alias's literal suffix holds a character KMS
    /// rejects (field `kms.alias`).
    pub fn build(self) -> Result<Key> {
        if !(MIN_DELETION_WINDOW_DAYS..=MAX_DELETION_WINDOW_DAYS)
            .contains(&self.deletion_window_in_days)
        {
            return Err(Error::invalid(
                "kms.deletion_window_in_days",
                self.deletion_window_in_days,
                "KMS accepts a deletion window of 7 to 30 days",
            ));
        }
        let policy = Key::policy(&self.account)?;
        let mut key = Resource::new(
            self.name.clone(),
            KmsKey {
                description: Some(self.description.into()),
                enable_key_rotation: Some(true.into()),
                deletion_window_in_days: Some(self.deletion_window_in_days.into()),
                policy: Some(policy.to_json().into()),
                tags: self.tags.map(Arg::from),
            },
        );
        if let Some(why) = self.why {
            key = key.why(why);
        }
        let alias = match self.alias {
            Some((alias, suffix)) => {
                check_alias("kms.alias", &[ALIAS_PREFIX, suffix.as_str()].concat())?;
                Some(Resource::new(
                    self.name,
                    KmsAlias {
                        name: Some(alias.into()),
                        target_key_id: Some(key.get().key_id().into()),
                    },
                ))
            }
            None => None,
        };
        Ok(Key { key, alias })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkt_core::name;
    use proptest::prelude::*;

    proptest! {
        /// An alias the check accepts has KMS's form; no text panics the check.
        #[test]
        fn accepted_aliases_have_kms_form(alias in "alias/[a-zA-Z0-9/_-]{0,260}|.{0,40}") {
            if check_alias("a", &alias).is_ok() {
                prop_assert!(alias.starts_with("alias/") && !alias.starts_with("alias/aws/"));
                prop_assert!(alias.len() > 6 && alias.len() <= MAX_ALIAS_LENGTH);
                prop_assert!(alias.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b)));
            }
        }
    }

    fn account() -> Account {
        Account {
            partition: Expr::from("aws"),
            account_id: Expr::from("123456789012"),
        }
    }

    #[test]
    fn a_deletion_window_outside_kms_limits_is_rejected() {
        for days in [0, 6, 31] {
            let error = Key::builder(name!("k"), "d", account())
                .deletion_window_in_days(days)
                .build();
            assert!(
                matches!(error, Err(Error::Invalid(bkt_core::Invalid { ref field, ref reason, .. }))
                    if field == "kms.deletion_window_in_days" && reason.contains("7 to 30")),
                "{days}: {error:?}"
            );
        }
    }

    #[test]
    fn an_alias_suffix_kms_rejects_is_an_error() {
        let error = Key::builder(name!("k"), "d", account())
            .alias(Expr::from("alias/x y"), "x y")
            .build();
        assert!(
            matches!(error, Err(Error::Invalid(bkt_core::Invalid { ref field, ref reason, .. }))
            if field == "kms.alias" && reason.contains("only letters, digits"))
        );
    }

    #[test]
    fn alias_rules() {
        assert!(check_alias("a", "alias/acme-dev-eks-secrets").is_ok());
        for (bad, reason) in [
            ("bkt", "starts with alias/"),
            ("alias/aws/ebs", "reserved"),
            ("alias/", "1 to 250"),
            ("alias/a.b", "only letters"),
        ] {
            let error = check_alias("a", bad);
            assert!(
                matches!(error, Err(Error::Invalid(bkt_core::Invalid { reason: ref r, .. })) if r.contains(reason)),
                "{bad}: {error:?}"
            );
        }
        let long = ["alias/", &"a".repeat(251)].concat();
        assert!(check_alias("a", &long).is_err());
    }

    #[test]
    fn every_key_rotates_and_lets_only_the_account_administer_it() {
        let key = Key::builder(name!("k"), "d", account()).build().unwrap();
        let text = bkt_core::hcl::to_string(&key.key().to_block());
        assert!(text.contains("enable_key_rotation     = true"), "{text}");
        assert!(
            text.contains("Sid       = \"AccountAdministersKey\""),
            "{text}"
        );
        assert!(text.contains("Action    = \"kms:*\""), "{text}");
        assert!(
            text.contains("Principal = { AWS = \"arn:aws:iam::123456789012:root\" }"),
            "{text}"
        );
        assert!(key.alias().is_none());
    }
}
