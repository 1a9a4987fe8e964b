//! The HCL writer's bodies and blocks: attributes, nested blocks, comments and blank lines
//! laid out as lines, the expressions in them by the parent's expression layout.

use super::{Line, escape_literal, finish, push_entry};
use crate::hcl::body::{Block, Body, Item};

impl Block {
    /// The block as `terraform fmt` would write it, ending with a newline.
    #[must_use]
    pub fn to_hcl_string(&self) -> String {
        let mut body = Body::default();
        body.block(self.clone());
        self::body(&body, 0)
    }
}

/// Writes a whole body (the top level of a file, or a block's content) at `indent`.
pub(crate) fn body(body: &Body, indent: usize) -> String {
    let mut lines = Vec::new();
    push_body(body, indent, &mut lines);
    finish(&lines)
}

fn push_comment(comment: Option<&str>, indent: usize, lines: &mut Vec<Line>) {
    if let Some(comment) = comment {
        for line in comment.lines() {
            if line.is_empty() {
                lines.push(Line::plain(indent, "#"));
            } else {
                lines.push(Line::plain(indent, format!("# {line}")));
            }
        }
    }
}

fn push_body(body: &Body, indent: usize, lines: &mut Vec<Line>) {
    // A group opened with nothing after it (a kind with no arguments set) leaves no blank line
    // before the closing brace, as `terraform fmt` would not.
    let items = match body.items.split_last() {
        Some((Item::Blank, rest)) => rest,
        _ => &body.items[..],
    };
    for item in items {
        match item {
            Item::Blank => lines.push(Line::plain(0, "")),
            Item::Attribute(attribute) => {
                push_comment(attribute.comment.as_deref(), indent, lines);
                push_entry(attribute.key.clone(), &attribute.value.0, indent, lines);
            }
            Item::Block(block) => push_block(block, indent, lines),
        }
    }
}

fn push_block(block: &Block, indent: usize, lines: &mut Vec<Line>) {
    push_comment(block.comment.as_deref(), indent, lines);
    let mut header = block.ident.clone();
    for label in &block.labels {
        header.push_str(" \"");
        escape_literal(label, &mut header);
        header.push('"');
    }
    if block.body.items.is_empty() {
        header.push_str(" {}");
        lines.push(Line::plain(indent, header));
    } else {
        header.push_str(" {");
        lines.push(Line::plain(indent, header));
        push_body(&block.body, indent + 2, lines);
        lines.push(Line::plain(indent, "}"));
    }
}
