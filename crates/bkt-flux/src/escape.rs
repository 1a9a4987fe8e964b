//! The one place this crate writes Flux substitution syntax: a reference that Flux must leave
//! alone. The repository's text check (`tests/tidy.rs`) lists this file among the writers; every
//! other `${…}` in the tree comes from the platform's cluster-vars contract.

/// A `${NAME}` reference that Flux's substitution leaves for the workload to resolve (an
/// environment variable in a chart's configuration file): written with Flux's escape, `$$`, so
/// [`crate::GitOpsTree`]'s check and Flux itself skip it, and Flux writes `${NAME}`.
///
/// ```
/// use bkt_flux::{GitOpsTree, Manifest, ManifestFile, escaped_reference};
/// use std::collections::BTreeMap;
///
/// let config = BTreeMap::from([("password", escaped_reference("DB_PASSWORD"))]);
/// let mut tree = GitOpsTree::new("gitops", &[]);
/// tree.insert("config.yaml", ManifestFile::single(Manifest::new(&config)?))?;
/// // No cluster var `DB_PASSWORD`, and still the tree renders: the reference is escaped.
/// let files = tree.to_tree("my-generator")?;
/// let text = String::from_utf8_lossy(files.get("config.yaml").unwrap_or_default());
/// assert!(text.ends_with("password: $${DB_PASSWORD}\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[must_use]
pub fn escaped_reference(name: &str) -> String {
    format!("$${{{name}}}")
}
