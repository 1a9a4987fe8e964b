//! GitHub Actions roles whose trust is exact by construction.
//!
//! A [`GitHubRole`] is trusted from exactly one repository (`owner/repo`, no wildcard) and
//! exactly one [`GitHubSubject`]: one branch or one GitHub environment. Two wider subjects exist
//! only by name — [`GitHubRoleBuilder::pull_requests`] and
//! [`GitHubRoleBuilder::branches_matching`] — so a wildcard never appears unless a caller asked
//! for one. The trust document requires `aud = sts.amazonaws.com` and the token's `sub` claim
//! under `StringEquals`; only a named branch pattern puts `sub` under `StringLike`.
//!
//! The rules are the `validation` blocks of the `github-oidc` module ([`crate::GithubOidcModule`]),
//! checked here before anything is rendered, with errors that name the field and the fix.

use bkt_core::hcl::Expr;

use crate::policy::{
    ASSUME_ROLE_WITH_WEB_IDENTITY, AUDIENCE_KEY, Condition, Operator, PolicyDocument, Principal,
    STS_AUDIENCE, SUBJECT_KEY, Statement, Values,
};
use crate::{Error, Result};

/// The host of GitHub Actions' OIDC token issuer, the prefix of the trust condition keys.
pub const ISSUER_HOST: &str = "token.actions.githubusercontent.com";

/// IAM role names: 1 to 64 letters, digits and `+=,.@_-` (the module's `roles` key validation).
pub const ROLE_NAME_PATTERN: &str = "^[A-Za-z0-9+=,.@_-]{1,64}$";

/// The longest IAM role name AWS accepts.
pub const MAX_ROLE_NAME: usize = 64;

/// One repository as `owner/repo`, without wildcards.
pub const REPOSITORY_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$";

/// One literal branch or environment name (and, in the module, no `refs/` prefix).
pub const REF_NAME_PATTERN: &str = "^[A-Za-z0-9._/-]+$";

/// The prefix a branch must be given without: the subject adds `refs/heads/` itself.
pub const REFS_PREFIX: &str = "refs/";

/// The `sub` claim starts with this, then `owner/repo`.
pub const CLAIM_REPOSITORY: &str = "repo:";

/// Between the repository and the branch in the `sub` claim of a push.
pub const CLAIM_BRANCH: &str = ":ref:refs/heads/";

/// Between the repository and the environment in the `sub` claim of an environment's job.
pub const CLAIM_ENVIRONMENT: &str = ":environment:";

/// After the repository in the `sub` claim of a pull-request workflow.
pub const CLAIM_PULL_REQUEST: &str = ":pull_request";

/// The condition key suffix (after the issuer) of GitHub's `job_workflow_ref` claim
/// (`owner/repo/.github/workflows/release.yml@refs/heads/main`), which AWS STS evaluates in trust
/// policies since January 2026: it pins the workflow file a role trusts.
pub const JOB_WORKFLOW_REF_KEY: &str = ":job_workflow_ref";

/// The regular expression of a role's `workflow`: a workflow file of the repository
/// (`.github/workflows/<name>.yml`).
pub const WORKFLOW_PATTERN: &str = "^[.]github/workflows/[A-Za-z0-9._-]+[.]ya?ml$";

/// A validated IAM role name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleName(String);

