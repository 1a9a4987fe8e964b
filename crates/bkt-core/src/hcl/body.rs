//! The generic layer under the typed models: blocks, attributes, comments and blank lines.
//!
//! Typed models ([`crate::hcl::Resource`], [`crate::hcl::Variable`], …) lower themselves into a
//! [`Block`]; the writer prints blocks. Models outside this crate never build blocks by string
//! key: they declare typed kinds with [`crate::terraform_kind!`].

use super::expr::Expr;
use super::terraform::BlockModel;

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

    /// Sets one argument of this block, as [`crate::hcl::File::set_argument`] does for a block
    /// of a file (see there); the errors name the block by its address.
    ///
    /// # Errors
    /// As [`crate::hcl::File::set_argument`]'s, except that the block is this one.
    pub fn set_argument(
        &mut self,
        path: &str,
        value: impl Into<super::terraform::Arg>,
    ) -> crate::Result<&mut Self> {
        let address = super::set::address(self).unwrap_or_else(|| self.ident.clone());
        super::set::in_block(self, &address, path, value.into())?;
        Ok(self)
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

    /// The block as `terraform fmt` would write it, ending with a newline.
    #[must_use]
    pub fn to_hcl_string(&self) -> String {
        let mut body = Body::default();
        body.block(self.clone());
        super::print::body(&body, 0)
    }
}
