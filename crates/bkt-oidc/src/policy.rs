//! Typed IAM policy documents: the one way every BKT crate writes a policy or a trust document.
//!
//! A [`PolicyDocument`] is a list of [`Statement`]s under version `2012-10-17`. A statement has
//! an optional `Sid`, an [`Effect`], an optional [`Principal`], its actions, resources and
//! [`Condition`]s. Values may be plain text or any [`Expr`] (a reference, a template), so
//! `Resource = "${aws_cloudwatch_log_group.flow_logs.arn}:*"` is a typed value too.
//!
//! Rendering follows the hand-written modules: [`PolicyDocument::to_json`] gives
//! `jsonencode({ Version = …, Statement = [...] })`, each statement's keys in the order `Sid,
//! Effect, Principal, Action, Resource, Condition`; a list of one value is written as that value.
//!
//! Conditions are grouped by [`Operator`] and every key appears once per operator: IAM reads a
//! condition block as JSON, where the second of two equal keys silently replaces the first, so a
//! statement that names a key twice under one operator is rejected when it is built
//! ([`Statement::condition`]), never written.
//!
//! [`IrsaTrust`] writes the trust document of a role assumed by one Kubernetes service account
//! through the cluster's OIDC provider (IRSA).

use bkt_core::hcl::func::jsonencode;
use bkt_core::hcl::{Expr, Key};

use crate::{Error, Result};

/// The policy language version every document declares.
pub const VERSION: &str = "2012-10-17";

/// The audience AWS STS expects in a web-identity token (IRSA and GitHub Actions alike).
pub const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// The condition key suffix (after the issuer) of a web-identity token's audience claim.
pub const AUDIENCE_KEY: &str = ":aud";

/// The condition key suffix (after the issuer) of a web-identity token's subject claim.
pub const SUBJECT_KEY: &str = ":sub";

/// The action a web-identity (OIDC) principal assumes a role with.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// One value or several. One is written as the value itself, several as a list, as IAM allows
/// for `Action`, `Resource`, principals and condition values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values(Vec<Expr>);

impl Values {
    /// The values, in order.
    #[must_use]
    pub fn as_slice(&self) -> &[Expr] {
        &self.0
    }

    /// Whether there is no value at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value alone when there is one, the list otherwise.
    #[must_use]
    pub fn to_expr(&self) -> Expr {
        match self.0.as_slice() {
            [one] => one.clone(),
            many => Expr::list(many),
        }
    }

    fn extend(&mut self, more: Values) {
        self.0.extend(more.0);
    }
}

impl From<&str> for Values {
    fn from(value: &str) -> Self {
        Self(vec![value.into()])
    }
}

impl From<String> for Values {
    fn from(value: String) -> Self {
        Self(vec![value.into()])
    }
}

impl From<Expr> for Values {
    fn from(value: Expr) -> Self {
        Self(vec![value])
    }
}

impl From<&Expr> for Values {
    fn from(value: &Expr) -> Self {
        Self(vec![value.clone()])
    }
}

