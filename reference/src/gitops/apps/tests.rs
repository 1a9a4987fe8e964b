//! The apps layer: its files, the image tag's rule, and the property that a new tag
//! changes exactly one line of one file.

use proptest::prelude::*;

use super::*;

const TAG: &str = "0123456789abcdef0123456789abcdef01234567";
const VARS: [&str; 6] = [
    "SAMPLE_APP_IMAGE_REPOSITORY",
    "DOMAIN",
    "VPC_CIDR",
    "ENVIRONMENT",
    "CLUSTER_NAME",
    "ALB_PUBLIC_SECURITY_GROUP_ID",
];

fn app(tag: &str) -> SampleApp {
    SampleApp {
        image_tag: tag.to_owned(),
        image_repository: "${SAMPLE_APP_IMAGE_REPOSITORY}".to_owned(),
        domain: "${DOMAIN}".to_owned(),
        vpc_cidr: "${VPC_CIDR}".to_owned(),
        environment: "${ENVIRONMENT}".to_owned(),
        cluster_name: "${CLUSTER_NAME}".to_owned(),
        load_balancer_security_group: "${ALB_PUBLIC_SECURITY_GROUP_ID}".to_owned(),
        atlas: None,
    }
}

/// The layer inside a `gitops/` tree that registers the chart folder, as the platform does;
/// paths relative to `apps/`.
fn gitops(app: &SampleApp, vars: &[&str]) -> Result<bkt_core::Tree> {
    let mut gitops = GitOpsTree::new("gitops", vars);
    gitops.hand_written_folder(SAMPLE_APP_CHART_DIR);
    gitops.extend_under("apps", apps_tree("dev", app, vars)?)?;
    gitops.to_tree("bkt-platform")
}

fn rendered(tag: &str) -> BTreeMap<String, String> {
    gitops(&app(tag), &VARS)
        .unwrap()
        .files()
        .map(|(path, bytes)| {
            let path = path.strip_prefix("apps/").unwrap().to_owned();
            (path, String::from_utf8(bytes.to_vec()).unwrap())
        })
        .collect()
}

#[test]
fn the_layer_holds_the_base_and_the_overlay() {
    let files = rendered(TAG);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "base/sample-app/kustomization.yaml",
            "base/sample-app/namespace.yaml",
            "base/sample-app/release.yaml",
            "dev/kustomization.yaml",
            "dev/sample-app/kustomization.yaml",
        ]
    );
}

#[test]
fn the_overlay_patch_carries_the_tag_as_a_string() {
    // Forty digits read as an integer unless quoted; the YAML writer quotes them.
    let digits = "1234567890123456789012345678901234567890";
    let overlay = &rendered(digits)["dev/sample-app/kustomization.yaml"];
    assert!(overlay.contains(&format!("tag: \"{digits}\"")), "{overlay}");
    assert!(
        !overlay.contains("bkt\":\"image-tag"),
        "no text marker is needed any more"
    );
    let files = rendered(TAG);
    let carrying: Vec<&String> = files
        .iter()
        .filter(|(_, text)| text.contains(TAG))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(carrying, ["dev/sample-app/kustomization.yaml"]);
}

#[test]
fn a_tag_that_is_not_a_full_commit_sha_is_rejected_naming_the_field() {
    for tag in [
        "",
        "abc",
        &TAG[..39],
        &TAG.to_uppercase(),
        "main",
        "v1.2.3",
        "0123456789abcdef0123456789abcdef0123456g",
    ] {
        let error = apps_tree("dev", &app(tag), &VARS).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "sample_app.image_tag: {tag:?} is invalid: not a 40-character lowercase hex commit \
                 SHA; set it in the environment's file (make image-tag TAG=<sha>)"
            )
        );
    }
}

#[test]
fn the_release_uses_only_cluster_vars_and_the_bootstrap_source() {
    // Without the keys it names, the graph check fails naming the variable.
    let error = apps_tree("dev", &app(TAG), &VARS[1..])
        .unwrap()
        .to_tree("x")
        .unwrap_err();
    assert!(
        error.to_string().contains("SAMPLE_APP_IMAGE_REPOSITORY"),
        "{error}"
    );
    // With them, every check passes (the chart comes from the flux-system GitRepository).
    let mut gitops = GitOpsTree::new("gitops", &VARS);
    gitops.hand_written_folder(SAMPLE_APP_CHART_DIR);
    gitops
        .extend_under("apps", apps_tree("dev", &app(TAG), &VARS).unwrap())
        .unwrap();
    assert!(gitops.to_tree("x").is_ok());
}

proptest! {
    #[test]
    fn a_new_tag_changes_exactly_one_line_of_one_file(old in "[0-9a-f]{40}", new in "[0-9a-f]{40}") {
        let before = rendered(&old);
        let after = rendered(&new);
        prop_assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
        let mut changed = Vec::new();
        for (path, text) in &before {
            let other = &after[path];
            prop_assert_eq!(text.lines().count(), other.lines().count());
            for (a, b) in text.lines().zip(other.lines()) {
                if a != b {
                    // Quotes around a tag come and go: forty digits look like an integer.
                    let a = a.replace(&format!("\"{old}\""), &old);
                    let b = b.replace(&format!("\"{new}\""), &new);
                    changed.push((path.clone(), a.replace(&old, &new) == b));
                }
            }
        }
        if old == new {
            prop_assert!(changed.is_empty());
        } else {
            prop_assert_eq!(changed, vec![("dev/sample-app/kustomization.yaml".to_owned(), true)]);
        }
    }
}
