//! The YAML writer: Kubernetes objects and Flux resources as typed values in, manifest text out.
//!
//! Every YAML file the platform generates comes from [`to_string`] or [`to_documents`] applied
//! to a typed value (a k8s-openapi struct, a serde struct for a Flux CRD). No YAML is written by
//! hand or patched as text, so the rules below hold for every file and are decided only here.
//!
//! # Why serde-saphyr
//!
//! `serde_yaml` is archived and unmaintained (RUSTSEC-2024-0320), and it writes `on`, `yes`, `no`,
//! `y` and `off` unquoted. Kubernetes reads manifests with a YAML 1.1 resolver
//! (sigs.k8s.io/yaml on go-yaml v2), and so do `PyYAML` and many other tools: to them those words
//! are booleans, so a label value or a container argument silently changes type. serde-saphyr is
//! maintained, built not to panic, and — unless put in YAML 1.2 mode — quotes every string that a
//! YAML 1.1 resolver would read as something else: the boolean and null spellings, `~`, `<<`, `=`,
//! the empty string, integers in every base with underscores (`0x1F`, `0o17`, `017`, `1_000`),
//! base-60 numbers (`1:20`), floats including `.inf` and `.nan`, and timestamps (`2001-12-14`),
//! in keys as well as values. kube-rs made the same move.
//!
//! # Output rules
//!
//! - **Indentation** is two spaces per level.
//! - **Lists are indented** under their key (`containers:` then `  - name: app`), as Flux's own
//!   examples and hand-written manifests write them, rather than kubectl's compact output.
//! - **Key order** is the value's own: struct fields in declaration order, maps in iteration
//!   order. The one exception is a top-level Kubernetes object (a mapping with both `apiVersion`
//!   and `kind`): `apiVersion`, `kind` and `metadata` come first, in that order, as in every
//!   hand-written manifest (k8s-openapi serializes fields alphabetically, putting `data` and
//!   `spec` before `metadata`). The value is recorded into an ordered tree first, reordered there
//!   and then serialized. Nested mappings keep their order, and so does a top-level mapping
//!   without `apiVersion`, such as Helm values with a `kind: DaemonSet` setting.
//! - **Long single-line strings are never folded.** serde-saphyr folds strings longer than 80
//!   characters into `>-` blocks by default, which leaves a trailing space on a broken line and is
//!   where round-trips go wrong; its automatic block styles are switched off, so a long string is
//!   one plain (or double-quoted) line, however long.
//! - **Multi-line strings are literal block scalars** (`|` when the string ends in one newline,
//!   `|-` when it ends in none), so scripts and configuration files stay readable and diffable.
//!   A leading space on the first line gets an indentation indicator (`|2`). Where a literal block
//!   cannot hold a string exactly and cleanly, it is double-quoted with escapes instead: a line
//!   that ends in a space or tab (a block would keep it, as trailing whitespace that linters and
//!   editors strip), two or more trailing newlines (a `|+` block would end the file with blank
//!   lines), a string of newlines only, a first line starting with a tab (go-yaml v2, which
//!   Kubernetes uses, rejects that block), and characters a block cannot hold (`\r`, control
//!   characters, a byte-order mark, the Unicode line and paragraph separators).
//! - **Documents** in a stream are separated by a `---` line, without one before the first: the
//!   form of hand-written multi-document files. Each document ends in exactly one newline.
//!
//! serde-saphyr's own style wrappers (`serde_saphyr::LitStr`, `DoubleQuoted`, `FlowSeq`, …) are
//! honoured as written, content included: a caller who picks a style by hand gets that style.
//!
//! ```
//! # fn main() -> bkt_core::Result<()> {
//! #[derive(serde::Serialize)]
//! struct Probe<'a> {
//!     command: Vec<&'a str>,
//!     enabled: &'a str,
//! }
//!
//! let yaml = bkt_core::yaml::to_string(&Probe {
//!     command: vec!["sh", "-c", "test -f /tmp/ready\n"],
//!     enabled: "on",
//! })?;
//! assert_eq!(
//!     yaml,
//!     "command:\n  - sh\n  - -c\n  - |\n    test -f /tmp/ready\nenabled: \"on\"\n"
//! );
//! # Ok(())
//! # }
//! ```

mod tree;
mod value;