impl<T: Into<Expr>, const N: usize> From<[T; N]> for Values {
    fn from(values: [T; N]) -> Self {
        Self(values.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Expr>> From<Vec<T>> for Values {
    fn from(values: Vec<T>) -> Self {
        Self(values.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Expr>> FromIterator<T> for Values {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        Self(values.into_iter().map(Into::into).collect())
    }
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    /// The policy-language word.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// The kind of a principal: who a statement of a resource or trust policy is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: an account, role or user ARN.
    Aws,
    /// `Federated`: an identity provider (an IAM OIDC or SAML provider ARN).
    Federated,
    /// `Service`: an AWS service (`eks.amazonaws.com`).
    Service,
}

impl PrincipalKind {
    /// The policy-language key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::Federated => "Federated",
            Self::Service => "Service",
        }
    }
}

/// A statement's `Principal`: one or more kinds, each with one value (written as a string) or
/// several (a list). Kinds keep the order they were added in; values of the same kind merge.
/// [`Principal::anyone`] is the wildcard `"*"`, for `Deny` statements that must hold for every
/// caller (such as a bucket's TLS-only rule).
#[derive(Debug, Clone, PartialEq)]
pub struct Principal(Vec<(PrincipalKind, Values)>);

impl Principal {
    /// `"*"`: every caller, authenticated or not. Meant for `Deny` statements; an `Allow` with it
    /// makes a resource public.
    #[must_use]
    pub fn anyone() -> Self {
        Self(Vec::new())
    }

    /// Whether this is [`Principal::anyone`].
    #[must_use]
    pub fn is_anyone(&self) -> bool {
        self.0.is_empty()
    }

    /// ```
    /// use bkt_oidc::policy::{Principal, PrincipalKind};
    /// let eks = Principal::new(PrincipalKind::Service, "eks.amazonaws.com");
    /// assert_eq!(eks, Principal::service("eks.amazonaws.com"));
    /// assert!(!eks.is_anyone());
    /// ```
    ///
    /// `{ <kind> = values }`.
    #[must_use]
    pub fn new(kind: PrincipalKind, values: impl Into<Values>) -> Self {
        Self(vec![(kind, values.into())])
    }

    /// `{ Service = … }`: AWS services such as `eks.amazonaws.com`.
    #[must_use]
    pub fn service(values: impl Into<Values>) -> Self {
        Self::new(PrincipalKind::Service, values)
    }

    /// `{ AWS = … }`: account, role or user ARNs.
    #[must_use]
    pub fn aws(values: impl Into<Values>) -> Self {
        Self::new(PrincipalKind::Aws, values)
    }

    /// `{ Federated = … }`: identity provider ARNs.
    #[must_use]
    pub fn federated(values: impl Into<Values>) -> Self {
        Self::new(PrincipalKind::Federated, values)
    }

    /// Adds values of a kind, merged with the values of that kind already present.
    /// [`Principal::anyone`] already includes every caller and stays as it is.
    #[must_use]
    pub fn and(mut self, kind: PrincipalKind, values: impl Into<Values>) -> Self {
        if self.is_anyone() {
            return self;
        }
        let values = values.into();
        match self.0.iter_mut().find(|(present, _)| *present == kind) {
            Some((_, present)) => present.extend(values),
            None => self.0.push((kind, values)),
        }
        self
    }

    /// The kinds and their values, in order.
    #[must_use]
    pub fn entries(&self) -> &[(PrincipalKind, Values)] {
        &self.0
    }

    /// `{ Service = "…" }`, or `"*"` for [`Principal::anyone`].
    #[must_use]
    pub fn to_expr(&self) -> Expr {
        if self.is_anyone() {
            return Expr::from("*");
        }
        Expr::object(
            self.0
                .iter()
                .map(|(kind, values)| (kind.as_str(), values.to_expr())),
        )
    }
}

/// A condition operator. Set operators (`ForAnyValue:`/`ForAllValues:`) and `…IfExists`
/// variants are not modelled: no BKT policy needs them yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `StringEquals`: exact, case-sensitive.
    StringEquals,
    /// `StringNotEquals`.
    StringNotEquals,
    /// `StringEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike`: `*` and `?` are wildcards.
    StringLike,
    /// `StringNotLike`.
    StringNotLike,
    /// `ArnEquals`.
    ArnEquals,
    /// `ArnLike`: `*` and `?` are wildcards.
    ArnLike,
    /// `ArnNotLike`.
    ArnNotLike,
    /// `NumericEquals`.
    NumericEquals,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateLessThan`.
    DateLessThan,
    /// `Bool`.
    Bool,
    /// `IpAddress`.
    IpAddress,
    /// `NotIpAddress`.
    NotIpAddress,
    /// `Null`: `"true"` when the key must be absent, `"false"` when it must be present.
    Null,
}

impl Operator {
    /// The policy-language word.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringNotEquals => "StringNotEquals",
            Self::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            Self::StringLike => "StringLike",
            Self::StringNotLike => "StringNotLike",
            Self::ArnEquals => "ArnEquals",
            Self::ArnLike => "ArnLike",
            Self::ArnNotLike => "ArnNotLike",
            Self::NumericEquals => "NumericEquals",
            Self::NumericLessThanEquals => "NumericLessThanEquals",
            Self::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Self::DateGreaterThan => "DateGreaterThan",
            Self::DateLessThan => "DateLessThan",
            Self::Bool => "Bool",
            Self::IpAddress => "IpAddress",
            Self::NotIpAddress => "NotIpAddress",
            Self::Null => "Null",
        }
    }
}

/// The conditions under one operator: each key once, in the order added.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    operator: Operator,
    entries: Vec<(Expr, Values)>,
}

impl Condition {
    /// The operator.
    #[must_use]
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The keys and their values, in order; no key twice.
    #[must_use]
    pub fn entries(&self) -> &[(Expr, Values)] {
        &self.entries
    }

    /// Conditions whose keys the caller knows to be distinct (crate-internal: public callers go
    /// through [`Statement::condition`], which checks).
    pub(crate) fn from_entries(operator: Operator, entries: Vec<(Expr, Values)>) -> Self {
        Self { operator, entries }
    }

    fn to_expr(&self) -> Expr {
        Expr::object(
            self.entries
                .iter()
                .map(|(key, values)| (Key::from(key.clone()), values.to_expr())),
        )
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    sid: Option<String>,
    effect: Effect,
    principal: Option<Principal>,
    actions: Values,
    resources: Values,
    conditions: Vec<Condition>,
}

impl Statement {
    /// ```
    /// use bkt_oidc::policy::{Effect, Operator, Statement};
    /// let tls_only = Statement::new(Effect::Deny)
    ///     .action("s3:*")
    ///     .resource("arn:aws:s3:::acme-state/*")
    ///     .condition(Operator::Bool, "aws:SecureTransport", "false")?;
    /// assert_eq!(tls_only.conditions().len(), 1);
    /// // IAM would keep only one of two values for a key under one operator: refused.
    /// assert!(tls_only.condition(Operator::Bool, "aws:SecureTransport", "true").is_err());
    /// # Ok::<(), bkt_oidc::Error>(())
    /// ```
    ///
    /// A statement with this effect and nothing else yet.
    #[must_use]
    pub fn new(effect: Effect) -> Self {
        Self {
            sid: None,
            effect,
            principal: None,
            actions: Values::default(),
            resources: Values::default(),
            conditions: Vec::new(),
        }
    }

    /// `Effect = "Allow"`.
    #[must_use]
    pub fn allow() -> Self {
        Self::new(Effect::Allow)
    }

    /// `Effect = "Deny"`.
    #[must_use]
    pub fn deny() -> Self {
        Self::new(Effect::Deny)
    }

    /// The statement's `Sid`.
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `Sid`) unless it is 1 to 128 ASCII letters and digits, the only
    /// characters IAM accepts in a `Sid`.
    pub fn sid(mut self, sid: &str) -> Result<Self> {
        if sid.is_empty() || sid.len() > 128 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::invalid(
                "Sid",
                sid,
                "a Sid is 1 to 128 ASCII letters and digits (no spaces, hyphens or underscores); \
                 write it in CamelCase, e.g. ChangeRecordsInThePlatformZoneOnly",
            ));
        }
        self.sid = Some(sid.to_owned());
        Ok(self)
    }

    /// Sets the `Principal` (trust and resource policies).
    #[must_use]
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds one action or several.
    #[must_use]
    pub fn action(mut self, actions: impl Into<Values>) -> Self {
        self.actions.extend(actions.into());
        self
    }

    /// Adds one resource or several.
    #[must_use]
    pub fn resource(mut self, resources: impl Into<Values>) -> Self {
        self.resources.extend(resources.into());
        self
    }

    /// Adds `Condition = { <operator> = { <key> = values } }`, next to the keys already under
    /// that operator. Several values of one key match if any of them matches.
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `Condition.<operator>`) when the key is already set under this
    /// operator — IAM would keep only one of the two, silently — or when `values` is empty.
    pub fn condition(
        mut self,
        operator: Operator,
        key: impl Into<Expr>,
        values: impl Into<Values>,
    ) -> Result<Self> {
        let key = key.into();
        let values = values.into();
        let field = || format!("Condition.{}", operator.as_str());
        if values.is_empty() {
            return Err(Error::invalid(
                &field(),
                expr_text(&key),
                "a condition key needs at least one value; give the value(s) the key must match",
            ));
        }
        match self.conditions.iter_mut().find(|c| c.operator == operator) {
            Some(condition) if condition.entries.iter().any(|(present, _)| *present == key) => {
                return Err(Error::invalid(
                    &field(),
                    expr_text(&key),
                    "this key is already set under this operator, and IAM would keep only one of \
                     the two; pass every accepted value in one call (any of them matches), or \
                     write a second statement if both must hold",
                ));
            }
            Some(condition) => condition.entries.push((key, values)),
            None => self.conditions.push(Condition {
                operator,
                entries: vec![(key, values)],
            }),
        }
        Ok(self)
    }

    /// Replaces the conditions with ones whose keys are known to be distinct per operator.
    pub(crate) fn with_conditions(mut self, conditions: Vec<Condition>) -> Self {
        self.conditions = conditions;
        self
    }

    /// The `Sid`, if any.
    #[must_use]
    pub fn sid_value(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The effect.
    #[must_use]
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The principal, if any.
    #[must_use]
    pub fn principal_value(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The actions.
    #[must_use]
    pub fn actions(&self) -> &Values {
        &self.actions
    }

    /// The resources.
    #[must_use]
    pub fn resources(&self) -> &Values {
        &self.resources
    }

    /// The conditions, one per operator, in the order the operators were first used.
    #[must_use]
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The conditions under one operator, if any.
    #[must_use]
    pub fn condition_for(&self, operator: Operator) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.operator == operator)
    }

    /// The statement object, keys in the order `Sid, Effect, Principal, Action, Resource,
    /// Condition`; absent parts are left out.
    #[must_use]
    pub fn to_expr(&self) -> Expr {
        let mut entries: Vec<(&str, Expr)> = Vec::new();
        if let Some(sid) = &self.sid {
            entries.push(("Sid", sid.as_str().into()));
        }
        entries.push(("Effect", self.effect.as_str().into()));
        if let Some(principal) = &self.principal {
            entries.push(("Principal", principal.to_expr()));
        }
        if !self.actions.is_empty() {
            entries.push(("Action", self.actions.to_expr()));
        }
        if !self.resources.is_empty() {
            entries.push(("Resource", self.resources.to_expr()));
        }
        if !self.conditions.is_empty() {
            entries.push((
                "Condition",
                Expr::object(
                    self.conditions
                        .iter()
                        .map(|condition| (condition.operator.as_str(), condition.to_expr())),
                ),
            ));
        }
        Expr::object(entries)
    }
}

