//! Repository rules as tests (rust-analyzer's tidy): every Rust file documents itself, every
//! generated file says so, and library code writes no HCL or YAML text by hand.

use std::path::{Path, PathBuf};

use bkt_platform::core::header;
use bkt_reference::{PlatformSpec, render};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn workspace_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["src", "examples", "crates", "reference"] {
        rust_files(&root().join(dir), &mut files);
    }
    // Only the Rust files at the top of tests/ (tests/conformance/ is the Go oracle).
    if let Ok(entries) = std::fs::read_dir(root().join("tests")) {
        files.extend(
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "rs")),
        );
    }
    files.retain(|path| !path.components().any(|part| part.as_os_str() == "target"));
    files.sort();
    files
}

#[test]
fn every_rust_file_starts_with_module_docs() {
    let undocumented: Vec<String> = workspace_rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "add //! docs saying what the file is for: {undocumented:?}"
    );
}

#[test]
fn every_generated_file_carries_the_header() {
    let tree = render(&PlatformSpec::default()).unwrap();
    let manifest = tree
        .manifest()
        .map(|bytes| String::from_utf8(bytes).unwrap())
        .unwrap_or_default();
    for (path, bytes) in tree.generated() {
        assert!(
            header::is_generated(bytes) || manifest.lines().any(|line| line == path),
            "{path}: starts with neither the generated-file header nor a manifest entry"
        );
    }
}

/// Text that only HCL or YAML output contains.
const MARKERS: [&str; 9] = [
    " = ",
    "${",
    "\\\" {",
    "apiVersion:",
    "kind:",
    "metadata:",
    "\\n  ",
    ":\\n",
    "{\\n",
];

/// The string literals of one line of Rust (plain and raw), without their quotes.
fn string_literals(line: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        if chars[index] == '/' && chars.get(index + 1) == Some(&'/') {
            break;
        }
        let raw = chars[index] == 'r' && matches!(chars.get(index + 1), Some('#' | '"'));
        if chars[index] == '"' || raw {
            let mut hashes = 0;
            if raw {
                index += 1;
                while chars.get(index) == Some(&'#') {
                    hashes += 1;
                    index += 1;
                }
            }
            index += 1;
            let mut literal = String::new();
            while index < chars.len() {
                if !raw && chars[index] == '\\' {
                    literal.push('\\');
                    if let Some(next) = chars.get(index + 1) {
                        literal.push(*next);
                    }
                    index += 2;
                    continue;
                }
                if chars[index] == '"'
                    && (0..hashes).all(|h| chars.get(index + 1 + h) == Some(&'#'))
                {
                    index += 1 + hashes;
                    break;
                }
                literal.push(chars[index]);
                index += 1;
            }
            literals.push(literal);
            continue;
        }
        index += 1;
    }
    literals
}

/// Library lines (outside `#[cfg(test)]` and doc comments) with HCL or YAML text in a literal.
fn templated_lines(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        if string_literals(line)
            .iter()
            .any(|literal| MARKERS.iter().any(|marker| literal.contains(marker)))
        {
            found.push((number + 1, line.trim().to_owned()));
        }
    }
    found
}

/// The writers are where text is made; everywhere else output comes from typed values.
const WRITERS: [&str; 6] = [
    "reference/src/substitution.rs",
    "crates/bkt-flux/src/escape.rs",
    "crates/bkt-core/src/hcl/print.rs",
    "crates/bkt-core/src/hcl/expr.rs",
    "crates/bkt-core/src/yaml",
    "crates/bkt-core/src/tree.rs",
];

