//! `cargo xtask down`'s order against stand-ins (~1 s; `make lifecycle-test` runs it too): the
//! built xtask runs `down` on a scratch repository (`XTASK_ROOT`) whose terraform, go, aws and
//! kubectl/helm (`scripts/gotool`) are scripts that record each call and answer like an applied
//! environment whose cluster no longer answers; preflight runs for real against them.
//!
//! Proves: the Atlas root is destroyed before the environment root (its destroy reads that root's
//! state); with Atlas state but no Atlas keys, `down` stops before touching anything else; with no
//! Atlas state, or an environment without Atlas, it says it skipped the Atlas root and destroys the
//! environment root; anything still tagged for the environment at the end fails `down`, listed.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch repository with stand-ins for every tool `down` calls.
struct Scratch {
    _dir: tempfile::TempDir,
    root: PathBuf,
    fakes: PathBuf,
    calls: PathBuf,
}

/// A script at `path` that appends its name and arguments to `$FAKE_CALLS`, then runs `body`.
fn stand_in(path: &Path, body: &str) {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("?");
    let script = format!("#!/usr/bin/env bash\necho \"{name} $*\" >>\"$FAKE_CALLS\"\n{body}\n");
    fs::write(path, script).expect("a stand-in");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("an executable stand-in");
}

