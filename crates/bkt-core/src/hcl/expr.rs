//! Terraform expressions as values.
//!
//! An [`Expr`] wraps an [`hcl::Expression`]; models build them with typed constructors
//! (references come from the values they point at, functions from [`crate::hcl::func`]),
//! and only the writer in [`crate::hcl`] turns them into text.

use hcl::expr::{
    BinaryOp, BinaryOperator, Conditional, Expression, ForExpr, FuncCall, FuncName, ObjectKey,
    Operation, TemplateExpr, Traversal, TraversalOperator, UnaryOp, UnaryOperator,
};
use hcl::{Identifier, Number};

use crate::name::Name;

/// A Terraform expression: a literal, a reference, a function call, an operation, a template.
///
/// Build one from a Rust literal (`Expr::from("text")`, `Expr::from(true)`, `Expr::from(30)`),
/// from a reference handed out by a model (a variable, a local, a resource attribute), or with
/// the constructors below. Plain strings are always written as literal text: a `${` inside one
/// is escaped, never interpolated. Interpolation goes through [`Expr::template`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expr(pub(crate) Expression);

/// A binary operator of the Terraform language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BinOp {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Less,
    /// `<=`
    LessEq,
    /// `>`
    Greater,
    /// `>=`
    GreaterEq,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

impl BinOp {
    fn operator(self) -> BinaryOperator {
        match self {
            Self::Or => BinaryOperator::Or,
            Self::And => BinaryOperator::And,
            Self::Eq => BinaryOperator::Eq,
            Self::NotEq => BinaryOperator::NotEq,
            Self::Less => BinaryOperator::Less,
            Self::LessEq => BinaryOperator::LessEq,
            Self::Greater => BinaryOperator::Greater,
            Self::GreaterEq => BinaryOperator::GreaterEq,
            Self::Plus => BinaryOperator::Plus,
            Self::Minus => BinaryOperator::Minus,
            Self::Mul => BinaryOperator::Mul,
            Self::Div => BinaryOperator::Div,
            Self::Mod => BinaryOperator::Mod,
        }
    }
}

/// Binding strength of an expression, as Terraform parses it (higher binds tighter).
pub(crate) fn precedence(expr: &Expression) -> u8 {
    match expr {
        Expression::Conditional(_) => 0,
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(_) => 7,
            Operation::Binary(binary) => binary_precedence(binary.operator),
        },
        _ => 8,
    }
}

pub(crate) fn binary_precedence(operator: BinaryOperator) -> u8 {
    match operator {
        BinaryOperator::Or => 1,
        BinaryOperator::And => 2,
        BinaryOperator::Eq | BinaryOperator::NotEq => 3,
        BinaryOperator::Less
        | BinaryOperator::LessEq
        | BinaryOperator::Greater
        | BinaryOperator::GreaterEq => 4,
        BinaryOperator::Plus | BinaryOperator::Minus => 5,
        BinaryOperator::Mul | BinaryOperator::Div | BinaryOperator::Mod => 6,
    }
}

fn parenthesize_below(expr: Expr, min: u8) -> Expression {
    if precedence(&expr.0) < min {
        Expression::Parenthesis(Box::new(expr.0))
    } else {
        expr.0
    }
}

/// Doubles the `$` of `${` and the `%` of `%{`, so literal text stays literal in a template.
fn escape_template(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '$' | '%') && chars.peek() == Some(&'{') {
            out.push(c);
        }
    }
}

impl Expr {
    /// `null`.
    #[must_use]
    pub fn null() -> Self {
        Self(Expression::Null)
    }

    /// A reference to a root name (`var`, `local`, `each`, a `for` variable); crate-internal,
    /// because public references come from the values they name.
    pub(crate) fn root(name: &Name) -> Self {
        Self(Expression::Variable(hcl::Variable::unchecked(
            name.as_str(),
        )))
    }

