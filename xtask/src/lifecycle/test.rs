//! `cargo xtask lifecycle-test` (`make lifecycle-test`): the AWS side of `make down`, proven on
//! the emulator. Preflight's refusals first (an unknown environment; an Atlas environment without
//! the Atlas keys); then apply bootstrap and envs/dev; make up's first-image step against the
//! emulator's ECR with a recording stand-in for docker (`tests/lifecycle/fake-docker`); create
//! out of band what the LB controller, external-dns and the EBS CSI driver would (plus
//! look-alikes that are not the cluster's) and run teardown, asserting it removed exactly the
//! controllers' resources (`go test -tags lifecycle` in `tools/`); terraform destroy; check
//! nothing is left; then price dev's plan against its budget (`COST_BUDGET`, which the Makefile
//! passes as `DEV_COST_BUDGET`). The emulator is stopped on the way out, also on failure.
//!
//! make down's order of the Atlas and environment roots is proven against stand-ins by
//! `xtask/tests/down_order.rs` (make rust-test). The cluster-side steps of `make down` need a
//! cluster and are not run here.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::{Map, Value};

use super::{BUILD, Tools, cost, root, text};
use crate::emulator::{Emulator, variable};
use crate::layout::DEV;
use crate::process::{Failure, Result, output, run, shown};
use crate::tf_emulator::workdir::Workdir;

/// The run's folder under `build/`.
const WORK: &str = "lifecycle";

/// Runs the lifecycle test; see the module docs.
///
/// # Errors
/// A step failed: its message says which check and what the command printed.
pub fn run_lifecycle_test() -> Result {
    let total = Instant::now();
    let step = |what: &str| println!("lifecycle-test: [{}s] {what}", total.elapsed().as_secs());
    let root = root();
    let work = root.join(BUILD).join(WORK);
    let emulator = Emulator::start(&root, &work.join("emulator"))?;
    let workdir = Workdir::open(&root, &work, emulator.variables())?;
    let tools = workdir.tools();

    step(
        "preflight refuses, naming each missing thing (an unknown environment, no tfvars, an emulator endpoint)",
    );
    preflight_refusals(tools)?;
    step(
        "preflight refuses make up of an environment that uses Atlas (dev) without the Atlas keys, naming the way out",
    );
    preflight_atlas(tools)?;

    step("apply bootstrap + envs/dev on the emulator");
    workdir.apply(DEV)?;
    workdir.show_state(DEV)?;
    let vars = cluster_vars(&workdir.cluster_vars(DEV))?;
    let var = |key: &str| {
        vars.get(key).and_then(text).ok_or_else(|| {
            Failure::step(format!("lifecycle-test: {DEV}'s cluster_vars has no {key}"))
        })
    };
    let cluster = var("CLUSTER_NAME")?;

    step(
        "first image (make up's step on an empty ECR): missing → built and pushed once; present → nothing built; no builder → named fix",
    );
    first_image(tools, &work, &var("SAMPLE_APP_IMAGE_REPOSITORY")?)?;

    step("controllers' resources out of band, teardown, assertions (go test -tags lifecycle)");
    let endpoint = variable(emulator.variables(), "AWS_ENDPOINT_URL");
    run(tools
        .command("go")
        .current_dir(root.join("tools"))
        .env("TEARDOWN_TEST_ENDPOINT", endpoint)
        .env("LIFECYCLE_WORKDIR", work.join(DEV))
        .args(["test", "-tags", "lifecycle", "-count=1", "-v"])
        .args(["-run", "^TestLifecycle", "./cmd/teardown/"]))?;

    step("terraform destroy");
    workdir.destroy(None)?;

    step(&format!("leftover check for cluster {cluster}"));
    let region = variable(emulator.variables(), "AWS_REGION");
    run(tools
        .teardown()
        .args(["-check", "-cluster", &cluster, "-region", &region]))?;
    run(workdir.checks().arg("destroyed"))?;

    step("dev's monthly estimate within its budget (make cost)");
    let budget = std::env::var("COST_BUDGET")
        .ok()
        .filter(|budget| !budget.is_empty())
        .ok_or_else(|| {
            Failure::usage(
                "COST_BUDGET: the dev budget: run this through make lifecycle-test, which passes \
                 the Makefile DEV_COST_BUDGET",
            )
        })?;
    let flags = [OsString::from("-budget"), OsString::from(budget)];
    cost::estimate(DEV, &flags, Some(emulator.variables()))?;

    step("done: apply, teardown, destroy, leftover check and cost budget passed");
    drop(emulator);
    Ok(())
}

/// This xtask, run again as a command (preflight, generate) from the root with the tools'
/// environment.
fn xtask(tools: &Tools) -> Result<Command> {
    let exe = std::env::current_exe()
        .map_err(|error| Failure::step(format!("cannot find this xtask's executable: {error}")))?;
    Ok(tools.command(exe))
}

