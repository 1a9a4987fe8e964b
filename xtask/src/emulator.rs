//! The local AWS API emulator (`scripts/emulator.sh`, moto) as a value: started in a folder of
//! its own, its variables (endpoint, test credentials, region) handed to the commands that use
//! it, and stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::process::{Failure, Result, output, run};

/// A running emulator whose state lives in its own folder.
pub struct Emulator {
    root: PathBuf,
    dir: PathBuf,
    variables: Vec<(String, String)>,
}

impl Emulator {
    /// Starts an emulator of the repository at `root` with its state in `dir`, stopping one a
    /// previous run left there first.
    ///
    /// # Errors
    /// The script failed, or its env file cannot be read.
    pub fn start(root: &Path, dir: &Path) -> Result<Self> {
        Self::stop(root, dir)?;
        // Its progress line on stderr: stdout is the workflow's (cost prints the estimate there).
        run(script(root, dir, "start").stdout(std::io::stderr()))?;
        let mut emulator = Self {
            root: root.to_path_buf(),
            dir: dir.to_path_buf(),
            variables: Vec::new(),
        };
        let file = output(&mut script(root, dir, "env"))?;
        let text = std::fs::read_to_string(file.trim()).map_err(|error| {
            Failure::step(format!(
                "cannot read the emulator's {}: {error}",
                file.trim()
            ))
        })?;
        emulator.variables = exports(&text);
        Ok(emulator)
    }

    /// Stops the emulator whose state is in `dir`, if one is running there.
    ///
    /// # Errors
    /// The script failed.
    pub fn stop(root: &Path, dir: &Path) -> Result {
        run(script(root, dir, "stop").stdout(Stdio::null()))
    }

    /// The variables a command needs to reach the emulator.
    pub fn variables(&self) -> &[(String, String)] {
        &self.variables
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = script(&self.root, &self.dir, "stop").status();
    }
}

/// `scripts/emulator.sh <action>` of the repository at `root`, with its state in `dir`.
fn script(root: &Path, dir: &Path, action: &str) -> Command {
    let mut command = Command::new(root.join("scripts/emulator.sh"));
    command
        .arg(action)
        .current_dir(root)
        .env("EMULATOR_DIR", dir);
    command
}

/// The value of `name` among an emulator's `variables` (empty when it has none).
pub fn variable(variables: &[(String, String)], name: &str) -> String {
    variables
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The `export NAME=value` lines of an env file, as `scripts/emulator.sh` writes them.
fn exports(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("export ")?.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_export_lines_are_read() {
        let read = super::exports("# comment\nexport A=1\n  export B=x=y\nC=3\n");
        assert_eq!(
            read,
            [
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "x=y".to_owned())
            ]
        );
    }
}
