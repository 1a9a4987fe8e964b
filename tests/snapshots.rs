//! Snapshots of rendered text (never of a re-serialized value): a change to a model shows up
//! as a reviewable diff of the HCL it writes.

use bkt_platform::{NETWORK_MODULE_DIR, PlatformSpec, render};

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
