//! The github-oidc module's files (their bytes are terraform/modules/github-oidc, guarded by the
//! drift test; the typed call's text is a snapshot), and its typed
//! call: the inputs a root can set are exactly the module's variables, the outputs it can read
//! exactly the module's outputs.

use bkt_core::hcl::{Kind, Module, to_string};
use bkt_core::name;
use bkt_oidc::policy::{PolicyDocument, Statement};
use bkt_oidc::{GitHubRole, GithubOidcInputs, GithubOidcModule};

const FILES: [&str; 4] = ["main.tf", "outputs.tf", "variables.tf", "versions.tf"];

#[test]
fn github_oidc_module_files() {
    // The bytes are those of terraform/modules/github-oidc, which the drift test guards.
    let tree = GithubOidcModule::default().to_tree("bkt-platform").unwrap();
    let files: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    let mut expected = FILES.to_vec();
    expected.sort_unstable();
    assert_eq!(files, expected, "a file was added or removed");
}

/// The second label of every `<keyword> "<label>"` line of a rendered file.
/// The first label of every `<keyword>` block of the module's file `file`.
fn labels(file: &str, keyword: &str) -> Vec<String> {
    GithubOidcModule::default()
        .files()
        .unwrap()
        .into_iter()
        .find(|(name, _)| *name == file)
        .map_or_else(
            || panic!("{file} is not rendered"),
            |(_, rendered)| rendered.labels(keyword),
        )
}

#[test]
fn module_call_inputs_are_the_module_variables() {
    let every_input = GithubOidcInputs {
        create_provider: Some(true.into()),
        roles: Some("r".into()),
        tags: Some("t".into()),
    };
    let inputs: Vec<String> = every_input
        .arguments()
        .into_iter()
        .map(|(name, _)| name.to_owned())
        .collect();
    assert_eq!(inputs, labels("variables.tf", "variable"));
}

#[test]
fn module_call_outputs_are_the_module_outputs() {
    let call = Module::new(
        name!("github_oidc"),
        "../../modules/github-oidc",
        GithubOidcInputs::default(),
    );
    let outputs = call.get();
    let read: Vec<String> = [
        outputs.provider_arn(),
        outputs.role_arns(),
        outputs.role_subjects(),
        outputs.role_policies(),
        outputs.role_managed_policies(),
    ]
    .into_iter()
    .map(|expr| {
        let text = to_string(&bkt_core::hcl::Output::new(name!("x"), "", expr).to_block());
        let value = text
            .lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix("value       = module.github_oidc.")
            })
            .unwrap_or_else(|| panic!("no module reference in {text}"));
        value.to_owned()
    })
    .collect();
    assert_eq!(read, labels("outputs.tf", "output"));
}

#[test]
fn roles_become_a_typed_module_call() {
    let ci = GitHubRole::builder("acme-dev-github-ci", "example-org/platform")
        .branch("main")
        .policy(PolicyDocument::new([Statement::allow()
            .sid("LogInToTheRegistry")
            .unwrap()
            .action("ecr:GetAuthorizationToken")
            .resource("*")]))
        .build()
        .unwrap();
    let apply = GitHubRole::builder("acme-dev-github-apply", "example-org/platform")
        .environment("dev")
        .managed_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .build()
        .unwrap();
    let roles = GitHubRole::roles_input([&ci, &apply]).unwrap();
    let call = Module::new(
        name!("github_oidc"),
        "../../modules/github-oidc",
        GithubOidcInputs {
            roles: Some(roles.into()),
            ..GithubOidcInputs::default()
        },
    );
    insta::assert_snapshot!("module_call", to_string(&call.to_block()));
}
