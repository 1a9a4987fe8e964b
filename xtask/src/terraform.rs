//! `cargo xtask tf-check` and `cargo xtask tf-test`: the static checks of all Terraform code
//! (`terraform fmt -check`, then `terraform validate`) and its unit tests (`terraform test` with
//! a mock provider), offline, without a backend or credentials.
//!
//! The directories are listed once, here, from [`crate::layout`]: every module under
//! [`MODULES`], [`BOOTSTRAP`] and every environment root under [`ENVS`] that holds `*.tf` files.
//! Each directory runs in its own `terraform` process, at most one per CPU (each loads the
//! ~700 MB provider schema: more processes than CPUs only thrash), its output in
//! `build/<workflow>/<dir with _ for />.log`; the workflow then prints one line per directory and
//! an excerpt of each failed one's log.

use std::collections::HashSet;
use std::fs::{self, File};
use std::num::NonZero;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

use crate::layout::{BOOTSTRAP, BUILD, ENVS, MODULES, TERRAFORM};
use crate::process::{Failure, Result, in_root, root, shown};

/// Left in a directory's `.terraform/` after its backend-less init; see [`init_is_current`].
const INIT_STAMP: &str = ".terraform/bkt-init-no-backend.stamp";
/// A directory's test files: `tests/*.tftest.hcl`.
const TESTS: &str = "tests";
/// How a test file's name ends.
const TEST_FILE: &str = ".tftest.hcl";

/// `tf-check`: `terraform fmt -check` of everything under [`TERRAFORM`], then `terraform
/// validate` of the directories [`to_validate`] lists.
///
/// # Errors
/// Formatting to fix, or a directory Terraform finds invalid.
pub fn check() -> Result {
    let root = root();
    let mut fmt = in_root("terraform");
    fmt.args(["fmt", "-check", "-recursive", "-diff", TERRAFORM]);
    let status = fmt
        .status()
        .map_err(|error| Failure::step(format!("could not start `{}`: {error}", shown(&fmt))))?;
    if !status.success() {
        return Err(Failure::step(format!(
            "tf-check: run 'terraform fmt -recursive {TERRAFORM}' to fix the formatting above"
        )));
    }
    let dirs = to_validate(&root);
    let start = Instant::now();
    let order: Vec<usize> = (0..dirs.len()).collect();
    let logs = each(&root, "tf-check", &dirs, &order, &["validate", "-no-color"])?;
    let mut invalid = 0;
    for (dir, (log, passed)) in dirs.iter().zip(&logs) {
        if *passed {
            println!("valid: {dir}");
        } else {
            invalid += 1;
            eprintln!("INVALID: {dir}");
            eprintln!("{}", excerpt(&read(log), |line| line.contains("Error"), 8));
        }
    }
    println!(
        "tf-check: fmt + validate of {} directories in {}s",
        dirs.len(),
        start.elapsed().as_secs()
    );
    failed("tf-check", invalid, dirs.len())
}

/// `tf-test [DIR...]`: `terraform test` of the given directories (relative to the repository's
/// root), else of every one [`with_tests`] lists, the longest suites first.
///
/// # Errors
/// A given directory without tests (exit status 2), or a directory whose tests failed.
pub fn test(args: &[std::ffi::OsString]) -> Result {
    let root = root();
    let dirs: Vec<String> = if args.is_empty() {
        with_tests(&root, directories(&root))
    } else {
        let mut seen = HashSet::new();
        let dirs: Vec<String> = args
            .iter()
            .map(|arg| arg.to_string_lossy().trim_end_matches('/').to_owned())
            .filter(|dir| seen.insert(dir.clone()))
            .collect();
        if let Some(dir) = dirs
            .iter()
            .find(|dir| test_files(&root.join(dir)).is_empty())
        {
            return Err(Failure::usage(format!(
                "tf-test: {dir} has no {TESTS}/*{TEST_FILE}"
            )));
        }
        dirs
    };
    let start = Instant::now();
    let order = longest_first(&root, &dirs);
    let logs = each(&root, "tf-test", &dirs, &order, &["test", "-no-color"])?;
    let mut failures = 0;
    for (dir, (log, passed)) in dirs.iter().zip(&logs) {
        let text = read(log);
        let summary = text
            .lines()
            .find(|line| line.starts_with("Success!") || line.starts_with("Failure!"))
            .unwrap_or("no summary (init failed?)");
        if *passed {
            println!("pass: {dir}: {summary}");
        } else {
            failures += 1;
            eprintln!("FAIL: {dir}: {summary}");
            let hit = |line: &str| {
                ["... fail", "Error:", "error_message", "condition"]
                    .iter()
                    .any(|word| line.contains(word))
            };
            eprintln!("{}", excerpt(&text, hit, 6));
        }
    }
    println!(
        "tf-test: {} directories in {}s (target < 60s warm)",
        dirs.len(),
        start.elapsed().as_secs()
    );
    failed("tf-test", failures, dirs.len())
}

