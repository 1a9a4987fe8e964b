//! Overrides of one argument of a generated block, checked against the kind's model.
//!
//! A block lowered from a typed kind carries its [`BlockModel`]: the argument names and nested
//! block types the kind declares. An override walks a dotted path through it — nested blocks
//! by identifier, then one argument, then (inside an argument whose value is an object) object
//! keys — and refuses any step the model does not have. The value replaces the argument's
//! expression in place; an argument the kind declares but the model left unset is added among
//! the block's arguments in declaration order. The writer aligns the result as `terraform fmt`
//! does, so an overridden file is still formatted.

use hcl::expr::{Expression, ObjectKey};

use super::body::{Attribute, Block, Body, Item};
use super::expr::Key;
use super::terraform::{Arg, BlockModel};
use crate::{Error, Result};

impl Block {
    /// Sets one argument of this block, as [`crate::hcl::File::set_argument`] does for a block
    /// of a file (see there); the errors name the block by its address.
    ///
    /// # Errors
    /// As [`crate::hcl::File::set_argument`]'s, except that the block is this one.
    pub fn set_argument(&mut self, path: &str, value: impl Into<Arg>) -> Result<&mut Self> {
        let address = address(self).unwrap_or_else(|| self.ident.clone());
        in_block(self, &address, path, value.into())?;
        Ok(self)
    }
}

/// The keys of a dotted path: `.` separates keys, `\.` is a dot inside a key (an object key
/// such as `kubernetes\.io/role/elb`), `\\` a backslash.
fn parse(address: &str, path: &str) -> Result<Vec<String>> {
    let invalid = |reason: &str| Error::invalid(format!("{address} {path}"), path, reason);
    let mut keys = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        let c = match c {
            '.' => {
                keys.push(String::new());
                continue;
            }
            '\\' => match chars.next() {
                Some(escaped @ ('.' | '\\')) => escaped,
                _ => {
                    return Err(invalid(
                        "a backslash escapes only `.` (a dot inside an object key) or `\\`: write `\\.` or `\\\\`",
                    ));
                }
            },
            other => other,
        };
        if let Some(key) = keys.last_mut() {
            key.push(c);
        }
    }
    if keys.iter().any(String::is_empty) {
        return Err(invalid(
            "every name between dots must be non-empty: write `argument`, `block.argument` or `argument.key`",
        ));
    }
    Ok(keys)
}

/// The address a block answers to: `TYPE.NAME`, `data.TYPE.NAME`, `module.NAME`,
/// `provider.TYPE` (an aliased provider is `provider.TYPE.ALIAS`); `None` for a block that is
/// not a kind's (a variable, an output, locals, the settings).
pub(super) fn address(block: &Block) -> Option<String> {
    block.model?;
    let labels = block.labels.join(".");
    match block.ident.as_str() {
        "resource" => Some(labels),
        "provider" => match provider_alias(block) {
            Some(alias) => Some(format!("provider.{labels}.{alias}")),
            None => Some(format!("provider.{labels}")),
        },
        ident => Some(format!("{ident}.{labels}")),
    }
}

fn provider_alias(block: &Block) -> Option<&str> {
    block.body.items.iter().find_map(|item| match item {
        Item::Attribute(attribute) if attribute.key == "alias" => match &attribute.value.0 {
            Expression::String(alias) => Some(alias.as_str()),
            _ => None,
        },
        _ => None,
    })
}

/// Sets the argument at `path` of the block at `address` among `blocks`.
pub(super) fn in_file(blocks: &mut [Block], address: &str, path: &str, value: Arg) -> Result<()> {
    let found = blocks
        .iter()
        .position(|block| self::address(block).as_deref() == Some(address));
    match found.and_then(|index| blocks.get_mut(index)) {
        Some(block) => in_block(block, address, path, value),
        None => Err(Error::NoSuchBlock {
            address: address.to_owned(),
            blocks: blocks.iter().filter_map(self::address).collect(),
        }),
    }
}

/// Sets the argument at `path` of `block`, known as `address` in the errors.
pub(super) fn in_block(block: &mut Block, address: &str, path: &str, value: Arg) -> Result<()> {
    let keys = parse(address, path)?;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let Some(model) = block.model else {
        return Err(Error::invalid(
            format!("{address} {path}"),
            &block.ident,
            "this block was not lowered from a typed kind, so it has no modelled arguments to override: change the model that builds it",
        ));
    };
    let mut walk = Walk {
        address,
        path,
        value: Some(value),
    };
    walk.block(block, model, &keys, &[])
}

/// One override on its way down.
struct Walk<'a> {
    address: &'a str,
    path: &'a str,
    /// The value, taken when it is put in place.
    value: Option<Arg>,
}

