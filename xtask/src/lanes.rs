//! `cargo xtask test`: the layers of `make test` in lanes at the same time, each lane's layers in
//! order, then every layer's time, the total and the slowest layers.
//!
//! A lane is a space-separated list of make targets; `layer:other` starts `layer` only once
//! `other` (in another lane, or earlier in the same one) has passed. The first lane prints to the
//! terminal as it runs; every other lane writes each layer's output to `build/test-logs/<layer>.log`
//! and prints one line per finished layer. A lane stops at its first failing layer, and every lane
//! stops before its next layer once any has failed; a failed layer's log is printed whole at the
//! end. The Makefile chooses the lanes (`TEST_LANE_*`) so that no two layers that run at once
//! share a working folder or a file one of them writes.
//!
//! Every layer gets this very build of xtask in `XTASK_BIN` (a copy in `build/test-bin/`), and the
//! Makefile runs it instead of `cargo xtask`: a layer's workflow then starts at once instead of
//! queueing on Cargo's lock of `target/` behind another lane's compile.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use crate::process::{Failure, Result, make, root};

/// How many of the slowest layers the summary lists.
const SLOWEST: usize = 6;

/// One layer of a lane: a make target, and the layer it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The make target.
    pub name: String,
    /// The layer that must pass before this one starts.
    pub after: Option<String>,
}

/// Parses the lanes' specs, checking that every wait names a layer that runs before it could
/// deadlock: one in another lane, or earlier in the same lane.
///
/// # Errors
/// An empty lane, a layer named twice, or a wait for a layer that is not in any lane or comes
/// later in the waiting layer's own lane.
pub fn parse(specs: &[String]) -> Result<Vec<Vec<Layer>>> {
    let lanes: Vec<Vec<Layer>> = specs
        .iter()
        .map(|spec| {
            spec.split_whitespace()
                .map(|item| match item.split_once(':') {
                    Some((name, after)) => Layer {
                        name: name.to_owned(),
                        after: Some(after.to_owned()),
                    },
                    None => Layer {
                        name: item.to_owned(),
                        after: None,
                    },
                })
                .collect()
        })
        .collect();
    let mut seen = HashSet::new();
    for (index, lane) in lanes.iter().enumerate() {
        if lane.is_empty() {
            return Err(Failure::usage(format!(
                "lane {} names no layer: give each --lane one or more make targets",
                index + 1
            )));
        }
        for layer in lane {
            if !seen.insert(layer.name.as_str()) {
                return Err(Failure::usage(format!(
                    "layer {} is in the lanes twice: name each layer once",
                    layer.name
                )));
            }
        }
    }
    for (index, lane) in lanes.iter().enumerate() {
        for (position, layer) in lane.iter().enumerate() {
            let Some(after) = &layer.after else { continue };
            let earlier = lane[..position].iter().any(|other| &other.name == after);
            let elsewhere = lanes
                .iter()
                .enumerate()
                .any(|(other, layers)| other != index && layers.iter().any(|l| &l.name == after));
            if !earlier && !elsewhere {
                return Err(Failure::usage(format!(
                    "layer {} waits for {after}, which is not in another lane nor before it in its own: \
                     it would wait forever; name a layer that runs elsewhere",
                    layer.name
                )));
            }
        }
    }
    Ok(lanes)
}

/// What the lanes have done so far, shared between them.
#[derive(Default)]
struct Board {
    passed: HashSet<String>,
    failed: Vec<String>,
    /// Seconds each finished layer took, with its name.
    times: Vec<(u64, String)>,
}

/// Runs the lanes at once and prints the summary; `shown` files (a layer's report) are removed
/// before and printed after.
///
/// # Errors
/// A layer failed (its log has been printed).
pub fn run(lanes: &[Vec<Layer>], shown: &[PathBuf]) -> Result {
    let logs = root().join("build/test-logs");
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs)
        .map_err(|error| Failure::step(format!("cannot create {}: {error}", logs.display())))?;
    for file in shown {
        let _ = std::fs::remove_file(root().join(file));
    }
    let xtask = handover()?;
    let board = (Mutex::new(Board::default()), Condvar::new());
    let start = Instant::now();
    std::thread::scope(|scope| {
        for (index, lane) in lanes.iter().enumerate().skip(1) {
            let (board, logs, xtask) = (&board, &logs, &xtask);
            scope.spawn(move || run_lane(index + 1, lane, Some(logs), xtask, board));
        }
        if let Some(first) = lanes.first() {
            run_lane(1, first, None, &xtask, &board);
        }
    });
    let total = start.elapsed().as_secs();
    let board = board
        .0
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    summary(&board, shown, &logs, total)
}

/// A copy of the running xtask for the layers (`XTASK_BIN`): a copy, so that a layer's
/// `cargo build` relinking `target/debug/xtask` never swaps the file under another layer.
///
/// # Errors
/// The running executable cannot be found or copied.
fn handover() -> Result<PathBuf> {
    let failed = |error: std::io::Error| {
        Failure::step(format!(
            "cannot copy this xtask to build/test-bin for the layers: {error}"
        ))
    };
    let dir = root().join("build/test-bin");
    std::fs::create_dir_all(&dir).map_err(failed)?;
    let copy = dir.join("xtask");
    let _ = std::fs::remove_file(&copy);
    std::fs::copy(std::env::current_exe().map_err(failed)?, &copy).map_err(failed)?;
    Ok(copy)
}

