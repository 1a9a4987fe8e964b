//! Tests of the GitHub role rules: one failing test per rule asserting on the error, the trust
//! documents as text, and properties — trust conditions are exactly what was asked for, names
//! stay within IAM's limits, the Rust rules agree with the module's regular expressions, and no
//! input panics.

use super::*;
use crate::policy::{Operator, Values};
use bkt_core::hcl::{Local, Locals};
use proptest::prelude::*;

fn render(value: Expr) -> String {
    let locals = Locals {
        groups: vec![vec![Local::new(bkt_core::name!("trust"), value)]],
    };
    bkt_core::hcl::to_string(&locals.to_block())
}

fn field_and_reason(result: Result<GitHubRole>) -> (String, String, String) {
    match result {
        Err(Error::Invalid(bkt_core::Invalid {
            field,
            value,
            reason,
        })) => (field, value, reason),
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

const REPO: &str = "example-org/platform";
const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

#[test]
fn a_role_name_iam_rejects_is_an_error() {
    for name in ["ci role", "", &"r".repeat(65), "rôle"] {
        let (field, value, reason) =
            field_and_reason(GitHubRole::builder(name, REPO).branch("main").build());
        assert_eq!((field.as_str(), value.as_str()), ("roles", name));
        assert!(
            reason.contains("1 to 64 letters, digits and +=,.@_-"),
            "{reason}"
        );
    }
    assert!(
        GitHubRole::builder(&"r".repeat(64), REPO)
            .branch("main")
            .build()
            .is_ok()
    );
}

#[test]
fn a_repository_with_a_wildcard_or_without_owner_is_an_error() {
    for repository in [
        "example-org/*",
        "bkt-platform",
        "example-org/",
        "-org/repo",
        "a/b/c",
    ] {
        let (field, value, reason) =
            field_and_reason(GitHubRole::builder("ci", repository).branch("main").build());
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("roles.ci.repository", repository)
        );
        assert!(
            reason.contains("exactly one repository as owner/repo"),
            "{reason}"
        );
    }
}

#[test]
fn a_role_without_a_subject_is_an_error() {
    let (field, value, reason) = field_and_reason(GitHubRole::builder("ci", REPO).build());
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("roles.ci.branch/environment", "none")
    );
    assert!(
        reason.contains("would trust every workflow run"),
        "{reason}"
    );
}

#[test]
fn a_role_with_branch_and_environment_is_an_error() {
    let (field, value, _) = field_and_reason(
        GitHubRole::builder("ci", REPO)
            .branch("main")
            .environment("dev")
            .build(),
    );
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("roles.ci.branch/environment", "several")
    );
    let (_, value, _) = field_and_reason(
        GitHubRole::builder("ci", REPO)
            .branch("main")
            .pull_requests()
            .build(),
    );
    assert_eq!(value, "several");
}

#[test]
fn a_wildcard_or_refs_branch_is_an_error() {
    for branch in [
        "*",
        "release/*",
        "ma?n",
        "refs/heads/main",
        "",
        "with space",
    ] {
        let (field, value, reason) =
            field_and_reason(GitHubRole::builder("ci", REPO).branch(branch).build());
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("roles.ci.branch", branch)
        );
        assert!(
            reason.contains("no wildcards (* ?), no refs/ prefix"),
            "{reason}"
        );
    }
    let (field, _, _) = field_and_reason(GitHubRole::builder("ci", REPO).environment("*").build());
    assert_eq!(field, "roles.ci.environment");
}

#[test]
fn a_branch_pattern_without_a_wildcard_is_an_error() {
    for pattern in ["main", "refs/heads/*", "release/[0-9]*", ""] {
        let (field, value, reason) = field_and_reason(
            GitHubRole::builder("ci", REPO)
                .branches_matching(pattern)
                .build(),
        );
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("roles.ci.branches_matching", pattern)
        );
        assert!(reason.contains("at least one * or ?"), "{reason}");
    }
}