impl Walk<'_> {
    fn invalid(&self, at: &str, reason: String) -> Error {
        Error::invalid(format!("{} {}", self.address, self.path), at, reason)
    }

    fn block(
        &mut self,
        block: &mut Block,
        model: &'static BlockModel,
        keys: &[&str],
        reached: &[&str],
    ) -> Result<()> {
        let Some((&key, rest)) = keys.split_first() else {
            return Ok(());
        };
        if model.arguments.contains(&key) {
            return self.argument(&mut block.body, model, key, rest);
        }
        let Some(nested) = model.blocks.iter().find(|nested| nested.ident() == key) else {
            return Err(Error::UnknownArgument {
                address: self.address.to_owned(),
                at: reached
                    .iter()
                    .chain([&key])
                    .map(|name| (*name).to_owned())
                    .collect(),
                known: model
                    .arguments
                    .iter()
                    .map(|argument| (*argument).to_owned())
                    .chain(
                        model
                            .blocks
                            .iter()
                            .map(|nested| format!("{} {{}}", nested.ident())),
                    )
                    .collect(),
            });
        };
        if rest.is_empty() {
            return Err(self.invalid(
                key,
                format!("`{key}` is a nested block, not an argument: set one of its arguments, `{key}.<argument>`"),
            ));
        }
        let reached = [reached, &[key]].concat();
        let matching: Vec<usize> = block
            .body
            .items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| match item {
                Item::Block(inner) if inner.ident == key => Some(index),
                _ => None,
            })
            .collect();
        let index = match matching.as_slice() {
            [] => {
                // A block the model declares but left unset is added, after the others, once
                // the rest of the path is set in it (a failed override changes nothing).
                let labels = nested.header.get(1..).unwrap_or_default();
                let mut created = Block::new(key, labels).with_model(nested);
                self.block(&mut created, nested, rest, &reached)?;
                block.body.group();
                block.body.block(created);
                return Ok(());
            }
            [index] => index,
            more => {
                return Err(self.invalid(
                    key,
                    format!(
                        "the block has {} `{key}` blocks and a path cannot tell them apart: change the model that builds them",
                        more.len()
                    ),
                ));
            }
        };
        match block.body.items.get_mut(*index) {
            Some(Item::Block(inner)) => self.block(inner, nested, rest, &reached),
            _ => Err(self.invalid(key, "the block vanished while it was set".to_owned())),
        }
    }

    /// Sets `key` (an argument of `model`) in `body`, or a key inside its object value.
    fn argument(
        &mut self,
        body: &mut Body,
        model: &BlockModel,
        key: &str,
        rest: &[&str],
    ) -> Result<()> {
        let existing = body.items.iter_mut().find_map(|item| match item {
            Item::Attribute(attribute) if attribute.key == key => Some(attribute),
            _ => None,
        });
        if rest.is_empty() {
            let Some(Arg { value, why }) = self.value.take() else {
                return Ok(());
            };
            if let Some(attribute) = existing {
                // The old comment said why the old value; the override brings its own.
                attribute.value = value;
                attribute.comment = why;
            } else {
                let at = insertion_point(body, model, key);
                body.items.insert(
                    at,
                    Item::Attribute(Attribute {
                        key: key.to_owned(),
                        value,
                        comment: why,
                    }),
                );
            }
            return Ok(());
        }
        let Some(attribute) = existing else {
            return Err(self.invalid(
                key,
                format!("the argument `{key}` is not set, so it has no keys to set: set `{key}` as a whole"),
            ));
        };
        let mut object = &mut attribute.value.0;
        let mut reached = key.to_owned();
        for (depth, &name) in rest.iter().enumerate() {
            let Expression::Object(entries) = object else {
                return Err(self.invalid(
                    &reached,
                    format!("`{reached}` is not an object written as `{{ … }}`, so it has no keys to set: set `{reached}` as a whole"),
                ));
            };
            let last = depth + 1 == rest.len();
            if last {
                let Some(Arg { value, why }) = self.value.take() else {
                    return Ok(());
                };
                if why.is_some() {
                    return Err(self.invalid(
                        name,
                        "a comment goes above a whole argument, not above a key inside its value: give the value without `why`".to_owned(),
                    ));
                }
                match entries
                    .iter_mut()
                    .find(|(entry, _)| key_text(entry) == Some(name))
                {
                    Some((_, slot)) => *slot = value.0,
                    None => {
                        entries.insert(Key::from(name).0, value.0);
                    }
                }
                return Ok(());
            }
            let Some((_, inner)) = entries
                .iter_mut()
                .find(|(entry, _)| key_text(entry) == Some(name))
            else {
                return Err(self.invalid(
                    name,
                    format!("`{reached}` has no key `{name}` to go into: set `{reached}.{name}` as a whole"),
                ));
            };
            reached = format!("{reached}.{name}");
            object = inner;
        }
        Ok(())
    }
}

/// The text of an object key written as an identifier or a plain string.
fn key_text(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Identifier(ident) => Some(ident.as_str()),
        ObjectKey::Expression(Expression::String(text)) => Some(text),
        _ => None,
    }
}

/// Where an argument the block does not set yet goes: after the last set argument declared
/// before it, else before the first set argument declared after it, else at the end.
fn insertion_point(body: &Body, model: &BlockModel, key: &str) -> usize {
    let rank = |name: &str| {
        model
            .arguments
            .iter()
            .position(|argument| *argument == name)
    };
    let Some(own) = rank(key) else {
        return body.items.len();
    };
    let ranked: Vec<(usize, usize)> = body
        .items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| match item {
            Item::Attribute(attribute) => rank(&attribute.key).map(|rank| (index, rank)),
            _ => None,
        })
        .collect();
    if let Some((index, _)) = ranked.iter().rev().find(|(_, rank)| *rank < own) {
        return index + 1;
    }
    if let Some((index, _)) = ranked.iter().find(|(_, rank)| *rank > own) {
        return *index;
    }
    body.items.len()
}
