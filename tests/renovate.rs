//! Renovate's configuration against the sources it must keep current: every chart of the
//! catalog and every Terraform provider pin is found by one of its custom managers, in the Rust
//! source it is generated from, with the right package and version; and no generated file is
//! ever offered to a manager (a bump there would be overwritten by the next render, and fail
//! the drift check).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bkt_platform::helm::{CATALOG, RepositoryKind};
use bkt_reference::{PlatformSpec, render};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("renovate.json")).unwrap()).unwrap()
}

/// A Renovate file pattern `/regex/` as a Rust regex.
fn file_pattern(pattern: &str) -> regex::Regex {
    let inner = pattern
        .strip_prefix('/')
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("{pattern} is not a /regex/ pattern"));
    regex::Regex::new(inner).unwrap()
}

fn rust_sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// What the custom regex managers extract from the Rust sources: (datasource, depName,
/// registryUrl, currentValue), datasource and registryUrl from the template when not captured.
fn extracted() -> BTreeSet<(String, String, String, String)> {
    let config = config();
    let mut files = Vec::new();
    rust_sources(&root().join("src"), &mut files);
    rust_sources(&root().join("crates"), &mut files);
    let mut found = BTreeSet::new();
    for manager in config["customManagers"].as_array().unwrap() {
        let patterns: Vec<regex::Regex> = manager["managerFilePatterns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| file_pattern(p.as_str().unwrap()))
            .collect();
        for file in &files {
            let relative = file
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !patterns.iter().any(|p| p.is_match(&relative)) {
                continue;
            }
            let text = std::fs::read_to_string(file).unwrap();
            for pattern in manager["matchStrings"].as_array().unwrap() {
                let pattern = regex::Regex::new(pattern.as_str().unwrap()).unwrap();
                for captures in pattern.captures_iter(&text) {
                    let group = |name: &str| captures.name(name).map(|m| m.as_str().to_owned());
                    let datasource = group("datasource")
                        .or_else(|| manager["datasourceTemplate"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| panic!("{relative}: no datasource"));
                    found.insert((
                        datasource,
                        group("depName").unwrap(),
                        group("registryUrl").unwrap_or_default(),
                        group("currentValue").unwrap(),
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_chart_of_the_catalog_is_tracked_in_its_source() {
    let found = extracted();
    for chart in CATALOG {
        let expected = match chart.repository.kind {
            RepositoryKind::Http => (
                "helm".to_owned(),
                chart.name.to_owned(),
                chart.repository.url.to_owned(),
                chart.version.to_owned(),
            ),
            RepositoryKind::Oci => (
                "docker".to_owned(),
                format!(
                    "{}/{}",
                    chart.repository.url.trim_start_matches("oci://"),
                    chart.name
                ),
                String::new(),
                chart.version.to_owned(),
            ),
            other => panic!("{other:?}: a new repository kind; teach renovate.json and this test"),
        };
        assert!(
            found.contains(&expected),
            "renovate.json does not track chart {} {} (found {found:#?})",
            chart.name,
            chart.version
        );
    }
}

#[test]
fn every_terraform_provider_pin_is_tracked_in_its_source() {
    let found = extracted();
    for (provider, version) in [
        ("hashicorp/aws", bkt_platform::AWS_PROVIDER_VERSION),
        ("hashicorp/aws", bkt_platform::atlas::AWS_VERSION),
        (
            "mongodb/mongodbatlas",
            bkt_platform::atlas::MONGODBATLAS_VERSION,
        ),
        ("hashicorp/random", bkt_platform::atlas::RANDOM_VERSION),
    ] {
        let expected = (
            "terraform-provider".to_owned(),
            provider.to_owned(),
            String::new(),
            version.to_owned(),
        );
        assert!(
            found.contains(&expected),
            "{provider} {version} is not tracked"
        );
    }
}

/// The Flux distribution every `FluxInstance` runs (and e2e.yml installs) is pinned once, in
/// the library's source, where a manager finds it as a flux2 release.
#[test]
fn the_flux_distribution_pin_is_tracked_in_its_source() {
    let expected = (
        "github-releases".to_owned(),
        "fluxcd/flux2".to_owned(),
        String::new(),
        bkt_platform::flux::kinds::flux_instance::FLUX_VERSION.to_owned(),
    );
    assert!(
        extracted().contains(&expected),
        "renovate.json does not track the Flux distribution pin"
    );
}

#[test]
fn no_generated_file_is_offered_to_a_manager() {
    let config = config();
    let ignored: Vec<&str> = config["ignorePaths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let tree = render(&PlatformSpec::default()).unwrap();
    for (path, _) in tree.generated() {
        // Every generated folder is ignored as `<folder>/**`.
        let covered = ignored.iter().any(|glob| {
            glob.strip_suffix("/**")
                .is_some_and(|folder| path.starts_with(&format!("{folder}/")))
        });
        // The sample chart's generated schema sits in the hand-written chart, which Renovate
        // may read (helm-values, helmv3): it pins nothing.
        let pins_nothing = path.ends_with("values.schema.json");
        assert!(
            covered || pins_nothing,
            "renovate.json does not ignore generated {path}"
        );
    }
    // The managers that would edit generated files are off.
    let managers: Vec<&str> = config["enabledManagers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for generated in ["flux", "terraform", "kubernetes"] {
        assert!(
            !managers.contains(&generated),
            "{generated} would edit generated files"
        );
    }
    assert!(
        managers.contains(&"cargo"),
        "the workspace's crates are tracked"
    );
}

/// Whether a Renovate glob (`prefix/**` or an exact name) matches `name`.
fn glob_matches(glob: &str, name: &str) -> bool {
    glob.strip_suffix("**")
        .map_or(glob == name, |prefix| name.starts_with(prefix))
}

/// The twin's go.mod files (its pinned programs and its harness) are bumped as one group that
/// is never merged automatically: a bump rebuilds every program and must pass `make twin`.
#[test]
fn the_twins_modules_are_one_group_never_automerged() {
    let config = config();
    let rules = config["packageRules"].as_array().unwrap();
    let matches = |rule: &Value, field: &str, name: &str| {
        rule[field].as_array().is_none_or(|globs| {
            globs
                .iter()
                .any(|glob| glob_matches(glob.as_str().unwrap(), name))
        })
    };
    for (file, package) in [
        ("tests/twin/go.mod", "helm.sh/helm/v4"),
        ("tests/twin/bins/kube/go.mod", "k8s.io/kubernetes"),
        (
            "tests/twin/bins/flux/go.mod",
            "github.com/fluxcd/source-controller",
        ),
    ] {
        assert!(root().join(file).exists(), "{file}");
        // Renovate applies every matching rule in order: the last one that sets a field wins.
        let (mut group, mut automerge) = (None, None);
        for rule in rules {
            let gomod = rule["matchManagers"]
                .as_array()
                .is_none_or(|managers| managers.iter().any(|m| m == "gomod"));
            if gomod
                && matches(rule, "matchFileNames", file)
                && matches(rule, "matchPackageNames", package)
            {
                group = rule["groupName"].as_str().or(group);
                automerge = rule["automerge"].as_bool().or(automerge);
            }
        }
        assert_eq!(group, Some("twin"), "{file}: {package}");
        assert_eq!(automerge, Some(false), "{file}: {package}");
    }
}
