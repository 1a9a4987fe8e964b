//! Reading a checkout's generated files and writing a tree: the I/O half of the drift check,
//! shared by the `generate` example and the workspace's drift test.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read as _};
use std::path::Path;

use bkt_platform::Tree;
use bkt_platform::core::{MANIFEST_PATH, header};
use bkt_reference::GENERATED_ROOTS;

/// Enough of a file to see its first line.
const HEADER_PROBE: u64 = 512;

fn starts_with_header(path: &Path) -> io::Result<bool> {
    let mut start = Vec::new();
    fs::File::open(path)?
        .take(HEADER_PROBE)
        .read_to_end(&mut start)?;
    Ok(header::is_generated(&start))
}

fn walk(root: &Path, relative: &str, found: &mut Vec<String>) -> io::Result<()> {
    let dir = root.join(relative);
    if !dir.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<_> = fs::read_dir(&dir)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Provider caches and tool state (.terraform/, .venv/) are never generated.
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{relative}/{name}");
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, found)?;
        } else if kind.is_file() && starts_with_header(&entry.path())? {
            found.push(path);
        }
    }
    Ok(())
}

/// The generated files of the checkout at `root`: every path the tree renders that exists,
/// every file under the generated roots that carries the header, and every file the
/// checkout's manifest lists.
pub fn read_generated(root: &Path, tree: &Tree) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let mut paths: Vec<String> = tree.files().map(|(path, _)| path.to_owned()).collect();
    paths.push(MANIFEST_PATH.to_owned());
    for generated_root in GENERATED_ROOTS {
        walk(root, generated_root, &mut paths)?;
    }
    if let Ok(manifest) = fs::read_to_string(root.join(MANIFEST_PATH)) {
        paths.extend(
            manifest
                .lines()
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(str::to_owned),
        );
    }
    let mut files = BTreeMap::new();
    for path in paths {
        match fs::read(root.join(&path)) {
            Ok(bytes) => {
                files.insert(path, bytes);
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    Ok(files)
}
