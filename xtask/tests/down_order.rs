//! `cargo xtask down`'s order against stand-ins (~1 s; `make lifecycle-test` runs it too): the
//! built xtask runs `down` on a scratch repository (`XTASK_ROOT`) whose terraform, go, aws and
//! kubectl/helm (`scripts/gotool`) are scripts that record each call and answer like an applied
//! environment whose cluster no longer answers; preflight runs for real against them.
//!
//! Proves: the Atlas root is destroyed before the environment root (its destroy reads that root's
//! state); with Atlas state but no Atlas keys, `down` stops before touching anything else; with no
//! Atlas state, or an environment without Atlas, it says it skipped the Atlas root and destroys the
//! environment root; anything still tagged for the environment at the end fails `down`, listed.

mod common;

use common::Scratch;

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

/// A scratch repository with `dev` (Atlas) and `qa` (no Atlas), and the stand-ins.
fn scratch() -> Scratch {
    let scratch = Scratch::new(&[
        "scripts",
        ".venv/bin",
        "tools",
        "terraform/envs/dev",
        "terraform/envs/qa",
        "terraform/atlas/dev",
    ]);
    scratch.copy("scripts/tf-init.sh");
    // The generated constraint preflight reads the required Terraform release from.
    scratch.copy("terraform/envs/dev/versions.tf");
    std::fs::copy(
        scratch.root.join("terraform/envs/dev/versions.tf"),
        scratch.root.join("terraform/envs/qa/versions.tf"),
    )
    .expect("qa's versions.tf");
    scratch.stand_in("scripts/gotool", GOTOOL);
    scratch.stand_in(".venv/bin/aws", AWS);
    scratch.stand_in("terraform", TERRAFORM);
    scratch.stand_in("go", r#"cat >/dev/null; echo "teardown says: $*""#);
    scratch
}

/// The roots `terraform destroy` ran in, in order, relative to the repository.
fn destroys(scratch: &Scratch) -> Vec<String> {
    let prefix = format!("terraform -chdir={}/", scratch.root.display());
    scratch
        .log()
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|rest| rest.split_once(" destroy"))
        .map(|(dir, _)| dir.to_owned())
        .collect()
}

const KEYS: [(&str, &str); 3] = [
    ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
    ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
    ("MONGODB_ATLAS_ORG_ID", "0123456789abcdef01234567"),
];

#[test]
fn the_atlas_root_is_destroyed_before_the_environment_root() {
    let scratch = scratch();
    let mut vars = KEYS.to_vec();
    vars.push((
        "FAKE_ATLAS_STATE",
        "mongodbatlas_advanced_cluster.this\nmongodbatlas_project.this\n",
    ));
    let (passed, printed) = scratch.xtask(&["down", "dev"], &vars);
    assert!(passed, "down failed:\n{printed}");
    assert_eq!(
        destroys(&scratch),
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
    let teardown = "teardown says: run ./cmd/teardown -cluster bkt-dev -region eu-west-1 \
                    -hosted-zone-ids Z0TEST -timeout 15m -allow-attached -terraform-state -\n";
    assert!(
        printed.contains(teardown),
        "teardown's own output (its progress) did not reach the terminal:\n{printed}"
    );
}

#[test]
fn atlas_state_without_the_keys_stops_before_touching_anything_else() {
    let scratch = scratch();
    let (passed, printed) = scratch.xtask(
        &["down", "dev"],
        &[("FAKE_ATLAS_STATE", "mongodbatlas_project.this\n")],
    );
    assert!(!passed, "down passed without the Atlas keys:\n{printed}");
    assert!(
        destroys(&scratch).is_empty(),
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
    let scratch = scratch();
    let (passed, printed) = scratch.xtask(&["down", "dev"], &[]);
    assert!(passed, "down failed with an empty Atlas state:\n{printed}");
    assert!(
        printed.contains("SKIPPED the Atlas root: terraform/atlas/dev has no state"),
        "no skip message for an empty Atlas state:\n{printed}"
    );
    assert_eq!(destroys(&scratch), ["terraform/envs/dev"], "{printed}");
}

#[test]
fn an_environment_without_atlas_says_so_and_destroys_its_root() {
    let scratch = scratch();
    let (passed, printed) = scratch.xtask(&["down", "qa"], &[]);
    assert!(
        passed,
        "down failed for an environment without Atlas:\n{printed}"
    );
    assert!(
        printed.contains("SKIPPED the Atlas root: environments/qa.toml does not use Atlas"),
        "no skip message for qa:\n{printed}"
    );
    assert_eq!(destroys(&scratch), ["terraform/envs/qa"], "{printed}");
}

#[test]
fn anything_still_tagged_fails_down_and_is_listed() {
    let scratch = scratch();
    let arn = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0";
    let (passed, printed) =
        scratch.xtask(&["down", "qa"], &[("FAKE_TAGGED", &format!("[\"{arn}\"]"))]);
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