#[test]
fn the_module_takes_only_branch_and_environment_roles() -> Result<()> {
    let pull_requests = GitHubRole::builder("ci", REPO).pull_requests().build()?;
    let (field, value, reason) = match pull_requests.module_entry() {
        Err(Error::Invalid(bkt_core::Invalid {
            field,
            value,
            reason,
        })) => (field, value, reason),
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(field, "roles.ci");
    assert_eq!(value, "repo:example-org/platform:pull_request");
    assert!(reason.contains("GitHubRole::trust_document"), "{reason}");
    Ok(())
}

#[test]
fn two_roles_of_one_name_are_an_error() -> Result<()> {
    let main = GitHubRole::builder("ci", REPO).branch("main").build()?;
    let dev = GitHubRole::builder("ci", REPO).environment("dev").build()?;
    assert!(matches!(
        GitHubRole::roles_input([&main, &dev]),
        Err(Error::Invalid(bkt_core::Invalid { ref field, ref value, ref reason }))
            if field == "roles" && value == "ci" && reason.contains("keep only one")
    ));
    Ok(())
}

#[test]
fn a_branch_role_trusts_one_branch_exactly() -> Result<()> {
    let role = GitHubRole::builder("acme-dev-github-ci", REPO)
        .branch("main")
        .build()?;
    assert_eq!(
        render(role.trust_document(PROVIDER).to_json()),
        r#"locals {
  trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/platform:ref:refs/heads/main"
        }
      }
    }]
  })
}
"#
    );
    Ok(())
}

#[test]
fn an_environment_and_pull_requests_are_exact_too() -> Result<()> {
    let environment = GitHubRole::builder("apply", REPO)
        .environment("dev")
        .build()?;
    assert_eq!(
        environment.subject().claim(),
        "repo:example-org/platform:environment:dev"
    );
    assert_eq!(environment.subject().operator(), Operator::StringEquals);
    let pull_requests = GitHubRole::builder("plan", REPO).pull_requests().build()?;
    assert_eq!(
        pull_requests.subject().claim(),
        "repo:example-org/platform:pull_request"
    );
    assert!(!pull_requests.subject().is_wildcard());
    Ok(())
}

#[test]
fn only_a_named_branch_pattern_is_a_wildcard_under_string_like() -> Result<()> {
    let role = GitHubRole::builder("release", REPO)
        .branches_matching("release/*")
        .build()?;
    let text = render(role.trust_document(PROVIDER).to_object());
    assert!(
        text.contains(
            r#"      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/platform:ref:refs/heads/release/*" }
      }"#
        ),
        "{text}"
    );
    Ok(())
}

/// The values of one condition key, each with the operator it sits under.
type Matches = Vec<(Operator, String)>;

/// The `sub` and `aud` entries of a role's trust, by operator.
fn sub_and_aud(role: &GitHubRole) -> (Matches, Matches) {
    let statement = role.subject().trust_statement(PROVIDER);
    let (mut subs, mut auds) = (Vec::new(), Vec::new());
    for condition in statement.conditions() {
        for (key, values) in condition.entries() {
            let texts: Vec<String> = values.as_slice().iter().map(text_of).collect();
            let target = if *key == Expr::from(format!("{ISSUER_HOST}:sub")) {
                &mut subs
            } else if *key == Expr::from(format!("{ISSUER_HOST}:aud")) {
                &mut auds
            } else {
                panic!("unexpected condition key {key:?}");
            };
            target.extend(texts.into_iter().map(|text| (condition.operator(), text)));
        }
    }
    (subs, auds)
}

fn text_of(value: &Expr) -> String {
    match value.as_hcl() {
        hcl::Expression::String(text) => text.clone(),
        other => panic!("a claim must be literal text, got {other:?}"),
    }
}

fn owner() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9-]{0,20}"
}

fn repo_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,20}"
}

fn ref_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._/-]{1,30}".prop_filter("the module rejects refs/", |name| {
        !name.starts_with("refs/")
    })
}

fn role_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+=,.@_-]{1,64}"
}

