//! `cargo xtask`: the BKT repository's own workflows in Rust (the rust-analyzer pattern: an
//! unpublished workspace member run through the `.cargo/config.toml` alias). `make` stays the
//! documented entry point and calls these; `cargo xtask --help` lists them.
//!
//! Each workflow glues external tools (cargo, make, terraform, the emulator, the Go commands of
//! `tools/`) and reads what the crates know from the crates: the generator example prints pins
//! and tags, so no version, path or name is written twice.

mod demo;
mod emulator;
mod lanes;
mod layout;
mod lifecycle;
mod process;
mod terraform;
mod tf_emulator;
mod workspace;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use process::{Failure, Result, in_root, make, run};
use workspace::{cargo, generator};

/// The workflows, with the line `--help` prints for each.
const WORKFLOWS: &[(&str, &str)] = &[
    (
        "generate [ARGS]",
        "write the layout (terraform/, gitops/) from the crates, or check it (--check); every \
         argument goes to the generator example (`cargo xtask generate --help`)",
    ),
    (
        "test --lane LAYERS... [--show FILE]...",
        "run make layers in lanes at once (what `make test` does); prints the slowest layers",
    ),
    (
        "tf-check",
        "terraform fmt -check, then terraform validate of the roots and of every module no root \
         calls (logs in build/tf-check/)",
    ),
    (
        "tf-test [DIR...]",
        "terraform test (mock provider) of every module and root with tests, or of each DIR, \
         longest suites first, one per CPU (logs in build/tf-test/)",
    ),
    (
        "demo",
        "no AWS account: emulator apply, cluster vars, render, verification suite, sample app",
    ),
    (
        "tf-emulator [ENV...]",
        "apply bootstrap, then each environment in turn, to a private AWS API emulator, assert \
         through the AWS API, destroy (default: TF_EMULATOR_ENVS, else every emulator.tfvars)",
    ),
    (
        "lifecycle-test",
        "make down's AWS side on the emulator: preflight refusals, apply dev, first image, \
         teardown, destroy, leftovers, dev's cost within COST_BUDGET",
    ),
    (
        "preflight up|down ENV",
        "what up or down needs before it touches AWS: each missing thing named with its fix",
    ),
    (
        "up ENV",
        "create ENV on real AWS and hand its cluster to Flux (re-runnable)",
    ),
    (
        "down ENV",
        "delete ENV: suspend Flux, remove controller-made AWS resources, destroy, leftover report",
    ),
    (
        "cost ENV [FLAGS]",
        "monthly list-price estimate of ENV from its Terraform plan (flags go to tools/cmd/cost)",
    ),
    (
        "teardown [FLAGS]",
        "controller-made AWS resources of a cluster: find, delete, check (tools/cmd/teardown)",
    ),
    (
        "bench",
        "benchmarks: the layout's render time, then the sample app beside the Go service it replaced",
    ),
];

fn help() -> String {
    let mut text = String::from(
        "usage: cargo xtask <workflow> [ARGS]   (make <target> calls these; `make` lists targets)\n\n\
         workflows:\n",
    );
    for (usage, what) in WORKFLOWS {
        text.extend(["  ", usage, "\n      ", what, "\n"]);
    }
    text.push_str(
        "\nExit status: 0 done; 1 a step failed (its command is named); 2 bad arguments.",
    );
    text
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(workflow) = args.next() else {
        eprintln!("xtask: name a workflow\n\n{}", help());
        return ExitCode::from(2);
    };
    let rest: Vec<OsString> = args.collect();
    match dispatch(&workflow.to_string_lossy(), rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: {failure}");
            if failure.code == 2 {
                eprintln!("\n{}", help());
            }
            ExitCode::from(failure.code)
        }
    }
}