/// An IAM policy document: `{ Version = "2012-10-17", Statement = [...] }`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    statements: Vec<Statement>,
}

impl PolicyDocument {
    /// ```
    /// use bkt_oidc::policy::{PolicyDocument, Statement};
    /// let read = PolicyDocument::new([Statement::allow().action("s3:GetObject").resource("*")]);
    /// let text = bkt_core::hcl::to_string(&bkt_core::hcl::Output::new(
    ///     bkt_core::name!("policy"),
    ///     "The policy.",
    ///     read.to_json(),
    /// ).to_block());
    /// assert!(text.contains("jsonencode({"));
    /// ```
    ///
    /// A document of these statements, in order.
    #[must_use]
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        Self {
            statements: statements.into_iter().collect(),
        }
    }

    /// Adds a statement at the end.
    #[must_use]
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// The statements, in order.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// The document as an HCL object, for a `locals` value that is encoded elsewhere.
    #[must_use]
    pub fn to_object(&self) -> Expr {
        Expr::object([
            ("Version", Expr::from(VERSION)),
            (
                "Statement",
                Expr::list(self.statements.iter().map(Statement::to_expr)),
            ),
        ])
    }

    /// `jsonencode({ Version = …, Statement = [...] })`: the value of a `policy` or
    /// `assume_role_policy` argument.
    #[must_use]
    pub fn to_json(&self) -> Expr {
        jsonencode(self.to_object())
    }
}

