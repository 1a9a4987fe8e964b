//! The HCL side: Terraform modules as typed values, and a writer whose output is
//! byte-identical to `terraform fmt`.
//!
//! Models are made of [`Resource`]s and [`Data`] sources of kinds declared with
//! [`crate::terraform_kind!`], [`Variable`]s with their validations, [`Locals`], [`Output`]s and
//! the [`Settings`] block, all lowered to [`Block`]s and collected into [`File`]s. Expressions
//! are [`Expr`] values: references come from the values they point at
//! (`vpc.get().id()` is `aws_vpc.this.id`), functions from [`func`], interpolation from
//! [`Expr::template`]. Comments that say why survive as `why` on blocks, arguments and locals.
//!
//! Every block lowered from a typed kind carries the kind's [`BlockModel`] (its argument names
//! and nested block types), so a user of a generated [`File`] can change one argument of one
//! block without forking the model that built it: [`File::set_argument`] takes the block's
//! address and a path (`metadata_options.http_put_response_hop_limit`), refuses a name the kind
//! does not declare, and the file still renders as `terraform fmt` writes it.
//!
//! Two faults of writing HCL with hcl-rs alone are avoided here: hcl-rs does not align the
//! `=` of adjacent attributes as `terraform fmt` does, and a `${` inside a plain string would be
//! escaped to `$${`, so text is never a way to write a reference.

mod body;
mod expr;
pub mod func;
mod meta;
mod print;
mod set;
mod terraform;

pub use body::{Block, Body};
pub use expr::{BinOp, Expr, Key};
pub use meta::{Address, Import, Moved, Tfvars};
pub use terraform::{
    Addressable, Arg, BlockModel, Data, DataKind, Dynamic, Field, File, Kind, Lifecycle, Local,
    Locals, Module, ModuleKind, NestedBlock, Output, Provider, ProviderKind, Ref, RequiredProvider,
    Resource, ResourceKind, Settings, Type, Validation, Variable, unraw,
};

/// A module's or root's `.tf` files as a tree of generated files, each with its header.
///
/// # Errors
/// A tree error: a bad or duplicate file name.
pub fn files_to_tree<'a>(
    generator: &str,
    files: impl IntoIterator<Item = (&'a str, File)>,
) -> crate::Result<crate::Tree> {
    let mut tree = crate::Tree::new(generator);
    for (path, file) in files {
        tree.insert(path, crate::FileKind::Hcl, &file.render())?;
    }
    Ok(tree)
}

/// One block as `terraform fmt` writes it, ending with a newline.
#[must_use]
pub fn to_string(block: &Block) -> String {
    block.to_hcl_string()
}

#[cfg(test)]
mod tests;
