//! Repository rules as tests (rust-analyzer's tidy): every Rust file documents itself, every
//! generated file says so, library code writes no HCL or YAML text by hand, files and functions
//! stay small, files import each other one way, and a crate reads no file outside itself.

mod cycles;
mod includes;
mod size;

use size::oversized;

use std::fmt::Write as _;
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
    for dir in ["src", "examples", "crates", "reference", "xtask"] {
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

/// Text that only HCL or YAML output contains, in a string's value.
const MARKERS: [&str; 5] = ["${", "\" {", "apiVersion:", "kind:", "metadata:"];

/// Whether a line after the first of a string is indented HCL or YAML: an attribute or key
/// (`  name = …`, `  name: …`, `  - name: …`), or a line opening a block (`… {`, `key:`).
/// Indented prose (a why-comment's continued list item) is neither.
fn structured_line(line: &str) -> bool {
    let body = line.trim_start_matches(' ');
    let indented = body.len() < line.len();
    let key = body.strip_prefix("- ").unwrap_or(body);
    let name_end = key
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-\"".contains(c)))
        .unwrap_or(key.len());
    let rest = &key[name_end..];
    (indented && name_end > 0 && (rest.starts_with(" = ") || rest == ":" || rest.starts_with(": ")))
        || line.ends_with(" {")
}

/// An HCL attribute: text in prose too (`set x = true`), so only a marker where text is being
/// assembled — inside `format!`, `write!`, `concat!` and their kin.
const ASSEMBLED_MARKER: &str = " = ";

/// Whether an item is `#[cfg(test)]`.
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

/// One string of library code: its value (escapes resolved; a `concat!` joined) and whether it
/// is assembled into text by a formatting macro.
struct Literal {
    value: String,
    assembled: bool,
}

/// Every string literal of a Rust source outside `#[cfg(test)]` items and attributes (doc
/// comments included), found by parsing it with `syn`: a string split over lines, joined by
/// `concat!` or built in a macro is seen whole, as the compiler sees it.
fn literals(source: &str) -> Vec<Literal> {
    use syn::visit::Visit;

    struct Collect(Vec<Literal>);

    /// The string values among a macro's tokens, nested groups included, attributes (doc
    /// comments) left out.
    fn token_strings(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
        let mut attribute = false;
        for token in tokens {
            let after_hash = std::mem::replace(
                &mut attribute,
                matches!(&token, proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '#'),
            );
            match token {
                proc_macro2::TokenTree::Group(group)
                    if after_hash && group.delimiter() == proc_macro2::Delimiter::Bracket => {}
                proc_macro2::TokenTree::Literal(literal) => {
                    if let syn::Lit::Str(text) = syn::Lit::new(literal) {
                        out.push(text.value());
                    }
                }
                proc_macro2::TokenTree::Group(group) => token_strings(group.stream(), out),
                _ => {}
            }
        }
    }

    impl<'ast> Visit<'ast> for Collect {
        fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            if !is_cfg_test(&item.attrs) {
                syn::visit::visit_item_mod(self, item);
            }
        }
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            if !is_cfg_test(&item.attrs) {
                syn::visit::visit_item_fn(self, item);
            }
        }
        fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
            if !is_cfg_test(&item.attrs) {
                syn::visit::visit_item_impl(self, item);
            }
        }
        fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
            self.0.push(Literal {
                value: literal.value(),
                assembled: false,
            });
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let name = mac
                .path
                .segments
                .last()
                .map(|segment| segment.ident.to_string())
                .unwrap_or_default();
            let assembled = matches!(
                name.as_str(),
                "format" | "format_args" | "write" | "writeln" | "concat" | "print" | "println"
            );
            let mut strings = Vec::new();
            token_strings(mac.tokens.clone(), &mut strings);
            if name == "concat" {
                strings = vec![strings.concat()];
            }
            self.0.extend(
                strings
                    .into_iter()
                    .map(|value| Literal { value, assembled }),
            );
        }
    }

    let file = syn::parse_file(source).unwrap_or_else(|error| panic!("not Rust: {error}"));
    let mut collect = Collect(Vec::new());
    collect.visit_file(&file);
    collect.0
}

/// The strings of a library source that hold HCL or YAML text.
fn templated(source: &str) -> Vec<String> {
    literals(source)
        .into_iter()
        .filter(|literal| {
            MARKERS.iter().any(|marker| literal.value.contains(marker))
                || literal.value.lines().skip(1).any(structured_line)
                || (literal.assembled && literal.value.contains(ASSEMBLED_MARKER))
        })
        .map(|literal| format!("{:?}", literal.value))
        .collect()
}

