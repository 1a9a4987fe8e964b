//! One failing test per rule, each asserting on the field and the fix the error names.

use super::*;

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

fn rejected(builder: AtlasSpecBuilder) -> (String, String, String) {
    match builder.build() {
        Err(Error::Invalid(bkt_core::Invalid {
            field,
            value,
            reason,
        })) => (field, value, reason),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_default_spec_is_what_the_builder_builds() {
    assert_eq!(builder().build().unwrap(), builder().build().unwrap());
    assert_eq!(builder().build().unwrap().atlas_region(), "EU_WEST_1");
}

#[test]
fn project_name_rule() {
    let (field, value, reason) = rejected(builder().project_name("-bkt dev"));
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("atlas.project_name", "-bkt dev")
    );
    assert!(reason.contains("1-64 ASCII letters"), "{reason}");
    let (field, ..) = rejected(builder().project_name("p".repeat(65)));
    assert_eq!(field, "atlas.project_name");
    assert!(
        builder()
            .project_name("Team_A.dev-1")
            .cluster_name("orders-dev")
            .build()
            .is_ok()
    );
}

#[test]
fn cluster_name_rule() {
    for bad in ["", "bkt_dev", "bkt-", "-bkt", "bkt.dev", &"c".repeat(65)] {
        let (field, value, reason) = rejected(builder().cluster_name(bad));
        assert_eq!(
            (field.as_str(), value.as_str()),
            ("atlas.cluster_name", bad)
        );
        assert!(reason.contains("letters, digits or hyphens"), "{reason}");
    }
    assert!(builder().cluster_name("Cluster0").build().is_ok());
}

#[test]
fn region_rule() {
    for bad in [
        "EU_WEST_1",
        "eu-west",
        "euwest-1",
        "eu-west-12",
        "eu--1",
        "e-west-1",
    ] {
        let (field, _, reason) = rejected(builder().region(bad));
        assert_eq!(field, "atlas.region");
        assert!(reason.contains("such as eu-west-1"), "{reason}");
    }
    let spec = builder().region("ap-southeast-2").build().unwrap();
    assert_eq!(spec.atlas_region(), "AP_SOUTHEAST_2");
}

#[test]
fn instance_size_rule() {
    let (field, value, reason) = rejected(builder().instance_size("M0"));
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("atlas.instance_size", "M0")
    );
    assert!(reason.contains("use FLEX"), "{reason}");
    for size in InstanceSize::ALL {
        let spec = builder().instance_size(size.as_str()).build().unwrap();
        assert_eq!(spec.instance_size(), size);
    }
}

#[test]
fn database_username_rule() {
    for bad in ["", "Sample", "1app", "app:admin", "app@x", &"u".repeat(33)] {
        let (field, _, reason) = rejected(builder().database_username(bad));
        assert_eq!(field, "atlas.database_username");
        assert!(reason.contains("unescaped"), "{reason}");
    }
}

#[test]
fn database_name_rule() {
    for bad in ["", "sample.app", "sample app", "a/b", "$x", &"d".repeat(64)] {
        let (field, _, reason) = rejected(builder().database_name(bad));
        assert_eq!(field, "atlas.database_name");
        assert!(reason.contains("MongoDB forbids"), "{reason}");
    }
}

#[test]
fn org_id_rule() {
    let (field, _, reason) = rejected(builder().org_id("5f1d6c3e2a"));
    assert_eq!(field, "atlas.org_id");
    assert!(reason.contains("24 lowercase hexadecimal"), "{reason}");
    let spec = builder()
        .org_id("5f1d6c3e2a9b8c7d6e5f4a3b")
        .build()
        .unwrap();
    assert_eq!(spec.org_id(), Some("5f1d6c3e2a9b8c7d6e5f4a3b"));
}

#[test]
fn state_bucket_rule() {
    for bad in ["", "ab", "Bkt-State", "bkt_state", "-bkt", &"b".repeat(64)] {
        let (field, _, reason) = rejected(builder().state_bucket(bad));
        assert_eq!(field, "atlas.state_bucket");
        assert!(reason.contains("terraform/bootstrap"), "{reason}");
    }
}

#[test]
fn state_key_rule() {
    for bad in [
        "",
        ".tfstate",
        "/envs/dev/terraform.tfstate",
        "envs/dev/state.json",
        "envs dev.tfstate",
    ] {
        let (field, _, reason) = rejected(builder().state_key(bad));
        assert_eq!(field, "atlas.state_key");
        assert!(reason.contains("ending in .tfstate"), "{reason}");
    }
}

#[test]
fn access_cidr_must_be_a_cidr() {
    let (field, value, reason) = rejected(builder().allow_cidr("203.0.113.7"));
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("atlas.allow_cidr[0]", "203.0.113.7")
    );
    assert!(reason.contains("write an IPv4 CIDR"), "{reason}");
}

#[test]
fn access_cidr_is_never_the_whole_internet_or_wider_than_a_24() {
    for bad in ["0.0.0.0/0", "8.0.0.0/8", "198.51.0.0/23"] {
        let (field, _, reason) = rejected(builder().allow_cidr("8.8.8.8/32").allow_cidr(bad));
        assert_eq!(field, "atlas.allow_cidr[1]");
        assert!(reason.contains("wider than /24"), "{reason}");
    }
}

#[test]
fn access_cidr_has_no_host_bits() {
    let (field, _, reason) = rejected(builder().allow_cidr("8.8.8.9/24"));
    assert_eq!(field, "atlas.allow_cidr[0]");
    assert!(
        reason.contains("write the network address 8.8.8.0/24"),
        "{reason}"
    );
}

#[test]
fn access_cidr_is_public() {
    for bad in [
        "10.0.0.0/24",
        "192.168.1.1/32",
        "127.0.0.1/32",
        "169.254.1.0/24",
        "100.64.0.0/24",
        "203.0.113.0/24",
        "240.0.0.1/32",
    ] {
        let (field, _, reason) = rejected(builder().allow_cidr(bad));
        assert_eq!(field, "atlas.allow_cidr[0]");
        assert!(reason.contains("public address"), "{bad}: {reason}");
    }
}

#[test]
fn access_cidr_is_listed_once() {
    let (field, _, reason) = rejected(builder().allow_cidr("8.8.8.8/32").allow_cidr("8.8.8.8/32"));
    assert_eq!(field, "atlas.allow_cidr[1]");
    assert!(reason.contains("already listed"), "{reason}");
}
