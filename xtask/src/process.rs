//! Running the external tools a workflow glues together: each call names the command it ran in
//! its error, so a failed step says what failed and where its output went.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// A workflow's failure: the message printed, and the exit status the process ends with.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong and, where there is one, how to fix it.
    pub message: String,
    /// 2 for bad arguments, 1 for a step that failed.
    pub code: u8,
}

impl Failure {
    /// Bad arguments (exit status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 2,
        }
    }

    /// A step that failed (exit status 1).
    pub fn step(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A workflow's result.
pub type Result<T = ()> = std::result::Result<T, Failure>;

/// The repository's root: the folder above this crate's.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A command and its arguments as a person would type them, for messages.
pub fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command to run from the repository's root.
pub fn in_root(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root());
    command
}

/// Runs `command` with the terminal as its input and output; an error unless it exits 0.
///
/// # Errors
/// The command could not start, or it exited with a status other than 0.
pub fn run(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|error| Failure::step(format!("could not start `{}`: {error}", shown(command))))?;
    checked(command, status)
}

/// Runs `command` and returns what it printed on stdout (stderr goes to the terminal).
///
/// # Errors
/// The command could not start, exited with a status other than 0, or printed non-UTF-8.
pub fn output(command: &mut Command) -> Result<String> {
    let out = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| Failure::step(format!("could not start `{}`: {error}", shown(command))))?;
    checked(command, out.status)?;
    String::from_utf8(out.stdout)
        .map_err(|_| Failure::step(format!("`{}` printed non-UTF-8 text", shown(command))))
}

/// An error naming the command unless `status` is success.
fn checked(command: &Command, status: ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(Failure::step(format!(
            "`{}` failed ({status})",
            shown(command)
        )))
    }
}

/// `make <target>` from the root, quietly about directories (the Makefile's targets install the
/// pinned tools they need first).
pub fn make(target: &str) -> Command {
    let mut command = in_root(std::env::var_os("MAKE").unwrap_or_else(|| "make".into()));
    command.args(["--no-print-directory", target]);
    command
}