impl RoleName {
    /// A role name as IAM accepts it.
    ///
    /// ```
    /// use bkt_oidc::RoleName;
    /// assert_eq!(RoleName::new("acme-dev-github-ci")?.as_str(), "acme-dev-github-ci");
    /// assert!(RoleName::new("acme dev").unwrap_err().to_string().starts_with("roles: "));
    /// # Ok::<(), bkt_oidc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `roles`) unless it is 1 to 64 letters, digits and `+=,.@_-`.
    pub fn new(name: &str) -> Result<Self> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b);
        if name.is_empty() || name.len() > MAX_ROLE_NAME || !name.bytes().all(allowed) {
            return Err(Error::invalid(
                "roles",
                name,
                "a role name (the key of roles) is 1 to 64 letters, digits and +=,.@_- characters, \
                 e.g. acme-dev-github-ci",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One GitHub repository as `owner/repo`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Repository(String);

impl Repository {
    /// A repository.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` unless `value` is `owner/repo`: the owner a letter or
    /// digit then letters, digits and hyphens, the name letters, digits and `._-`.
    fn parse(field: &str, value: &str) -> Result<Self> {
        let valid = value.split_once('/').is_some_and(|(owner, name)| {
            owner
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
                && owner
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        });
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(Error::invalid(
                field,
                value,
                "give exactly one repository as owner/repo, without wildcards \
                 (e.g. example-org/platform)",
            ))
        }
    }

    /// A repository.
    ///
    /// ```
    /// use bkt_oidc::Repository;
    /// assert_eq!(Repository::new("example-org/platform")?.as_str(), "example-org/platform");
    /// assert!(Repository::new("example-org/*").is_err());
    /// # Ok::<(), bkt_oidc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `repository`) unless `value` is `owner/repo` without wildcards.
    pub fn new(value: &str) -> Result<Self> {
        Self::parse("repository", value)
    }

    /// `owner/repo`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `name` is one literal branch or environment name as the module accepts it.
fn is_ref_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
        && !name.starts_with(REFS_PREFIX)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    Branch(String),
    Environment(String),
    PullRequest,
    BranchesMatching(String),
}

/// What a role trusts: one repository and one branch, one environment, or — asked for by name —
/// its pull requests or the branches matching a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GitHubSubject {
    repository: Repository,
    subject: Subject,
}

impl GitHubSubject {
    /// Pushes to one branch: `repo:<owner>/<repo>:ref:refs/heads/<branch>`.
    ///
    /// ```
    /// use bkt_oidc::GitHubSubject;
    /// let main = GitHubSubject::branch("example-org/platform", "main")?;
    /// assert_eq!(main.claim(), "repo:example-org/platform:ref:refs/heads/main");
    /// assert!(GitHubSubject::branch("example-org/platform", "release/*").is_err());
    /// # Ok::<(), bkt_oidc::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] for a repository that is not `owner/repo`, or a branch that is not one
    /// literal name (field `branch`).
    pub fn branch(repository: &str, branch: &str) -> Result<Self> {
        Ok(Self {
            repository: Repository::new(repository)?,
            subject: Subject::Branch(checked_ref("branch", branch)?),
        })
    }

    /// Jobs of one GitHub environment: `repo:<owner>/<repo>:environment:<environment>`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a repository that is not `owner/repo`, or an environment that is
    /// not one literal name (field `environment`).
    pub fn environment(repository: &str, environment: &str) -> Result<Self> {
        Ok(Self {
            repository: Repository::new(repository)?,
            subject: Subject::Environment(checked_ref("environment", environment)?),
        })
    }

    /// Pull-request workflows of the repository, from any fork or branch:
    /// `repo:<owner>/<repo>:pull_request`. Exact, but wide: only for read-only roles.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a repository that is not `owner/repo`.
    pub fn pull_requests(repository: &str) -> Result<Self> {
        Ok(Self {
            repository: Repository::new(repository)?,
            subject: Subject::PullRequest,
        })
    }

    /// Pushes to every branch matching `pattern` (IAM wildcards `*` and `?`, e.g. `release/*`):
    /// `repo:<owner>/<repo>:ref:refs/heads/<pattern>` under `StringLike`. Never matches pull
    /// requests, tags or environments.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a repository that is not `owner/repo`, or a pattern (field
    /// `branches_matching`) with characters other than a branch's and `*`/`?`, or without any
    /// wildcard (name the branch with [`GitHubSubject::branch`] instead).
    pub fn branches_matching(repository: &str, pattern: &str) -> Result<Self> {
        let repository = Repository::new(repository)?;
        let valid = pattern.contains(['*', '?'])
            && !pattern.starts_with(REFS_PREFIX)
            && pattern
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._/-*?".contains(&b));
        if !valid {
            return Err(Error::invalid(
                "branches_matching",
                pattern,
                "a branch pattern is a branch name with at least one * or ? (e.g. release/*), \
                 without refs/; for one branch use branch(...)",
            ));
        }
        Ok(Self {
            repository,
            subject: Subject::BranchesMatching(pattern.to_owned()),
        })
    }

    /// The repository.
    #[must_use]
    pub fn repository(&self) -> &Repository {
        &self.repository
    }

    /// The one branch, if this subject is a branch.
    #[must_use]
    pub fn branch_name(&self) -> Option<&str> {
        match &self.subject {
            Subject::Branch(branch) => Some(branch),
            _ => None,
        }
    }

    /// The one environment, if this subject is an environment.
    #[must_use]
    pub fn environment_name(&self) -> Option<&str> {
        match &self.subject {
            Subject::Environment(environment) => Some(environment),
            _ => None,
        }
    }

    /// Whether the `sub` value holds IAM wildcards (only a named branch pattern does).
    #[must_use]
    pub fn is_wildcard(&self) -> bool {
        matches!(self.subject, Subject::BranchesMatching(_))
    }

    /// The operator `sub` is matched with: `StringLike` for a branch pattern, `StringEquals`
    /// otherwise.
    #[must_use]
    pub fn operator(&self) -> Operator {
        if self.is_wildcard() {
            Operator::StringLike
        } else {
            Operator::StringEquals
        }
    }

    /// The value of the token's `sub` claim this subject admits.
    #[must_use]
    pub fn claim(&self) -> String {
        let repository = self.repository.as_str();
        let mut claim = String::from(CLAIM_REPOSITORY);
        claim.push_str(repository);
        match &self.subject {
            Subject::Branch(branch) | Subject::BranchesMatching(branch) => {
                claim.push_str(CLAIM_BRANCH);
                claim.push_str(branch);
            }
            Subject::Environment(environment) => {
                claim.push_str(CLAIM_ENVIRONMENT);
                claim.push_str(environment);
            }
            Subject::PullRequest => claim.push_str(CLAIM_PULL_REQUEST),
        }
        claim
    }

    /// The trust statement: `sts:AssumeRoleWithWebIdentity` by the GitHub OIDC provider
    /// `provider_arn`, `aud = sts.amazonaws.com` under `StringEquals`, and `sub` = [`claim`]
    /// under [`operator`].
    ///
    /// [`claim`]: GitHubSubject::claim
    /// [`operator`]: GitHubSubject::operator
    #[must_use]
    pub fn trust_statement(&self, provider_arn: impl Into<Expr>) -> Statement {
        self.trust_statement_for(provider_arn, None)
    }

    /// [`trust_statement`](GitHubSubject::trust_statement), and with `workflow`
    /// (`.github/workflows/release.yml`) `job_workflow_ref` under `StringLike` as
    /// `owner/repo/<workflow>@*`: only that workflow file, at the ref the subject allows.
    fn trust_statement_for(
        &self,
        provider_arn: impl Into<Expr>,
        workflow: Option<&str>,
    ) -> Statement {
        let key = |claim: &str| {
            let mut key = String::from(ISSUER_HOST);
            key.push_str(claim);
            Expr::from(key)
        };
        let audience: (Expr, Values) = (key(AUDIENCE_KEY), STS_AUDIENCE.into());
        let subject: (Expr, Values) = (key(SUBJECT_KEY), self.claim().into());
        let workflow_ref = workflow.map(|workflow| {
            let reference = [self.repository.as_str(), "/", workflow, "@*"].concat();
            (key(JOB_WORKFLOW_REF_KEY), Values::from(reference))
        });
        // Built directly: `:aud`, `:sub` and `:job_workflow_ref` differ, so no key can repeat
        // under one operator.
        let conditions = if self.is_wildcard() {
            vec![
                Condition::from_entries(Operator::StringEquals, vec![audience]),
                Condition::from_entries(
                    Operator::StringLike,
                    std::iter::once(subject).chain(workflow_ref).collect(),
                ),
            ]
        } else {
            let mut conditions = vec![Condition::from_entries(
                Operator::StringEquals,
                vec![audience, subject],
            )];
            conditions.extend(
                workflow_ref
                    .map(|entry| Condition::from_entries(Operator::StringLike, vec![entry])),
            );
            conditions
        };
        Statement::allow()
            .principal(Principal::federated(provider_arn.into()))
            .action(ASSUME_ROLE_WITH_WEB_IDENTITY)
            .with_conditions(conditions)
    }
}

/// Whether `path` matches [`WORKFLOW_PATTERN`], `^[.]github/workflows/[A-Za-z0-9._-]+[.]ya?ml$`.
fn is_workflow_file(path: &str) -> bool {
    path.strip_prefix(".github/workflows/")
        .and_then(|file| {
            file.strip_suffix(".yml")
                .or_else(|| file.strip_suffix(".yaml"))
        })
        .is_some_and(|stem| {
            !stem.is_empty()
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

fn checked_ref(field: &str, name: &str) -> Result<String> {
    if is_ref_name(name) {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid(
            field,
            name,
            "give one literal name such as main or dev: letters, digits and ._/- only, \
             no wildcards (* ?), no refs/ prefix",
        ))
    }
}

/// An IAM role GitHub Actions may assume: its name, the one subject it trusts, its permissions.
#[derive(Debug, Clone, PartialEq)]
pub struct GitHubRole {
    name: RoleName,
    subject: GitHubSubject,
    workflow: Option<String>,
    policy: Option<PolicyDocument>,
    managed_policy_arns: Vec<Expr>,
}

impl GitHubRole {
    /// Starts a role named `name` trusted from `repository` (`owner/repo`); name exactly one
    /// subject next.
    pub fn builder(name: &str, repository: &str) -> GitHubRoleBuilder {
        GitHubRoleBuilder {
            name: name.to_owned(),
            repository: repository.to_owned(),
            branch: None,
            environment: None,
            pull_requests: false,
            branches_matching: None,
            workflow: None,
            policy: None,
            managed_policy_arns: Vec::new(),
        }
    }

    /// The one workflow file the role trusts, if it names one.
    #[must_use]
    pub fn workflow(&self) -> Option<&str> {
        self.workflow.as_deref()
    }

    /// The role's name.
    #[must_use]
    pub fn name(&self) -> &RoleName {
        &self.name
    }

    /// What the role trusts.
    #[must_use]
    pub fn subject(&self) -> &GitHubSubject {
        &self.subject
    }

    /// The inline policy, if any.
    #[must_use]
    pub fn policy(&self) -> Option<&PolicyDocument> {
        self.policy.as_ref()
    }

    /// The managed policies attached.
    #[must_use]
    pub fn managed_policy_arns(&self) -> &[Expr] {
        &self.managed_policy_arns
    }

    /// The role's trust document, for a role written outside the module.
    #[must_use]
    pub fn trust_document(&self, provider_arn: impl Into<Expr>) -> PolicyDocument {
        PolicyDocument::new([self
            .subject
            .trust_statement_for(provider_arn, self.workflow.as_deref())])
    }

    /// The module's `roles` input: every role's [`module_entry`](GitHubRole::module_entry),
    /// keyed by name.
    ///
    /// # Errors
    /// As [`GitHubRole::module_entry`], and [`Error::Invalid`] (field `roles`) when two roles
    /// share a name (a map keeps only one of them).
    pub fn roles_input<'a>(roles: impl IntoIterator<Item = &'a GitHubRole>) -> Result<Expr> {
        let mut entries: Vec<(String, Expr)> = Vec::new();
        for role in roles {
            let (name, entry) = role.module_entry()?;
            if entries.iter().any(|(present, _)| *present == name) {
                return Err(Error::invalid(
                    "roles",
                    name,
                    "two roles share this name and the module's map would keep only one; \
                     give each role its own name",
                ));
            }
            entries.push((name, entry));
        }
        Ok(Expr::object(
            entries
                .iter()
                .map(|(name, entry)| (name.as_str(), entry.clone())),
        ))
    }

    /// This role as an entry of the module's `roles` input: its name and
    /// `{ repository, branch | environment, policy_json, managed_policy_arns }`.
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `roles.<name>`) for a pull-request or branch-pattern subject:
    /// the module admits only one branch or one environment, so such a role is written with
    /// [`GitHubRole::trust_document`] instead.
    pub fn module_entry(&self) -> Result<(String, Expr)> {
        let mut entry = vec![("repository", Expr::from(self.subject.repository.as_str()))];
        match &self.subject.subject {
            Subject::Branch(branch) => entry.push(("branch", branch.as_str().into())),
            Subject::Environment(environment) => {
                entry.push(("environment", environment.as_str().into()));
            }
            Subject::PullRequest | Subject::BranchesMatching(_) => {
                let mut field = String::from("roles.");
                field.push_str(self.name.as_str());
                return Err(Error::invalid(
                    &field,
                    self.subject.claim(),
                    "the github-oidc module trusts one branch or one environment only; write a \
                     role with a wider subject from GitHubRole::trust_document",
                ));
            }
        }
        if let Some(workflow) = &self.workflow {
            entry.push(("workflow", workflow.as_str().into()));
        }
        if let Some(policy) = &self.policy {
            entry.push(("policy_json", policy.to_json()));
        }
        if !self.managed_policy_arns.is_empty() {
            entry.push((
                "managed_policy_arns",
                Expr::list(self.managed_policy_arns.iter()),
            ));
        }
        Ok((self.name.as_str().to_owned(), Expr::object(entry)))
    }
}

/// Builds a [`GitHubRole`]; [`GitHubRoleBuilder::build`] checks the module's rules.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct GitHubRoleBuilder {
    name: String,
    repository: String,
    branch: Option<String>,
    environment: Option<String>,
    pull_requests: bool,
    branches_matching: Option<String>,
    workflow: Option<String>,
    policy: Option<PolicyDocument>,
    managed_policy_arns: Vec<Expr>,
}

