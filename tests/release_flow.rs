//! The release flow end to end on a copy of this checkout: setting a new image tag in the data
//! file and regenerating, as `generate --set-image-tag` does, changes exactly the data file's
//! line and the generated lines that carry the tag, and the drift check is green afterwards.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bkt_platform::drift::{self, Drift};
use bkt_reference::settings::{DEV_SETTINGS_PATH, ENVIRONMENTS_DIR};

use crate::{app, disk, environment};

const NEW: &str = "fedcba9876543210fedcba9876543210fedcba98";

/// The files the generator reads and writes in the checkout at `root`: the data file and every
/// generated file.
fn generator_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let spec = environment::platform(root).unwrap();
    let mut files = disk::read_generated(root, &app::layout(&spec, true).unwrap()).unwrap();
    for path in environment::files(&root.join(ENVIRONMENTS_DIR)).unwrap() {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        files.insert(relative, fs::read(&path).unwrap());
    }
    files
}

/// What `generate` does after reading the settings: render, and write every drifted file.
fn regenerate(root: &Path) -> Vec<Drift> {
    let spec = environment::platform(root).unwrap();
    let tree = app::layout(&spec, true).unwrap();
    let drifts = drift::compare(&tree, &disk::read_generated(root, &tree).unwrap());
    for drift in &drifts {
        let path = root.join(drift.path());
        match drift {
            Drift::Missing { expected, .. } | Drift::Changed { expected, .. } => {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, expected).unwrap();
            }
            Drift::Stale { .. } => fs::remove_file(&path).unwrap(),
        }
    }
    drifts
}

/// A line with the tag's quotes, if any, taken off (the YAML writer quotes a tag only where a
/// YAML 1.1 reader would not read a string, as with forty digits).
fn unquoted(line: &str, tag: &str) -> String {
    line.replace(&format!("\"{tag}\""), tag)
}

/// Whether `path` belongs to an environment other than dev (which may deploy the same tag).
fn of_another_environment(path: &str) -> bool {
    let other = |rest: &str| !rest.starts_with("dev") && !rest.starts_with("base/");
    path.strip_prefix("environments/").is_some_and(other)
        || path.strip_prefix("gitops/apps/").is_some_and(other)
}

#[test]
fn a_new_image_tag_changes_exactly_the_lines_that_carry_it_and_the_check_stays_green() {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = generator_files(checkout);
    let old = environment::read(checkout)
        .unwrap()
        .sample_app
        .image_tag
        .to_string();
    assert_ne!(
        old, NEW,
        "the test needs a tag the checkout does not deploy"
    );

    let copy = tempfile::tempdir().unwrap();
    for (path, bytes) in &before {
        let target = copy.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
    assert!(
        regenerate(copy.path()).is_empty(),
        "the copy of the checkout has drift before the change: run `cargo run --example generate`"
    );

    let change = environment::set_image_tag(copy.path(), NEW).unwrap();
    assert_eq!(change.edit.previous, old);
    change.write().unwrap();
    let drifts = regenerate(copy.path());
    assert!(
        drifts
            .iter()
            .all(|drift| matches!(drift, Drift::Changed { .. })),
        "a tag change adds or removes no file: {drifts:?}"
    );

    let after = generator_files(copy.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut changed_files = Vec::new();
    for (path, old_bytes) in &before {
        let (old_text, new_text) = (
            String::from_utf8_lossy(old_bytes),
            String::from_utf8_lossy(&after[path]),
        );
        if old_text == new_text {
            assert!(
                of_another_environment(path) || !old_text.contains(&old),
                "{path} carries the old tag but did not change"
            );
            continue;
        }
        changed_files.push(path.as_str());
        assert_eq!(old_text.lines().count(), new_text.lines().count(), "{path}");
        for (old_line, new_line) in old_text.lines().zip(new_text.lines()) {
            if old_line != new_line {
                assert_eq!(
                    unquoted(old_line, &old).replace(&old, NEW),
                    unquoted(new_line, NEW),
                    "{path}: a changed line must differ only by the tag"
                );
            }
        }
    }
    assert!(
        changed_files.contains(&DEV_SETTINGS_PATH),
        "{changed_files:?}"
    );
    assert!(
        changed_files.len() > 1,
        "the tag reaches at least one generated file: {changed_files:?}"
    );
    let settings_text = String::from_utf8_lossy(&after[DEV_SETTINGS_PATH]);
    assert!(settings_text.contains(&format!("image_tag = \"{NEW}\"")));

    // `generate --check` on the result: nothing to regenerate.
    assert!(regenerate(copy.path()).is_empty());
}
