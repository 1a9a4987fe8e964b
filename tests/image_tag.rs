//! The image-tag bump of the `generate` example (`--set-image-tag`, `--print-image-tag`) on real
//! files: every behaviour the Go `tagbump` tool's tests proved, for the TOML data file — only
//! the value changes, permissions are kept, no temporary file is left, a second run writes
//! nothing, and any bad input leaves every file byte for byte as it was.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::{cli, environment};

const OLD: &str = "1111111111111111111111111111111111111111";
const NEW: &str = "0123456789abcdef0123456789abcdef01234567";

fn data_file(tag: &str) -> String {
    format!(
        "# Settings of dev.\n\n[sample_app]\n# The tag CI sets.\nimage_tag = \"{tag}\" # a SHA\n"
    )
}

/// A checkout holding `environments/dev.toml` with `content` (mode 0640).
fn checkout(content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = environment::path(dir.path());
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, content).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    dir
}

/// Every file under `dir` with its bytes, so a test can prove nothing changed (and that no
/// temporary file was left behind).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn set(root: &Path, tag: &str) -> Result<environment::TagChange, environment::Failure> {
    let change = environment::set_image_tag(root, tag)?;
    change
        .write()
        .map_err(|error| environment::Failure::Io(change.path.clone(), error))?;
    Ok(change)
}

#[test]
fn set_image_tag_rewrites_only_the_value_and_keeps_the_mode() {
    let dir = checkout(&data_file(OLD));
    let change = set(dir.path(), NEW).unwrap();
    assert!(change.edit.changed());
    assert_eq!(change.edit.previous, OLD);
    let path = environment::path(dir.path());
    assert_eq!(fs::read_to_string(&path).unwrap(), data_file(NEW));
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the file's mode is kept");
    assert_eq!(snapshot(dir.path()).len(), 1, "no temporary file is left");
    assert_eq!(
        change.summary(),
        format!("{}: sample_app.image_tag {OLD} -> {NEW}", path.display())
    );
}

