//! What Flux applies from the tree: the files reached from the Flux Kustomizations' paths
//! through `kustomization.yaml` `resources` and `components`, as kustomize-controller builds
//! them.
//!
//! A Kustomization's path is built through the folder's `kustomization.yaml` when it has one;
//! without one, kustomize-controller generates it, listing every YAML file below the folder
//! except those under a subfolder with a kustomization file, which it lists as a folder. A
//! listed folder is built through its own kustomization file (kustomize cannot build a folder
//! without one). Nothing else in a followed folder is applied.
//!
//! The cluster entries are the Flux Kustomizations that no other Kustomization of the tree
//! applies: bootstrap applies them, through the folder that holds them, which is followed the
//! same way.

use std::collections::{BTreeMap, BTreeSet};

use bkt_core::yaml::ValueRef;

use super::api_group::is_kustomize_file;
use crate::manifest::ManifestFile;
use crate::{Error, Result};

/// The tree as following reads it: its files by path and its hand-written folders.
#[derive(Debug, Clone, Copy)]
pub(super) struct Files<'t> {
    pub(super) files: &'t BTreeMap<String, ManifestFile>,
    pub(super) hand_written: &'t BTreeSet<String>,
}

impl Files<'_> {
    /// Whether `path` (relative to the tree) is a registered hand-written folder or inside one.
    fn is_hand_written(&self, path: &str) -> bool {
        self.hand_written.iter().any(|written| {
            written == path
                || path
                    .strip_prefix(written.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

/// The names kustomize recognises as a folder's kustomization file, in its order of preference.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The files Flux applies, and the folders whose every file must be applied or used.
#[derive(Debug, Default)]
pub(super) struct Followed {
    /// Manifests Flux applies.
    applied: BTreeSet<String>,
    /// Files a followed kustomization reads without applying them: the kustomization files
    /// themselves and patch files.
    used: BTreeSet<String>,
    /// Folders whose kustomization file was built (each once).
    built: BTreeSet<String>,
    /// Folders a Flux Kustomization's path or bootstrap applies.
    roots: BTreeSet<String>,
}

impl Followed {
    /// Follows the path of every Flux Kustomization in `kustomizations` (its file, and the
    /// folder of the tree its path names, if any), then the folders of the entries (the
    /// Kustomizations no path applies), and checks that no listed entry is missing and no file
    /// under a followed folder is left unlisted.
    ///
    /// # Errors
    /// [`Error::MissingResource`], [`Error::FolderWithoutKustomization`] or
    /// [`Error::UnlistedFile`], the first found.
    pub(super) fn new(tree: Files<'_>, kustomizations: &[(&str, Option<String>)]) -> Result<Self> {
        let mut followed = Self::default();
        for folder in kustomizations
            .iter()
            .filter_map(|(_, folder)| folder.as_deref())
        {
            followed.follow(tree, folder)?;
        }
        let entry_folders: BTreeSet<&str> = kustomizations
            .iter()
            .filter(|(file, _)| !followed.applied.contains(*file))
            .map(|(file, _)| parent(file))
            .collect();
        for folder in entry_folders {
            followed.follow(tree, folder)?;
        }
        followed.check_unlisted(tree)?;
        Ok(followed)
    }

    /// Whether Flux applies `file`.
    pub(super) fn applies(&self, file: &str) -> bool {
        self.applied.contains(file)
    }

    /// Applies `folder` as kustomize-controller applies a Kustomization's path.
    fn follow(&mut self, tree: Files<'_>, folder: &str) -> Result<()> {
        if tree.is_hand_written(folder) || !self.roots.insert(folder.to_owned()) {
            return Ok(());
        }
        if kustomization_file(tree, folder).is_some() {
            return self.build(tree, folder);
        }
        // What kustomize-controller generates: every YAML file below, a subfolder with its own
        // kustomization file as that folder.
        let mut subfolders = Vec::new();
        for path in tree.files.keys().filter(|path| is_under(path, folder)) {
            match built_subfolder(tree, folder, path) {
                Some(subfolder) => subfolders.push(subfolder),
                None if is_yaml(path) => {
                    self.applied.insert(path.clone());
                }
                None => {}
            }
        }
        for subfolder in subfolders {
            self.build(tree, &subfolder)?;
        }
        Ok(())
    }

    /// Builds `folder` through its kustomization file: what `resources` and `components` list.
    fn build(&mut self, tree: Files<'_>, folder: &str) -> Result<()> {
        let Some(file) = kustomization_file(tree, folder) else {
            return Ok(());
        };
        if !self.built.insert(folder.to_owned()) {
            return Ok(());
        }
        self.used.insert(file.clone());
        let Some(content) = tree.files.get(&file).and_then(|manifest| {
            manifest
                .documents()
                .iter()
                .map(crate::Manifest::object)
                .find(|object| is_kustomize_file(*object))
        }) else {
            return Ok(());
        };
        for patch in content
            .get("patches")
            .map(ValueRef::items)
            .unwrap_or_default()
        {
            if let Some(path) = patch
                .get("path")
                .and_then(ValueRef::as_str)
                .and_then(|path| resolve(folder, path))
            {
                self.used.insert(path);
            }
        }
        for field in ["resources", "components"] {
            let entries = content.get(field).map(ValueRef::items).unwrap_or_default();
            for (index, entry) in entries.into_iter().enumerate() {
                let Some(entry) = entry.as_str().filter(|entry| !is_remote(entry)) else {
                    continue;
                };
                let missing = || Error::MissingResource {
                    kustomization: file.clone(),
                    field: format!("{field}[{index}]"),
                    entry: entry.to_owned(),
                };
                let path = resolve(folder, entry).ok_or_else(missing)?;
                if tree.files.contains_key(&path) {
                    self.applied.insert(path);
                } else if tree.is_hand_written(&path) {
                    // Hand-written files are not the tree's to check.
                } else if kustomization_file(tree, &path).is_some() {
                    self.build(tree, &path)?;
                } else if tree.files.keys().any(|file| is_under(file, &path)) {
                    return Err(Error::FolderWithoutKustomization {
                        kustomization: file.clone(),
                        field: format!("{field}[{index}]"),
                        entry: entry.to_owned(),
                    });
                } else {
                    return Err(missing());
                }
            }
        }
        Ok(())
    }

    /// The first file under a followed folder that no built kustomization file lists.
    fn check_unlisted(&self, tree: Files<'_>) -> Result<()> {
        let followed: Vec<&String> = self.roots.iter().chain(&self.built).collect();
        for path in tree.files.keys() {
            if self.applied.contains(path) || self.used.contains(path) || is_kustomization(path) {
                continue;
            }
            let Some(top) = followed
                .iter()
                .filter(|folder| is_under(path, folder))
                .min_by_key(|folder| folder.len())
            else {
                continue;
            };
            // Up from the file: the nearest built kustomization file should list it, or the
            // nearest unbuilt one's folder, which then stands for the file.
            let mut unlisted = path.clone();
            let mut folder = parent(path);
            loop {
                if let Some(file) = kustomization_file(tree, folder) {
                    if self.built.contains(folder) {
                        return Err(Error::UnlistedFile {
                            file: unlisted,
                            kustomization: file,
                        });
                    }
                    folder.clone_into(&mut unlisted);
                }
                if folder == top.as_str() || folder.is_empty() {
                    break;
                }
                folder = parent(folder);
            }
        }
        Ok(())
    }
}

/// The folder of `path` (`""` at the top).
fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..slash])
}

/// Whether `path` lies below `folder` (`""` holds everything).
fn is_under(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether kustomize-controller lists `path` in the kustomization it generates: its extension
/// is exactly `yaml` or `yml` (compared as written, as the controller does).
fn is_yaml(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|extension| extension == "yaml" || extension == "yml")
}

/// Whether `path` is named as a kustomization file.
fn is_kustomization(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    KUSTOMIZATION_FILES.contains(&name)
}

/// The kustomization file of `folder`, when the tree has one.
fn kustomization_file(tree: Files<'_>, folder: &str) -> Option<String> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|name| join(folder, name))
        .find(|path| tree.files.contains_key(path))
}

/// The shallowest folder between `folder` (excluded) and `path`'s own folder that has a
/// kustomization file: kustomize-controller lists that folder instead of the files below it.
fn built_subfolder(tree: Files<'_>, folder: &str, path: &str) -> Option<String> {
    let rest = if folder.is_empty() {
        path
    } else {
        path.get(folder.len() + 1..)?
    };
    let mut current = folder.to_owned();
    let parts: Vec<&str> = rest.split('/').collect();
    for part in parts.split_last().map_or(&[][..], |(_, folders)| folders) {
        current = join(&current, part);
        if kustomization_file(tree, &current).is_some() {
            return Some(current);
        }
    }
    None
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        [folder, name].join("/")
    }
}

/// `entry` of the kustomization in `folder`, as a path of the tree; `None` when it leaves
/// the tree.
fn resolve(folder: &str, entry: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|part| !part.is_empty()).collect();
    for part in entry.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Whether a kustomize entry names a remote base (a URL or a Git address), which the tree
/// cannot check.
fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.contains("?ref=")
}

#[cfg(test)]
mod tests {
    use super::{is_remote, resolve};

    #[test]
    fn entries_resolve_inside_the_tree_only() {
        assert_eq!(
            resolve("apps/dev", "../../base/app").as_deref(),
            Some("base/app")
        );
        assert_eq!(
            resolve("apps/dev", "./x.yaml").as_deref(),
            Some("apps/dev/x.yaml")
        );
        assert_eq!(resolve("", "a/").as_deref(), Some("a"));
        assert_eq!(resolve("apps", "../../outside"), None);
    }

    #[test]
    fn remote_bases_are_recognised() {
        assert!(is_remote("https://github.com/org/repo//deploy?ref=v1"));
        assert!(is_remote("github.com/org/repo/deploy?ref=v1"));
        assert!(!is_remote("../base"));
    }
}
