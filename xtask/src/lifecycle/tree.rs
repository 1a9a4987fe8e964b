//! Mirroring a folder into another (what `rsync -a --delete --exclude ...` did for `cost`):
//! files are copied when their size or modification time differ, files and folders the source no
//! longer has are removed, and excluded names are neither copied nor removed, so a copy's
//! `.terraform` (its initialised providers) survives from one run to the next.

use std::fs;
use std::io;
use std::path::Path;

use crate::layout::TERRAFORM;

/// Makes `to` (a workflow's own copy) hold the repository's `terraform/`, without what a run makes
/// in place (`.terraform`, its lock file, state), which the copy keeps from run to run.
///
/// # Errors
/// As [`mirror`].
pub fn mirror_terraform(root: &Path, to: &Path) -> io::Result<()> {
    mirror(&root.join(TERRAFORM), to, &|name| {
        name == ".terraform" || name == ".terraform.lock.hcl" || name.contains(".tfstate")
    })
}

/// Makes `to` hold what `from` holds, leaving alone every entry `excluded` names (in both).
///
/// # Errors
/// A file or folder could not be read, copied or removed.
pub fn mirror(from: &Path, to: &Path, excluded: &dyn Fn(&str) -> bool) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(to)? {
        let entry = entry?;
        let name = entry.file_name();
        if excluded(&name.to_string_lossy()) {
            continue;
        }
        let source = from.join(&name);
        let kind = entry.file_type()?;
        let same_kind =
            fs::symlink_metadata(&source).is_ok_and(|meta| meta.is_dir() == kind.is_dir());
        if !same_kind {
            if kind.is_dir() {
                fs::remove_dir_all(entry.path())?;
            } else {
                fs::remove_file(entry.path())?;
            }
        }
    }
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if excluded(&name.to_string_lossy()) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let meta = fs::metadata(&source)?;
        if meta.is_dir() {
            mirror(&source, &target, excluded)?;
        } else if fs::metadata(&target).map_or(true, |old| {
            old.len() != meta.len() || old.modified().ok() != meta.modified().ok()
        }) {
            fs::copy(&source, &target)?;
            fs::File::options()
                .write(true)
                .open(&target)?
                .set_modified(meta.modified()?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::mirror;
    use std::fs;

    #[test]
    fn copies_new_and_changed_files_removes_gone_ones_and_keeps_excluded_ones() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let (from, to) = (scratch.path().join("from"), scratch.path().join("to"));
        fs::create_dir_all(from.join("envs/dev/.terraform")).expect("source folders");
        fs::write(from.join("envs/dev/main.tf"), "new").expect("a source file");
        fs::write(from.join("envs/dev/.terraform/cache"), "source cache").expect("excluded");
        fs::create_dir_all(to.join("envs/dev/.terraform")).expect("target folders");
        fs::create_dir_all(to.join("envs/gone")).expect("a folder the source lacks");
        fs::write(to.join("envs/dev/main.tf"), "old text").expect("a stale file");
        fs::write(to.join("envs/dev/stale.tf"), "x").expect("a file the source lacks");
        fs::write(to.join("envs/dev/.terraform/cache"), "kept").expect("an excluded file");

        mirror(&from, &to, &|name| name == ".terraform").expect("mirrored");

        let read = |path: &str| fs::read_to_string(to.join(path)).ok();
        assert_eq!(read("envs/dev/main.tf").as_deref(), Some("new"));
        assert_eq!(read("envs/dev/stale.tf"), None);
        assert!(!to.join("envs/gone").exists());
        assert_eq!(read("envs/dev/.terraform/cache").as_deref(), Some("kept"));
    }
}
