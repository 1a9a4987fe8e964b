//! The rendered root, file by file, as insta snapshots of the text.

use bkt_atlas::{AtlasRoot, AtlasSpec, AtlasSpecBuilder, StateLocation};

/// A spec builder with every required value: the shape a platform gives it.
fn builder() -> AtlasSpecBuilder {
    AtlasSpec::builder(
        "orders-dev",
        "eu-west-1",
        StateLocation {
            bucket: Some("acme-tfstate-123456789012".to_owned()),
            environment_key: "envs/dev/terraform.tfstate".to_owned(),
            own_key: "atlas/dev/terraform.tfstate".to_owned(),
        },
    )
    .database("orders", "orders")
}

fn text(tree: &bkt_core::Tree, path: &str) -> String {
    String::from_utf8(tree.get(path).unwrap().to_vec()).unwrap()
}

#[test]
fn default_root() {
    let tree = AtlasRoot::new(builder().build().unwrap())
        .to_tree("bkt-platform")
        .unwrap();
    for path in [
        "main.tf",
        "network-access.tf",
        "database-user.tf",
        "outputs.tf",
        "variables.tf",
        "providers.tf",
        "versions.tf",
    ] {
        insta::assert_snapshot!(path, text(&tree, path));
    }
    assert_eq!(tree.files().count(), 7);
}

#[test]
fn root_with_extra_access_and_a_dedicated_tier() {
    let spec = builder()
        .instance_size("M10")
        .org_id("5f1d6c3e2a9b8c7d6e5f4a3b")
        .allow_cidr("34.240.0.10/32")
        .build()
        .unwrap();
    let tree = AtlasRoot::new(spec).to_tree("bkt-platform").unwrap();
    insta::assert_snapshot!("extra-main.tf", text(&tree, "main.tf"));
    insta::assert_snapshot!("extra-network-access.tf", text(&tree, "network-access.tf"));
}
