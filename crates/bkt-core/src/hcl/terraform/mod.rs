//! Terraform's module language as types: resources and data sources of typed kinds,
//! variables with their validations, locals, outputs, the `terraform` settings block, files.

mod blocks;
mod file;
mod macros;
mod values;

pub use blocks::{Addressable, Data, Dynamic, Module, Provider, Resource};
pub use file::{File, RequiredProvider, Settings};
pub use macros::{Ref, unraw};
pub use values::{Field, Local, Locals, Output, Type, Validation, Variable};

pub use super::body::BlockModel;

use super::body::{Block, Body};
use super::expr::Expr;

/// An argument value, with an optional comment written above it saying why it is set so.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The value.
    pub value: Expr,
    /// Why the value is what it is; written as a `#` comment above the argument.
    pub why: Option<String>,
}

impl Arg {
    /// Adds the comment saying why the argument is set so.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }
}

impl<T: Into<Expr>> From<T> for Arg {
    fn from(value: T) -> Self {
        Self {
            value: value.into(),
            why: None,
        }
    }
}

/// A kind of Terraform object (`aws_vpc`, `aws_region` …) whose fields are its arguments.
///
/// Implemented by [`crate::terraform_kind!`]; see there.
pub trait Kind {
    /// The Terraform type name, for example `aws_vpc`.
    const TYPE: &'static str;
    /// The typed reference to an instance, with one method per exported attribute.
    type Ref: From<Expr>;
    /// Every argument the kind can set, in declaration order (for a module: its inputs).
    const ARGUMENTS: &'static [&'static str] = &[];
    /// Every attribute its reference type reads (for a module: its outputs).
    const ATTRIBUTES: &'static [&'static str] = &[];
    /// The arguments and nested block types the kind models, recorded on its blocks for
    /// [`File::set_argument`].
    const MODEL: &'static BlockModel = &BlockModel {
        header: &[],
        arguments: Self::ARGUMENTS,
        blocks: &[],
    };
    /// The arguments that are set, in declaration order.
    fn arguments(&self) -> Vec<(&'static str, &Arg)>;
    /// The nested blocks that are set, in declaration order.
    fn nested(&self) -> Vec<Block> {
        Vec::new()
    }
}

/// A [`Kind`] that is a managed resource (`resource "…" "…"`).
pub trait ResourceKind: Kind {}

/// A [`Kind`] that is a data source (`data "…" "…"`).
pub trait DataKind: Kind {}

/// A [`Kind`] that is the input of a module call (`module "…" { source = … }`).
pub trait ModuleKind: Kind {}

/// A [`Kind`] that configures a provider (`provider "…"`).
pub trait ProviderKind: Kind {}

/// A nested block type (`vpc_config { … }`), declared with [`crate::terraform_block!`].
pub trait NestedBlock {
    /// The block's identifier and labels, for example `["vpc_config"]` or `["backend", "s3"]`.
    const HEADER: &'static [&'static str];
    /// Every argument the block type can set, in declaration order.
    const ARGUMENTS: &'static [&'static str] = &[];
    /// The arguments and nested block types the block type models, recorded on its blocks for
    /// [`File::set_argument`].
    const MODEL: &'static BlockModel = &BlockModel {
        header: Self::HEADER,
        arguments: Self::ARGUMENTS,
        blocks: &[],
    };
    /// The arguments that are set, in declaration order.
    fn arguments(&self) -> Vec<(&'static str, &Arg)>;
    /// The nested blocks that are set, in declaration order.
    fn nested(&self) -> Vec<Block>;
    /// The comment above the block.
    fn why(&self) -> Option<&str>;

    /// The block.
    fn to_block(&self) -> Block {
        let (ident, labels) = Self::HEADER.split_first().unwrap_or((&"block", &[]));
        let mut block = Block::new(ident, labels)
            .with_comment(self.why())
            .with_model(Self::MODEL);
        for (key, arg) in self.arguments() {
            block.body.attr(key, arg.value.clone(), arg.why.as_deref());
        }
        for nested in self.nested() {
            block.body.group();
            block.body.block(nested);
        }
        block
    }
}

/// The `lifecycle` meta-argument block of a resource.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lifecycle {
    /// Attributes Terraform must not revert (paths relative to the resource, built with
    /// [`Expr::ident`]).
    pub ignore_changes: Vec<Expr>,
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Refuse any plan that destroys the object.
    pub prevent_destroy: bool,
    /// The comment above the block, saying why.
    pub why: Option<String>,
}

impl Lifecycle {
    fn to_block(&self) -> Block {
        let mut block = Block::new("lifecycle", &[]).with_comment(self.why.as_deref());
        if self.create_before_destroy {
            block.body.attr("create_before_destroy", true.into(), None);
        }
        if self.prevent_destroy {
            block.body.attr("prevent_destroy", true.into(), None);
        }
        if !self.ignore_changes.is_empty() {
            block.body.attr(
                "ignore_changes",
                Expr::list(self.ignore_changes.clone()),
                None,
            );
        }
        block
    }
}

/// Arguments that go into a group of their own, after the others.
const TAGS: &str = "tags";

fn kind_body(arguments: &[(&'static str, &Arg)], nested: Vec<Block>, body: &mut Body) {
    body.group();
    for (key, arg) in arguments.iter().filter(|(key, _)| *key != TAGS) {
        body.attr(key, arg.value.clone(), arg.why.as_deref());
    }
    for block in nested {
        body.group();
        body.block(block);
    }
    for (key, arg) in arguments.iter().filter(|(key, _)| *key == TAGS) {
        body.group();
        body.attr(key, arg.value.clone(), arg.why.as_deref());
    }
}
