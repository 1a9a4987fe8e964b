//! `cargo xtask tf-emulator [ENV...]` (`make tf-emulator`), the environment roots' integration
//! proof: start a private emulator, apply bootstrap, then for each environment in turn apply
//! `terraform/envs/<env>` through the real S3 backend, assert through the AWS API
//! (`scripts/emulator_checks.py`), publish its `cluster_vars` and destroy it; destroy the
//! bootstrap, assert nothing is left, stop the emulator (also on failure).
//!
//! The environments run one after the other in one emulator account because each root is meant
//! for its own AWS account: dev and prod would collide on the ECR repository bkt-sample-app and the
//! GitHub OIDC provider. Destroying one before applying the next also proves each destroy.
//!
//! The environments: the arguments, else `TF_EMULATOR_ENVS` (in order), else every
//! `terraform/envs/<env>` with an `emulator.tfvars`, in name order. Writes
//! `build/<env>/cluster-vars.json` (the real `cluster_vars` as a flat JSON object) for the GitOps
//! suite, and dev's also to `build/cluster-vars.json`, where the tools and docs read it.

pub mod workdir;

use std::ffi::OsString;
use std::path::Path;
use std::time::Instant;

use crate::emulator::Emulator;
use crate::layout::{BUILD, PYTHON, emulator_environments};
use crate::process::{Failure, Result, output, run};
use workdir::Workdir;

/// The run's folder under `build/`: the copy, the logs and the emulator's state.
const WORK: &str = "tf-emulator";

/// Runs the proof for the environments `args` names (see the module docs for the default).
///
/// # Errors
/// No environment to run, or a step failed (named, with its log).
pub fn run_tf_emulator(root: &Path, args: &[OsString]) -> Result {
    let python = root.join(PYTHON);
    if !python.is_file() {
        return Err(Failure::step(format!(
            "tf-emulator: {} missing; run 'make setup'",
            python.display()
        )));
    }
    let from_env = std::env::var("TF_EMULATOR_ENVS").ok();
    let envs = selected(root, args, from_env.as_deref());
    if envs.is_empty() {
        return Err(Failure::step(
            "tf-emulator: no terraform/envs/<env>/emulator.tfvars found",
        ));
    }
    let work = root.join(BUILD).join(WORK);
    // A private emulator: other runs (make demo, the workflows suite) keep their own.
    let emulator = Emulator::start(root, &work.join("emulator"))?;
    let workdir = Workdir::open(root, &work, emulator.variables())?;

    let total = Instant::now();
    for (index, env) in envs.iter().enumerate() {
        let start = Instant::now();
        workdir.apply(env)?;
        run(workdir.checks().arg("applied").arg(&work).arg(env))?;
        workdir.publish(env)?;
        if index == 0 {
            // The emulator's duplicate route table, planted: the destroy must delete it and say
            // so, or it would wait on the VPC.
            let state = workdir.show_state(env)?;
            let planted = output(workdir.checks().arg("plant-route-table").arg(&state))?;
            let planted = planted.trim();
            let report = workdir.destroy(Some(env))?;
            if !report.contains(&format!("deleted stray route table {planted} ")) {
                return Err(Failure::step(format!(
                    "tf-emulator: the destroy did not report deleting the planted route table \
                     {planted}"
                )));
            }
        } else {
            workdir.destroy(Some(env))?;
        }
        println!(
            "tf-emulator: envs/{env} apply + checks + destroy took {}s",
            start.elapsed().as_secs()
        );
    }
    workdir.destroy(None)?;
    run(workdir.checks().arg("destroyed"))?;
    println!(
        "tf-emulator: bootstrap + {} took {}s (target < 240s for dev alone)",
        envs.join(" "),
        total.elapsed().as_secs()
    );
    drop(emulator);
    Ok(())
}

/// The environments to run: `args`, else the words of `from_env`, else every one with emulator
/// inputs, in name order.
fn selected(root: &Path, args: &[OsString], from_env: Option<&str>) -> Vec<String> {
    if !args.is_empty() {
        return args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
    }
    match from_env {
        Some(words) if !words.trim().is_empty() => {
            words.split_whitespace().map(str::to_owned).collect()
        }
        _ => emulator_environments(root),
    }
}

#[cfg(test)]
mod tests {
    use super::selected;
    use std::ffi::OsString;
    use std::fs;

    #[test]
    fn environments_come_from_the_arguments_then_the_variable_then_the_emulator_inputs() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let envs = scratch.path().join("terraform/envs");
        for (name, inputs) in [
            ("prod", true),
            ("dev", true),
            ("stage", false),
            ("a-1", true),
        ] {
            fs::create_dir_all(envs.join(name)).expect("an environment folder");
            if inputs {
                fs::write(envs.join(name).join("emulator.tfvars"), "").expect("inputs");
            }
        }
        fs::write(envs.join("zz.tfvars"), "").expect("a stray file");
        let root = scratch.path();

        assert_eq!(selected(root, &[], None), ["a-1", "dev", "prod"]);
        assert_eq!(selected(root, &[], Some("  ")), ["a-1", "dev", "prod"]);
        assert_eq!(selected(root, &[], Some(" prod  dev ")), ["prod", "dev"]);
        let args = [OsString::from("dev")];
        assert_eq!(selected(root, &args, Some("prod")), ["dev"]);
        assert!(selected(&root.join("nowhere"), &[], None).is_empty());
    }
}