fn dispatch(workflow: &str, args: Vec<OsString>) -> Result {
    match workflow {
        "-h" | "--help" | "help" => {
            println!("{}", help());
            Ok(())
        }
        "generate" => run(Command::new(generator()?).args(args)),
        "test" => test(args),
        "tf-check" => {
            no_arguments(workflow, &args)?;
            terraform::check()
        }
        "tf-test" => terraform::test(&args),
        "preflight" => match args.as_slice() {
            [action, env] => {
                let action = match action.to_str() {
                    Some("up") => lifecycle::preflight::Action::Up,
                    Some("down") => lifecycle::preflight::Action::Down,
                    _ => return Err(Failure::usage("preflight up|down ENV: name the workflow")),
                };
                lifecycle::preflight::run(action, &env.to_string_lossy())
            }
            _ => Err(Failure::usage("preflight takes up|down and an environment")),
        },
        "tf-emulator" => tf_emulator::run_tf_emulator(&lifecycle::root(), &args),
        "lifecycle-test" => {
            no_arguments(workflow, &args)?;
            lifecycle::test::run_lifecycle_test()
        }
        "up" => lifecycle::up::run_up(&one_environment(workflow, &args)?.to_string_lossy()),
        "down" => lifecycle::down::run_down(&one_environment(workflow, &args)?.to_string_lossy()),
        "cost" => {
            let Some((env, flags)) = args.split_first() else {
                return Err(Failure::usage(
                    "cost needs an environment: cargo xtask cost dev",
                ));
            };
            lifecycle::cost::run_cost(&env.to_string_lossy(), flags)
        }
        "teardown" => run(lifecycle::Tools::new(&lifecycle::root())
            .teardown()
            .args(args)),
        "demo" => {
            no_arguments(workflow, &args)?;
            demo::run_demo(|| run(&mut Command::new(generator()?)))
        }
        "bench" => {
            no_arguments(workflow, &args)?;
            run(in_root(cargo()).args(["bench", "--locked", "--bench", "render"]))?;
            run(&mut in_root("scripts/bench.sh"))
        }
        other => Err(Failure::usage(format!("no workflow `{other}`"))),
    }
}

/// `test --lane LAYERS... [--show FILE]...`
fn test(args: Vec<OsString>) -> Result {
    use lexopt::prelude::*;
    let (mut specs, mut shown) = (Vec::new(), Vec::new());
    let mut parser = lexopt::Parser::from_args(args);
    let bad = |error: lexopt::Error| Failure::usage(format!("test: {error}"));
    while let Some(arg) = parser.next().map_err(bad)? {
        match arg {
            Long("lane") => specs.push(
                parser
                    .value()
                    .and_then(lexopt::ValueExt::string)
                    .map_err(bad)?,
            ),
            Long("show") => shown.push(PathBuf::from(parser.value().map_err(bad)?)),
            _ => return Err(bad(arg.unexpected())),
        }
    }
    if specs.is_empty() {
        return Err(Failure::usage(
            "test needs at least one --lane \"make targets\" (make test passes the Makefile's)",
        ));
    }
    run(&mut make("setup"))?;
    lanes::run(&lanes::parse(&specs)?, &shown)
}

fn one_environment<'a>(workflow: &str, args: &'a [OsString]) -> Result<&'a OsString> {
    match args {
        [env] => Ok(env),
        _ => Err(Failure::usage(format!(
            "{workflow} takes one environment: cargo xtask {workflow} dev"
        ))),
    }
}

fn no_arguments(workflow: &str, args: &[OsString]) -> Result {
    if args.is_empty() {
        Ok(())
    } else {
        Err(Failure::usage(format!("{workflow} takes no arguments")))
    }
}

#[cfg(test)]
mod tests {
    /// Issue 24: bash stays only where it is glue of external tools, and says why.
    #[test]
    fn every_script_says_why_it_is_not_rust() {
        let dir = super::process::root().join("scripts");
        let mut silent: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.is_file())
            .filter(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                !text
                    .lines()
                    .take(40)
                    .any(|line| line.contains("Not Rust: "))
            })
            .map(|path| path.display().to_string())
            .collect();
        silent.sort();
        assert!(
            silent.is_empty(),
            "say in the first lines of each script why it is not Rust (`# Not Rust: ...`), or port \
             it to xtask/: {silent:?}"
        );
    }
}