/// An error unless `count` is 0, saying where the logs are.
fn failed(workflow: &str, count: usize, of: usize) -> Result {
    if count == 0 {
        return Ok(());
    }
    Err(Failure::step(format!(
        "{workflow}: {count} of {of} directories failed (above); every directory's log is in \
         {BUILD}/{workflow}/"
    )))
}

/// Every Terraform directory, relative to `root`: the modules, bootstrap, then the environment
/// roots, each only if it holds `*.tf` files.
fn directories(root: &Path) -> Vec<String> {
    let mut dirs = children(root, MODULES);
    dirs.push(BOOTSTRAP.to_owned());
    dirs.extend(children(root, ENVS));
    dirs.retain(|dir| !files(&root.join(dir), ".tf").is_empty());
    dirs
}

/// The module a directory of [`directories`] is, by name; `None` for a root.
fn module_name(dir: &str) -> Option<&str> {
    dir.strip_prefix(MODULES)?.strip_prefix('/')
}

/// What `terraform validate` has to see to validate all the code: the roots, plus every module
/// no root calls. Validating a root validates every module it calls, so this is the smallest set.
fn to_validate(root: &Path) -> Vec<String> {
    let dirs = directories(root);
    let called: HashSet<String> = dirs
        .iter()
        .filter(|dir| module_name(dir).is_none())
        .flat_map(|dir| files(&root.join(dir), ".tf"))
        .flat_map(|file| {
            called_modules(&fs::read_to_string(file).unwrap_or_default())
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    dirs.into_iter()
        .filter(|dir| module_name(dir).is_none_or(|name| !called.contains(name)))
        .collect()
}

/// The directories among `dirs` that have test files.
fn with_tests(root: &Path, dirs: Vec<String>) -> Vec<String> {
    dirs.into_iter()
        .filter(|dir| !test_files(&root.join(dir)).is_empty())
        .collect()
}

/// The indices of `dirs`, most `run` blocks first, so that the CPUs finish together.
fn longest_first(root: &Path, dirs: &[String]) -> Vec<usize> {
    let runs: Vec<usize> = dirs
        .iter()
        .map(|dir| {
            test_files(&root.join(dir))
                .iter()
                .map(|file| {
                    read(file)
                        .lines()
                        .filter(|line| line.starts_with("run "))
                        .count()
                })
                .sum()
        })
        .collect();
    let mut order: Vec<usize> = (0..dirs.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(runs[index]));
    order
}

/// The names of the modules under [`MODULES`] that a root's `.tf` text calls by a relative
/// `source` (`source = "../../modules/<name>"`).
fn called_modules(text: &str) -> Vec<&str> {
    let modules = Path::new(MODULES)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(MODULES);
    let mut names = Vec::new();
    for (at, _) in text.match_indices("source") {
        let word_start = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let Some(value) = text[at + "source".len()..]
            .trim_start_matches([' ', '\t'])
            .strip_prefix('=')
            .map(|rest| rest.trim_start_matches([' ', '\t']))
            .and_then(|rest| rest.strip_prefix('"'))
        else {
            continue;
        };
        let path = value.trim_start_matches("../");
        if !word_start || path.len() == value.len() {
            continue;
        }
        let name = path
            .strip_prefix(modules)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split_once('"'))
            .map(|(name, _)| name);
        if let Some(name) = name.filter(|name| !name.is_empty() && !name.contains(['/', '\n'])) {
            names.push(name);
        }
    }
    names
}

/// Runs `terraform <action>` in each of `dirs`, after its init, starting them in `order`, at
/// most one per CPU; returns each directory's log and whether it passed, in the order of `dirs`.
///
/// # Errors
/// A log cannot be created.
fn each(
    root: &Path,
    workflow: &str,
    dirs: &[String],
    order: &[usize],
    action: &[&str],
) -> Result<Vec<(PathBuf, bool)>> {
    let out = root.join(BUILD).join(workflow);
    fs::create_dir_all(&out)
        .map_err(|error| Failure::step(format!("cannot create {}: {error}", out.display())))?;
    let logs: Vec<PathBuf> = dirs
        .iter()
        .map(|dir| out.join(format!("{}.log", dir.replace('/', "_"))))
        .collect();
    let files = logs
        .iter()
        .map(|log| {
            File::create(log)
                .map_err(|error| Failure::step(format!("cannot create {}: {error}", log.display())))
        })
        .collect::<Result<Vec<File>>>()?;
    let passed = Mutex::new(vec![false; dirs.len()]);
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, NonZero::get);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(dirs.len()) {
            scope.spawn(|| {
                while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let log = &files[index];
                    let dir = &dirs[index];
                    let ok =
                        init_cached(root, dir, log) && logged(terraform(dir).args(action), log);
                    passed
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)[index] = ok;
                }
            });
        }
    });
    let passed = passed
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok(logs.into_iter().zip(passed).collect())
}

