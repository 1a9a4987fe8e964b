//! `generate --spec FILE` and `--print-default-spec`, run in-process as the example runs
//! them: the printed default describes the committed dev environment; a bad spec exits 2 naming
//! the bad key's path and writes nothing; `--set-image-tag` edits the spec file given; a layout
//! written into an empty folder is the committed one.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use bkt_platform::core::MANIFEST_PATH;
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

/// The generator with one spec file, writing into `out`.
fn run_spec(file: &std::path::Path, out: &std::path::Path) -> Output {
    run(&[
        "--spec",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn the_printed_default_spec_describes_the_committed_dev_environment() {
    let printed = run(&["--print-default-spec"]);
    assert_eq!(printed.code, 0);
    let printed = settings::parse(&String::from_utf8(printed.stdout).unwrap()).unwrap();
    let committed = environment::read_file(&environment::path(&repo())).unwrap();
    // The image tag is the one value CI changes, and dev is the environment that uses Atlas
    // (off by default, docs/atlas.md); everything else is the default.
    assert_eq!(
        committed.atlas.enabled,
        Some(true),
        "dev.toml enables Atlas"
    );
    let printed = Settings {
        sample_app: committed.sample_app.clone(),
        atlas: committed.atlas.clone(),
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
            "[eks]\nkubernetes_version = 1.36\n",
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
        let output = run_spec(&file, &out);
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

/// Every file under `root`, relative to it, with its bytes.
fn tree_of(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_under(root)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (relative, fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn a_layout_written_into_an_empty_folder_is_the_committed_one_without_the_tests() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["--out", dir.path().to_str().unwrap()]);
    assert_eq!(
        output.code,
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = tree_of(dir.path());
    let repo = repo();
    for (path, bytes) in &written {
        let mut committed = fs::read(repo.join(path)).unwrap_or_default();
        if path == MANIFEST_PATH {
            // The committed manifest also lists the repository's own fixture.
            let text = String::from_utf8(committed).unwrap();
            committed = text
                .lines()
                .filter(|line| !line.starts_with("tests/"))
                .flat_map(|line| [line, "\n"])
                .collect::<String>()
                .into_bytes();
        }
        assert!(
            &committed == bytes,
            "{path} differs from the committed file"
        );
    }
    for needed in [
        "gitops/charts/sample-app/Chart.yaml",
        "gitops/charts/sample-app/templates/deployment.yaml",
        "gitops/infrastructure/vault-bootstrap/init.sh",
        "gitops/infrastructure/vault-oidc/oidc.sh",
        "terraform/envs/prod/versions.tf",
        "gitops/clusters/prod/apps.yaml",
    ] {
        assert!(written.contains_key(needed), "{needed} is not written");
    }
    assert!(
        written.keys().all(|path| !path.starts_with("tests/")),
        "the repository's test fixtures leak into a user's layout"
    );
}

#[test]
fn an_environment_is_a_file_added_and_removed() {
    let checkout = tempfile::tempdir().unwrap();
    let environments = checkout.path().join("environments");
    fs::create_dir(&environments).unwrap();
    for name in ["dev", "prod"] {
        fs::copy(
            repo().join(format!("environments/{name}.toml")),
            environments.join(format!("{name}.toml")),
        )
        .unwrap();
    }
    let prod = fs::read_to_string(environments.join("prod.toml")).unwrap();
    let staging = prod
        .replace("prod.example.com", "staging.example.com")
        .replace("10.16.0.0/16", "10.32.0.0/16");
    fs::write(environments.join("staging.toml"), staging).unwrap();
    let out = checkout.path().to_str().unwrap();

    let output = run(&["--out", out]);
    assert_eq!(
        output.code,
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let with = tree_of(checkout.path());
    for path in [
        "terraform/envs/staging/network.tf",
        "gitops/clusters/staging/apps.yaml",
        "gitops/clusters/staging/flux-instance.yaml",
        "gitops/apps/staging/sample-app/kustomization.yaml",
    ] {
        assert!(with.contains_key(path), "{path} is not written");
    }
    // A copy of prod, which uses no Atlas: no Atlas root (docs/atlas.md).
    assert!(
        with.keys()
            .all(|path| !path.starts_with("terraform/atlas/staging/")),
        "staging has an Atlas root although its file does not enable Atlas"
    );
    let network = String::from_utf8_lossy(&with["terraform/envs/staging/network.tf"]).into_owned();
    assert!(network.contains("\"10.32.0.0/16\""), "{network}");
    let entry = String::from_utf8_lossy(&with["gitops/clusters/staging/apps.yaml"]).into_owned();
    assert!(entry.contains("./gitops/apps/staging"), "{entry}");

    fs::remove_file(environments.join("staging.toml")).unwrap();
    let output = run(&["--out", out]);
    assert_eq!(
        output.code,
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let without = tree_of(checkout.path());
    assert!(
        without.keys().all(|path| !path.contains("/staging/")),
        "staging's files stay behind"
    );
    let mut expected = with;
    expected.retain(|path, _| !path.contains("/staging/") && path != "environments/staging.toml");
    assert_eq!(
        without, expected,
        "removing staging changes only staging's files"
    );
}

#[test]
fn a_spec_that_shrinks_prods_node_group_below_its_pods_exits_2_naming_the_workload() {
    let dir = tempfile::tempdir().unwrap();
    let committed = fs::read_to_string(repo().join("environments/prod.toml")).unwrap();

    // As committed, prod renders and the run prints its capacity.
    let fits = dir.path().join("fits");
    fs::create_dir(&fits).unwrap();
    let file = dir.path().join("prod.toml");
    fs::write(&file, &committed).unwrap();
    let output = run_spec(&file, &fits);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.code,
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("capacity of prod (")
            && stdout.contains("node group `default`: 3 x m6i.xlarge/m6a.xlarge (ON_DEMAND): CPU "),
        "{stdout}"
    );

    // Two nodes cannot hold Vault's three anti-affine servers: exit 2, nothing written.
    let shrunk = committed.replace(
        "min_size = 3\ndesired_size = 3",
        "min_size = 2\ndesired_size = 2",
    );
    assert_ne!(
        shrunk, committed,
        "prod.toml no longer sizes its group as the test expects"
    );
    fs::write(&file, &shrunk).unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let output = run_spec(&file, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.code, 2, "{stderr}");
    assert!(stderr.contains("prod.toml"), "the file is named: {stderr}");
    assert!(
        stderr.contains("vault: 3 replicas with required hostname anti-affinity need 3 nodes; node group `default` has 2"),
        "{stderr}"
    );
    assert!(files_under(&out).is_empty(), "something was written");
}
