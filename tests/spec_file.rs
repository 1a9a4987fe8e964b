//! `generate --spec FILE` and `--print-default-spec`, run in-process as the example runs
//! them: the printed default describes the committed dev environment; a bad spec exits 2 naming
//! the bad key's path and writes nothing; `--set-image-tag` edits the spec file given; a layout
//! written into an empty folder is the committed one.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use bkt_reference::Environment;
use bkt_reference::settings::{self, Settings};

use crate::{app, cli, environment};

/// What one run of `generate` printed and returned.
struct Output {
    code: u8,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(list: &[&str]) -> Output {
    let args = cli::parse(list.iter().map(OsString::from).collect::<Vec<_>>(), repo()).unwrap();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = app::run(&args, &mut stdout, &mut stderr);
    Output {
        code,
        stdout,
        stderr,
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_printed_default_spec_describes_the_committed_dev_environment() {
    let printed = run(&["--print-default-spec"]);
    assert_eq!(printed.code, 0);
    let printed = settings::parse(&String::from_utf8(printed.stdout).unwrap()).unwrap();
    let committed = environment::read_file(&environment::path(&repo())).unwrap();
    // The image tag is the one value CI changes; everything else is the default.
    let printed = Settings {
        sample_app: committed.sample_app.clone(),
        ..printed
    };
    assert_eq!(
        Environment::from_settings("dev", printed).unwrap(),
        Environment::from_settings("dev", committed).unwrap()
    );
}

#[test]
fn a_bad_spec_exits_2_naming_the_key_and_writes_nothing() {
    for (body, field) in [
        (
            "[network]\ncidr_block = \"10.0.0.0/8\"\n",
            "network.cidr_block",
        ),
        ("[network]\ncidr = \"10.0.0.0/16\"\n", "network.cidr"),
        (
            "[eks]\nkubernetes_version = 1.34\n",
            "eks.kubernetes_version",
        ),
        ("[sample_app]\n", "sample_app.image_tag"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let file = dir.path().join("bad.toml");
        let text = if body.starts_with("[sample_app]") {
            body.to_owned()
        } else {
            format!("[sample_app]\nimage_tag = \"{}\"\n{body}", "0".repeat(40))
        };
        fs::write(&file, &text).unwrap();
        let output = run(&[
            "--spec",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.code, 2, "{body}: {stderr}");
        assert!(stderr.contains(field), "{body}: {stderr}");
        assert!(stderr.contains("bad.toml"), "the file is named: {stderr}");
        assert!(
            files_under(&out).is_empty(),
            "{body}: something was written"
        );
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            text,
            "the spec is untouched"
        );
    }
}

#[test]
fn a_spec_file_renders_another_platform_and_takes_the_image_tag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let file = dir.path().join("staging.toml");
    fs::write(
        &file,
        format!(
            "# kept\n[sample_app]\nimage_tag = \"{}\"\n\n[network]\ncidr_block = \"10.7.0.0/16\"\n",
            "0".repeat(40)
        ),
    )
    .unwrap();
    let tag = "0123456789abcdef0123456789abcdef01234567";
    let output = run(&[
        "--spec",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--env",
        "staging",
        "--set-image-tag",
        tag,
    ]);
    assert_eq!(
        output.code,
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let spec = fs::read_to_string(&file).unwrap();
    assert!(spec.starts_with("# kept\n") && spec.contains(tag), "{spec}");
    assert!(
        !out.join("environments").exists(),
        "environments/dev.toml is not touched"
    );
    let network = fs::read_to_string(out.join("terraform/envs/staging/network.tf")).unwrap();
    assert!(network.contains("\"10.7.0.0/16\""));
    let release =
        fs::read_to_string(out.join("gitops/apps/staging/sample-app/kustomization.yaml")).unwrap();
    assert!(release.contains(tag));
    assert!(
        !out.join("terraform/envs/dev").exists(),
        "only the environments given are rendered"
    );
}
