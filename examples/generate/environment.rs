//! The environment files' I/O half: finding and reading a folder's `environments/*.toml`, and
//! replacing one atomically after an image-tag change. The rules and the edit itself are pure and live in
//! `bkt_reference::settings`; shared by the `generate` example and the workspace tests.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use bkt_reference::PlatformSpec;
use bkt_reference::settings::{self, ImageTag, ImageTagEdit, Settings};

/// Why the data file could not be used.
#[derive(Debug)]
pub enum Failure {
    /// The file is not there.
    Missing(PathBuf),
    /// The file could not be read or written.
    Io(PathBuf, io::Error),
    /// The file, or the tag asked for, breaks a rule.
    Invalid(PathBuf, bkt_reference::Error),
}

impl Failure {
    /// The exit status: 2 for a missing or invalid file or tag (fix the input), 1 for I/O.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Missing(_) | Self::Invalid(..) => 2,
            Self::Io(..) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(path) => write!(
                f,
                "{} does not exist: the generator reads the environments from \
                 environments/<name>.toml (or --spec FILE)",
                path.display()
            ),
            Self::Io(path, error) => write!(f, "{}: {error}", path.display()),
            Self::Invalid(path, error) => write!(f, "{}: {error}", path.display()),
        }
    }
}

/// The dev environment's file of the checkout at `root`.
#[must_use]
pub fn path(root: &Path) -> PathBuf {
    root.join(settings::DEV_SETTINGS_PATH)
}

/// The environment a file describes: its name without `.toml`.
#[must_use]
pub fn name_of(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every environment file (`*.toml`) of the folder `dir`, sorted by name.
///
/// # Errors
/// The folder is missing or unreadable, or holds no environment file.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = fs::read_dir(dir).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => Failure::Missing(dir.to_owned()),
        _ => Failure::Io(dir.to_owned(), error),
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| Failure::Io(dir.to_owned(), error))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(Failure::Missing(dir.join("<name>.toml")));
    }
    Ok(found)
}

/// The reference platform with every environment of the checkout at `root`.
///
/// # Errors
/// As [`read_all`]; an environment's bad value as [`Failure::Invalid`] of its folder.
pub fn platform(root: &Path) -> Result<PlatformSpec, Failure> {
    PlatformSpec::from_environments(read_all(root)?)
        .map_err(|error| Failure::Invalid(root.join(settings::ENVIRONMENTS_DIR), error))
}

/// Reads and validates every environment file of the checkout at `root`
/// (`environments/*.toml`), each with its environment's name.
///
/// # Errors
/// As [`files`] and [`read_file`].
pub fn read_all(root: &Path) -> Result<Vec<(String, Settings)>, Failure> {
    files(&root.join(settings::ENVIRONMENTS_DIR))?
        .into_iter()
        .map(|path| read_file(&path).map(|settings| (name_of(&path), settings)))
        .collect()
}

fn read_text(path: &Path) -> Result<String, Failure> {
    fs::read_to_string(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => Failure::Missing(path.to_owned()),
        _ => Failure::Io(path.to_owned(), error),
    })
}

/// Reads and validates the data file of the checkout at `root`.
///
/// # Errors
/// The file is missing, unreadable or invalid.
pub fn read(root: &Path) -> Result<Settings, Failure> {
    read_file(&path(root))
}

/// Reads and validates the data (spec) file at `path`.
///
/// # Errors
/// The file is missing, unreadable or invalid.
pub fn read_file(path: &Path) -> Result<Settings, Failure> {
    let path = path.to_owned();
    let text = read_text(&path)?;
    settings::parse(&text).map_err(|error| Failure::Invalid(path, error))
}

/// An image-tag change of the data file, computed and validated but not yet written.
#[derive(Debug)]
pub struct TagChange {
    /// The data file.
    pub path: PathBuf,
    /// The new text and settings.
    pub edit: ImageTagEdit,
}

impl TagChange {
    /// One line for the log: the change, or that there is nothing to do.
    #[must_use]
    pub fn summary(&self) -> String {
        let tag = &self.edit.settings.sample_app.image_tag;
        let field = settings::IMAGE_TAG_FIELD;
        if self.edit.changed() {
            format!(
                "{}: {field} {} -> {tag}",
                self.path.display(),
                self.edit.previous
            )
        } else {
            format!(
                "{}: {field} already {tag}, nothing to do",
                self.path.display()
            )
        }
    }

    /// Writes the new text if it differs (atomically); a change already in place writes
    /// nothing.
    ///
    /// # Errors
    /// The file could not be replaced.
    pub fn write(&self) -> io::Result<()> {
        if !self.edit.changed() {
            return Ok(());
        }
        write_atomic(&self.path, self.edit.text.as_bytes())
    }
}

/// Validates `tag` and computes the data file of the checkout at `root` with it; writes
/// nothing.
///
/// # Errors
/// The tag is not a full commit SHA, or the file is missing, unreadable or invalid after the
/// change.
pub fn set_image_tag(root: &Path, tag: &str) -> Result<TagChange, Failure> {
    set_image_tag_in(&path(root), tag)
}

/// Validates `tag` and computes the data (spec) file at `path` with it; writes nothing.
///
/// # Errors
/// As [`set_image_tag`].
pub fn set_image_tag_in(path: &Path, tag: &str) -> Result<TagChange, Failure> {
    let path = path.to_owned();
    let tag = ImageTag::new(tag).map_err(|error| Failure::Invalid(path.clone(), error))?;
    let text = read_text(&path)?;
    let edit = settings::with_image_tag(&text, &tag)
        .map_err(|error| Failure::Invalid(path.clone(), error))?;
    Ok(TagChange { path, edit })
}

/// Replaces `path` with `bytes` through a temporary file in the same folder and a rename, so a
/// reader (or a crash) never sees half a file; the file keeps its permissions.
///
/// # Errors
/// Any I/O error; the temporary file is removed then.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let permissions = fs::metadata(path)?.permissions();
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().set_permissions(permissions)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}
