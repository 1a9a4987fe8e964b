//! Terraform's escape hatches, each still a typed value: an expression the builders do not cover
//! ([`Expr::parse`]), the blocks that change state rather than describe infrastructure
//! ([`Moved`], [`Import`]), `dynamic` blocks ([`super::Dynamic`], with the blocks it goes in) and the values of a root's inputs
//! ([`Tfvars`]). The `provider` meta-argument lives on the blocks it belongs to
//! ([`super::Resource::provider`], [`super::Data::provider`], [`super::Module::provider`]).

use std::str::FromStr;

use hcl::expr::{Expression, TraversalOperator};

use super::body::{Block, Body};
use super::expr::Expr;
use super::terraform::{Addressable, Resource, ResourceKind, Type, Variable};
use crate::{Error, Result};

impl Expr {
    /// An expression written in Terraform's own syntax, for what the typed builders do not
    /// cover (a splat, a `try` over a deep path, an operator chain). The text is parsed here,
    /// so a syntax error is an [`Error::Invalid`] naming `expression` before any file is
    /// written, and the expression prints as `terraform fmt` writes it; whether the names in it
    /// exist is Terraform's to say at `validate`.
    ///
    /// ```
    /// use bkt_core::hcl::Expr;
    /// let first_az = Expr::parse("data.aws_availability_zones.this.names[0]")?;
    /// assert!(Expr::parse("var.zones[").is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `expression`) when the text is not one HCL expression.
    pub fn parse(text: &str) -> Result<Self> {
        Expression::from_str(text).map(Self).map_err(|error| {
            Error::invalid(
                "expression",
                text,
                format!(
                    "it is not one HCL expression ({}): write it as it would stand on the right \
                     of `=` in a .tf file",
                    first_line(&error.to_string())
                ),
            )
        })
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or(text)
}

/// The address of a resource, data source or module call, as `moved` takes it: from a typed
/// block ([`Address::of`]) or, for an address that no longer exists in the model, parsed
/// ([`Address::parse`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Address(Expr);

impl Address {
    /// The address of a block of the model.
    #[must_use]
    pub fn of(block: &impl Addressable) -> Self {
        Self(block.address())
    }

    /// An address written out: `aws_vpc.main`, `aws_subnet.private["a"]`, `data.aws_iam_policy_document.x`,
    /// `module.network`, `module.network.aws_vpc.this`.
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `address`) when the text is not such an address.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |why: &str| {
            Error::invalid(
                "address",
                text,
                format!(
                    "{why}: write TYPE.NAME, data.TYPE.NAME or module.NAME, each optionally \
                     indexed ([0], [\"key\"]) and prefixed by module.NAME."
                ),
            )
        };
        let Ok(Expression::Traversal(traversal)) = Expression::from_str(text) else {
            return Err(invalid("it is not a reference"));
        };
        let Expression::Variable(root) = &traversal.expr else {
            return Err(invalid("it does not start with a name"));
        };
        // Names and indexes, in order: [root, name, (index)?, ...].
        let mut names = vec![root.as_str().to_owned()];
        let mut indexed = vec![false];
        for operator in &traversal.operators {
            match operator {
                TraversalOperator::GetAttr(name) => {
                    names.push(name.as_str().to_owned());
                    indexed.push(false);
                }
                TraversalOperator::Index(Expression::Number(_) | Expression::String(_)) => {
                    match indexed.last_mut() {
                        Some(last) if !*last => *last = true,
                        _ => return Err(invalid("an index must follow a name, once")),
                    }
                }
                _ => return Err(invalid("only names and literal indexes may follow")),
            }
        }
        // Walk module.NAME pairs, then one resource or data source, or end after a module.
        let mut at = 0;
        loop {
            match names.get(at).map(String::as_str) {
                Some("module") if names.len() >= at + 2 => {
                    if indexed[at] {
                        return Err(invalid("`module` itself cannot be indexed"));
                    }
                    at += 2;
                    if at == names.len() {
                        return Ok(Self(Expr(Expression::Traversal(traversal))));
                    }
                }
                Some("data") => {
                    return if names.len() == at + 3 && !indexed[at] && !indexed[at + 1] {
                        Ok(Self(Expr(Expression::Traversal(traversal))))
                    } else {
                        Err(invalid("a data source is data.TYPE.NAME"))
                    };
                }
                Some(_) if names.len() == at + 2 && !indexed[at] => {
                    return Ok(Self(Expr(Expression::Traversal(traversal))));
                }
                _ => return Err(invalid("it has too few or too many names")),
            }
        }
    }

    /// The address as an expression.
    #[must_use]
    pub fn expr(&self) -> Expr {
        self.0.clone()
    }
}