#[test]
fn library_code_writes_no_hcl_or_yaml_text() {
    let mut offenders = Vec::new();
    for path in workspace_rust_files() {
        let relative = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let library = relative.starts_with("src/")
            || relative.starts_with("reference/src/")
            || (relative.starts_with("crates/") && relative.contains("/src/"));
        let test_code = relative.ends_with("/tests.rs") || relative.contains("/tests/");
        if !library || test_code || WRITERS.iter().any(|writer| relative.starts_with(writer)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, code) in templated_lines(&text) {
            offenders.push(format!("{relative}:{line}: {code}"));
        }
    }
    assert!(
        offenders.is_empty(),
        "build HCL/YAML from typed values, not text:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_text_check_catches_templated_output() {
    let planted = [
        r#"let hcl = format!("resource \"aws_vpc\" \"{name}\" {{\n  cidr_block = \"{cidr}\"\n}}");"#,
        r#"let yaml = format!("apiVersion: v1\nkind: ConfigMap\n");"#,
        "let raw = \"name = ${var.name}\";",
    ];
    for line in planted {
        assert_eq!(templated_lines(line).len(), 1, "not caught: {line}");
    }
    let fine = [
        r#"Err(Error::invalid("network.name", &name, "use 3-32 lowercase letters (e.g. bkt-dev)"))"#,
        "// a comment with x = 1",
        r#"let description = "IDs of the NAT gateways, keyed by zone.";"#,
    ];
    for line in fine {
        assert!(templated_lines(line).is_empty(), "false alarm: {line}");
    }
}

/// The crates' own names, which a library may well spell out (in messages, in docs).
const CRATE_NAMES: [&str; 9] = [
    "bkt-core",
    "bkt-network",
    "bkt-oidc",
    "bkt-eks",
    "bkt-atlas",
    "bkt-flux",
    "bkt-helm",
    "bkt-sso",
    "bkt-platform",
];

/// Lines of library code (outside `#[cfg(test)]` and comments) that hold the reference
/// platform's data: a string with its `bkt-` name prefix (every name it gives — clusters, roles,
/// repositories, groups, buckets — carries it), or a constructor of one of its environments.
fn platform_data_lines(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let named = string_literals(line).iter().any(|literal| {
            let mut rest = literal.as_str();
            while let Some(at) = rest.find("bkt-") {
                let tail = &rest[at..];
                let crate_name = CRATE_NAMES.iter().any(|name| {
                    tail.strip_prefix(name).is_some_and(|after| {
                        !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                    })
                });
                if !crate_name {
                    return true;
                }
                rest = &tail[4..];
            }
            false
        });
        let constructor = ["fn dev(", "fn prod("].iter().any(|f| code.contains(f));
        if named || constructor {
            found.push((number + 1, line.trim().to_owned()));
        }
    }
    found
}

/// The library/reference line (docs/architecture.md): the library crates hold types, writers,
/// builders, rules and checks, and no platform's data; the reference platform (`reference/`)
/// holds its own, built through the crates' public API (a crate of its own, so it cannot reach
/// a `pub(crate)` item).
#[test]
fn library_crates_hold_no_platform_data() {
    let mut offenders = Vec::new();
    for path in workspace_rust_files() {
        let relative = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let library = relative.starts_with("src/")
            || (relative.starts_with("crates/") && relative.contains("/src/"));
        let test_code = relative.ends_with("/tests.rs") || relative.contains("/tests/");
        if !library || test_code {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, code) in platform_data_lines(&text) {
            offenders.push(format!("{relative}:{line}: {code}"));
        }
    }
    assert!(
        offenders.is_empty(),
        "move the platform's data to reference/ and take it as an argument:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_platform_data_check_catches_data() {
    for planted in [
        "name: \"bkt-dev\".to_owned(),",
        "let repository = \"bkt-sample-app\";",
        "    pub fn dev() -> Self {",
        "let group = \"bkt-core bkt-platform-engineers\";",
    ] {
        assert_eq!(platform_data_lines(planted).len(), 1, "{planted}");
    }
    for clean in [
        "let crate_name = \"bkt-core\";",
        "// the bkt-dev cluster, in a comment",
        "#[cfg(test)]\nlet name = \"bkt-dev\";",
    ] {
        assert!(platform_data_lines(clean).is_empty(), "{clean}");
    }
}
