//! The file-level import graph of a crate, read with `syn`, and its cycles: the machinery of
//! `files_form_no_import_cycles` (the rule itself is documented there).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

use super::is_cfg_test;

/// A path as written: its segment names (`crate`, `super`, `self` kept; `$crate` read as
/// `crate`).
type Segments = Vec<String>;

/// What a module holds by name: its items (child modules included), the names its `use`
/// declarations bring in, and its glob imports. A `use` is `(path, re-export)`, where a
/// re-export is one with any `pub`.
#[derive(Default)]
struct Module {
    file: usize,
    items: BTreeSet<String>,
    imports: BTreeMap<String, (Segments, bool)>,
    globs: Vec<(Segments, bool)>,
}

/// One crate: its files (root-relative names), its modules by path from the crate root, and its
/// `macro_rules!` by name with the file defining them.
pub struct Crate {
    files: Vec<(String, syn::File, Segments)>,
    modules: BTreeMap<Segments, Module>,
    macros: BTreeMap<String, usize>,
}

/// An edge's items: for each `(from, to)` file pair, the names that `from` uses of `to`.
pub type Edges = BTreeMap<(String, String), BTreeSet<String>>;

/// The `(attributes, name)` of an item, for the kinds of item that matter here.
fn item_parts(item: &syn::Item) -> (&[syn::Attribute], Option<&syn::Ident>) {
    match item {
        syn::Item::Const(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Enum(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Fn(item) => (&item.attrs, Some(&item.sig.ident)),
        syn::Item::Impl(item) => (&item.attrs, None),
        syn::Item::Macro(item) => (&item.attrs, item.ident.as_ref()),
        syn::Item::Mod(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Static(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Struct(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Trait(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Type(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Union(item) => (&item.attrs, Some(&item.ident)),
        syn::Item::Use(item) => (&item.attrs, None),
        _ => (&[], None),
    }
}

/// The `(name, path)` pairs and glob paths a `use` tree brings in (`self` in a group names the
/// module before it; `_` imports nothing by name).
fn use_names(
    tree: &syn::UseTree,
    prefix: &mut Segments,
    out: &mut Vec<(Option<String>, Segments)>,
) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_names(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) if name.ident == "self" => {
            out.push((prefix.last().cloned(), prefix.clone()));
        }
        syn::UseTree::Name(name) => {
            let mut path = prefix.clone();
            path.push(name.ident.to_string());
            out.push((Some(name.ident.to_string()), path));
        }
        syn::UseTree::Rename(rename) => {
            let mut path = prefix.clone();
            if rename.ident != "self" {
                path.push(rename.ident.to_string());
            }
            if rename.rename != "_" {
                out.push((Some(rename.rename.to_string()), path));
            }
        }
        syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_names(tree, prefix, out);
            }
        }
    }
}

/// Pass one: the modules of a file (inline ones too), their items and imports, and the files
/// of the modules it declares, walked in turn.
struct Declarations<'a, R> {
    krate: &'a mut Crate,
    read: &'a R,
    file: usize,
    module: Segments,
    dir: PathBuf,
    pending: Vec<(PathBuf, Segments)>,
}

impl<'ast, R: Fn(&Path) -> Option<String>> Visit<'ast> for Declarations<'_, R> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let (attrs, name) = item_parts(item);
        if is_cfg_test(attrs) {
            return;
        }
        let module = self.krate.modules.entry(self.module.clone()).or_default();
        if let Some(name) = name {
            module.items.insert(name.to_string());
        }
        match item {
            syn::Item::Use(item) => {
                let reexport = !matches!(item.vis, syn::Visibility::Inherited);
                let mut names = Vec::new();
                use_names(&item.tree, &mut Vec::new(), &mut names);
                for (name, path) in names {
                    match name {
                        Some(name) => {
                            module.imports.insert(name, (path, reexport));
                        }
                        None => module.globs.push((path, reexport)),
                    }
                }
            }
            syn::Item::Macro(item) => {
                if let Some(name) = &item.ident {
                    self.krate.macros.insert(name.to_string(), self.file);
                }
            }
            syn::Item::Mod(item) => {
                let mut child = self.module.clone();
                child.push(item.ident.to_string());
                self.krate.modules.entry(child.clone()).or_default().file = self.file;
                let dir = self.dir.join(item.ident.to_string());
                if let Some((_, items)) = &item.content {
                    let outer = std::mem::replace(&mut self.module, child);
                    let outer_dir = std::mem::replace(&mut self.dir, dir);
                    for item in items {
                        self.visit_item(item);
                    }
                    self.module = outer;
                    self.dir = outer_dir;
                } else {
                    let flat = dir.with_extension("rs");
                    let path = if (self.read)(&flat).is_some() {
                        flat
                    } else {
                        dir.join("mod.rs")
                    };
                    self.pending.push((path, child));
                }
            }
            _ => syn::visit::visit_item(self, item),
        }
    }
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_impl_item_fn(self, item);
        }
    }
}

