//! The in-memory file tree a render produces.

use std::collections::{BTreeMap, BTreeSet};

use crate::header;
use crate::{Error, Result};

/// Where the tree lists the generated files that cannot carry a header comment (JSON).
pub const MANIFEST_PATH: &str = ".generated-files";

/// The syntax of a generated file, which decides how its header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FileKind {
    /// Terraform (`.tf`): header as a `#` comment, then a blank line.
    Hcl,
    /// YAML: header as a `#` comment.
    Yaml,
    /// Markdown: header as an HTML comment, then a blank line.
    Markdown,
    /// JSON: no comment syntax; the path is listed in [`MANIFEST_PATH`] instead.
    Json,
    /// A hand-written file its owner carries into the tree as it is (a script, a policy, a
    /// chart's template): no header and not listed in [`MANIFEST_PATH`], because it is not
    /// generated. The tree holds it so that a layout written anywhere is complete, and the drift
    /// check still sees a copy that differs from its owner's.
    Source,
}

/// An ordered map from a relative path (`/`-separated) to the bytes of a generated file.
///
/// Every file gets the generated-file header for its [`FileKind`]; rendering the same models
/// twice gives the same tree, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tree {
    generator: String,
    files: BTreeMap<String, Vec<u8>>,
    headerless: BTreeSet<String>,
    sources: BTreeSet<String>,
}

fn check_path(path: &str) -> Result<()> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(Error::invalid(
            "path",
            path,
            "use a relative path of '/'-separated names, without '.', '..' or empty parts (e.g. terraform/modules/network/main.tf)",
        ));
    }
    if path == MANIFEST_PATH {
        return Err(Error::invalid(
            "path",
            path,
            "this path is reserved for the list of headerless generated files; choose another",
        ));
    }
    Ok(())
}

impl Tree {
    /// ```
    /// use bkt_core::{FileKind, Tree};
    /// let mut tree = Tree::new("my-generator");
    /// tree.insert("modules/queue/main.tf", FileKind::Hcl, "locals {}\n")?;
    /// let text = std::str::from_utf8(tree.get("modules/queue/main.tf").unwrap()).unwrap();
    /// assert!(text.starts_with("# ") && text.ends_with("\n\nlocals {}\n"));
    /// // Each path comes from one model: a second file at the same path is refused.
    /// assert!(tree.insert("modules/queue/main.tf", FileKind::Hcl, "").is_err());
    /// assert!(tree.insert("../outside.tf", FileKind::Hcl, "").is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// An empty tree whose headers name `generator`.
    #[must_use]
    pub fn new(generator: impl Into<String>) -> Self {
        Self {
            generator: generator.into(),
            ..Self::default()
        }
    }

    /// Adds a generated file: the header for `kind` followed by `content`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a path that is not relative and normal, and
    /// [`Error::DuplicatePath`] when the path is already in the tree.
    pub fn insert(&mut self, path: &str, kind: FileKind, content: &str) -> Result<()> {
        check_path(path)?;
        if self.files.contains_key(path) {
            return Err(Error::DuplicatePath {
                path: path.to_owned(),
            });
        }
        let header = header::text(&self.generator);
        let bytes = match kind {
            FileKind::Hcl => format!("# {header}\n\n{content}"),
            FileKind::Yaml => format!("# {header}\n{content}"),
            FileKind::Markdown => format!("<!-- {header} -->\n\n{content}"),
            FileKind::Json => {
                self.headerless.insert(path.to_owned());
                content.to_owned()
            }
            FileKind::Source => {
                self.sources.insert(path.to_owned());
                content.to_owned()
            }
        };
        self.files.insert(path.to_owned(), bytes.into_bytes());
        Ok(())
    }

    /// Moves every file of `other` into this tree.
    ///
    /// # Errors
    /// [`Error::DuplicatePath`] when both trees hold a path; nothing is moved then.
    pub fn extend(&mut self, other: Tree) -> Result<()> {
        if let Some(path) = other
            .files
            .keys()
            .find(|path| self.files.contains_key(*path))
        {
            return Err(Error::DuplicatePath { path: path.clone() });
        }
        self.files.extend(other.files);
        self.headerless.extend(other.headerless);
        self.sources.extend(other.sources);
        Ok(())
    }