impl From<&PolicyDocument> for Expr {
    /// The `jsonencode(...)` of the document.
    fn from(document: &PolicyDocument) -> Self {
        document.to_json()
    }
}

impl From<PolicyDocument> for Expr {
    /// The `jsonencode(...)` of the document.
    fn from(document: PolicyDocument) -> Self {
        document.to_json()
    }
}

/// The trust of an IRSA role: assumable only by one Kubernetes service account, through the
/// cluster's IAM OIDC provider, with a token issued for STS.
///
/// Renders one statement: `Effect = "Allow"`, `Principal = { Federated = <provider_arn> }`,
/// `Action = "sts:AssumeRoleWithWebIdentity"`, and `StringEquals` on `<issuer>:aud =
/// "sts.amazonaws.com"` and `<issuer>:sub = "system:serviceaccount:<namespace>:<name>"`.
#[derive(Debug, Clone, PartialEq)]
pub struct IrsaTrust {
    /// ARN of the cluster's IAM OIDC provider (`aws_iam_openid_connect_provider.this.arn`).
    pub provider_arn: Expr,
    /// The issuer without `https://`, the prefix of the condition keys (`local.oidc_issuer`).
    pub issuer: Expr,
    /// The service account's namespace.
    pub namespace: Expr,
    /// The service account's name.
    pub service_account: Expr,
}