    /// A bare name: the variable of a `for` expression, or an attribute path relative to the
    /// resource (`lifecycle { ignore_changes = [...] }`).
    #[must_use]
    pub fn ident(name: &Name) -> Self {
        Self::root(name)
    }

    /// `count.index` inside a resource with `count`.
    #[must_use]
    pub fn count_index() -> Self {
        Self::keyword("count").attr_raw("index")
    }

    /// Multi-line text as an indented heredoc (`<<-EOT`), for long descriptions.
    ///
    /// Each line of `text` is written as given, two spaces deeper than the attribute; a line
    /// that is exactly `EOT` would end the heredoc early, so such text stays a quoted string.
    #[must_use]
    pub fn heredoc(text: &str) -> Self {
        let mut template = String::new();
        for line in text.lines() {
            template.push_str(line);
            template.push('\n');
        }
        if text.lines().any(|line| line.trim() == "EOT")
            || text.contains("${")
            || text.contains("%{")
        {
            return Self::from(text);
        }
        Self(Expression::TemplateExpr(Box::new(TemplateExpr::Heredoc(
            hcl::expr::Heredoc::new(Identifier::unchecked("EOT"), template)
                .with_strip_mode(hcl::expr::HeredocStripMode::Indent),
        ))))
    }

    /// `each.key` inside a resource with `for_each`.
    #[must_use]
    pub fn each_key() -> Self {
        Self::root(&Name::EACH).attr(&Name::KEY)
    }

    /// `each.value` inside a resource with `for_each`.
    #[must_use]
    pub fn each_value() -> Self {
        Self::root(&Name::EACH).attr(&Name::VALUE)
    }

    /// `self.<name>`: an attribute of this value.
    #[must_use]
    pub fn attr(self, name: &Name) -> Self {
        self.traverse(TraversalOperator::GetAttr(Identifier::unchecked(
            name.as_str(),
        )))
    }

    /// `self.<name>` for a name that is known to be an identifier (a kind's type name).
    pub(crate) fn attr_raw(self, name: &str) -> Self {
        self.traverse(TraversalOperator::GetAttr(Identifier::unchecked(name)))
    }

    /// `self[key]`: one element of a list, map or `for_each` resource.
    #[must_use]
    pub fn index(self, key: impl Into<Expr>) -> Self {
        self.traverse(TraversalOperator::Index(key.into().0))
    }

    fn traverse(self, operator: TraversalOperator) -> Self {
        match self.0 {
            Expression::Traversal(mut traversal) => {
                traversal.operators.push(operator);
                Self(Expression::Traversal(traversal))
            }
            other => Self(Expression::Traversal(Box::new(Traversal::new(
                other,
                [operator],
            )))),
        }
    }