    /// Moves every file of `other` into this tree under `prefix/`.
    ///
    /// # Errors
    /// As [`Tree::extend`], and [`Error::Invalid`] for a bad prefix.
    pub fn extend_under(&mut self, prefix: &str, other: Tree) -> Result<()> {
        check_path(prefix)?;
        let mut moved = Tree::new(self.generator.clone());
        for (path, bytes) in other.files {
            moved.files.insert(format!("{prefix}/{path}"), bytes);
        }
        for path in other.headerless {
            moved.headerless.insert(format!("{prefix}/{path}"));
        }
        for path in other.sources {
            moved.sources.insert(format!("{prefix}/{path}"));
        }
        self.extend(moved)
    }

    /// The files, in path order, with the manifest of headerless files when there are any.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    /// The generated files, in path order: every file but the hand-written ones carried as
    /// [`FileKind::Source`].
    pub fn generated(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files()
            .filter(|(path, _)| !self.sources.contains(*path))
    }

    /// Whether `path` is a hand-written file carried as [`FileKind::Source`].
    #[must_use]
    pub fn is_source(&self, path: &str) -> bool {
        self.sources.contains(path)
    }

    /// The manifest listing the generated files that carry no header, if any do.
    #[must_use]
    pub fn manifest(&self) -> Option<Vec<u8>> {
        if self.headerless.is_empty() {
            return None;
        }
        let mut text = format!("# {}\n", header::text(&self.generator));
        for path in &self.headerless {
            text.push_str(path);
            text.push('\n');
        }
        Some(text.into_bytes())
    }

    /// The bytes of one file.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// The number of files (the manifest not counted).
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the tree holds no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_carries_the_header_or_is_listed() {
        let mut tree = Tree::new("test-gen");
        tree.insert("a/main.tf", FileKind::Hcl, "x = 1\n").unwrap();
        tree.insert("a/values.schema.json", FileKind::Json, "{}\n")
            .unwrap();
        assert_eq!(
            tree.get("a/main.tf").unwrap(),
            b"# Code generated by test-gen. DO NOT EDIT.\n\nx = 1\n"
        );
        assert!(!header::is_generated(
            tree.get("a/values.schema.json").unwrap()
        ));
        let manifest = String::from_utf8(tree.manifest().unwrap()).unwrap();
        assert_eq!(
            manifest,
            "# Code generated by test-gen. DO NOT EDIT.\na/values.schema.json\n"
        );
    }

    #[test]
    fn rejects_bad_and_duplicate_paths() {
        let mut tree = Tree::new("g");
        for bad in ["", "/abs", "a/../b", "a//b", "./a", "a\\b", MANIFEST_PATH] {
            let error = tree.insert(bad, FileKind::Yaml, "").unwrap_err();
            assert!(
                matches!(error, Error::Invalid(crate::Invalid { ref field, .. }) if field == "path"),
                "{bad}: {error}"
            );
        }
        tree.insert("x.yaml", FileKind::Yaml, "a: 1\n").unwrap();
        assert_eq!(
            tree.insert("x.yaml", FileKind::Yaml, "a: 2\n").unwrap_err(),
            Error::DuplicatePath {
                path: "x.yaml".into()
            }
        );
        let mut other = Tree::new("g");
        other.insert("x.yaml", FileKind::Yaml, "").unwrap();
        assert!(tree.extend(other).is_err());
        assert_eq!(
            tree.get("x.yaml").unwrap(),
            b"# Code generated by g. DO NOT EDIT.\na: 1\n"
        );
    }

    #[test]
    fn extend_under_prefixes_paths() {
        let mut inner = Tree::new("g");
        inner.insert("main.tf", FileKind::Hcl, "").unwrap();
        let mut outer = Tree::new("g");
        outer
            .extend_under("terraform/modules/network", inner)
            .unwrap();
        assert!(outer.get("terraform/modules/network/main.tf").is_some());
        assert_eq!(outer.len(), 1);
    }
}