/// Pass two: every path that a file's code (outside `use`, attributes and `#[cfg(test)]`)
/// writes, with the module it is written in, and the `macro_rules!` it invokes by name.
struct Paths {
    module: Segments,
    found: Vec<(Segments, Segments)>,
    macros: Vec<String>,
}

impl Paths {
    fn record(&mut self, path: &syn::Path) {
        let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.found.push((self.module.clone(), segments));
    }

    /// The paths in a macro's tokens: `a::b` runs of two segments or more, or starting with
    /// `crate`, `$crate`, `super` or `self`, and the macros they invoke.
    fn scan(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::TokenTree;
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let punct = |index: usize, c: char| matches!(tokens.get(index), Some(TokenTree::Punct(p)) if p.as_char() == c);
        let mut index = 0;
        while index < tokens.len() {
            match &tokens[index] {
                TokenTree::Group(group) => self.scan(group.stream()),
                TokenTree::Ident(ident) => {
                    let mut path = vec![ident.to_string()];
                    while punct(index + 1, ':') && punct(index + 2, ':') {
                        let Some(TokenTree::Ident(next)) = tokens.get(index + 3) else {
                            break;
                        };
                        path.push(next.to_string());
                        index += 3;
                    }
                    if punct(index + 1, '!') && (path.len() == 1 || path[0] == "crate") {
                        self.macros.push(path.last().cloned().unwrap_or_default());
                    }
                    if path.len() > 1 || ["crate", "super", "self"].contains(&path[0].as_str()) {
                        self.found.push((self.module.clone(), path));
                    }
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
            index += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_cfg_test(item_parts(item).0) || matches!(item, syn::Item::Use(_)) {
            return;
        }
        if let syn::Item::Mod(module) = item {
            if let Some((_, items)) = &module.content {
                self.module.push(module.ident.to_string());
                for item in items {
                    self.visit_item(item);
                }
                self.module.pop();
            }
            return;
        }
        syn::visit::visit_item(self, item);
    }
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_impl_item_fn(self, item);
        }
    }
    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if !matches!(stmt, syn::Stmt::Item(syn::Item::Use(_))) {
            syn::visit::visit_stmt(self, stmt);
        }
    }
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.record(path);
        syn::visit::visit_path(self, path);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(last) = mac.path.segments.last() {
            let first = &mac.path.segments[0].ident;
            if mac.path.segments.len() == 1 || first == "crate" {
                self.macros.push(last.ident.to_string());
            }
        }
        if mac.path.segments.len() > 1 {
            self.record(&mac.path);
        }
        self.scan(mac.tokens.clone());
    }
}

