//! A module's interface and its own values: input variables with their type constraints and
//! validations, outputs and locals.

use crate::hcl::{Block, Expr};
use crate::name::Name;

/// An attribute of an object type constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The attribute's name.
    pub name: Name,
    /// Its type.
    pub type_: Type,
    /// `None`: required. `Some(None)`: `optional(T)`. `Some(Some(d))`: `optional(T, d)`.
    pub optional: Option<Option<Expr>>,
}

impl Field {
    /// A required attribute.
    #[must_use]
    pub fn required(name: Name, type_: Type) -> Self {
        Self {
            name,
            type_,
            optional: None,
        }
    }

    /// An optional attribute, `null` when absent.
    #[must_use]
    pub fn optional(name: Name, type_: Type) -> Self {
        Self {
            name,
            type_,
            optional: Some(None),
        }
    }

    /// An optional attribute with a default.
    #[must_use]
    pub fn defaulted(name: Name, type_: Type, default: impl Into<Expr>) -> Self {
        Self {
            name,
            type_,
            optional: Some(Some(default.into())),
        }
    }
}

/// A type constraint of a variable.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Type {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`
    Map(Box<Type>),
    /// `object({ … })`
    Object(Vec<Field>),
    /// `any`
    Any,
}

impl Type {
    fn to_expr(&self) -> Expr {
        match self {
            Self::String => Expr::keyword("string"),
            Self::Number => Expr::keyword("number"),
            Self::Bool => Expr::keyword("bool"),
            Self::List(inner) => Expr::call("list", [inner.to_expr()]),
            Self::Set(inner) => Expr::call("set", [inner.to_expr()]),
            Self::Map(inner) => Expr::call("map", [inner.to_expr()]),
            Self::Object(fields) => Expr::call(
                "object",
                [Expr::object(fields.iter().map(|field| {
                    let type_ = field.type_.to_expr();
                    let value = match &field.optional {
                        None => type_,
                        Some(None) => Expr::call("optional", [type_]),
                        Some(Some(default)) => Expr::call("optional", [type_, default.clone()]),
                    };
                    (field.name.as_str(), value)
                }))],
            ),
            Self::Any => Expr::keyword("any"),
        }
    }
}

/// A `validation` block: the condition and the message shown when it is false.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// A condition over the variable that must hold.
    pub condition: Expr,
    /// What is wrong and how to fix it, ending in a full stop.
    pub error_message: String,
}

/// An input `variable` of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    name: Name,
    description: String,
    type_: Type,
    default: Option<Expr>,
    sensitive: bool,
    nullable: bool,
    validations: Vec<Validation>,
}

impl Variable {
    /// ```
    /// use bkt_core::hcl::{Expr, Type, Variable, to_string};
    /// let retention = Variable::new(bkt_core::name!("retention_days"), "Days to keep logs.", Type::Number)
    ///     .default(30)
    ///     .validate(|days| days.at_least(1), "retention_days must be at least 1.");
    /// let text = to_string(&retention.to_block());
    /// assert!(text.contains("  condition     = var.retention_days >= 1\n"));
    /// assert_eq!(retention.reference(), Expr::parse("var.retention_days")?);
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// A variable with its description and type constraint.
    #[must_use]
    pub fn new(name: Name, description: impl Into<String>, type_: Type) -> Self {
        Self {
            name,
            description: description.into(),
            type_,
            default: None,
            sensitive: false,
            nullable: true,
            validations: Vec::new(),
        }
    }

    /// The variable's name.
    #[must_use]
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The variable's type constraint.
    #[must_use]
    pub fn type_constraint(&self) -> &Type {
        &self.type_
    }

    /// The default, which makes the variable optional.
    #[must_use]
    pub fn default(mut self, value: impl Into<Expr>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// Marks the value sensitive (kept out of plan output).
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Rejects `null` as a value (`nullable = false`), so the default applies instead.
    #[must_use]
    pub fn non_nullable(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Adds a validation; `condition` receives the reference to this variable.
    #[must_use]
    pub fn validate(
        mut self,
        condition: impl FnOnce(Expr) -> Expr,
        error_message: impl Into<String>,
    ) -> Self {
        let condition = condition(self.reference());
        self.validations.push(Validation {
            condition,
            error_message: error_message.into(),
        });
        self
    }

    /// `var.<name>`.
    #[must_use]
    pub fn reference(&self) -> Expr {
        Expr::keyword("var").attr(&self.name)
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("variable", &[self.name.as_str()]);
        let body = &mut block.body;
        let description = if self.description.contains('\n') {
            Expr::heredoc(&self.description)
        } else {
            self.description.as_str().into()
        };
        body.attr("description", description, None);
        body.attr("type", self.type_.to_expr(), None);
        if let Some(default) = &self.default {
            body.attr("default", default.clone(), None);
        }
        if self.sensitive {
            body.attr("sensitive", true.into(), None);
        }
        if !self.nullable {
            body.attr("nullable", false.into(), None);
        }
        for validation in &self.validations {
            body.group();
            let mut inner = Block::new("validation", &[]);
            inner
                .body
                .attr("condition", validation.condition.clone(), None);
            inner.body.attr(
                "error_message",
                validation.error_message.as_str().into(),
                None,
            );
            body.block(inner);
        }
        block
    }
}

/// An `output` of a module.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    name: Name,
    description: String,
    value: Expr,
    sensitive: bool,
}

impl Output {
    /// ```
    /// use bkt_core::hcl::{Output, to_string};
    /// let arn = bkt_core::hcl::Expr::parse("aws_sqs_queue.orders.arn")?;
    /// let output = Output::new(bkt_core::name!("queue_arn"), "The queue's ARN.", arn).sensitive();
    /// assert!(to_string(&output.to_block()).contains("  sensitive   = true\n"));
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// An output with its description and value.
    #[must_use]
    pub fn new(name: Name, description: impl Into<String>, value: impl Into<Expr>) -> Self {
        Self {
            name,
            description: description.into(),
            value: value.into(),
            sensitive: false,
        }
    }

    /// Marks the output sensitive.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("output", &[self.name.as_str()]);
        block
            .body
            .attr("description", self.description.as_str().into(), None);
        block.body.attr("value", self.value.clone(), None);
        if self.sensitive {
            block.body.attr("sensitive", true.into(), None);
        }
        block
    }
}

/// One named value of a `locals` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    name: Name,
    value: Expr,
    why: Option<String>,
}

impl Local {
    /// `name = value`.
    #[must_use]
    pub fn new(name: Name, value: impl Into<Expr>) -> Self {
        Self {
            name,
            value: value.into(),
            why: None,
        }
    }

    /// The comment written above it.
    #[must_use]
    pub fn why(mut self, comment: impl Into<String>) -> Self {
        self.why = Some(comment.into());
        self
    }

    /// `local.<name>`.
    #[must_use]
    pub fn reference(&self) -> Expr {
        Expr::keyword("local").attr(&self.name)
    }
}

/// A `locals` block: groups of [`Local`]s, separated by blank lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Locals {
    /// The groups, in order.
    pub groups: Vec<Vec<Local>>,
}

impl Locals {
    /// The block.
    #[must_use]
    pub fn to_block(&self) -> Block {
        let mut block = Block::new("locals", &[]);
        for group in &self.groups {
            block.body.group();
            for local in group {
                block.body.attr(
                    local.name.as_str(),
                    local.value.clone(),
                    local.why.as_deref(),
                );
            }
        }
        block
    }
}