#[test]
fn a_second_run_writes_nothing() {
    let dir = checkout(&data_file(OLD));
    set(dir.path(), NEW).unwrap();
    let path = environment::path(dir.path());
    let before = snapshot(dir.path());
    let modified = fs::metadata(&path).unwrap().modified().unwrap();

    let second = set(dir.path(), NEW).unwrap();
    assert!(!second.edit.changed());
    assert!(
        second
            .summary()
            .ends_with(&format!("already {NEW}, nothing to do"))
    );
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
#[allow(clippy::too_many_lines, reason = "one table of cases")]
fn bad_input_is_rejected_and_changes_nothing() {
    let good = data_file(OLD);
    let long = "a".repeat(129);
    let upper = NEW.to_uppercase();
    let cases: Vec<(&str, Option<String>, &str, &str)> = vec![
        ("missing file", None, NEW, "does not exist"),
        ("empty tag", Some(good.clone()), "", "no tag given"),
        (
            "tag with a space",
            Some(good.clone()),
            "abc def",
            "nor even a valid image tag",
        ),
        (
            "tag with a newline",
            Some(good.clone()),
            "abc\nx = 1",
            "nor even a valid image tag",
        ),
        (
            "tag starting with a dash",
            Some(good.clone()),
            "-abc",
            "nor even a valid image tag",
        ),
        (
            "tag too long",
            Some(good.clone()),
            &long,
            "nor even a valid image tag",
        ),
        (
            "short SHA",
            Some(good.clone()),
            &NEW[..7],
            "not a short SHA",
        ),
        (
            "41 hex characters",
            Some(good.clone()),
            "0123456789abcdef0123456789abcdef012345678",
            "not a short SHA",
        ),
        (
            "upper-case SHA",
            Some(good.clone()),
            &upper,
            "an upper-case SHA",
        ),
        ("version", Some(good.clone()), "v1.2.3", "a version"),
        ("latest", Some(good.clone()), "latest", "a branch"),
        (
            "no image_tag",
            Some("[sample_app]\n".to_owned()),
            NEW,
            "sample_app.image_tag: missing",
        ),
        (
            "no [sample_app]",
            Some("# nothing\n".to_owned()),
            NEW,
            "sample_app.image_tag: missing",
        ),
        (
            "image_tag twice",
            Some(format!("{good}image_tag = \"{OLD}\"\n")),
            NEW,
            "duplicate key",
        ),
        (
            "not TOML",
            Some("[sample_app\n".to_owned()),
            NEW,
            "line 1, column",
        ),
        (
            "tag not a string",
            Some("[sample_app]\nimage_tag = 1\n".to_owned()),
            NEW,
            "must be a string (found integer)",
        ),
        (
            "unknown setting",
            Some(format!("{good}replicas = 2\n")),
            NEW,
            "sample_app.replicas: unknown field",
        ),
    ];
    for (name, content, tag, want) in cases {
        let dir = match &content {
            Some(content) => checkout(content),
            None => tempfile::tempdir().unwrap(),
        };
        let before = snapshot(dir.path());
        let failure = set(dir.path(), tag).expect_err(name);
        let message = failure.to_string();
        assert!(message.contains(want), "{name}: {message:?} lacks {want:?}");
        assert!(
            message.starts_with(&environment::path(dir.path()).display().to_string()),
            "{name}: {message:?} names the file"
        );
        assert_eq!(failure.exit_code(), 2, "{name}");
        assert_eq!(
            snapshot(dir.path()),
            before,
            "{name}: files changed on error"
        );
    }
}

#[test]
fn read_gives_the_tag_and_changes_nothing() {
    let dir = checkout(&format!("[sample_app]\nimage_tag = '{OLD}'\n"));
    let before = snapshot(dir.path());
    let settings = environment::read(dir.path()).unwrap();
    assert_eq!(settings.sample_app.image_tag.as_str(), OLD);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn read_reports_a_missing_or_invalid_file_with_exit_status_2() {
    let empty = tempfile::tempdir().unwrap();
    let missing = environment::read(empty.path()).unwrap_err();
    assert!(matches!(missing, environment::Failure::Missing(_)));
    assert!(missing.to_string().contains("does not exist"));
    assert_eq!(missing.exit_code(), 2);

    let invalid = checkout(&data_file("main"));
    let failure = environment::read(invalid.path()).unwrap_err();
    assert_eq!(failure.exit_code(), 2);
    assert!(
        failure.to_string().contains(
            "sample_app.image_tag: \"main\" is not a 40-character lowercase hex commit SHA"
        ),
        "{failure}"
    );
}

#[test]
fn an_unreadable_file_is_an_io_failure_with_exit_status_1() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the file should be: reading it fails with an error other than NotFound.
    fs::create_dir_all(environment::path(dir.path())).unwrap();
    let failure = environment::read(dir.path()).unwrap_err();
    assert!(
        matches!(failure, environment::Failure::Io(..)),
        "{failure:?}"
    );
    assert_eq!(failure.exit_code(), 1);
}

#[test]
fn write_atomic_replaces_the_file_and_leaves_no_temporary_file() {
    let dir = checkout("old\n");
    let path = environment::path(dir.path());
    environment::write_atomic(&path, b"new\n").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new\n");
    assert_eq!(snapshot(dir.path()).len(), 1);
    assert!(environment::write_atomic(&dir.path().join("absent"), b"x").is_err());
    assert_eq!(snapshot(dir.path()).len(), 1);
}

fn args(list: &[&str]) -> Result<cli::Args, String> {
    cli::parse(
        list.iter().map(OsString::from).collect::<Vec<_>>(),
        PathBuf::from("/repo"),
    )
    .map_err(|error| error.to_string())
}

#[test]
fn the_command_line_takes_one_mode_at_a_time() {
    let set = args(&["--set-image-tag", NEW]).unwrap();
    assert_eq!(set.set_image_tag.as_deref(), Some(NEW));
    assert_eq!(set.out, PathBuf::from("/repo"));
    assert!(!set.check && !set.print_image_tag && !set.help);

    let print = args(&["--print-image-tag", "--out", "/elsewhere"]).unwrap();
    assert!(print.print_image_tag);
    assert_eq!(print.out, PathBuf::from("/elsewhere"));
    assert!(args(&["--check"]).unwrap().check);
    assert!(args(&["-h"]).unwrap().help);

    for (list, want) in [
        (
            &["--print-image-tag", "--set-image-tag", NEW][..],
            "--set-image-tag and --print-image-tag exclude each other",
        ),
        (
            &["--check", "--set-image-tag", NEW],
            "--check and --set-image-tag exclude each other",
        ),
        (
            &["--check", "--print-image-tag"],
            "--check and --print-image-tag exclude each other",
        ),
        (
            &["--set-image-tag"],
            "missing argument for option '--set-image-tag'",
        ),
        (&["--sha", NEW], "invalid option '--sha'"),
        (&["extra"], "unexpected argument \"extra\""),
    ] {
        let error = args(list).unwrap_err();
        assert!(error.contains(want), "{list:?}: {error:?} lacks {want:?}");
    }
    for flag in [
        "--set-image-tag",
        "--print-image-tag",
        "--check",
        "--out DIR",
    ] {
        assert!(cli::USAGE.contains(flag), "the help lists {flag}");
    }
}

/// `--print-pin` prints one exact version and nothing else (`cargo xtask up` and e2e.yml read it
/// into a command line), and names the pins it knows when asked for another.
#[test]
fn print_pin_prints_one_exact_version_or_names_the_known_pins() {
    let exact = regex::Regex::new(r"^\d+\.\d+\.\d+\n$").unwrap();
    let mut printed = Vec::new();
    for name in ["flux", "flux-operator"] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = crate::app::run(&args(&["--print-pin", name]).unwrap(), &mut out, &mut err);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(status, 0, "{}", String::from_utf8_lossy(&err));
        assert!(exact.is_match(&text), "--print-pin {name} printed {text:?}");
        printed.push(text);
    }
    // The Flux e2e.yml installs (--print-pin flux) is the one every committed FluxInstance runs.
    let clusters = Path::new(env!("CARGO_MANIFEST_DIR")).join("gitops/clusters");
    let mut instances = 0;
    for entry in fs::read_dir(clusters).unwrap() {
        let Ok(text) = fs::read_to_string(entry.unwrap().path().join("flux-instance.yaml")) else {
            continue;
        };
        let instance: bkt_platform::flux::kinds::flux_instance::FluxInstance =
            serde_saphyr::from_str(&text).unwrap();
        assert_eq!(
            format!("{}\n", instance.spec.distribution.version),
            printed[0]
        );
        instances += 1;
    }
    assert!(instances >= 2, "dev and prod have a flux-instance.yaml");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = crate::app::run(
        &args(&["--print-pin", "flux2"]).unwrap(),
        &mut out,
        &mut err,
    );
    assert_eq!(status, 2);
    assert!(out.is_empty());
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("\"flux2\"") && err.contains("flux-operator"),
        "{err}"
    );
    assert_eq!(
        args(&["--print-pin", "flux", "--check"]).unwrap_err(),
        "--check and --print-pin exclude each other: pass one of them (--set-image-tag already regenerates)"
    );
}