/// `terraform -chdir=<dir>` from the repository's root.
fn terraform(dir: &str) -> Command {
    let mut command = in_root("terraform");
    command.arg(format!("-chdir={dir}"));
    // The provider schema makes Terraform and the plugin garbage-collect constantly; a larger
    // heap target cuts their CPU time by about a fifth for ~10% more memory (measured).
    command.env("GOGC", "400");
    command
}

/// Runs `command` with its output in `log`; whether it exited 0. A command that cannot start
/// says so in the log, as an `Error:` line.
fn logged(command: &mut Command, log: &File) -> bool {
    let (Ok(out), Ok(err)) = (log.try_clone(), log.try_clone()) else {
        return false;
    };
    match command
        .stdout(out)
        .stderr(err)
        .stdin(Stdio::null())
        .status()
    {
        Ok(status) => status.success(),
        Err(error) => {
            let mut log = log;
            let _ = std::io::Write::write_all(
                &mut log,
                format!("Error: could not start `{}`: {error}\n", shown(command)).as_bytes(),
            );
            false
        }
    }
}

/// `scripts/tf-init.sh <dir> -backend=false` (the CI jobs without a Rust toolchain call the
/// script too), skipped while [`init_is_current`]: hashing the 700 MB provider costs ~2 s of CPU
/// per directory. Local module sources need no re-init when their contents change.
fn init_cached(root: &Path, dir: &str, log: &File) -> bool {
    let dir_path = root.join(dir);
    if init_is_current(&dir_path) {
        return true;
    }
    let mut init = in_root(root.join("scripts/tf-init.sh"));
    init.args([dir, "-backend=false"]).env("GOGC", "400");
    if !logged(&mut init, log) {
        return false;
    }
    // Without the stamp the next run only initialises again.
    let _ = File::options()
        .create(true)
        .append(true)
        .open(dir_path.join(INIT_STAMP))
        .and_then(|file| file.set_modified(SystemTime::now()));
    true
}

/// Whether `dir` was initialised without a backend after the last change of its `*.tf` files.
fn init_is_current(dir: &Path) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|meta| meta.modified());
    let Ok(stamp) = modified(&dir.join(INIT_STAMP)) else {
        return false;
    };
    files(dir, ".tf")
        .iter()
        .all(|file| modified(file).is_ok_and(|time| time <= stamp))
}

/// The folders in `root/parent`, as `parent/<name>`, sorted.
fn children(root: &Path, parent: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join(parent))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| format!("{parent}/{}", entry.file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// The files in `dir` whose names end in `suffix`, hidden ones left out, sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && name.ends_with(suffix)
        })
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths
}

/// A directory's test files.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    files(&dir.join(TESTS), TEST_FILE)
}

/// A file's text; empty when it cannot be read.
fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

