//! The generic layer under the typed models: blocks, attributes, comments and blank lines.
//!
//! Typed models ([`crate::hcl::Resource`], [`crate::hcl::Variable`], …) lower themselves into a
//! [`Block`]; the writer prints blocks. Models outside this crate never build blocks by string
//! key: they declare typed kinds with [`crate::terraform_kind!`].

use super::expr::Expr;

/// The content of a block or a file: attributes, nested blocks and blank lines, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub(crate) items: Vec<Item>,
}

/// One entry of a [`Body`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Attribute(Attribute),
    Block(Block),
    /// An empty line separating groups.
    Blank,
}

/// `key = value`, with an optional comment above it saying why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attribute {
    pub(crate) key: String,
    pub(crate) value: Expr,
    pub(crate) comment: Option<String>,
}

/// `ident "label" … { body }`, with an optional comment above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub(crate) ident: String,
    pub(crate) labels: Vec<String>,
    pub(crate) body: Body,
    pub(crate) comment: Option<String>,
    /// What the typed kind or block type it was lowered from can set; `None` for the blocks
    /// that are not a kind's (variables, outputs, locals, settings, lifecycle).
    pub(crate) model: Option<&'static BlockModel>,
}

impl Body {
    pub(crate) fn attr(&mut self, key: &str, value: Expr, comment: Option<&str>) {
        self.items.push(Item::Attribute(Attribute {
            key: key.to_owned(),
            value,
            comment: comment.map(str::to_owned),
        }));
    }

    pub(crate) fn block(&mut self, block: Block) {
        self.items.push(Item::Block(block));
    }

    /// Starts a new group: a blank line, unless the body is empty or already ends a group.
    pub(crate) fn group(&mut self) {
        if !matches!(self.items.last(), None | Some(Item::Blank)) {
            self.items.push(Item::Blank);
        }
    }

    /// Whether the body holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The body as hcl-rs structures (comments and blank lines dropped), for comparison
    /// with what a parser reads back.
    #[must_use]
    pub fn to_hcl(&self) -> hcl::Body {
        let mut body = hcl::Body::default();
        for item in &self.items {
            match item {
                Item::Attribute(attribute) => {
                    body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
                        hcl::Identifier::unchecked(attribute.key.as_str()),
                        attribute.value.0.clone(),
                    )));
                }
                Item::Block(block) => body.0.push(hcl::Structure::Block(block.to_hcl())),
                Item::Blank => {}
            }
        }
        body
    }
}

impl Block {
    pub(crate) fn new(ident: &str, labels: &[&str]) -> Self {
        Self {
            ident: ident.to_owned(),
            labels: labels.iter().map(|label| (*label).to_owned()).collect(),
            body: Body::default(),
            comment: None,
            model: None,
        }
    }

    pub(crate) fn with_model(mut self, model: &'static BlockModel) -> Self {
        self.model = Some(model);
        self
    }

    pub(crate) fn with_comment(mut self, comment: Option<&str>) -> Self {
        self.comment = comment.map(str::to_owned);
        self
    }

    /// The same block with a comment written above it, saying why it is there.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The block as hcl-rs structures (comments and blank lines dropped).
    #[must_use]
    pub fn to_hcl(&self) -> hcl::Block {
        hcl::Block {
            identifier: hcl::Identifier::unchecked(self.ident.as_str()),
            labels: self
                .labels
                .iter()
                .map(|label| hcl::BlockLabel::String(label.clone()))
                .collect(),
            body: self.body.to_hcl(),
        }
    }
}

/// What a typed kind or nested block type can set, as the crates model it: its argument names
/// and its nested block types, each with its own model.
///
/// [`crate::terraform_kind!`] and [`crate::terraform_block!`] record it from their field lists
/// ([`crate::hcl::Kind::MODEL`], [`crate::hcl::NestedBlock::MODEL`]), and every block a typed model lowers to carries
/// it, so [`crate::hcl::File::set_argument`] can refuse an override of an argument the kind does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockModel {
    /// A nested block's identifier and labels (`["vpc_config"]`, `["backend", "s3"]`); empty for
    /// a kind, whose block header comes from its mode and name.
    pub header: &'static [&'static str],
    /// The argument names, as Terraform spells them, in declaration order.
    pub arguments: &'static [&'static str],
    /// The nested block types, in declaration order.
    pub blocks: &'static [&'static BlockModel],
}

impl BlockModel {
    /// The identifier of a nested block type (`vpc_config`); empty for a kind.
    #[must_use]
    pub fn ident(&self) -> &'static str {
        self.header.first().copied().unwrap_or_default()
    }
}