/// A `moved` block: Terraform records that the object at `from` is now at `to`, instead of
/// destroying one and creating the other — the way to rename a resource or move it into a
/// module without a state surgery.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    from: Address,
    to: Address,
}

impl Moved {
    /// `moved { from = <from>  to = <to> }`.
    ///
    /// ```
    /// use bkt_core::hcl::{Address, Moved};
    /// let moved = Moved::new(Address::parse("aws_vpc.main")?, Address::parse("module.network.aws_vpc.this")?)?;
    /// assert!(bkt_core::hcl::to_string(&moved.to_block()).contains("to   = module.network.aws_vpc.this"));
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `moved.to`) when both addresses are the same.
    pub fn new(from: Address, to: Address) -> Result<Self> {
        if from == to {
            return Err(Error::invalid(
                "moved.to",
                super::print::inline(&to.0.0),
                "it is the address the object is moved from: name the new address",
            ));
        }
        Ok(Self { from, to })
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("moved", &[]);
        block.body.attr("from", self.from.expr(), None);
        block.body.attr("to", self.to.expr(), None);
        block
    }
}

/// An `import` block: the next apply adopts an existing object (by its provider's import ID)
/// as the resource instead of creating it.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    to: Expr,
    id: Expr,
    provider: Option<Expr>,
}

impl Import {
    /// `import { to = <resource>  id = <id> }`: only a resource can be imported, so `to` is one.
    #[must_use]
    pub fn new<T: ResourceKind>(to: &Resource<T>, id: impl Into<Expr>) -> Self {
        Self {
            to: to.all(),
            id: id.into(),
            provider: None,
        }
    }

    /// One instance of a resource with `for_each` or `count`: `to = <resource>[key]`.
    #[must_use]
    pub fn instance<T: ResourceKind>(
        to: &Resource<T>,
        key: impl Into<Expr>,
        id: impl Into<Expr>,
    ) -> Self {
        Self {
            to: to.all().index(key),
            id: id.into(),
            provider: None,
        }
    }

    /// The provider configuration that reads the object (when the resource uses a non-default
    /// one).
    #[must_use]
    pub fn provider<P: super::ProviderKind>(mut self, provider: &super::Provider<P>) -> Self {
        self.provider = Some(provider.reference());
        self
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("import", &[]);
        block.body.attr("to", self.to.clone(), None);
        block.body.attr("id", self.id.clone(), None);
        if let Some(provider) = &self.provider {
            block.body.attr("provider", provider.clone(), None);
        }
        block
    }
}

/// The values of a root's input variables, as a `.tfvars` file: each set through the typed
/// [`Variable`] it is for, each a literal (a `.tfvars` file cannot refer to anything).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tfvars {
    values: Vec<(String, Expr)>,
}

impl Tfvars {
    /// No values.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `<variable> = <value>`.
    ///
    /// ```
    /// use bkt_core::hcl::{Expr, Tfvars, Type, Variable};
    /// let region = Variable::new(bkt_core::name!("region"), "The AWS region.", Type::String);
    /// let mut vars = Tfvars::new();
    /// vars.set(&region, "eu-west-1")?;
    /// assert_eq!(vars.render(), "region = \"eu-west-1\"\n");
    /// assert!(vars.set(&region, "eu-west-2").is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `tfvars.<variable>`, or the path inside it) when the variable
    /// already has a value, the value is not a literal (a reference, a function call, an
    /// interpolation), or it does not fit the variable's type: a value Terraform would refuse,
    /// or an object attribute the type does not declare (Terraform would drop it unread).
    pub fn set(&mut self, variable: &Variable, value: impl Into<Expr>) -> Result<&mut Self> {
        let name = variable.name().as_str();
        let value = value.into();
        let field = || format!("tfvars.{name}");
        if self.values.iter().any(|(set, _)| set == name) {
            return Err(Error::invalid(
                field(),
                super::print::inline(&value.0),
                "the variable already has a value in this file: set it once",
            ));
        }
        if let Some(what) = not_literal(&value.0) {
            return Err(Error::invalid(
                field(),
                super::print::inline(&value.0),
                format!(
                    "a .tfvars file holds literal values only, and this has {what}: write the \
                     value itself, or compute it in the root"
                ),
            ));
        }
        if let Err((path, why)) = conforms(&value.0, variable.type_constraint()) {
            return Err(Error::invalid(
                format!("{}{path}", field()),
                super::print::inline(&value.0),
                format!("{why}: give a value of the variable's type"),
            ));
        }
        self.values.push((name.to_owned(), value));
        Ok(self)
    }