/// The lines of `log` that `hit` matches, each with the `after` lines that follow it, groups that
/// do not touch separated by `--` (as `grep -A`); the whole log when no line matches.
fn excerpt(log: &str, hit: impl Fn(&str) -> bool, after: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let mut shown = vec![false; lines.len()];
    for (index, line) in lines.iter().enumerate() {
        if hit(line) {
            let end = (index + after + 1).min(lines.len());
            shown[index..end].fill(true);
        }
    }
    if !shown.contains(&true) {
        return log.trim_end().to_owned();
    }
    let mut text = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if shown[index] {
            if index > 0 && !shown[index - 1] && !text.is_empty() {
                text.push("--");
            }
            text.push(line);
        }
    }
    text.join("\n")
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;
    use std::time::{Duration, SystemTime};

    /// Writes `text` to `root/relative`, making its folders.
    fn put(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A scratch repository: modules `called` (by envs/dev, through a block on one line too),
    /// `boot-only` (by bootstrap, one level up), `lonely` (by nobody but another module),
    /// `lonely-extra` (a prefix of it is called), `empty` (no `*.tf`); roots bootstrap,
    /// envs/dev, and envs/notes without `*.tf`.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        put(
            root,
            "terraform/modules/called/main.tf",
            "variable \"a\" {}\n",
        );
        put(
            root,
            "terraform/modules/boot-only/main.tf",
            "variable \"a\" {}\n",
        );
        put(
            root,
            "terraform/modules/lonely/main.tf",
            "module \"x\" {\n  source = \"../lonely-extra\"\n}\n",
        );
        put(
            root,
            "terraform/modules/lonely-extra/main.tf",
            "locals {}\n",
        );
        put(root, "terraform/modules/empty/README.md", "no code\n");
        put(
            root,
            "terraform/bootstrap/main.tf",
            "module \"b\" {\n  source   =  \"../modules/boot-only\"\n}\n",
        );
        put(
            root,
            "terraform/envs/dev/main.tf",
            "module \"c\" { source = \"../../modules/called\" }\n\
             resource \"r\" \"r\" {\n  Resource = \"../../modules/lonely\"\n  \
             xsource = \"../../modules/lonely\"\n  source = \"./modules/lonely\"\n  \
             source = \"../../modules/lonely/sub\"\n}\n",
        );
        put(root, "terraform/envs/notes/README.md", "no code\n");
        dir
    }

    #[test]
    fn validate_lists_the_roots_and_the_modules_no_root_calls() {
        let dir = scratch();
        assert_eq!(
            super::to_validate(dir.path()),
            [
                "terraform/modules/lonely",
                "terraform/modules/lonely-extra",
                "terraform/bootstrap",
                "terraform/envs/dev",
            ]
        );
    }

    #[test]
    fn tests_run_only_where_there_are_test_files_longest_suite_first() {
        let dir = scratch();
        let root = dir.path();
        put(
            root,
            "terraform/modules/called/tests/a.tftest.hcl",
            "run \"one\" {}\n",
        );
        put(
            root,
            "terraform/modules/called/tests/b.tftest.hcl",
            "run \"two\" {}\nrun \"three\" {}\n# run \"not a block\"\n",
        );
        put(
            root,
            "terraform/bootstrap/tests/bootstrap.tftest.hcl",
            "run \"one\" {}\n  run \"indented, not counted\" {}\n",
        );
        put(
            root,
            "terraform/envs/dev/tests/dev.tftest.hcl",
            "run \"one\" {}\nrun \"two\" {}\n",
        );
        put(
            root,
            "terraform/modules/lonely/tests/notes.md",
            "run \"x\" {}\n",
        );
        put(
            root,
            "terraform/modules/empty/tests/e.tftest.hcl",
            "run \"x\" {}\n",
        );
        let dirs = super::with_tests(root, super::directories(root));
        assert_eq!(
            dirs,
            [
                "terraform/modules/called",
                "terraform/bootstrap",
                "terraform/envs/dev"
            ]
        );
        let order: Vec<&str> = super::longest_first(root, &dirs)
            .into_iter()
            .map(|index| dirs[index].as_str())
            .collect();
        assert_eq!(
            order,
            [
                "terraform/modules/called",
                "terraform/envs/dev",
                "terraform/bootstrap"
            ]
        );
    }

    #[test]
    fn init_is_current_only_while_no_tf_file_is_newer_than_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(!super::init_is_current(root), "no stamp yet");
        put(root, "main.tf", "");
        put(root, "README.md", "");
        put(root, super::INIT_STAMP, "");
        let later = SystemTime::now() + Duration::from_mins(1);
        let set = |relative: &str, time: SystemTime| {
            let file = fs::File::options()
                .append(true)
                .open(root.join(relative))
                .unwrap();
            file.set_modified(time).unwrap();
        };
        set(super::INIT_STAMP, later);
        assert!(super::init_is_current(root));
        set("README.md", later + Duration::from_secs(1));
        assert!(super::init_is_current(root), "only *.tf files count");
        set("main.tf", later + Duration::from_secs(1));
        assert!(!super::init_is_current(root), "main.tf changed after init");
    }

    #[test]
    fn an_excerpt_is_each_hit_and_the_lines_after_it() {
        let log = "a\nError: one\nb\nc\nd\nError: two\ne\n";
        assert_eq!(
            super::excerpt(log, |line| line.starts_with("Error"), 1),
            "Error: one\nb\n--\nError: two\ne"
        );
        assert_eq!(super::excerpt("x\ny\n", |_| false, 3), "x\ny");
    }
}
