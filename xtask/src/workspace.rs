//! Builds of the workspace's executables (the generator example, the sample app) the way the
//! tests build them, and the cargo that runs this task.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use crate::process::{Failure, Result, in_root, output, shown};

/// Builds the generator example and returns its path.
pub fn generator() -> Result<PathBuf> {
    build_targets(&[("example", "generate")])?
        .remove("generate")
        .ok_or_else(|| Failure::step("cargo built no generate example"))
}

/// Builds the named targets (`("example", "generate")`, `("bin", "sample-app")`) in the dev
/// profile and returns each one's executable by name. Built with the whole workspace selected,
/// as `cargo test --workspace` and `cargo clippy --workspace` select it: Cargo unifies the
/// dependencies' features over the selected packages, so a build of one package alone (`cargo
/// run --example generate`, `-p sample-app`) would compile much of the dependency graph a second
/// time, with other features, beside the tests' build.
///
/// # Errors
/// The build failed, or it named no executable for a target.
pub fn build_targets(targets: &[(&str, &str)]) -> Result<HashMap<String, PathBuf>> {
    let mut build = in_root(cargo());
    build.args(["build", "--locked", "--quiet", "--workspace"]);
    for (kind, name) in targets {
        build.arg(format!("--{kind}")).arg(name);
    }
    // An example among the targets makes Cargo resolve the dev-dependencies' features, as the
    // tests' build does; a binary alone would not.
    if !targets.iter().any(|(kind, _)| *kind == "example") {
        build.args(["--example", "generate"]);
    }
    build.arg("--message-format=json-render-diagnostics");
    let messages = output(&mut build)?;
    let mut executables = HashMap::new();
    for message in messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
    {
        if let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            executables.insert(name.to_owned(), PathBuf::from(executable));
        }
    }
    for (_, name) in targets {
        if !executables.contains_key(*name) {
            return Err(Failure::step(format!(
                "`{}` named no executable for {name}",
                shown(&build)
            )));
        }
    }
    Ok(executables)
}

/// The cargo that runs this task (the alias's), else `cargo` from PATH.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}
