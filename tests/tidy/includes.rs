//! The files a Rust source reads at compile time (`include_str!`, `include_bytes!`), found in its
//! parsed tokens: the machinery of `crates_include_only_their_own_files`.

use std::path::{Component, Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};

/// What an include names: the path it resolves to (its literal joined to the including file's
/// directory, `.` and `..` taken lexically), or the argument's text when it is not a string
/// literal and so cannot be resolved.
#[derive(Debug, PartialEq, Eq)]
pub enum Include {
    Path(PathBuf),
    NotLiteral(String),
}

/// Every `include_str!`/`include_bytes!` of a source (`std::` paths, attributes such as
/// `#[doc = include_str!(…)]` and other macros' arguments included; comments are not tokens),
/// resolved against `dir`, the including file's directory.
pub fn includes(source: &str, dir: &Path) -> Vec<Include> {
    let tokens: TokenStream = source
        .parse()
        .unwrap_or_else(|error| panic!("not Rust tokens: {error}"));
    let mut found = Vec::new();
    scan(tokens, dir, &mut found);
    found
}

fn scan(tokens: TokenStream, dir: &Path, found: &mut Vec<Include>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (at, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => scan(group.stream(), dir, found),
            TokenTree::Ident(ident) if ident == "include_str" || ident == "include_bytes" => {
                let bang =
                    matches!(tokens.get(at + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let Some(TokenTree::Group(arguments)) = tokens.get(at + 2).filter(|_| bang) else {
                    continue;
                };
                let literal = syn::parse2::<syn::LitStr>(arguments.stream());
                found.push(match literal {
                    Ok(literal) => Include::Path(lexical(&dir.join(literal.value()))),
                    Err(_) => Include::NotLiteral(arguments.stream().to_string()),
                });
            }
            _ => {}
        }
    }
}

/// A path with `.` and `..` taken away lexically (the file need not exist).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