    /// A call of any Terraform function by name: a built-in (`upper`, `templatestring`) or a
    /// provider-defined one (`provider::aws::arn_parse`). [`crate::hcl::func`] has typed helpers
    /// for the ones this workspace uses; this is the escape hatch for the rest.
    ///
    /// ```
    /// use bkt_core::hcl::{Expr, Output, to_string};
    /// use bkt_core::name;
    ///
    /// let call = Expr::function("provider::aws::arn_parse", ["arn:aws:iam::123456789012:root".into()])?;
    /// let output = Output::new(name!("account"), "The account of the ARN.", call.attr(&name!("account_id")));
    /// assert!(to_string(&output.to_block()).contains(
    ///     r#"value       = provider::aws::arn_parse("arn:aws:iam::123456789012:root").account_id"#
    /// ));
    /// assert!(Expr::function("upper case", []).is_err());
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] (field `function`) when `name` is neither an identifier
    /// (`[a-z_][a-z0-9_]*`) nor `provider::<provider>::<function>`.
    pub fn function(name: &str, args: impl IntoIterator<Item = Expr>) -> crate::Result<Self> {
        let identifier = |part: &str| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let provider_name = |part: &str| {
            part.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        let parts: Vec<&str> = name.split("::").collect();
        let valid = match parts.as_slice() {
            [builtin] => identifier(builtin),
            ["provider", provider, function] => provider_name(provider) && identifier(function),
            _ => false,
        };
        if valid {
            Ok(Self::call(name, args))
        } else {
            Err(crate::Error::invalid(
                "function",
                name,
                "name a Terraform function: a built-in such as upper (lowercase letters, digits, '_') or provider::<provider>::<function> such as provider::aws::arn_parse",
            ))
        }
    }

    /// A call of a Terraform function; [`crate::hcl::func`] has the typed ones.
    pub(crate) fn call(name: &str, args: impl IntoIterator<Item = Expr>) -> Self {
        let mut call = FuncCall::new(FuncName::new(Identifier::unchecked(name)));
        call.args = args.into_iter().map(|arg| arg.0).collect();
        Self(Expression::FuncCall(Box::new(call)))
    }

    /// A call whose last argument is expanded into the arguments (`merge(list...)`).
    pub(crate) fn call_expanded(name: &str, args: impl IntoIterator<Item = Expr>) -> Self {
        let mut call = FuncCall::new(FuncName::new(Identifier::unchecked(name)));
        call.args = args.into_iter().map(|arg| arg.0).collect();
        call.expand_final = true;
        Self(Expression::FuncCall(Box::new(call)))
    }

    /// A type constraint keyword such as `string`; crate-internal (see [`crate::hcl::Type`]).
    pub(crate) fn keyword(word: &str) -> Self {
        Self(Expression::Variable(hcl::Variable::unchecked(word)))
    }

    /// A list (tuple) of values: `[a, b]`.
    #[must_use]
    pub fn list(items: impl IntoIterator<Item = impl Into<Expr>>) -> Self {
        Self(Expression::Array(
            items.into_iter().map(|item| item.into().0).collect(),
        ))
    }

    /// An object with the given keys, in order: `{ Name = var.name }`.
    ///
    /// A key that is a valid identifier is written bare, any other is quoted.
    #[must_use]
    pub fn object<K: Into<Key>, V: Into<Expr>>(entries: impl IntoIterator<Item = (K, V)>) -> Self {
        Self(Expression::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.into().0, value.into().0))
                .collect(),
        ))
    }

    /// A string template: literal parts (`Expr::from("text")`) are written as text, every other
    /// part is interpolated as `${…}`. `Expr::template(["/aws/vpc/".into(), name])`
    /// gives `"/aws/vpc/${var.name}"`.
    ///
    /// A template of one interpolation alone (`"${var.name}"`) is the expression itself, as
    /// `terraform fmt` would rewrite it.
    #[must_use]
    pub fn template(parts: impl IntoIterator<Item = Expr>) -> Self {
        // Adjacent literals merge; empty ones vanish.
        let mut merged: Vec<Expression> = Vec::new();
        for part in parts {
            match (merged.last_mut(), part.0) {
                (_, Expression::String(text)) if text.is_empty() => {}
                (Some(Expression::String(previous)), Expression::String(text)) => {
                    previous.push_str(&text);
                }
                (_, other) => merged.push(other),
            }
        }
        match merged.as_slice() {
            [] => return Self(Expression::String(String::new())),
            [Expression::String(text)] => return Self(Expression::String(text.clone())),
            [only] if !matches!(only, Expression::TemplateExpr(_)) => return Self(only.clone()),
            _ => {}
        }
        // The raw text keeps hcl-rs's convention: template escapes (`$${`, `%%{`) applied,
        // string escapes not (the writer adds those).
        let mut raw = String::new();
        let mut parts = merged.into_iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Expression::String(text) => {
                    let interpolation_follows =
                        !matches!(parts.peek(), None | Some(Expression::String(_)));
                    match text.char_indices().last() {
                        // `$` or `%` right before `${` would read as the escape `$${`:
                        // write that one character as an interpolated string instead.
                        Some((at, last @ ('$' | '%'))) if interpolation_follows => {
                            escape_template(&text[..at], &mut raw);
                            raw.push_str("${\"");
                            raw.push(last);
                            raw.push_str("\"}");
                        }
                        _ => escape_template(&text, &mut raw),
                    }
                }
                Expression::TemplateExpr(template) => {
                    if let TemplateExpr::QuotedString(inner) = *template {
                        raw.push_str(&inner);
                    }
                }
                other => {
                    raw.push_str("${");
                    raw.push_str(&crate::hcl::print::inline(&other));
                    raw.push('}');
                }
            }
        }
        Self(Expression::TemplateExpr(Box::new(
            TemplateExpr::QuotedString(raw),
        )))
    }

    /// `self <op> rhs`, parenthesizing operands where Terraform's precedence requires it.
    #[must_use]
    pub fn binary(self, op: BinOp, rhs: impl Into<Expr>) -> Self {
        let operator = op.operator();
        let strength = binary_precedence(operator);
        Self(Expression::Operation(Box::new(Operation::Binary(
            BinaryOp::new(
                parenthesize_below(self, strength),
                operator,
                parenthesize_below(rhs.into(), strength + 1),
            ),
        ))))
    }

    /// `(self)`: parentheses the precedence rules do not require but a reader wants, as in
    /// `(a == null) != (b == null)`.
    #[must_use]
    pub fn parenthesized(self) -> Self {
        Self(Expression::Parenthesis(Box::new(self.0)))
    }

    /// `self && rhs`.
    #[must_use]
    pub fn and(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::And, rhs)
    }

    /// `self || rhs`.
    #[must_use]
    pub fn or(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::Or, rhs)
    }

    /// `self == rhs`.
    #[must_use]
    pub fn equals(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::Eq, rhs)
    }

    /// `self >= rhs`.
    #[must_use]
    pub fn at_least(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::GreaterEq, rhs)
    }

    /// `self <= rhs`.
    #[must_use]
    pub fn at_most(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::LessEq, rhs)
    }

    /// `self + rhs`.
    #[must_use]
    pub fn plus(self, rhs: impl Into<Expr>) -> Self {
        self.binary(BinOp::Plus, rhs)
    }

    /// `self ? then : otherwise`.
    #[must_use]
    pub fn then_else(self, then: impl Into<Expr>, otherwise: impl Into<Expr>) -> Self {
        Self(Expression::Conditional(Box::new(Conditional::new(
            parenthesize_below(self, 1),
            parenthesize_below(then.into(), 1),
            otherwise.into().0,
        ))))
    }

    /// `[for key, value in collection : body(key, value)]`: a list made from a map's entries.
    #[must_use]
    pub fn for_list_entries(
        (key, value): (&Name, &Name),
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr, Expr) -> Expr,
    ) -> Self {
        let result = body(Self::root(key), Self::root(value));
        Self(Expression::ForExpr(Box::new(
            ForExpr::new(
                Identifier::unchecked(value.as_str()),
                collection.into().0,
                result.0,
            )
            .with_key_var(Identifier::unchecked(key.as_str())),
        )))
    }

    /// `[for value in collection : body(value)]`.
    #[must_use]
    pub fn for_list(
        value: &Name,
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr) -> Expr,
    ) -> Self {
        let result = body(Self::root(value));
        Self(Expression::ForExpr(Box::new(ForExpr::new(
            Identifier::unchecked(value.as_str()),
            collection.into().0,
            result.0,
        ))))
    }

    /// `[for value in collection : body(value) if condition(value)]`: the elements that pass.
    #[must_use]
    pub fn for_list_if(
        value: &Name,
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr) -> Expr,
        condition: impl FnOnce(Expr) -> Expr,
    ) -> Self {
        let result = body(Self::root(value));
        let condition = condition(Self::root(value));
        Self(Expression::ForExpr(Box::new(
            ForExpr::new(
                Identifier::unchecked(value.as_str()),
                collection.into().0,
                result.0,
            )
            .with_cond_expr(condition.0),
        )))
    }

    /// `{ for key, value in collection : k => v }` where `(k, v) = body(key, value)`.
    #[must_use]
    pub fn for_map(
        (key, value): (&Name, &Name),
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr, Expr) -> (Expr, Expr),
    ) -> Self {
        let (key_expr, value_expr) = body(Self::root(key), Self::root(value));
        let expr = ForExpr::new(
            Identifier::unchecked(value.as_str()),
            collection.into().0,
            value_expr.0,
        )
        .with_key_var(Identifier::unchecked(key.as_str()))
        .with_key_expr(key_expr.0);
        Self(Expression::ForExpr(Box::new(expr)))
    }

    /// `{ for key, value in collection : k => v if condition(key, value) }`: the entries that
    /// pass.
    #[must_use]
    pub fn for_map_if(
        (key, value): (&Name, &Name),
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr, Expr) -> (Expr, Expr),
        condition: impl FnOnce(Expr, Expr) -> Expr,
    ) -> Self {
        let condition = condition(Self::root(key), Self::root(value));
        let mut map = Self::for_map((key, value), collection, body);
        if let Expression::ForExpr(expr) = &mut map.0 {
            expr.cond_expr = Some(condition.0);
        }
        map
    }

    /// `{ for value in collection : k => v }` where `(k, v) = body(value)`.
    #[must_use]
    pub fn for_map_values(
        value: &Name,
        collection: impl Into<Expr>,
        body: impl FnOnce(Expr) -> (Expr, Expr),
    ) -> Self {
        let (key_expr, value_expr) = body(Self::root(value));
        let expr = ForExpr::new(
            Identifier::unchecked(value.as_str()),
            collection.into().0,
            value_expr.0,
        )
        .with_key_expr(key_expr.0);
        Self(Expression::ForExpr(Box::new(expr)))
    }

    /// The underlying hcl-rs expression.
    #[must_use]
    pub fn as_hcl(&self) -> &Expression {
        &self.0
    }
}

