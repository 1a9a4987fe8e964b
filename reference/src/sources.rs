//! The hand-written files of the reference platform that its layout carries as they are: the
//! sample chart (edited in place by the app team; its `values.schema.json` is generated), the
//! Vault Jobs' scripts and policies, and the logs' setup script. [`crate::render`] puts them into the tree, so a layout
//! written into any folder is complete, and the drift check sees a copy that differs.
//!
//! The files live where Flux reads them (`gitops/…`) and this crate includes them at compile
//! time; this crate is never published, so reading the repository it belongs to is its business.

use bkt_core::{FileKind, Tree};

use crate::gitops::logs;
use crate::gitops::vault::{BOOTSTRAP_FILES, OIDC_FILES, VaultBootstrap, VaultOidcBootstrap};
use crate::{GENERATOR, Result};

/// The sample chart's folder, from the repository root.
pub const SAMPLE_CHART_DIR: &str = "gitops/charts/sample-app";

/// The sample chart's hand-written files, by path in its folder. A test compares the list with
/// the folder, so a file the app team adds is not left out.
pub const SAMPLE_CHART_FILES: [(&str, &str); 18] = [
    (
        ".helmignore",
        include_str!("../../gitops/charts/sample-app/.helmignore"),
    ),
    (
        "Chart.yaml",
        include_str!("../../gitops/charts/sample-app/Chart.yaml"),
    ),
    (
        "README.md",
        include_str!("../../gitops/charts/sample-app/README.md"),
    ),
    (
        "dashboards/sample-app.json",
        include_str!("../../gitops/charts/sample-app/dashboards/sample-app.json"),
    ),
    (
        "templates/NOTES.txt",
        include_str!("../../gitops/charts/sample-app/templates/NOTES.txt"),
    ),
    (
        "templates/_helpers.tpl",
        include_str!("../../gitops/charts/sample-app/templates/_helpers.tpl"),
    ),
    (
        "templates/configmap.yaml",
        include_str!("../../gitops/charts/sample-app/templates/configmap.yaml"),
    ),
    (
        "templates/dashboard.yaml",
        include_str!("../../gitops/charts/sample-app/templates/dashboard.yaml"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("../../gitops/charts/sample-app/templates/deployment.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("../../gitops/charts/sample-app/templates/hpa.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("../../gitops/charts/sample-app/templates/ingress.yaml"),
    ),
    (
        "templates/networkpolicy.yaml",
        include_str!("../../gitops/charts/sample-app/templates/networkpolicy.yaml"),
    ),
    (
        "templates/pdb.yaml",
        include_str!("../../gitops/charts/sample-app/templates/pdb.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("../../gitops/charts/sample-app/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("../../gitops/charts/sample-app/templates/serviceaccount.yaml"),
    ),
    (
        "templates/servicemonitor.yaml",
        include_str!("../../gitops/charts/sample-app/templates/servicemonitor.yaml"),
    ),
    (
        "templates/tests/test-api.yaml",
        include_str!("../../gitops/charts/sample-app/templates/tests/test-api.yaml"),
    ),
    (
        "values.yaml",
        include_str!("../../gitops/charts/sample-app/values.yaml"),
    ),
];

/// The hand-written files as a tree: the sample chart's and the Vault folders' scripts and
/// policies, at their paths from the repository root.
///
/// # Errors
/// [`crate::Error::Core`] when two files share a path (never for these lists).
pub fn tree() -> Result<Tree> {
    let mut tree = Tree::new(GENERATOR);
    for (path, content) in SAMPLE_CHART_FILES {
        tree.insert(
            &format!("{SAMPLE_CHART_DIR}/{path}"),
            FileKind::Source,
            content,
        )?;
    }
    let folders = [
        (VaultBootstrap::FOLDER, &BOOTSTRAP_FILES[..]),
        (VaultOidcBootstrap::FOLDER, &OIDC_FILES[..]),
        (logs::FOLDER, &logs::SETUP_FILES[..]),
    ];
    for (folder, files) in folders {
        // The OIDC Job also reads two of the bootstrap's scripts (`../vault-bootstrap/…`):
        // those are the bootstrap folder's files, carried once.
        for (name, content) in files.iter().filter(|(name, _)| !name.starts_with("../")) {
            tree.insert(
                &format!("gitops/{folder}/{name}"),
                FileKind::Source,
                content,
            )?;
        }
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Every file of the chart's folder but the generated schema, relative to it.
    fn on_disk(dir: &Path, prefix: &str, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                on_disk(&entry.path(), &format!("{name}/"), found);
            } else if name != "values.schema.json" {
                found.push(name);
            }
        }
    }

    #[test]
    fn the_chart_list_is_the_charts_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(SAMPLE_CHART_DIR);
        let mut found = Vec::new();
        on_disk(&dir, "", &mut found);
        found.sort();
        let mut listed: Vec<&str> = SAMPLE_CHART_FILES.iter().map(|(path, _)| *path).collect();
        listed.sort_unstable();
        assert_eq!(
            found, listed,
            "list every file of {SAMPLE_CHART_DIR} in SAMPLE_CHART_FILES (reference/src/sources.rs)"
        );
    }

    #[test]
    fn the_vault_folders_carry_their_scripts_once() {
        let tree = tree().unwrap();
        assert!(
            tree.get("gitops/infrastructure/vault-bootstrap/store.sh")
                .is_some()
        );
        assert!(
            tree.get("gitops/infrastructure/vault-oidc/oidc.sh")
                .is_some()
        );
        assert!(
            tree.get("gitops/infrastructure/vault-oidc/store.sh")
                .is_none()
        );
    }
}
