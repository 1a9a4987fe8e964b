//! Terraform's built-in functions, one typed constructor each.
//!
//! Only the functions the models use are here; each takes its arguments in Terraform's order.

use super::expr::Expr;

/// `can(expr)`: whether `expr` evaluates without an error.
#[must_use]
pub fn can(expr: impl Into<Expr>) -> Expr {
    Expr::call("can", [expr.into()])
}

/// `cidrhost(prefix, hostnum)`.
#[must_use]
pub fn cidrhost(prefix: impl Into<Expr>, hostnum: impl Into<Expr>) -> Expr {
    Expr::call("cidrhost", [prefix.into(), hostnum.into()])
}

/// `cidrsubnet(prefix, newbits, netnum)`.
#[must_use]
pub fn cidrsubnet(
    prefix: impl Into<Expr>,
    newbits: impl Into<Expr>,
    netnum: impl Into<Expr>,
) -> Expr {
    Expr::call("cidrsubnet", [prefix.into(), newbits.into(), netnum.into()])
}

/// `contains(list, value)`.
#[must_use]
pub fn contains(list: impl Into<Expr>, value: impl Into<Expr>) -> Expr {
    Expr::call("contains", [list.into(), value.into()])
}

/// `distinct(list)`.
#[must_use]
pub fn distinct(list: impl Into<Expr>) -> Expr {
    Expr::call("distinct", [list.into()])
}

/// `jsonencode(value)`.
#[must_use]
pub fn jsonencode(value: impl Into<Expr>) -> Expr {
    Expr::call("jsonencode", [value.into()])
}

/// `length(value)`.
#[must_use]
pub fn length(value: impl Into<Expr>) -> Expr {
    Expr::call("length", [value.into()])
}

/// `merge(maps…)`.
#[must_use]
pub fn merge(maps: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::call("merge", maps)
}

/// `regex(pattern, string)`.
#[must_use]
pub fn regex(pattern: impl Into<Expr>, string: impl Into<Expr>) -> Expr {
    Expr::call("regex", [pattern.into(), string.into()])
}

/// `split(separator, string)`.
#[must_use]
pub fn split(separator: impl Into<Expr>, string: impl Into<Expr>) -> Expr {
    Expr::call("split", [separator.into(), string.into()])
}

/// `tonumber(value)`.
#[must_use]
pub fn tonumber(value: impl Into<Expr>) -> Expr {
    Expr::call("tonumber", [value.into()])
}

/// `toset(list)`.
#[must_use]
pub fn toset(list: impl Into<Expr>) -> Expr {
    Expr::call("toset", [list.into()])
}

/// `try(expressions…)`: the first that evaluates without an error.
#[must_use]
pub fn try_(expressions: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::call("try", expressions)
}
