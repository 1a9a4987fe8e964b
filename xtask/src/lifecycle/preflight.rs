//! `cargo xtask preflight up|down ENV`: everything `up` or `down` needs before it touches AWS,
//! each missing thing named with its fix (all of them, not just the first). `up` and `down` run it
//! first; `make lifecycle-test` greps its `MISSING` lines.
//!
//! Environment: AWS credentials (`AWS_PROFILE`, SSO or keys) and `AWS_REGION`; for a private
//! repository `GITHUB_TOKEN` (Contents: read, Commit statuses: write, Webhooks: write), `up` only;
//! the MongoDB Atlas keys for `up` of an environment that uses Atlas; `DOCKER` (default docker).

use std::process::Stdio;

use semver::{Version, VersionReq};

use super::{ATLAS, ENVS, Tools, environments, known_environment, root, silent, succeeds};
use crate::process::{Failure, Result};

/// The workflow a preflight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `up`: also the inputs file, the Atlas keys and the optional notes.
    Up,
    /// `down`.
    Down,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

/// The Atlas keys `up` needs for an environment with an Atlas root.
pub const ATLAS_KEYS: [&str; 3] = [
    "MONGODB_ATLAS_PUBLIC_KEY",
    "MONGODB_ATLAS_PRIVATE_KEY",
    "MONGODB_ATLAS_ORG_ID",
];

/// The problems found so far, printed as they are found.
struct Report {
    problems: usize,
}

impl Report {
    fn missing(&mut self, what: &str, fix: &str) {
        println!("preflight: MISSING {what}");
        println!("           fix: {fix}");
        self.problems += 1;
    }

    fn ok(what: &str) {
        println!("preflight: ok      {what}");
    }

    fn note(lines: &[&str]) {
        for (index, line) in lines.iter().enumerate() {
            let lead = if index == 0 {
                "preflight: note    "
            } else {
                "                    "
            };
            println!("{lead}{line}");
        }
    }
}

/// Whether an environment variable is set to something.
pub fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|value| !value.is_empty())
}

/// Runs the checks for `action` on `env`.
///
/// # Errors
/// Anything is missing (each was printed with its fix).
pub fn run(action: Action, env: &str) -> Result {
    let root = root();
    let tools = Tools::new(&root);
    let mut report = Report { problems: 0 };

    if known_environment(&root, env) {
        Report::ok(&format!("environment {ENVS}/{env}"));
    } else {
        report.missing(
            &format!("environment '{env}'"),
            &format!("pass ENV=<one of: {}>", environments(&root).join(" ")),
        );
    }
    tool_checks(&tools, &mut report, action, env);
    aws_checks(&tools, &mut report, env);
    if action == Action::Up {
        up_checks(&tools, &mut report, env);
    }

    let make = format!("make {} ENV={env}", action.name());
    if report.problems > 0 {
        return Err(Failure::step(format!(
            "preflight: {} thing(s) missing for {make}; fix them and run again",
            report.problems
        )));
    }
    println!("preflight: ready for {make}");
    Ok(())
}

/// The constraint of `required_version = "..."` in a root's `versions.tf` (the crates write
/// `>= X.Y.Z`), if there is one that reads as a version requirement.
fn required_version(versions_tf: &str) -> Option<VersionReq> {
    versions_tf.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key.trim() != "required_version" {
            return None;
        }
        VersionReq::parse(value.trim().trim_matches('"')).ok()
    })
}

/// Whether the Terraform release `found` (`terraform version -json`) meets `required`.
fn accepted(required: &VersionReq, found: &str) -> bool {
    Version::parse(found).is_ok_and(|version| required.matches(&version))
}

/// The version `terraform version -json` reports, if terraform runs.
fn terraform_version(tools: &Tools) -> Option<String> {
    let printed = silent(tools.command("terraform").args(["version", "-json"]))?;
    let version: serde_json::Value = serde_json::from_str(&printed).ok()?;
    version["terraform_version"].as_str().map(str::to_owned)
}

