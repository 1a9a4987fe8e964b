//! Shared core of the BKT crates: what every model needs to become files.
//!
//! - [`Name`]: validated Terraform identifiers ([`name!`] checks a literal at compile time).
//! - [`hcl`]: Terraform modules as typed values and a writer whose output is byte-identical to
//!   `terraform fmt`, comments included.
//! - [`yaml`] (feature `yaml`, on by default): the YAML writer for Kubernetes objects (YAML
//!   1.1-safe, stable key order). The sibling crates of a Terraform-only build leave it off.
//! - [`Tree`]: the in-memory file tree a render produces (ordered path → bytes), with the
//!   generated-file [`header`] on every file.
//!
//! Nothing here performs I/O: writing a tree to disk is the caller's business.

mod error;
pub mod hcl;
pub mod header;
mod name;
mod tree;
#[cfg(feature = "yaml")]
pub mod yaml;

pub use error::{Error, Invalid, Report, Result};
pub use name::{MAX_NAME_LEN, Name};
pub use tree::{FileKind, MANIFEST_PATH, Tree};