/// The writers are where text is made; everywhere else output comes from typed values.
const WRITERS: [&str; 6] = [
    "reference/src/substitution.rs",
    "crates/bkt-flux/src/escape.rs",
    "crates/bkt-core/src/hcl/print",
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
        for text in templated(&text) {
            offenders.push(format!("{relative}: {text}"));
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
        r#"fn f(name: &str, cidr: &str) -> String { format!("resource \"aws_vpc\" \"{name}\" {{\n  cidr_block = \"{cidr}\"\n}}") }"#,
        r#"fn f() -> String { format!("apiVersion: v1\nkind: ConfigMap\n") }"#,
        "const RAW: &str = \"name = ${var.name}\";",
        // Split over lines and joined by concat!, as the compiler joins it.
        "const SPLIT: &str = concat!(\"resource \\\"aws_vpc\\\" \", \"{\\n  cidr_block = x\\n}\");",
        // An attribute assembled by format!.
        "fn f(key: &str, value: &str) -> String { format!(\"{key} = {value}\") }",
        // A literal over several source lines.
        "const LINES: &str = \"metadata:\n  name: x\";",
        "const BLOCK: &str = \"tags {\n  Name = x\n}\";",
        "const LIST: &str = \"items:\n  - name: a\n\";",
        // A kind's literal inside a declaring macro.
        "declare! { struct X { name: &'static str = \"spec:\n  replicas: 2\" } }",
    ];
    for source in planted {
        assert_eq!(templated(source).len(), 1, "not caught: {source}");
    }
    let fine = [
        r#"fn f(name: &str) -> Error { Error::invalid("network.name", name, "use 3-32 lowercase letters (e.g. bkt-dev)") }"#,
        "// a comment with x = 1\nfn f() {}",
        r#"const DESCRIPTION: &str = "IDs of the NAT gateways, keyed by zone.";"#,
        // Prose quoting a setting, not assembled into output.
        r#"const MESSAGE: &str = "0.0.0.0/0 additionally needs allow_public_from_anywhere = true.";"#,
        "#[cfg(test)]\nmod tests { const T: &str = \"apiVersion: v1\"; }",
        "/// ```\n/// let yaml = \"kind: ConfigMap\\n\";\n/// ```\nfn f() {}",
        // A why-comment: a list of prose with continued lines.
        "const WHY: &str = \"Runs the job.\n\n- restartPolicy OnFailure restarts it\n  in the same pod.\";",
        // A doc comment inside a declaring macro.
        "declare! { /// The call (`module \\\"eks\\\" { source = … }`).\n struct X; }",
    ];
    for source in fine {
        assert!(templated(source).is_empty(), "false alarm: {source}");
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

/// What in a library source is the reference platform's data: a string with its `bkt-` name
/// prefix (every name it gives — clusters, roles, repositories, groups, buckets — carries it),
/// or a constructor of one of its environments (`fn dev`, `fn prod`), outside `#[cfg(test)]`.
fn platform_data(source: &str) -> Vec<String> {
    let mut found: Vec<String> = literals(source)
        .into_iter()
        .filter(|literal| {
            let mut rest = literal.value.as_str();
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
        })
        .map(|literal| format!("{:?}", literal.value))
        .collect();
    let file = syn::parse_file(source).unwrap_or_else(|error| panic!("not Rust: {error}"));
    let mut constructors = Constructors(Vec::new());
    syn::visit::Visit::visit_file(&mut constructors, &file);
    found.extend(constructors.0);
    found
}

/// `fn dev` / `fn prod` outside `#[cfg(test)]`.
struct Constructors(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for Constructors {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }
    fn visit_signature(&mut self, signature: &'ast syn::Signature) {
        if signature.ident == "dev" || signature.ident == "prod" {
            self.0.push(format!("fn {}", signature.ident));
        }
    }
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
        for data in platform_data(&text) {
            offenders.push(format!("{relative}: {data}"));
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
        "fn f() -> String { \"bkt-dev\".to_owned() }",
        "const REPOSITORY: &str = \"bkt-sample-app\";",
        "impl Spec { pub fn dev() -> Self { Self } }",
        "const GROUP: &str = \"bkt-core bkt-platform-engineers\";",
        "const SPLIT: &str = concat!(\"bk\", \"t-dev\");",
    ] {
        assert_eq!(platform_data(planted).len(), 1, "{planted}");
    }
    for clean in [
        "const CRATE_NAME: &str = \"bkt-core\";",
        "// the bkt-dev cluster, in a comment\nfn f() {}",
        "#[cfg(test)]\nmod tests { const NAME: &str = \"bkt-dev\"; fn dev() {} }",
    ] {
        assert!(platform_data(clean).is_empty(), "{clean}");
    }
}

/// The most lines a Rust file may have (issue 24): past it, a file holds more than one concern.
const MAX_FILE_LINES: usize = 800;

/// The most lines a function body may have, braces included (closures count with their fn).
const MAX_FN_LINES: usize = 150;

/// Whether a workspace file falls under the size rules: the crates, the reference platform, the
/// facade and the generator (not the integration tests at the top of tests/).
fn sized(relative: &str) -> bool {
    [
        "crates/",
        "reference/",
        "src/",
        "examples/generate/",
        "xtask/",
    ]
    .iter()
    .any(|dir| relative.starts_with(dir))
}

/// Reviewed exceptions to the size rules, each with its reason: `(file, item)` where the item is
/// `None` for the file rule and `Some(fn name)` for the function rule. Each split removes its row;
/// a row nothing needs any more fails the test.
const SIZE_ALLOWANCES: &[(&str, Option<&str>, &str)] = &[
    // bkt-helm is another change's area this session (its doctests): split there, not here.
    (
        "crates/bkt-helm/src/capacity.rs",
        Some("place"),
        "bkt-helm: split with its doctests change",
    ),
];

#[test]
fn files_and_functions_stay_small() {
    let mut offenders = Vec::new();
    let mut used = vec![false; SIZE_ALLOWANCES.len()];
    for path in workspace_rust_files() {
        let relative = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !sized(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (item, lines) in oversized(&text) {
            let allowed = SIZE_ALLOWANCES.iter().position(|(file, allowed, _)| {
                *file == relative && allowed.map(str::to_owned) == item
            });
            if let Some(index) = allowed {
                used[index] = true;
                continue;
            }
            offenders.push(match item {
                None => format!(
                    "{relative}: {lines} lines, over the {MAX_FILE_LINES}-line limit for a file: \
                     move a concern (a type and its impls, the tests) into a submodule"
                ),
                Some(name) => format!(
                    "{relative}: fn {name} has a {lines}-line body, over the {MAX_FN_LINES}-line \
                     limit: take its steps apart into named functions"
                ),
            });
        }
    }
    for ((file, item, _), used) in SIZE_ALLOWANCES.iter().zip(used) {
        if !used {
            offenders.push(format!(
                "{file}: the allowance for {} is no longer needed: remove it from SIZE_ALLOWANCES",
                item.unwrap_or("the file's length")
            ));
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_size_check_catches_long_files_and_functions() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let long_fn = format!("fn long() {{\n{body}}}\n");
    assert_eq!(
        oversized(&long_fn),
        vec![(Some("long".to_owned()), MAX_FN_LINES + 2)]
    );
    let long_method = format!("impl Spec {{\n    fn long(&self) {{\n{body}    }}\n}}\n");
    assert_eq!(
        oversized(&long_method),
        vec![(Some("Spec::long".to_owned()), MAX_FN_LINES + 2)]
    );
    let long_default = format!("trait Render {{\n    fn long(&self) {{\n{body}    }}\n}}\n");
    assert_eq!(
        oversized(&long_default),
        vec![(Some("Render::long".to_owned()), MAX_FN_LINES + 2)]
    );
    // A closure is part of its function.
    let long_closure = format!("fn outer() {{\n    let f = || {{\n{body}    }};\n}}\n");
    assert_eq!(
        oversized(&long_closure),
        vec![(Some("outer".to_owned()), MAX_FN_LINES + 4)]
    );
    // A unit test module counts toward its file.
    let many = "const X: u8 = 1;\n".repeat(MAX_FILE_LINES / 2);
    let long_file = format!("{many}#[cfg(test)]\nmod tests {{\n{many}}}\n");
    assert_eq!(oversized(&long_file), vec![(None, MAX_FILE_LINES + 3)]);
    let fits = format!(
        "fn fits() {{\n{}}}\n",
        "    let x = 1;\n".repeat(MAX_FN_LINES - 2)
    );
    assert!(oversized(&fits).is_empty(), "false alarm at the limit");
}

/// The root files of the crates the cycle rule reads: each library crate, the reference platform
/// and the facade, as `(root file, name in messages)`.
fn crate_roots() -> Vec<(PathBuf, String)> {
    let mut roots = vec![
        (root().join("src/lib.rs"), "src".to_owned()),
        (
            root().join("reference/src/lib.rs"),
            "reference/src".to_owned(),
        ),
        (root().join("xtask/src/main.rs"), "xtask/src".to_owned()),
    ];
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    crates.sort();
    for dir in crates {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        roots.push((dir.join("src/lib.rs"), format!("crates/{name}/src")));
    }
    roots
}

/// Reviewed cycles not yet taken apart, each with its reason: the files of the cycle (sorted,
/// as the test names them). A row no cycle needs any more fails the test.
const CYCLE_ALLOWANCES: &[(&[&str], &str)] = &[];

/// The import cycles of a crate, as messages: one line per cycle (`a.rs → b.rs (items) → a.rs
/// (items)`) and, when more files are tangled with them, the whole set.
fn import_cycles(
    root_file: &Path,
    name: &str,
    read: &impl Fn(&Path) -> Option<String>,
) -> Vec<(Vec<String>, String)> {
    let krate = cycles::Crate::load(root_file, name, read);
    cycles::cycles(&krate.edges())
        .into_iter()
        .map(|(set, hops)| {
            let mut line = hops.first().map(|hop| hop.0.clone()).unwrap_or_default();
            for (_, to, items) in &hops {
                write!(line, " → {to} ({items})").unwrap();
            }
            if set.len() > hops.len() {
                write!(line, "; tangled with it: {}", set.join(", ")).unwrap();
            }
            (set, line)
        })
        .collect()
}

/// No file-level import cycles (issue 24), the property rust-analyzer's tidy names. The graph is
/// per crate (each under `crates/`, the reference platform, the facade), built with `syn` from
/// the module tree (`mod x;` found as `x.rs` or `x/mod.rs`; an inline `mod x { }` belongs to its
/// file). There is an edge A → B when code in A names an item that B defines: through a `use`
/// of A's, or a path in A's code or in its macros' tokens that starts at `crate`, `super`,
/// `self`, a child module or an imported name, or a `macro_rules!` of B's that A invokes. A
/// name a module re-exports or imports is followed to the file that defines it. Not edges:
/// `mod b;` declarations, `pub use` re-exports (a module's API surface, not a need of its
/// code), and `#[cfg(test)]` code (tests reach into their parents). Method calls and
/// associated items count for the file of the type named, not of the `impl`.
///
/// Parent and child count like any two files (the stricter rule): a parent that only declares
/// and re-exports its child while the child uses the parent's items is one way; a parent whose
/// code also calls the child's functions is a cycle.
#[test]
fn files_form_no_import_cycles() {
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let mut offenders = Vec::new();
    let mut used = vec![false; CYCLE_ALLOWANCES.len()];
    for (root_file, name) in crate_roots() {
        for (set, line) in import_cycles(&root_file, &name, &read) {
            let allowed = CYCLE_ALLOWANCES
                .iter()
                .position(|(files, _)| files.iter().copied().eq(set.iter().map(String::as_str)));
            match allowed {
                Some(index) => used[index] = true,
                None => offenders.push(line),
            }
        }
    }
    for ((files, _), used) in CYCLE_ALLOWANCES.iter().zip(used) {
        if !used {
            offenders.push(format!(
                "{files:?}: no longer a cycle: remove it from CYCLE_ALLOWANCES"
            ));
        }
    }
    assert!(
        offenders.is_empty(),
        "files import each other in a cycle (after each arrow, what the file before it uses of \
         the file after it); move the shared items down into a file of their own (or into the \
         lower module) so the imports go one way:\n{}",
        offenders.join("\n")
    );
}

/// The cycle lines the check finds among planted `(path, source)` files of a crate `x`.
fn planted_cycles(files: &[(&str, &str)]) -> Vec<String> {
    let read = |path: &Path| {
        files
            .iter()
            .find(|(name, _)| Path::new(name) == path)
            .map(|(_, text)| (*text).to_owned())
    };
    import_cycles(Path::new("src/lib.rs"), "x", &read)
        .into_iter()
        .map(|(_, line)| line)
        .collect()
}

#[test]
fn the_cycle_check_catches_cycles() {
    // A parent calling its child while the child uses the parent's type.
    assert_eq!(
        planted_cycles(&[
            ("src/lib.rs", "mod a; pub struct Error; fn f() { a::g(); }"),
            (
                "src/a.rs",
                "use super::Error; pub fn g() -> Option<Error> { None }"
            ),
        ]),
        ["x/a.rs → x/lib.rs (Error) → x/a.rs (g)"]
    );
    // Siblings, one through a re-export and a macro's tokens, the other by a crate path.
    assert_eq!(
        planted_cycles(&[
            ("src/lib.rs", "mod a; mod b; pub use b::Body;"),
            (
                "src/a.rs",
                "pub fn f() -> String { format!(\"{}\", crate::Body::NAME) }"
            ),
            (
                "src/b.rs",
                "pub struct Body; impl Body { fn g() { crate::a::f(); } }"
            ),
        ]),
        ["x/a.rs → x/b.rs (Body) → x/a.rs (f)"]
    );
    // Three files through a child's directory and an inline module.
    assert_eq!(
        planted_cycles(&[
            (
                "src/lib.rs",
                "mod a; mod c { pub fn h() { crate::a::b::g(); } }"
            ),
            ("src/a.rs", "pub mod b; pub fn f() {}"),
            ("src/a/b.rs", "use crate::c::h; pub fn g() { h() }"),
        ]),
        ["x/a/b.rs → x/lib.rs (h) → x/a/b.rs (g)"]
    );
    // A `macro_rules!` invoked by name, whose body names the invoker's item through `$crate`.
    assert_eq!(
        planted_cycles(&[
            (
                "src/lib.rs",
                "mod a; macro_rules! m { () => { $crate::a::f() }; }"
            ),
            ("src/a.rs", "pub fn f() {} pub fn g() { m!() }"),
        ]),
        ["x/a.rs → x/lib.rs (m!) → x/a.rs (f)"]
    );
    // Not cycles: a parent that declares and re-exports; a child's test reaching its parent;
    // one-way imports between siblings.
    for clean in [
        &[
            ("src/lib.rs", "mod a; pub use a::f; pub struct Error;"),
            (
                "src/a.rs",
                "use super::Error; pub fn f() -> Option<Error> { None }",
            ),
        ][..],
        &[
            ("src/lib.rs", "mod a; pub fn f() { a::g(); }"),
            (
                "src/a.rs",
                "pub fn g() {}\n#[cfg(test)]\nmod tests { use super::super::f; }",
            ),
        ],
        &[
            ("src/lib.rs", "mod a; mod b; fn f() { b::g(); }"),
            ("src/a.rs", "pub fn f() {}"),
            ("src/b.rs", "pub fn g() { crate::a::f(); }"),
        ],
    ] {
        assert!(planted_cycles(clean).is_empty(), "false alarm: {clean:?}");
    }
}

/// A library crate is published alone: `include_str!`/`include_bytes!` under `crates/<crate>/`
/// must resolve inside that directory, and name its file with a literal (the check resolves it
/// against the including file's directory, as the compiler does). The reference platform is
/// out of scope: it is never published (`publish = false`) and its job is to render this
/// repository, whose hand-written scripts (`gitops/…/setup.sh`) it embeds. The facade's
/// directory is the repository root, so nothing in it is outside.
#[test]
fn crates_include_only_their_own_files() {
    let mut offenders = Vec::new();
    for path in workspace_rust_files() {
        let relative = path.strip_prefix(root()).unwrap().to_path_buf();
        let mut parts = relative.components();
        let (Some(top), Some(krate)) = (parts.next(), parts.next()) else {
            continue;
        };
        if top.as_os_str() != "crates" {
            continue;
        }
        let crate_dir = Path::new("crates").join(krate);
        let text = std::fs::read_to_string(&path).unwrap();
        for include in includes::includes(&text, relative.parent().unwrap()) {
            match include {
                includes::Include::Path(target) if target.starts_with(&crate_dir) => {}
                includes::Include::Path(target) => offenders.push(format!(
                    "{}: includes {}, outside {}: move the file into the crate",
                    relative.display(),
                    target.display(),
                    crate_dir.display()
                )),
                includes::Include::NotLiteral(argument) => offenders.push(format!(
                    "{}: includes ({argument}), not a literal path: name a file of the crate",
                    relative.display()
                )),
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_include_check_catches_reads_outside_the_crate() {
    use includes::{Include, includes};
    let dir = Path::new("crates/bkt-x/src/charts");
    assert_eq!(
        includes(
            "#![doc = include_str!(\"../../README.md\")]\nconst A: &[u8] = std::include_bytes!(\"../../../../gitops/x.sh\");",
            dir
        ),
        [
            Include::Path(PathBuf::from("crates/bkt-x/README.md")),
            Include::Path(PathBuf::from("gitops/x.sh")),
        ]
    );
    assert_eq!(
        includes(
            "const A: &str = concat!(\"a\", include_str!(concat!(env!(\"OUT\"), \"/x\")));",
            dir
        ),
        [Include::NotLiteral(
            "concat ! (env ! (\"OUT\") , \"/x\")".to_owned()
        )]
    );
    // Comments and strings that mention the macro read nothing.
    assert!(
        includes(
            "// include_str!(\"../x\")\nconst A: &str = \"include_str!(x)\";",
            dir
        )
        .is_empty()
    );
}
