//! Snapshots of rendered text (never of a re-serialized value): a change to a model shows up
//! as a reviewable diff of the HCL it writes.

use bkt_reference::{BOOTSTRAP_DIR, DEV_ROOT_DIR, NETWORK_MODULE_DIR, PlatformSpec, render};

fn snapshot_dir(dir: &str, prefix: &str) {
    let tree = render(&PlatformSpec::default()).unwrap();
    let mut seen = 0;
    for (path, bytes) in tree.files() {
        let Some(file) = path
            .strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix('/'))
        else {
            continue;
        };
        let text = std::str::from_utf8(bytes).unwrap();
        insta::assert_snapshot!(format!("{prefix}__{}", file.replace('/', "__")), text);
        seen += 1;
    }
    assert!(seen > 0, "nothing rendered under {dir}");
}

#[test]
fn dev_root() {
    snapshot_dir(DEV_ROOT_DIR, "dev");
}

#[test]
fn bootstrap_root() {
    snapshot_dir(BOOTSTRAP_DIR, "bootstrap");
}

#[test]
fn network_module() {
    let tree = render(&PlatformSpec::default()).unwrap();
    for file in [
        "main.tf",
        "flow-logs.tf",
        "variables.tf",
        "outputs.tf",
        "versions.tf",
    ] {
        let bytes = tree.get(&format!("{NETWORK_MODULE_DIR}/{file}")).unwrap();
        let text = std::str::from_utf8(bytes).unwrap();
        insta::assert_snapshot!(format!("network__{file}"), text);
    }
}