fn tool_checks(tools: &Tools, report: &mut Report, action: Action, env: &str) {
    // What the environment's root requires (its generated versions.tf), not a second copy of it.
    let versions = tools.root().join(ENVS).join(env).join("versions.tf");
    let required = std::fs::read_to_string(&versions)
        .ok()
        .and_then(|text| required_version(&text));
    let found = terraform_version(tools);
    match (&found, required) {
        (_, None) => report.missing(
            &format!("required_version in {ENVS}/{env}/versions.tf"),
            "run cargo xtask generate (it writes every root's versions.tf)",
        ),
        (Some(version), Some(required)) if accepted(&required, version) => {
            Report::ok(&format!("terraform {version}"));
        }
        (_, Some(required)) => report.missing(
            &format!(
                "terraform {required}, as {ENVS}/{env}/versions.tf requires (found '{}')",
                found.as_deref().unwrap_or("none")
            ),
            "install a Terraform release it accepts: https://developer.hashicorp.com/terraform/install",
        ),
    }
    // up's last step registers the GitHub webhook through curl (lifecycle::webhook).
    if action == Action::Up {
        if tools.found("curl") {
            Report::ok("curl");
        } else {
            report.missing("curl", "apt-get install curl (or brew install curl)");
        }
    }
    let aws_version = tools
        .aws()
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success());
    match aws_version {
        Some(out) => Report::ok(&format!(
            "aws CLI {}",
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .next()
                .unwrap_or_default()
        )),
        None => report.missing(
            "aws CLI in .venv",
            "run 'make setup' (awscli is pinned in requirements.txt)",
        ),
    }
    for tool in ["kubectl", "helm"] {
        if succeeds(tools.gotool(tool).args(["version", "--client"]))
            || succeeds(tools.gotool(tool).arg("version"))
        {
            Report::ok(&format!("{tool} (pinned in tools/go.mod)"));
        } else {
            report.missing(
                tool,
                "run 'make setup' (it builds the Go tools pinned in tools/go.mod)",
            );
        }
    }
}

fn aws_checks(tools: &Tools, report: &mut Report, env: &str) {
    if !set("AWS_REGION") {
        report.missing(
            "AWS_REGION",
            &format!("export AWS_REGION=eu-west-1 (the region in {ENVS}/{env}/terraform.tfvars)"),
        );
    }
    if let Some(endpoint) = std::env::var_os("AWS_ENDPOINT_URL").filter(|url| !url.is_empty()) {
        report.missing(
            &format!(
                "real AWS (AWS_ENDPOINT_URL={} points at an emulator)",
                endpoint.to_string_lossy()
            ),
            "unset AWS_ENDPOINT_URL AWS_CA_BUNDLE; make demo is the offline path",
        );
    }
    let identity = silent(tools.aws().args([
        "sts",
        "get-caller-identity",
        "--query",
        "Arn",
        "--output",
        "text",
    ]));
    match identity {
        Some(arn) => Report::ok(&format!("AWS identity {}", arn.trim())),
        None => report.missing(
            "AWS credentials",
            "aws sso login --profile <profile> && export AWS_PROFILE=<profile> (or any credential \
             source the AWS CLI reads)",
        ),
    }
}

fn up_checks(tools: &Tools, report: &mut Report, env: &str) {
    let vars = format!("{ENVS}/{env}/terraform.tfvars");
    if tools.root().join(&vars).is_file() {
        Report::ok(&format!("inputs {}", tools.root().join(&vars).display()));
    } else {
        report.missing(
            &vars,
            &format!(
                "cp {vars}.example {vars} and set domain, github_repository, admin_principal_arns"
            ),
        );
    }
    if !set("GITHUB_TOKEN") {
        Report::note(&[
            "GITHUB_TOKEN is not set: Flux clones anonymously (fine for a public repository), \
             reports no commit statuses",
            "and the push webhook is not registered (Flux polls); set a fine-grained token with \
             Contents: read,",
            "Commit statuses: write and Webhooks: write on the repository to enable all three",
        ]);
    }
    // An environment whose spec says [atlas] enabled = true has an Atlas root, and its app reads
    // the DSN that root writes: without the keys the apps would wait for it forever, so stop here.
    if tools.root().join(ATLAS).join(env).is_dir() {
        let absent: Vec<&str> = ATLAS_KEYS.into_iter().filter(|key| !set(key)).collect();
        if absent.is_empty() {
            Report::ok(&format!(
                "MongoDB Atlas keys (environments/{env}.toml uses Atlas)"
            ));
        } else {
            report.missing(
                &format!(
                    "{} (environments/{env}.toml uses MongoDB Atlas: [atlas] enabled = true)",
                    absent.join(" ")
                ),
                &format!(
                    "export them (an Atlas API key with Organization Project Creator, and the \
                     organization ID; docs/atlas.md), or set [atlas] enabled = false in \
                     environments/{env}.toml and run make generate (the sample app then uses the \
                     in-cluster MariaDB)"
                ),
            );
        }
    }
    let docker = std::env::var("DOCKER").unwrap_or_else(|_| "docker".to_owned());
    if !tools.found(&docker) {
        Report::note(&[
            &format!(
                "{docker} is not installed: needed only if ECR lacks the environment's image tag \
                 (a new account"
            ),
            "before its first release); make up then stops at that step and names the fix",
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::{accepted, required_version};

    #[test]
    fn the_generated_constraint_decides_which_releases_pass() {
        let versions =
            "terraform {\n  required_version = \">= 1.11.0\"\n\n  required_providers {\n";
        let required = required_version(versions).expect("the generated constraint");
        assert!(accepted(&required, "1.11.4"));
        assert!(accepted(&required, "1.14.0"));
        assert!(!accepted(&required, "1.9.8"));
        assert!(!accepted(&required, "not a version"));
        assert!(required_version("terraform {\n}\n").is_none());
    }
}