const TERRAFORM: &str = r#"
dir=""
if [[ $1 == -chdir=* ]]; then dir="${1#-chdir=}"; shift; fi
case "$1 ${2:-}" in
  "version -json") echo '{"terraform_version":"1.11.4"}' ;;
  "output -raw") echo bkt-tfstate-test ;;
  "output -json") echo '{"CLUSTER_NAME":"bkt-dev","HOSTED_ZONE_ID":"Z0TEST"}' ;;
  "show -json") echo '{}' ;;
  "state list") [[ $dir == */atlas/* ]] && printf "%s" "${FAKE_ATLAS_STATE:-}" ;;
esac
exit 0"#;

const AWS: &str = r#"
case "$1" in
  --version) echo "aws-cli/2.0.0 Python/3.12" ;;
  sts) echo "arn:aws:iam::123456789012:user/test" ;;
  resourcegroupstaggingapi) echo "${FAKE_TAGGED:-[]}" ;;
  eks) exit 1 ;;
esac
exit 0"#;

/// kubectl and helm answer `version --client` (preflight); the cluster itself does not answer.
const GOTOOL: &str = r#"[[ $* == "kubectl version --client" || $* == "helm version --client" ]]"#;

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let root = dir.path().join("repo");
        let fakes = dir.path().join("bin");
        for folder in [
            root.join("scripts"),
            root.join(".venv/bin"),
            root.join("tools"),
            root.join("terraform/envs/dev"),
            root.join("terraform/envs/qa"),
            root.join("terraform/atlas/dev"),
            fakes.clone(),
        ] {
            fs::create_dir_all(folder).expect("scratch folders");
        }
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        fs::copy(
            repo.join("scripts/tf-init.sh"),
            root.join("scripts/tf-init.sh"),
        )
        .expect("scripts/tf-init.sh copied");
        stand_in(&root.join("scripts/gotool"), GOTOOL);
        stand_in(&root.join(".venv/bin/aws"), AWS);
        stand_in(&fakes.join("terraform"), TERRAFORM);
        stand_in(&fakes.join("go"), "cat >/dev/null; exit 0");
        let calls = dir.path().join("calls");
        Self {
            _dir: dir,
            root,
            fakes,
            calls,
        }
    }

    /// Runs `cargo xtask down <env>` with `vars`: whether it passed, and what it printed.
    fn down(&self, env: &str, vars: &[(&str, &str)]) -> (bool, String) {
        fs::write(&self.calls, "").expect("an empty call log");
        let path = std::env::join_paths(std::iter::once(self.fakes.clone()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("a PATH");
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["down", env])
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.root.parent().expect("the scratch folder"))
            .env("FAKE_CALLS", &self.calls)
            .env("AWS_REGION", "eu-west-1")
            .env("XTASK_ROOT", &self.root)
            .envs(vars.iter().copied())
            .output()
            .expect("xtask runs");
        let printed = format!(
            "{}{}\n--- calls:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
        (out.status.success(), printed)
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.calls).unwrap_or_default()
    }

    /// The roots `terraform destroy` ran in, in order, relative to the repository.
    fn destroys(&self) -> Vec<String> {
        let prefix = format!("terraform -chdir={}/", self.root.display());
        self.log()
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter_map(|rest| rest.split_once(" destroy"))
            .map(|(dir, _)| dir.to_owned())
            .collect()
    }
}

const KEYS: [(&str, &str); 3] = [
    ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
    ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
    ("MONGODB_ATLAS_ORG_ID", "0123456789abcdef01234567"),
];

#[test]
fn the_atlas_root_is_destroyed_before_the_environment_root() {
    let scratch = Scratch::new();
    let mut vars = KEYS.to_vec();
    vars.push((
        "FAKE_ATLAS_STATE",
        "mongodbatlas_advanced_cluster.this\nmongodbatlas_project.this\n",
    ));
    let (passed, printed) = scratch.down("dev", &vars);
    assert!(passed, "down failed:\n{printed}");
    assert_eq!(
        scratch.destroys(),
        ["terraform/atlas/dev", "terraform/envs/dev"],
        "{printed}"
    );
    assert!(
        printed.contains(
            "-var atlas_org_id=0123456789abcdef01234567 -var state_bucket=bkt-tfstate-test"
        ),
        "the Atlas destroy did not get the organization and the state bucket:\n{printed}"
    );
    assert!(
        printed.contains("down: environment dev is gone"),
        "{printed}"
    );
}

#[test]
fn atlas_state_without_the_keys_stops_before_touching_anything_else() {
    let scratch = Scratch::new();
    let (passed, printed) = scratch.down(
        "dev",
        &[("FAKE_ATLAS_STATE", "mongodbatlas_project.this\n")],
    );
    assert!(!passed, "down passed without the Atlas keys:\n{printed}");
    assert!(
        scratch.destroys().is_empty(),
        "destroyed without the keys:\n{printed}"
    );
    assert!(
        printed.contains("terraform/atlas/dev holds 1 resources")
            && printed.contains("MONGODB_ATLAS_PUBLIC_KEY"),
        "the refusal does not say what is in the Atlas state and which keys to set:\n{printed}"
    );
    let log = scratch.log();
    let after = log
        .split_once("state list\n")
        .map_or("(no state list)", |(_, after)| after);
    assert_eq!(
        after, "",
        "called something after reading the Atlas state:\n{printed}"
    );
}

#[test]
fn no_atlas_state_is_skipped_and_the_environment_root_destroyed() {
    let scratch = Scratch::new();
    let (passed, printed) = scratch.down("dev", &[]);
    assert!(passed, "down failed with an empty Atlas state:\n{printed}");
    assert!(
        printed.contains("SKIPPED the Atlas root: terraform/atlas/dev has no state"),
        "no skip message for an empty Atlas state:\n{printed}"
    );
    assert_eq!(scratch.destroys(), ["terraform/envs/dev"], "{printed}");
}

#[test]
fn an_environment_without_atlas_says_so_and_destroys_its_root() {
    let scratch = Scratch::new();
    let (passed, printed) = scratch.down("qa", &[]);
    assert!(
        passed,
        "down failed for an environment without Atlas:\n{printed}"
    );
    assert!(
        printed.contains("SKIPPED the Atlas root: environments/qa.toml does not use Atlas"),
        "no skip message for qa:\n{printed}"
    );
    assert_eq!(scratch.destroys(), ["terraform/envs/qa"], "{printed}");
}

#[test]
fn anything_still_tagged_fails_down_and_is_listed() {
    let scratch = Scratch::new();
    let arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0";
    let (passed, printed) = scratch.down("qa", &[("FAKE_TAGGED", &format!("[\"{arn}\"]"))]);
    assert!(
        !passed,
        "down passed with a resource still tagged:\n{printed}"
    );
    assert!(printed.contains(&format!("\n  {arn}\n")), "{printed}");
    assert!(
        scratch
            .log()
            .contains("--tag-filters Key=Project,Values=bkt-platform Key=Environment,Values=qa"),
        "the leftover query does not filter on the platform's tags:\n{printed}"
    );
}
