//! Drift between a rendered [`Tree`] and the generated files of a checkout.
//!
//! Pure: the caller reads the checkout and hands its generated files in (the `generate`
//! example and the drift test share that reading), this module says what differs.

use std::collections::BTreeMap;

use crate::Tree;

/// How one generated file differs from the checkout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Drift {
    /// The file is rendered but absent from the checkout.
    Missing {
        /// Path from the repository root.
        path: String,
        /// The rendered bytes.
        expected: Vec<u8>,
    },
    /// The file differs from its rendering.
    Changed {
        /// Path from the repository root.
        path: String,
        /// The rendered bytes.
        expected: Vec<u8>,
        /// The bytes in the checkout.
        actual: Vec<u8>,
    },
    /// The checkout holds a generated file that is no longer rendered.
    Stale {
        /// Path from the repository root.
        path: String,
        /// The bytes in the checkout.
        actual: Vec<u8>,
    },
}

impl Drift {
    /// The path from the repository root.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Missing { path, .. } | Self::Changed { path, .. } | Self::Stale { path, .. } => {
                path
            }
        }
    }
}

/// Every rendered file (and the manifest, if any) with its path.
#[must_use]
pub fn expected_files(tree: &Tree) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = tree
        .files()
        .map(|(path, bytes)| (path.to_owned(), bytes.to_vec()))
        .collect();
    if let Some(manifest) = tree.manifest() {
        files.insert(bkt_core::MANIFEST_PATH.to_owned(), manifest);
    }
    files
}

/// Compares the tree with `on_disk`: the checkout's bytes for every rendered path that exists,
/// plus every file under the generated roots the caller names that carries the generated header (or is
/// listed in the manifest).
#[must_use]
pub fn compare(tree: &Tree, on_disk: &BTreeMap<String, Vec<u8>>) -> Vec<Drift> {
    let expected = expected_files(tree);
    let mut drift = Vec::new();
    for (path, bytes) in &expected {
        match on_disk.get(path) {
            None => drift.push(Drift::Missing {
                path: path.clone(),
                expected: bytes.clone(),
            }),
            Some(actual) if actual != bytes => drift.push(Drift::Changed {
                path: path.clone(),
                expected: bytes.clone(),
                actual: actual.clone(),
            }),
            Some(_) => {}
        }
    }
    for (path, actual) in on_disk {
        if !expected.contains_key(path) {
            drift.push(Drift::Stale {
                path: path.clone(),
                actual: actual.clone(),
            });
        }
    }
    drift.sort_by(|a, b| a.path().cmp(b.path()));
    drift
}