impl GitHubRoleBuilder {
    /// Trusts only jobs of this workflow file of the repository (`.github/workflows/release.yml`),
    /// through the token's `job_workflow_ref` claim: another workflow that reaches the same
    /// branch or environment cannot assume the role.
    pub fn workflow(mut self, workflow: &str) -> Self {
        self.workflow = Some(workflow.to_owned());
        self
    }

    /// Trusts pushes to this one branch.
    pub fn branch(mut self, branch: &str) -> Self {
        self.branch = Some(branch.to_owned());
        self
    }

    /// Trusts jobs of this one GitHub environment.
    pub fn environment(mut self, environment: &str) -> Self {
        self.environment = Some(environment.to_owned());
        self
    }

    /// Trusts the repository's pull-request workflows (any fork): asked for by name because it
    /// is wide.
    pub fn pull_requests(mut self) -> Self {
        self.pull_requests = true;
        self
    }

    /// Trusts pushes to every branch matching `pattern` (`*`, `?`): the one way to a wildcard.
    pub fn branches_matching(mut self, pattern: &str) -> Self {
        self.branches_matching = Some(pattern.to_owned());
        self
    }

    /// The role's inline policy.
    pub fn policy(mut self, policy: PolicyDocument) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Attaches a managed policy.
    pub fn managed_policy_arn(mut self, arn: impl Into<Expr>) -> Self {
        self.managed_policy_arns.push(arn.into());
        self
    }