impl Crate {
    /// The crate whose root file is `root` (named `name` in messages, relative paths built on
    /// it), its files read through `read`.
    pub fn load(root: &Path, name: &str, read: &impl Fn(&Path) -> Option<String>) -> Self {
        let mut krate = Crate {
            files: Vec::new(),
            modules: BTreeMap::new(),
            macros: BTreeMap::new(),
        };
        let base = root.parent().unwrap_or(root).to_path_buf();
        let mut pending = vec![(root.to_path_buf(), Segments::new())];
        while let Some((path, module)) = pending.pop() {
            let source = read(&path).unwrap_or_else(|| panic!("{}: not found", path.display()));
            let file = syn::parse_file(&source)
                .unwrap_or_else(|error| panic!("{}: not Rust: {error}", path.display()));
            let owner = path.file_stem().and_then(|stem| stem.to_str());
            let dir = match owner {
                Some("lib" | "main" | "mod") => path.parent().unwrap_or(&base).to_path_buf(),
                _ => path.with_extension(""),
            };
            let relative = path.strip_prefix(&base).unwrap_or(&path).display();
            let index = krate.files.len();
            krate.modules.entry(module.clone()).or_default().file = index;
            let mut walk = Declarations {
                krate: &mut krate,
                read,
                file: index,
                module: module.clone(),
                dir,
                pending: Vec::new(),
            };
            for item in &file.items {
                walk.visit_item(item);
            }
            pending.extend(walk.pending);
            krate
                .files
                .push((format!("{name}/{relative}"), file, module));
        }
        krate
    }