impl std::ops::Not for Expr {
    type Output = Expr;

    /// `!self`.
    fn not(self) -> Self {
        Self(Expression::Operation(Box::new(Operation::Unary(
            UnaryOp::new(UnaryOperator::Not, parenthesize_below(self, 7)),
        ))))
    }
}

impl From<&str> for Expr {
    fn from(text: &str) -> Self {
        Self(Expression::String(text.to_owned()))
    }
}

impl From<String> for Expr {
    fn from(text: String) -> Self {
        Self(Expression::String(text))
    }
}

impl From<bool> for Expr {
    fn from(value: bool) -> Self {
        Self(Expression::Bool(value))
    }
}

macro_rules! expr_from_int {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Expr {
            fn from(value: $ty) -> Self {
                Self(Expression::Number(Number::from(value)))
            }
        }
    )*};
}
expr_from_int!(i32, i64, u8, u16, u32, u64, usize);

impl From<&Expr> for Expr {
    fn from(expr: &Expr) -> Self {
        expr.clone()
    }
}

/// An object key: an identifier written bare, or any other text written quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Key(pub(crate) ObjectKey);

impl Key {
    /// A key of a module call's `providers` map: the provider configuration's address inside
    /// the module (`aws`, `aws.west`), written bare as Terraform reads it there.
    pub(crate) fn provider(address: &Expr) -> Self {
        let text = super::print::inline(&address.0);
        Self(ObjectKey::Identifier(Identifier::unchecked(text)))
    }
}

impl From<&str> for Key {
    fn from(key: &str) -> Self {
        match Identifier::new(key) {
            Ok(ident) => Self(ObjectKey::Identifier(ident)),
            Err(_) => Self(ObjectKey::Expression(Expression::String(key.to_owned()))),
        }
    }
}

impl From<Expr> for Key {
    /// A computed key; a plain string becomes a bare identifier when it is one.
    fn from(key: Expr) -> Self {
        match key.0 {
            Expression::String(text) => Self::from(text.as_str()),
            other => Self(ObjectKey::Expression(other)),
        }
    }
}
