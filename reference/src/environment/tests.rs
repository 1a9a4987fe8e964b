//! The environment root's rules and rendering, tested from its public values.

use super::*;
use crate::cluster_vars::ClusterVars;

fn field_of(error: &crate::Error) -> &str {
    match error {
        crate::Error::Invalid(bkt_core::Invalid { field, .. }) => field,
        _ => "",
    }
}

#[test]
fn defaults_are_valid_and_render() {
    let root = EnvironmentRoot::default();
    root.validate().unwrap();
    let has_mongodb_tf = |root: &EnvironmentRoot| {
        root.files()
            .unwrap()
            .iter()
            .any(|(path, _)| *path == "mongodb.tf")
    };
    assert!(!has_mongodb_tf(&root), "no Atlas secret without Atlas");
    let atlas = EnvironmentRoot {
        atlas: true,
        ..EnvironmentRoot::default()
    };
    assert!(
        has_mongodb_tf(&atlas),
        "the Atlas secret, key and reader role"
    );
}

#[test]
fn each_rule_names_its_field() {
    let cases = [
        (
            EnvironmentRoot {
                environment: String::new(),
                ..EnvironmentRoot::default()
            },
            "environment",
        ),
        (
            EnvironmentRoot {
                environment: "Dev".into(),
                ..EnvironmentRoot::default()
            },
            "environment",
        ),
        (
            EnvironmentRoot {
                environment: "a".repeat(17),
                ..EnvironmentRoot::default()
            },
            "environment",
        ),
        (
            EnvironmentRoot {
                sample_app_repository: "Sample App".into(),
                ..EnvironmentRoot::default()
            },
            "terraform.sample_app_repository",
        ),
        (
            EnvironmentRoot {
                region: "europe".into(),
                ..EnvironmentRoot::default()
            },
            "terraform.region",
        ),
    ];
    for (root, field) in cases {
        let error = root.validate().unwrap_err();
        assert_eq!(field_of(&error), field, "{error}");
        assert!(error.to_string().contains("e.g."), "{error}");
        assert!(root.to_tree("g").is_err(), "to_tree must refuse {field}");
    }
}

#[test]
fn cluster_vars_output_has_every_key_and_the_atlas_keys_only_with_atlas() {
    let outputs = |atlas: bool| {
        EnvironmentRoot {
            atlas,
            ..EnvironmentRoot::default()
        }
        .files()
        .unwrap()
        .iter()
        .find(|(path, _)| *path == "outputs.tf")
        .map(|(_, file)| file.render())
        .unwrap()
    };
    let (with, without) = (outputs(true), outputs(false));
    for key in ClusterVars::<()>::KEYS {
        let line = format!("    {key} ");
        assert!(with.contains(&line), "{key} missing from cluster_vars");
        assert_eq!(
            without.contains(&line),
            !key.starts_with("SAMPLE_APP_MONGODB_"),
            "{key} without Atlas"
        );
    }
}