/// Anything: printable ASCII around the rules' edges, and any Unicode.
fn anything() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,70}", "\\PC{0,70}", "[A-Za-z0-9/*?._-]{0,12}"]
}

fn matches(pattern: &str, value: &str) -> bool {
    regex::Regex::new(pattern).is_ok_and(|regex| regex.is_match(value))
}

proptest! {
    #[test]
    fn a_branch_role_trusts_exactly_its_branch(
        name in role_name(), owner in owner(), repo in repo_name(), branch in ref_name(),
    ) {
        let repository = format!("{owner}/{repo}");
        let role = GitHubRole::builder(&name, &repository).branch(&branch).build();
        prop_assert!(role.is_ok(), "{role:?}");
        let role = role.unwrap_or_else(|_| unreachable!());
        let (subs, auds) = sub_and_aud(&role);
        prop_assert_eq!(
            subs,
            vec![(Operator::StringEquals, format!("repo:{owner}/{repo}:ref:refs/heads/{branch}"))]
        );
        prop_assert_eq!(auds, vec![(Operator::StringEquals, "sts.amazonaws.com".to_owned())]);
        let text = render(role.trust_document(PROVIDER).to_json());
        prop_assert!(!text.contains('*') && !text.contains("StringLike"), "{}", text);
    }

    #[test]
    fn an_environment_role_trusts_exactly_its_environment(
        name in role_name(), owner in owner(), repo in repo_name(), environment in ref_name(),
    ) {
        let repository = format!("{owner}/{repo}");
        let role = GitHubRole::builder(&name, &repository).environment(&environment).build();
        prop_assert!(role.is_ok(), "{role:?}");
        let role = role.unwrap_or_else(|_| unreachable!());
        let (subs, auds) = sub_and_aud(&role);
        prop_assert_eq!(
            subs,
            vec![(Operator::StringEquals, format!("repo:{owner}/{repo}:environment:{environment}"))]
        );
        prop_assert_eq!(auds, vec![(Operator::StringEquals, "sts.amazonaws.com".to_owned())]);
    }

    #[test]
    fn any_input_gives_a_role_within_the_rules_or_an_error(
        name in anything(), repository in anything(), subject in anything(), kind in 0..4u8,
    ) {
        let builder = GitHubRole::builder(&name, &repository);
        let builder = match kind {
            0 => builder.branch(&subject),
            1 => builder.environment(&subject),
            2 => builder.branches_matching(&subject),
            _ => builder.pull_requests(),
        };
        if let Ok(role) = builder.build() {
            prop_assert!(role.name().as_str().len() <= MAX_ROLE_NAME);
            prop_assert!(matches(ROLE_NAME_PATTERN, role.name().as_str()));
            prop_assert!(matches(REPOSITORY_PATTERN, role.subject().repository().as_str()));
            let (subs, auds) = sub_and_aud(&role);
            prop_assert_eq!(auds, vec![(Operator::StringEquals, "sts.amazonaws.com".to_owned())]);
            prop_assert_eq!(subs.len(), 1);
            let (operator, sub) = &subs[0];
            let prefix = format!("repo:{repository}:");
            prop_assert!(sub.starts_with(&prefix), "{}", sub);
            let wildcard = sub.contains(['*', '?']);
            prop_assert_eq!(wildcard, kind == 2, "a wildcard only where asked: {}", sub);
            prop_assert_eq!(*operator == Operator::StringLike, kind == 2);
            let expected = match kind {
                0 | 2 => format!("{prefix}ref:refs/heads/{subject}"),
                1 => format!("{prefix}environment:{subject}"),
                _ => format!("{prefix}pull_request"),
            };
            prop_assert_eq!(sub, &expected);
        }
    }

    #[test]
    fn the_rust_rules_are_the_module_validations(value in anything()) {
        prop_assert_eq!(RoleName::new(&value).is_ok(), matches(ROLE_NAME_PATTERN, &value));
        prop_assert_eq!(Repository::new(&value).is_ok(), matches(REPOSITORY_PATTERN, &value));
        prop_assert_eq!(
            GitHubSubject::branch(REPO, &value).is_ok(),
            matches(REF_NAME_PATTERN, &value) && !value.starts_with(REFS_PREFIX)
        );
    }

    #[test]
    fn module_entries_name_one_branch_or_environment(
        name in role_name(), owner in owner(), repo in repo_name(), subject in ref_name(),
        environment in any::<bool>(),
    ) {
        let repository = format!("{owner}/{repo}");
        let builder = GitHubRole::builder(&name, &repository);
        let builder = if environment { builder.environment(&subject) } else { builder.branch(&subject) };
        let entry = builder.build().and_then(|role| role.module_entry());
        prop_assert!(entry.is_ok(), "{entry:?}");
        let (key, value) = entry.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(key, name);
        let field = if environment { "environment" } else { "branch" };
        let expected = Expr::object([
            ("repository", Expr::from(repository)),
            (field, Expr::from(subject)),
        ]);
        prop_assert_eq!(value, expected);
    }
}

#[test]
fn values_of_one_are_written_alone() {
    let one: Values = "a".into();
    assert_eq!(one.to_expr(), Expr::from("a"));
}
