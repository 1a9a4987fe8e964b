//! `cargo xtask cost ENV [FLAGS]` (`make cost`): the monthly list-price estimate of an
//! environment. It plans `terraform/envs/<env>` from empty state against the local AWS API emulator
//! (so the plan shows everything the environment creates and no AWS account is needed) and prices
//! the plan with tools/cmd/cost, which FLAGS go to (e.g. `-budget 250 -node-uptime 0.45`).
//!
//! Inputs: `terraform/envs/<env>/terraform.tfvars` when present, else `terraform.tfvars.example`.
//! Reuses a running emulator when `AWS_ENDPOINT_URL` points at one (127.0.0.1); otherwise starts a
//! private one under `build/cost/<env>/emulator` and stops it when done (also on failure).

use std::ffi::OsString;

use super::{BUILD, ENVS, Tools, environments, known_environment, logged, root, tree};
use crate::emulator::Emulator;
use crate::layout::TERRAFORM;
use crate::process::{Failure, Result, output, run};

/// The override that gives the copy a local backend.
const BACKEND_OVERRIDE: &str = "tests/overrides/cost/cost_backend_override.tf";

/// Runs `cost` for `env`, passing `flags` to tools/cmd/cost.
///
/// # Errors
/// An unknown environment or no inputs (status 2), or a step failed (named, with its log).
pub fn run_cost(env: &str, flags: &[OsString]) -> Result {
    estimate(env, flags, None)
}

/// Runs `cost` for `env` on the running emulator whose `variables` are given (none: as
/// [`run_cost`] decides), passing `flags` to tools/cmd/cost.
///
/// # Errors
/// As [`run_cost`].
pub fn estimate(env: &str, flags: &[OsString], variables: Option<&[(String, String)]>) -> Result {
    let root = root();
    if !known_environment(&root, env) {
        return Err(Failure::usage(format!(
            "cost: no environment '{env}': choose one of: {}",
            environments(&root).join(" ")
        )));
    }
    let envdir = root.join(ENVS).join(env);
    let vars = ["terraform.tfvars", "terraform.tfvars.example"]
        .iter()
        .map(|name| envdir.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            Failure::usage(format!(
                "cost: neither terraform.tfvars nor terraform.tfvars.example in {ENVS}/{env}"
            ))
        })?;
    let work = root.join(BUILD).join("cost").join(env);
    let io = |what: &str, error: std::io::Error| Failure::step(format!("cost: {what}: {error}"));
    std::fs::create_dir_all(&work).map_err(|error| io("cannot create build/cost", error))?;

    let mut tools = Tools::new(&root);
    let _emulator = match (variables, std::env::var("AWS_ENDPOINT_URL")) {
        (Some(variables), _) => {
            for (name, value) in variables {
                tools.set(name, value);
            }
            None
        }
        (None, Ok(url)) if local_endpoint(&url) => None,
        (None, _) => {
            let emulator = Emulator::start(&root, &work.join("emulator"))?;
            for (name, value) in emulator.variables() {
                tools.set(name, value);
            }
            Some(emulator)
        }
    };

    // A copy with a local backend: the estimate must not need (or touch) the real state bucket.
    tree::mirror_terraform(&root, &work.join(TERRAFORM))
        .map_err(|error| io("cannot copy terraform/", error))?;
    let dir = work.join(ENVS).join(env);
    std::fs::copy(
        root.join(BACKEND_OVERRIDE),
        dir.join("cost_backend_override.tf"),
    )
    .map_err(|error| io("cannot copy the backend override", error))?;
    std::fs::copy(&vars, dir.join("cost.tfvars"))
        .map_err(|error| io("cannot copy the inputs", error))?;

    eprintln!(
        "cost: planning {ENVS}/{env} with {} (offline, empty state)",
        vars.file_name().unwrap_or_default().to_string_lossy()
    );
    logged(
        tools.tf_init(&dir).arg("-reconfigure"),
        &work.join("init.log"),
        true,
    )?;
    logged(
        tools.terraform(&dir).args([
            "plan",
            "-no-color",
            "-refresh=false",
            "-var-file=cost.tfvars",
            "-out=cost.tfplan",
        ]),
        &work.join("plan.log"),
        true,
    )?;
    let plan = work.join("plan.json");
    let json = output(tools.terraform(&dir).args(["show", "-json", "cost.tfplan"]))?;
    std::fs::write(&plan, json).map_err(|error| io("cannot write plan.json", error))?;
    run(tools
        .command("go")
        .current_dir(root.join("tools"))
        .args(["run", "./cmd/cost", "-plan"])
        .arg(&plan)
        .args(flags))
}

/// Whether `url` is an emulator on this machine (`http(s)://127.0.0.1:<port>`).
pub fn local_endpoint(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    rest.and_then(|rest| rest.strip_prefix("127.0.0.1:"))
        .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::local_endpoint;

    #[test]
    fn only_an_endpoint_on_this_machine_is_reused() {
        assert!(local_endpoint("http://127.0.0.1:5000"));
        assert!(local_endpoint("https://127.0.0.1:41234"));
        assert!(!local_endpoint("http://127.0.0.1:"));
        assert!(!local_endpoint("http://localhost:5000"));
        assert!(!local_endpoint("https://sts.eu-west-1.amazonaws.com"));
        assert!(!local_endpoint("http://127.0.0.1:5000/path"));
    }
}