    /// A path written in `module` from the crate root, or `None` when it starts outside the
    /// crate (another crate, the prelude, a local or generic name).
    fn absolute(&self, module: &[String], path: &[String], depth: usize) -> Option<Segments> {
        let (first, rest) = path.split_first()?;
        match first.as_str() {
            "crate" => Some(rest.to_vec()),
            "self" => Some([module, rest].concat()),
            "super" => {
                let mut base = module.to_vec();
                let mut rest = path;
                while rest.first().is_some_and(|segment| segment == "super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
                Some([base.as_slice(), rest].concat())
            }
            _ => {
                let here = self.modules.get(module)?;
                if here.items.contains(first) {
                    Some([module, path].concat())
                } else if let Some((target, _)) = here.imports.get(first).filter(|_| depth < 8) {
                    let mut full = self.absolute(module, target, depth + 1)?;
                    full.extend_from_slice(rest);
                    Some(full)
                } else {
                    None
                }
            }
        }
    }

    /// The file defining what a crate-root path names, and the item's name; `None` for a
    /// module itself. Names a module re-exports or imports are followed to their definition.
    fn target(&self, path: &[String], depth: usize) -> Option<(usize, String)> {
        let mut module = Segments::new();
        let mut at = 0;
        while let Some(segment) = path.get(at) {
            module.push(segment.clone());
            if !self.modules.contains_key(&module) {
                module.pop();
                break;
            }
            at += 1;
        }
        let here = self.modules.get(&module)?;
        let name = path.get(at)?;
        if here.items.contains(name) || depth > 8 {
            return Some((here.file, name.clone()));
        }
        let rest = &path[at + 1..];
        if let Some((target, _)) = here.imports.get(name) {
            let mut full = self.absolute(&module, target, depth + 1)?;
            full.extend_from_slice(rest);
            return self.target(&full, depth + 1);
        }
        for (glob, _) in &here.globs {
            let Some(mut full) = self.absolute(&module, glob, depth + 1) else {
                continue;
            };
            if self
                .modules
                .get(&full)
                .is_some_and(|module| module.items.contains(name))
            {
                full.push(name.clone());
                full.extend_from_slice(rest);
                return self.target(&full, depth + 1);
            }
        }
        if let Some(&file) = self.macros.get(name).filter(|_| module.is_empty()) {
            return Some((file, format!("{name}!")));
        }
        Some((here.file, name.clone()))
    }

    /// The graph: `A → B` with the names A uses of B, from A's own `use` declarations (not
    /// re-exports), paths in its code and in its macros' tokens, and `macro_rules!` it invokes.
    pub fn edges(&self) -> Edges {
        let mut edges = Edges::new();
        let mut add = |from: usize, to: usize, item: String| {
            if from != to {
                let key = (self.files[from].0.clone(), self.files[to].0.clone());
                edges.entry(key).or_default().insert(item);
            }
        };
        for (path, module) in &self.modules {
            for (target, reexport) in module.imports.values() {
                let full = self.absolute(path, target, 0).filter(|_| !reexport);
                if let Some((to, item)) = full.and_then(|full| self.target(&full, 0)) {
                    add(module.file, to, item);
                }
            }
            for (glob, reexport) in &module.globs {
                let full = self.absolute(path, glob, 0).filter(|_| !reexport);
                if let Some(to) = full.and_then(|full| self.modules.get(&full)) {
                    add(module.file, to.file, "*".to_owned());
                }
            }
        }
        for (index, (_, file, module)) in self.files.iter().enumerate() {
            let mut paths = Paths {
                module: module.clone(),
                found: Vec::new(),
                macros: Vec::new(),
            };
            for item in &file.items {
                paths.visit_item(item);
            }
            for (module, path) in paths.found {
                let full = self.absolute(&module, &path, 0);
                if let Some((to, item)) = full.and_then(|full| self.target(&full, 0)) {
                    add(index, to, item);
                }
            }
            for name in paths.macros {
                if let Some(&to) = self.macros.get(&name) {
                    add(index, to, format!("{name}!"));
                }
            }
        }
        edges
    }
}

/// One step of a cycle: `(from, to, the items from uses of to)`.
pub type Hop = (String, String, String);

/// The cycles of a graph: each strongly connected set of two files or more (Tarjan), as one
/// shortest cycle through its first file, `(files of the set, [hops])`.
pub fn cycles(edges: &Edges) -> Vec<(Vec<String>, Vec<Hop>)> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
        next.entry(to).or_default();
    }
    let mut sets = Vec::new();
    let mut index = BTreeMap::new();
    let mut low = BTreeMap::new();
    let mut stack = Vec::new();
    for node in next.keys() {
        if !index.contains_key(node) {
            strong(node, &next, &mut index, &mut low, &mut stack, &mut sets);
        }
    }
    sets.into_iter()
        .filter(|set| set.len() > 1)
        .map(|mut set| {
            set.sort_unstable();
            let start = set[0];
            // Breadth first inside the set, back to the start.
            let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            'search: while let Some(node) = queue.pop_front() {
                for &to in &next[node] {
                    if !set.contains(&to) || parent.contains_key(to) {
                        continue;
                    }
                    parent.insert(to, node);
                    if to == start {
                        break 'search;
                    }
                    queue.push_back(to);
                }
            }
            let mut hops = Vec::new();
            let mut to = start;
            while let Some(&from) = parent.get(to) {
                let items = &edges[&(from.to_owned(), to.to_owned())];
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                hops.push((from.to_owned(), to.to_owned(), items.join(", ")));
                to = from;
                if to == start {
                    break;
                }
            }
            hops.reverse();
            (set.into_iter().map(str::to_owned).collect(), hops)
        })
        .collect()
}

/// Tarjan's strongly connected components, from `node`.
fn strong<'a>(
    node: &'a str,
    next: &BTreeMap<&'a str, Vec<&'a str>>,
    index: &mut BTreeMap<&'a str, usize>,
    low: &mut BTreeMap<&'a str, usize>,
    stack: &mut Vec<&'a str>,
    sets: &mut Vec<Vec<&'a str>>,
) {
    let order = index.len();
    index.insert(node, order);
    low.insert(node, order);
    stack.push(node);
    for &to in &next[node] {
        if !index.contains_key(to) {
            strong(to, next, index, low, stack, sets);
            let lowest = low[node].min(low[to]);
            low.insert(node, lowest);
        } else if stack.contains(&to) {
            let lowest = low[node].min(index[to]);
            low.insert(node, lowest);
        }
    }
    if low[node] == index[node] {
        let mut set = Vec::new();
        while let Some(top) = stack.pop() {
            set.push(top);
            if top == node {
                break;
            }
        }
        sets.push(set);
    }
}