/// Runs one lane's layers in order; `logs` is where a background lane writes each layer's output.
fn run_lane(
    lane: usize,
    layers: &[Layer],
    logs: Option<&Path>,
    xtask: &Path,
    (board, changed): &(Mutex<Board>, Condvar),
) {
    let lock = || {
        board
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    for layer in layers {
        if let Some(after) = &layer.after {
            let mut state = lock();
            if !state.passed.contains(after) {
                println!(
                    "... make {} (lane {lane}) waits for make {after}",
                    layer.name
                );
            }
            while !state.passed.contains(after) && state.failed.is_empty() {
                state = changed
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        }
        if !lock().failed.is_empty() {
            return;
        }
        let start = Instant::now();
        let mut command = make(&layer.name);
        command.env("XTASK_BIN", xtask);
        let passed = match logs {
            None => {
                println!("==> make {}", layer.name);
                command.status().is_ok_and(|status| status.success())
            }
            Some(logs) => {
                let path = logs.join(format!("{}.log", layer.name));
                println!(
                    "==> make {} (lane {lane}, output in build/test-logs/{}.log)",
                    layer.name, layer.name
                );
                File::create(&path)
                    .and_then(|log| {
                        let err = log.try_clone()?;
                        command
                            .stdout(log)
                            .stderr(err)
                            .stdin(Stdio::null())
                            .status()
                    })
                    .is_ok_and(|status| status.success())
            }
        };
        let seconds = start.elapsed().as_secs();
        let mut state = lock();
        state.times.push((seconds, layer.name.clone()));
        if passed {
            state.passed.insert(layer.name.clone());
            println!("<== make {}: {seconds}s (lane {lane})", layer.name);
        } else {
            state.failed.push(layer.name.clone());
            println!(
                "<== make {}: FAILED after {seconds}s (lane {lane})",
                layer.name
            );
        }
        changed.notify_all();
        if !passed {
            return;
        }
    }
}

/// Prints the reports, the slowest layers and every failed layer's log; an error if one failed.
fn summary(board: &Board, shown: &[PathBuf], logs: &Path, total: u64) -> Result {
    for file in shown {
        if let Ok(text) = std::fs::read_to_string(root().join(file)) {
            println!("==> {}", file.display());
            print!("{text}");
        }
    }
    let mut slowest = board.times.clone();
    slowest.sort_by(|a, b| b.cmp(a));
    println!(
        "==> slowest layers (of {} run; lanes overlap, so they add up to more than the total)",
        board.times.len()
    );
    for (seconds, layer) in slowest.iter().take(SLOWEST) {
        println!("  {layer:<18} {seconds:>5}s");
    }
    for layer in &board.failed {
        if let Ok(text) = std::fs::read_to_string(logs.join(format!("{layer}.log"))) {
            println!("==> make {layer} failed; its output (build/test-logs/{layer}.log):");
            print!("{text}");
        }
    }
    if let Some(cpu) = children_cpu_seconds() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        // Precision is not the point: a whole number of seconds and one decimal of cores.
        #[allow(clippy::cast_precision_loss)]
        let busy = cpu as f64 / total.max(1) as f64;
        println!(
            "==> CPU: {cpu}s (user + system of make setup, every layer and what they waited for), \
             {busy:.2} of {cores} cores busy on average"
        );
    }
    if board.failed.is_empty() {
        let names: Vec<&str> = board.times.iter().map(|(_, name)| name.as_str()).collect();
        println!("test: every layer passed in {total}s ({})", names.join(" "));
        Ok(())
    } else {
        Err(Failure::step(format!(
            "test: FAILED in {total}s: {}",
            board.failed.join(" ")
        )))
    }
}

/// The CPU seconds (user + system) of this process's finished children and everything they
/// waited for, from `/proc/self/stat` (fields 16 and 17, in clock ticks); none off Linux. A
/// daemon a layer leaves running (the emulator's server) is not counted.
fn children_cpu_seconds() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces: field 3
    // (the state) is the first.
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    let per_second = crate::process::output(std::process::Command::new("getconf").arg("CLK_TCK"))
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .filter(|hz| *hz > 0)?;
    Some((ticks(16)? + ticks(17)?) / per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(specs: &[&str]) -> Result<Vec<Vec<Layer>>> {
        parse(&specs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn a_wait_for_a_layer_in_another_lane_is_parsed() {
        let parsed = lanes(&["lint gitops-test:tf-emulator", "tf-check tf-emulator"]).unwrap();
        assert_eq!(
            parsed[0][1],
            Layer {
                name: "gitops-test".into(),
                after: Some("tf-emulator".into())
            }
        );
    }

    #[test]
    fn a_wait_that_could_never_end_is_refused_naming_the_layer() {
        let unknown = lanes(&["lint gitops-test:tf-emulatr", "tf-emulator"]).unwrap_err();
        assert!(
            unknown.message.contains("gitops-test waits for tf-emulatr"),
            "{unknown}"
        );
        assert_eq!(unknown.code, 2);
        let later_in_own_lane = lanes(&["a:b b", "c"]).unwrap_err();
        assert!(
            later_in_own_lane.message.contains("a waits for b"),
            "{later_in_own_lane}"
        );
    }

    #[test]
    fn a_layer_named_twice_or_an_empty_lane_is_refused() {
        assert!(
            lanes(&["a b", "b"])
                .unwrap_err()
                .message
                .contains("b is in the lanes twice")
        );
        assert!(
            lanes(&["a", " "])
                .unwrap_err()
                .message
                .contains("lane 2 names no layer")
        );
    }
}
