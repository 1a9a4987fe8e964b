//! The size rules' measure of one source, on the parsed file: its length and each function's
//! body (the machinery of `files_and_functions_stay_small`).

use super::{MAX_FILE_LINES, MAX_FN_LINES};

/// A function of a source whose body is longer than [`MAX_FN_LINES`]: its path of names (`impl
/// Type::name`, `name`) and its length.
fn long_functions(source: &str) -> Vec<(String, usize)> {
    use syn::visit::Visit;

    #[derive(Default)]
    struct Collect {
        owner: Vec<String>,
        found: Vec<(String, usize)>,
    }

    impl Collect {
        fn measure(&mut self, name: &syn::Ident, block: &syn::Block) {
            let span = block.brace_token.span;
            let lines = span.close().end().line + 1 - span.open().start().line;
            if lines > MAX_FN_LINES {
                let mut path = self.owner.clone();
                path.push(name.to_string());
                self.found.push((path.join("::"), lines));
            }
        }
    }

    impl<'ast> Visit<'ast> for Collect {
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            self.measure(&item.sig.ident, &item.block);
            syn::visit::visit_item_fn(self, item);
        }
        fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
            let ty = &item.self_ty;
            self.owner.push(quote_type(ty));
            syn::visit::visit_item_impl(self, item);
            self.owner.pop();
        }
        fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
            self.measure(&item.sig.ident, &item.block);
            syn::visit::visit_impl_item_fn(self, item);
        }
        fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
            self.owner.push(item.ident.to_string());
            syn::visit::visit_item_trait(self, item);
            self.owner.pop();
        }
        fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
            if let Some(block) = &item.default {
                self.measure(&item.sig.ident, block);
            }
            syn::visit::visit_trait_item_fn(self, item);
        }
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            self.owner.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.owner.pop();
        }
    }

    /// The last segment of an impl's type (`Spec` for `crate::spec::Spec<T>`).
    fn quote_type(ty: &syn::Type) -> String {
        match ty {
            syn::Type::Path(path) => path
                .path
                .segments
                .last()
                .map(|segment| segment.ident.to_string())
                .unwrap_or_default(),
            syn::Type::Reference(reference) => quote_type(&reference.elem),
            _ => "_".to_owned(),
        }
    }

    let file = syn::parse_file(source).unwrap_or_else(|error| panic!("not Rust: {error}"));
    let mut collect = Collect::default();
    collect.visit_file(&file);
    collect.found
}

/// The size rules' findings in one source: the file's own length past [`MAX_FILE_LINES`], then
/// each function past [`MAX_FN_LINES`], as `(item, lines)` (`None` for the file).
pub fn oversized(source: &str) -> Vec<(Option<String>, usize)> {
    let mut found = Vec::new();
    let lines = source.lines().count();
    if lines > MAX_FILE_LINES {
        found.push((None, lines));
    }
    found.extend(
        long_functions(source)
            .into_iter()
            .map(|(name, lines)| (Some(name), lines)),
    );
    found
}
