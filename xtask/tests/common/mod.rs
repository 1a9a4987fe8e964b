//! Stand-ins for the tools the lifecycle workflows call, and running the built xtask on a scratch
//! repository (`XTASK_ROOT`) with them first on PATH and nothing else in its environment.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch repository (`root`), a folder of stand-ins put first on PATH (`fakes`), and the log
/// every stand-in appends its name and arguments to (`calls`).
pub struct Scratch {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub fakes: PathBuf,
    pub calls: PathBuf,
}

impl Scratch {
    /// A scratch repository with `folders` created under its root.
    pub fn new(folders: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let root = dir.path().join("repo");
        let fakes = dir.path().join("bin");
        fs::create_dir_all(&fakes).expect("the stand-ins' folder");
        for folder in folders {
            fs::create_dir_all(root.join(folder)).expect("scratch folders");
        }
        let calls = dir.path().join("calls");
        Self {
            _dir: dir,
            root,
            fakes,
            calls,
        }
    }

    /// A script at `path` (under the root, or in `fakes` when it has no folder) that appends its
    /// name and arguments to the call log, then runs `body` (bash).
    pub fn stand_in(&self, path: &str, body: &str) {
        let path = if path.contains('/') {
            self.root.join(path)
        } else {
            self.fakes.join(path)
        };
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("?");
        let script = format!("#!/usr/bin/env bash\necho \"{name} $*\" >>\"$FAKE_CALLS\"\n{body}\n");
        fs::write(&path, script).expect("a stand-in");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .expect("an executable stand-in");
    }

    /// Copies `path` of this repository into the scratch one.
    pub fn copy(&self, path: &str) {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        fs::copy(repo.join(path), self.root.join(path)).expect("a file copied");
    }

    /// Runs `cargo xtask <args>` with `vars`: whether it passed, and what it printed followed by
    /// the call log.
    pub fn xtask(&self, args: &[&str], vars: &[(&str, &str)]) -> (bool, String) {
        fs::write(&self.calls, "").expect("an empty call log");
        let path = std::env::join_paths(std::iter::once(self.fakes.clone()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("a PATH");
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
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

    /// The call log.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.calls).unwrap_or_default()
    }
}
