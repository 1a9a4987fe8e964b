//! Terraform's built-in functions, one typed constructor each.
//!
//! Only the functions the models use are here; each takes its arguments in Terraform's order.

use super::expr::Expr;

/// `alltrue(list)`: whether every element is `true` (`true` for an empty list).
#[must_use]
pub fn alltrue(list: impl Into<Expr>) -> Expr {
    Expr::call("alltrue", [list.into()])
}

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

/// `coalesce(values…)`: the first value that is neither `null` nor an empty string.
#[must_use]
pub fn coalesce(values: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::call("coalesce", values)
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

/// `join(separator, list)`: the list's strings with `separator` between them.
#[must_use]
pub fn join(separator: impl Into<Expr>, list: impl Into<Expr>) -> Expr {
    Expr::call("join", [separator.into(), list.into()])
}

/// `jsonencode(value)`.
#[must_use]
pub fn jsonencode(value: impl Into<Expr>) -> Expr {
    Expr::call("jsonencode", [value.into()])
}

/// `jsondecode(string)`: the value a JSON text encodes.
#[must_use]
pub fn jsondecode(string: impl Into<Expr>) -> Expr {
    Expr::call("jsondecode", [string.into()])
}

/// `keys(map)`: the map's keys, in lexical order.
#[must_use]
pub fn keys(map: impl Into<Expr>) -> Expr {
    Expr::call("keys", [map.into()])
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

/// `merge(list...)`: merges the maps of a list, expanded into the arguments.
#[must_use]
pub fn merge_all(list: impl Into<Expr>) -> Expr {
    Expr::call_expanded("merge", [list.into()])
}

/// `one(list)`: the only element of a list of zero or one elements (`null` when empty).
#[must_use]
pub fn one(list: impl Into<Expr>) -> Expr {
    Expr::call("one", [list.into()])
}

/// `regex(pattern, string)`.
#[must_use]
pub fn regex(pattern: impl Into<Expr>, string: impl Into<Expr>) -> Expr {
    Expr::call("regex", [pattern.into(), string.into()])
}

/// `setsubtract(a, b)`: the elements of `a` that are not in `b`.
#[must_use]
pub fn setsubtract(a: impl Into<Expr>, b: impl Into<Expr>) -> Expr {
    Expr::call("setsubtract", [a.into(), b.into()])
}

/// `split(separator, string)`.
#[must_use]
pub fn split(separator: impl Into<Expr>, string: impl Into<Expr>) -> Expr {
    Expr::call("split", [separator.into(), string.into()])
}

/// `startswith(string, prefix)`.
#[must_use]
pub fn startswith(string: impl Into<Expr>, prefix: impl Into<Expr>) -> Expr {
    Expr::call("startswith", [string.into(), prefix.into()])
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

/// `trimprefix(string, prefix)`: `string` without `prefix` if it starts with it.
#[must_use]
pub fn trimprefix(string: impl Into<Expr>, prefix: impl Into<Expr>) -> Expr {
    Expr::call("trimprefix", [string.into(), prefix.into()])
}

/// `try(expressions…)`: the first that evaluates without an error.
#[must_use]
pub fn try_(expressions: impl IntoIterator<Item = Expr>) -> Expr {
    Expr::call("try", expressions)
}

/// `values(map)`: the map's values, in the lexical order of their keys.
#[must_use]
pub fn values(map: impl Into<Expr>) -> Expr {
    Expr::call("values", [map.into()])
}
