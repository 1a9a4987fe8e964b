//! Publish-readiness: `cargo package --list` of every library crate and of the root package
//! ships exactly its sources, README and license (and the crate's declared data), nothing of
//! the repository around it; every crate's metadata is complete; a Terraform-only build of the
//! facade pulls no YAML or Kubernetes crate, and a Flux-only one no chart catalog or SSO model.

use std::process::Command;

/// The crates published from this workspace, with the folders each ships beside `src/`.
const PACKAGES: [(&str, &[&str]); 9] = [
    ("bkt-core", &[]),
    ("bkt-network", &[]),
    ("bkt-oidc", &[]),
    ("bkt-eks", &[]),
    ("bkt-atlas", &["data/"]),
    ("bkt-flux", &[]),
    ("bkt-helm", &[]),
    ("bkt-sso", &[]),
    ("bkt-platform", &[]),
];

/// Files cargo itself adds to every package.
const CARGO_FILES: [&str; 4] = [
    ".cargo_vcs_info.json",
    "Cargo.lock",
    "Cargo.toml",
    "Cargo.toml.orig",
];

fn cargo(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_package_ships_exactly_its_sources_readme_and_license() {
    for (package, extra) in PACKAGES {
        let listed = cargo(&[
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            package,
        ]);
        let files: Vec<&str> = listed.lines().collect();
        for required in ["README.md", "LICENSE", "Cargo.toml", "src/lib.rs"] {
            assert!(
                files.contains(&required),
                "{package} does not ship {required}"
            );
        }
        let unexpected: Vec<&&str> = files
            .iter()
            .filter(|file| {
                !(CARGO_FILES.contains(file)
                    || ["README.md", "LICENSE"].contains(file)
                    || file.starts_with("src/")
                    || extra.iter().any(|folder| file.starts_with(folder)))
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "{package} would ship files outside its sources: {unexpected:?}"
        );
    }
}

#[test]
fn every_package_has_the_metadata_a_registry_shows() {
    let metadata = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]);
    let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let version = |name: &str| {
        packages
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["version"].as_str())
            .unwrap_or_else(|| panic!("{name} is not in the workspace"))
            .to_owned()
    };
    let lockstep = version("bkt-platform");
    for (name, _) in PACKAGES {
        let package = packages.iter().find(|p| p["name"] == name).unwrap();
        for field in [
            "description",
            "license",
            "repository",
            "readme",
            "rust_version",
        ] {
            assert!(
                package[field]
                    .as_str()
                    .is_some_and(|value| !value.is_empty()),
                "{name}: {field} is missing"
            );
        }
        for field in ["keywords", "categories"] {
            assert!(
                package[field]
                    .as_array()
                    .is_some_and(|list| !list.is_empty()),
                "{name}: {field} is missing"
            );
        }
        assert_eq!(
            version(name),
            lockstep,
            "{name} is not versioned in lockstep"
        );
        // A sibling dependency names the exact lockstep version, so a published crate never
        // pairs with a sibling of another release.
        for dependency in package["dependencies"].as_array().unwrap() {
            let dependency_name = dependency["name"].as_str().unwrap();
            // The reference platform is never published: cargo drops a path-only
            // dev-dependency from the package, so it needs no version.
            let unpublished_dev = dependency["kind"] == "dev" && dependency_name == "bkt-reference";
            if dependency_name.starts_with("bkt-") && !unpublished_dev {
                assert_eq!(
                    dependency["req"].as_str(),
                    Some(format!("={lockstep}").as_str()),
                    "{name} -> {dependency_name}"
                );
            }
        }
    }
}

/// The crates a build of the facade with only `features` compiles (normal dependencies).
fn facade_crates(features: &str) -> (String, Vec<String>) {
    let tree = cargo(&[
        "tree",
        "--offline",
        "-p",
        "bkt-platform",
        "--no-default-features",
        "--features",
        features,
        "-e",
        "normal",
        "--prefix",
        "none",
    ]);
    let crates = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    (tree, crates)
}

#[test]
fn a_terraform_only_build_compiles_no_yaml_or_kubernetes_dependency() {
    let (tree, crates) = facade_crates("terraform");
    assert!(crates.iter().any(|name| name == "bkt-network"), "{tree}");
    for heavy in [
        "serde-saphyr",
        "k8s-openapi",
        "schemars",
        "bkt-flux",
        "bkt-helm",
    ] {
        assert!(
            !crates.iter().any(|name| name == heavy),
            "a Terraform-only build of bkt-platform compiles {heavy}:\n{tree}"
        );
    }
}

#[test]
fn a_flux_only_build_compiles_no_chart_catalog_schema_derive_or_sso() {
    let (tree, crates) = facade_crates("flux");
    assert!(crates.iter().any(|name| name == "bkt-flux"), "{tree}");
    for heavy in [
        "bkt-helm",
        "schemars",
        "schemars_derive",
        "bkt-sso",
        "bkt-network",
    ] {
        assert!(
            !crates.iter().any(|name| name == heavy),
            "a Flux-only build of bkt-platform compiles {heavy}:\n{tree}"
        );
    }
}