impl IrsaTrust {
    /// The trust statement.
    #[must_use]
    pub fn statement(&self) -> Statement {
        let issuer_key = |suffix: &str| Expr::template([self.issuer.clone(), suffix.into()]);
        let subject = Expr::template([
            "system:serviceaccount:".into(),
            self.namespace.clone(),
            ":".into(),
            self.service_account.clone(),
        ]);
        // Built directly: the two keys differ by construction (`:aud`, `:sub`).
        Statement::allow()
            .principal(Principal::federated(&self.provider_arn))
            .action(ASSUME_ROLE_WITH_WEB_IDENTITY)
            .with_conditions(vec![Condition::from_entries(
                Operator::StringEquals,
                vec![
                    (issuer_key(AUDIENCE_KEY), STS_AUDIENCE.into()),
                    (issuer_key(SUBJECT_KEY), subject.into()),
                ],
            )])
    }

    /// ```
    /// use bkt_core::hcl::Expr;
    /// use bkt_oidc::policy::IrsaTrust;
    /// let trust = IrsaTrust {
    ///     provider_arn: Expr::parse("aws_iam_openid_connect_provider.this.arn")?,
    ///     issuer: Expr::parse("local.oidc_issuer")?,
    ///     namespace: "external-dns".into(),
    ///     service_account: "external-dns".into(),
    /// };
    /// let document = trust.document();
    /// let statement = &document.statements()[0];
    /// assert_eq!(statement.actions().as_slice().len(), 1);
    /// assert_eq!(statement.conditions()[0].entries().len(), 2); // aud and sub
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// The trust document (the value of `assume_role_policy` via [`PolicyDocument::to_json`]).
    #[must_use]
    pub fn document(&self) -> PolicyDocument {
        PolicyDocument::new([self.statement()])
    }
}

/// The text of an expression, for error messages.
pub(crate) fn expr_text(expr: &Expr) -> String {
    match expr.as_hcl() {
        hcl::Expression::String(text) => text.clone(),
        other => hcl::format::to_string(other).unwrap_or_else(|_| format!("{expr:?}")),
    }
}
#[cfg(test)]
mod tests;