    /// The file, as `terraform fmt` writes it.
    #[must_use]
    pub fn render(&self) -> String {
        let mut body = Body::default();
        for (name, value) in &self.values {
            body.attr(name, value.clone(), None);
        }
        super::print::body(&body, 0)
    }
}

/// What makes an expression other than a literal value, if anything.
fn not_literal(expr: &Expression) -> Option<&'static str> {
    match expr {
        Expression::Null | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {
            None
        }
        Expression::Array(items) => items.iter().find_map(not_literal),
        Expression::Object(object) => object.iter().find_map(|(key, value)| {
            match key {
                hcl::expr::ObjectKey::Identifier(_) => None,
                hcl::expr::ObjectKey::Expression(key) => not_literal(key),
                _ => Some("a key of an unknown kind"),
            }
            .or_else(|| not_literal(value))
        }),
        Expression::TemplateExpr(_) => Some("an interpolation or template"),
        Expression::FuncCall(_) => Some("a function call"),
        Expression::Variable(_) | Expression::Traversal(_) => Some("a reference"),
        _ => Some("an operator or a conditional"),
    }
}

/// Whether a literal fits a type constraint as Terraform converts input values; on a misfit the
/// path inside the value (`.nodes.min_size`, `[2]`) and what is wrong.
fn conforms(expr: &Expression, type_: &Type) -> std::result::Result<(), (String, String)> {
    let misfit = |what: &str| Err((String::new(), format!("expected {what}")));
    let inside = |path: String, result: std::result::Result<(), (String, String)>| {
        result.map_err(|(rest, why)| (format!("{path}{rest}"), why))
    };
    match (type_, expr) {
        (Type::Any, _) | (_, Expression::Null) => Ok(()),
        (Type::String, value) if !matches!(value, Expression::Array(_) | Expression::Object(_)) => {
            Ok(())
        }
        (Type::String, _) => misfit("a string"),
        (Type::Number, value) => match value {
            Expression::Number(_) => Ok(()),
            Expression::String(text) if text.parse::<f64>().is_ok() => Ok(()),
            _ => misfit("a number"),
        },
        (Type::Bool, value) => match value {
            Expression::Bool(_) => Ok(()),
            Expression::String(text) if text == "true" || text == "false" => Ok(()),
            _ => misfit("true or false"),
        },
        (Type::List(item) | Type::Set(item), Expression::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, value)| inside(format!("[{index}]"), conforms(value, item))),
        (Type::List(_) | Type::Set(_), _) => misfit("a list [ … ]"),
        (Type::Map(item), Expression::Object(object)) => {
            object.iter().try_for_each(|(key, value)| {
                inside(format!(".{}", key_text(key)), conforms(value, item))
            })
        }
        (Type::Map(_), _) => misfit("a map { … }"),
        (Type::Object(fields), Expression::Object(object)) => {
            for (key, value) in object {
                let key = key_text(key);
                let Some(field) = fields.iter().find(|field| field.name.as_str() == key) else {
                    let known: Vec<&str> = fields.iter().map(|field| field.name.as_str()).collect();
                    return Err((
                        format!(".{key}"),
                        format!(
                            "the type has no attribute `{key}` (it has: {})",
                            known.join(", ")
                        ),
                    ));
                };
                inside(format!(".{key}"), conforms(value, &field.type_))?;
            }
            match fields.iter().find(|field| {
                field.optional.is_none()
                    && !object
                        .iter()
                        .any(|(key, _)| key_text(key) == field.name.as_str())
            }) {
                Some(missing) => Err((
                    format!(".{}", missing.name.as_str()),
                    "a required attribute is missing".to_owned(),
                )),
                None => Ok(()),
            }
        }
        (Type::Object(_), _) => misfit("an object { … }"),
    }
}

fn key_text(key: &hcl::expr::ObjectKey) -> String {
    match key {
        hcl::expr::ObjectKey::Identifier(name) => name.as_str().to_owned(),
        hcl::expr::ObjectKey::Expression(Expression::String(text)) => text.clone(),
        hcl::expr::ObjectKey::Expression(other) => super::print::inline(other),
        _ => String::new(),
    }
}