    /// The role.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field: a role name IAM rejects (`roles`), a repository that
    /// is not one `owner/repo` (`roles.<name>.repository`), none or several subjects
    /// (`roles.<name>.branch/environment`), a branch or environment that is not one literal name
    /// (`roles.<name>.branch`, `…environment`), a branch pattern without a wildcard
    /// (`roles.<name>.branches_matching`).
    pub fn build(self) -> Result<GitHubRole> {
        let name = RoleName::new(&self.name)?;
        let field = |suffix: &str| {
            let mut field = String::from("roles.");
            field.push_str(name.as_str());
            field.push('.');
            field.push_str(suffix);
            field
        };
        let in_field = |error: Error, suffix: &str| match error {
            Error::Invalid(bkt_core::Invalid { value, reason, .. }) => {
                Error::Invalid(bkt_core::Invalid {
                    field: field(suffix),
                    value,
                    reason,
                })
            }
            other => other,
        };
        let repository = Repository::parse(&field("repository"), &self.repository)?;
        let chosen = usize::from(self.branch.is_some())
            + usize::from(self.environment.is_some())
            + usize::from(self.pull_requests)
            + usize::from(self.branches_matching.is_some());
        if chosen != 1 {
            return Err(Error::invalid(
                &field("branch/environment"),
                if chosen == 0 { "none" } else { "several" },
                "name exactly one of branch or environment (or, by name, pull_requests or \
                 branches_matching): it becomes the token's sub claim, and a role without one \
                 would trust every workflow run of the repository",
            ));
        }
        let repo = repository.as_str();
        let subject = match (self.branch, self.environment, self.branches_matching) {
            (Some(branch), _, _) => {
                GitHubSubject::branch(repo, &branch).map_err(|e| in_field(e, "branch"))?
            }
            (_, Some(environment), _) => GitHubSubject::environment(repo, &environment)
                .map_err(|e| in_field(e, "environment"))?,
            (_, _, Some(pattern)) => GitHubSubject::branches_matching(repo, &pattern)
                .map_err(|e| in_field(e, "branches_matching"))?,
            (None, None, None) => GitHubSubject::pull_requests(repo)?,
        };
        if let Some(workflow) = &self.workflow
            && !is_workflow_file(workflow)
        {
            return Err(Error::invalid(
                &field("workflow"),
                workflow,
                "name one workflow file of the repository such as .github/workflows/release.yml \
                 (letters, digits and ._- in the file name, .yml or .yaml, no wildcards)",
            ));
        }
        Ok(GitHubRole {
            name,
            subject,
            workflow: self.workflow,
            policy: self.policy,
            managed_policy_arns: self.managed_policy_arns,
        })
    }
}

#[cfg(test)]
mod tests;