/// What `command` printed on stdout and stderr (as `2>&1` would, stderr after stdout), and
/// whether it exited 0.
fn combined(command: &mut Command) -> Result<(bool, String)> {
    let out = command
        .output()
        .map_err(|error| Failure::step(format!("could not start `{}`: {error}", shown(command))))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok((out.status.success(), text))
}

/// An error unless `text` contains each of `wanted`; the text is printed first.
fn reports(text: &str, wanted: &[&str], what: &str) -> Result {
    match wanted.iter().find(|want| !text.contains(*want)) {
        None => Ok(()),
        Some(missing) => {
            println!("{text}");
            Err(Failure::step(format!(
                "lifecycle-test: {what} did not report: {missing}"
            )))
        }
    }
}

fn preflight_refusals(tools: &Tools) -> Result {
    let (passed, out) = combined(xtask(tools)?.args(["preflight", "up", "no-such-env"]))?;
    if passed {
        println!("{out}");
        return Err(Failure::step(
            "lifecycle-test: preflight passed for an unknown environment",
        ));
    }
    reports(
        &out,
        &[
            "MISSING environment 'no-such-env'",
            "MISSING terraform/envs/no-such-env/terraform.tfvars",
            "MISSING real AWS (AWS_ENDPOINT_URL=",
        ],
        "preflight",
    )
}

fn preflight_atlas(tools: &Tools) -> Result {
    let mut atlas = xtask(tools)?;
    atlas
        .args(["preflight", "up", DEV])
        .env_remove("MONGODB_ATLAS_PUBLIC_KEY")
        .env_remove("MONGODB_ATLAS_PRIVATE_KEY")
        .env_remove("MONGODB_ATLAS_ORG_ID");
    let (_, out) = combined(&mut atlas)?;
    reports(
        &out,
        &[
            "MISSING MONGODB_ATLAS_PUBLIC_KEY MONGODB_ATLAS_PRIVATE_KEY MONGODB_ATLAS_ORG_ID (environments/dev.toml uses MongoDB Atlas",
            "set [atlas] enabled = false in environments/dev.toml",
        ],
        "preflight",
    )
}

/// The flat JSON object in `file`.
fn cluster_vars(file: &Path) -> Result<Map<String, Value>> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| Failure::step(format!("cannot read {}: {error}", file.display())))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(vars)) => Ok(vars),
        _ => Err(Failure::step(format!(
            "{} holds no JSON object",
            file.display()
        ))),
    }
}

/// make up's first-image step on the emulator's ECR, with `tests/lifecycle/fake-docker`.
fn first_image(tools: &Tools, work: &Path, repository_url: &str) -> Result {
    let root = tools.root();
    let tag = output(xtask(tools)?.args(["generate", "--env", DEV, "--print-image-tag"]))?;
    let tag = tag.trim();
    let log = work.join("fake-docker.log");
    let _ = std::fs::remove_file(&log);
    let fake = root.join("tests/lifecycle/fake-docker");
    let first_image = |docker: &Path| {
        let mut command = tools.script("first-image.sh");
        command
            .args([DEV, repository_url, tag])
            .env("DOCKER", docker)
            .env("FAKE_DOCKER_LOG", &log)
            .env("AWS_CLI", tools.aws_path());
        command
    };
    let (passed, out) = combined(&mut first_image(Path::new("/nonexistent/docker")))?;
    if passed {
        println!("{out}");
        return Err(Failure::step(
            "lifecycle-test: first-image passed with no image builder",
        ));
    }
    reports(&out, &["fix: install Docker"], "first-image")?;

    run(&mut first_image(&fake))?;
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let build = format!(
        "build --platform linux/amd64 --file {} ",
        root.join("sample-app/Dockerfile").display()
    );
    let push = format!("push {repository_url}:{tag}");
    if !(calls.lines().any(|line| line == push) && calls.lines().any(|l| l.starts_with(&build))) {
        print!("{calls}");
        return Err(Failure::step(format!(
            "lifecycle-test: first-image did not build sample-app/Dockerfile and push {tag}"
        )));
    }
    let again = output(&mut first_image(&fake))?;
    let after = std::fs::read_to_string(&log).unwrap_or_default();
    if !again.contains("nothing to build") || after.lines().count() != calls.lines().count() {
        print!("{after}");
        return Err(Failure::step(
            "lifecycle-test: first-image built again although ECR has the tag",
        ));
    }
    // The test's image is not the controllers' doing: remove it, so teardown and destroy see
    // what up leaves.
    let repository = repository_url
        .split_once('/')
        .map_or(repository_url, |(_, name)| name);
    run(tools
        .aws()
        .args(["ecr", "batch-delete-image", "--repository-name", repository])
        .arg("--image-ids")
        .arg(format!("imageTag={tag}"))
        .stdout(std::process::Stdio::null()))
}