use serde::Serialize;
use serde_saphyr::SerializerOptions;

use crate::{Error, Result};
use tree::{Node, StrStyle};
pub use value::{Value, ValueRef};

/// Serializes `value` as one YAML document: no leading `---`, exactly one trailing newline.
///
/// A top-level Kubernetes object (a mapping with `apiVersion` and `kind`) has `apiVersion`,
/// `kind` and `metadata` first, in that order; see the [module docs](self) for every rule.
///
/// # Errors
///
/// [`Error::Yaml`], naming the value's type, when the value's `Serialize` impl fails, or when
/// serde-saphyr rejects what it produced (a `serde_saphyr::SingleQuoted` around a tab, for
/// example).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    render(value, || std::any::type_name::<T>().to_owned())
}

/// Serializes each item as one document of a multi-document stream: documents separated by a
/// `---` line, no marker before the first, each ending in one newline. No items give `""`.
///
/// Takes anything iterable: `&[T]`, `&Vec<T>`, an array, an iterator. For documents of different
/// types, collect them in an enum with `#[serde(untagged)]`, which serializes each variant as
/// its content.
///
/// # Errors
///
/// [`Error::Yaml`], naming the document's position and type, for the first document that
/// [`to_string`] rejects.
pub fn to_documents<I>(docs: I) -> Result<String>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    let mut stream = String::new();
    for (index, doc) in docs.into_iter().enumerate() {
        if index > 0 {
            stream.push_str("---\n");
        }
        let document = render(&doc, || {
            format!(
                "document {index} of the stream ({})",
                std::any::type_name::<I::Item>()
            )
        })?;
        stream.push_str(&document);
    }
    Ok(stream)
}

/// Records `value`, puts the manifest keys first and serializes it with [`options`].
fn render<T: Serialize + ?Sized>(value: &T, what: impl Fn() -> String) -> Result<String> {
    let yaml_error = |message: String| Error::Yaml {
        what: what(),
        message,
    };
    let mut node = Node::from_value(value).map_err(|err| yaml_error(err.to_string()))?;
    node.hoist_manifest_keys();
    serde_saphyr::to_string_with_options(&node.emit(string_style), options())
        .map_err(|err| yaml_error(err.to_string()))
}

/// The serde-saphyr settings behind the rules in the module docs.
fn options() -> SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        // `key:` then `  - item`, as Flux's examples write lists.
        compact_list_indent: false,
        // YAML 1.1 quoting: strings that a YAML 1.1 resolver would read as booleans, nulls,
        // numbers or timestamps are quoted. Kubernetes reads YAML 1.1.
        yaml_12: false,
        // serde-saphyr's automatic block styles would fold long single-line strings into `>-`;
        // `string_style` picks literal blocks for multi-line strings instead.
        prefer_block_scalars: false,
        // Plain where a reader takes the text as written, quoted only where it would not.
        quote_all: false,
    }
}

/// How a string value is written; see "Output rules" in the module docs. Single-line strings
/// are left to serde-saphyr, which writes them plain or, where a reader would misread them,
/// double-quoted.
fn string_style(s: &str) -> StrStyle {
    if !s.contains('\n') {
        StrStyle::Scalar
    } else if fits_literal_block(s) {
        StrStyle::Literal
    } else {
        StrStyle::DoubleQuoted
    }
}

/// Whether a literal block (`|` or `|-`) holds the multi-line string `s` exactly, with no
/// trailing whitespace on any line and no blank line after it, in a form go-yaml v2 reads.
fn fits_literal_block(s: &str) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    !body.is_empty()
        && !body.ends_with('\n')
        && body.split('\n').all(|line| !line.ends_with([' ', '\t']))
        // go-yaml v2 (Kubernetes) rejects a block whose first non-empty line starts with a tab:
        // it takes the tab for indentation ("found a tab character where an indentation space
        // is expected"). YAML 1.2 parsers accept it.
        && !body.trim_start_matches('\n').starts_with('\t')
        && s.chars().all(is_block_char)
}

/// Whether `c` can appear as itself inside a block scalar: YAML's printable characters, minus
/// the byte-order mark, and minus the characters YAML 1.1 readers take as line breaks (NEL, LS,
/// PS) and `\r`, which readers normalize to `\n`.
fn is_block_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}
