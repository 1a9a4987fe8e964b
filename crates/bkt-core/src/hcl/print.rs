//! The HCL writer: bodies and expressions to text, byte-identical to `terraform fmt`.
//!
//! The layout is decided here, once:
//! - two-space indentation; one attribute or block per line;
//! - objects with one single-line entry stay on one line (`{ Name = var.name }`), all others
//!   put one entry per line; lists of single-line items stay on one line, except lists of
//!   strings longer than 100 characters (IAM action lists), which put one item per line; a list
//!   holding one multi-line item hugs it (`[{` … `}]`), any other multi-line list puts one item
//!   per line;
//! - the `=` of consecutive single-line attributes is aligned, as `terraform fmt` (hclwrite)
//!   aligns it: a run of lines whose value closes on the same line shares one column, and any
//!   other line (a comment, a blank line, a block, a value that opens a bracket) ends the run.

use std::fmt::Write as _;

use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};

mod blocks;

pub(crate) use blocks::body;

/// One output line before alignment.
#[derive(Debug)]
struct Line {
    indent: usize,
    /// `Some` for an attribute or object entry whose key starts the line.
    key: Option<String>,
    text: String,
    /// Whether the line takes part in `=` alignment (its value closes on this line).
    aligned: bool,
    /// Heredoc content: written exactly as given, outside indentation and alignment.
    verbatim: bool,
}

impl Line {
    fn plain(indent: usize, text: impl Into<String>) -> Self {
        Self {
            indent,
            key: None,
            text: text.into(),
            aligned: false,
            verbatim: false,
        }
    }

    fn verbatim(text: impl Into<String>) -> Self {
        Self {
            verbatim: true,
            ..Self::plain(0, text)
        }
    }
}

/// An expression laid out: the text on the line where it starts, then any further lines.
#[derive(Debug, Default)]
struct Frag {
    first: String,
    rest: Vec<Line>,
    /// The first line opens a heredoc: hclwrite still aligns its `=` with its neighbours'.
    opens_heredoc: bool,
}

impl Frag {
    fn text(text: impl Into<String>) -> Self {
        Self {
            first: text.into(),
            rest: Vec::new(),
            opens_heredoc: false,
        }
    }

    fn is_single_line(&self) -> bool {
        self.rest.is_empty()
    }

    fn push_str(&mut self, text: &str) {
        match self.rest.last_mut() {
            Some(line) => line.text.push_str(text),
            None => self.first.push_str(text),
        }
    }

    fn push(&mut self, other: Frag) {
        self.push_str(&other.first);
        self.rest.extend(other.rest);
    }
}

/// One expression on as few lines as the layout allows, at indentation 0.
pub(crate) fn inline(expr: &Expression) -> String {
    let frag = expression(expr, 0);
    let mut lines = vec![Line::plain(0, frag.first)];
    lines.extend(frag.rest);
    let text = finish(&lines);
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

/// `key = value` at `indent`: the key starts the line, and the value's lines follow.
fn push_entry(key: String, value: &Expression, indent: usize, lines: &mut Vec<Line>) {
    let frag = expression(value, indent);
    let aligned = frag.is_single_line() || frag.opens_heredoc;
    lines.push(Line {
        indent,
        key: Some(key),
        text: frag.first,
        aligned,
        verbatim: false,
    });
    lines.extend(frag.rest);
}

/// Net change of bracket nesting over one line of HCL, counted as hclwrite counts it: `{`,
/// `[`, `(` and a template's `${` / `%{` open, `}`, `]`, `)` close; the content of quoted
/// strings is skipped except for their interpolations; a `#` comment ends the line.
fn net_brackets(text: &str) -> i32 {
    #[derive(Clone, Copy)]
    enum Mode {
        Code,
        Quoted,
        /// Inside `${…}`: code until the matching `}` at this nesting depth.
        Interpolation(u32),
    }
    let chars: Vec<char> = text.chars().collect();
    let mut stack = vec![Mode::Code];
    let mut net = 0;
    let mut index = 0;
    while let Some(&c) = chars.get(index) {
        index += 1;
        let following = chars.get(index).copied();
        let mode = stack.last().copied().unwrap_or(Mode::Code);
        match mode {
            Mode::Quoted => match c {
                '\\' => index += 1,
                '"' => {
                    stack.pop();
                }
                // `$${` and `%%{` are literal text.
                '$' | '%' if following == Some(c) && chars.get(index + 1) == Some(&'{') => {
                    index += 2;
                }
                '$' | '%' if following == Some('{') => {
                    index += 1;
                    net += 1;
                    stack.push(Mode::Interpolation(0));
                }
                _ => {}
            },
            Mode::Code | Mode::Interpolation(_) => match c {
                '#' if matches!(mode, Mode::Code) => break,
                '"' => stack.push(Mode::Quoted),
                '{' | '[' | '(' => {
                    net += 1;
                    if let (Some(Mode::Interpolation(depth)), '{') = (stack.last_mut(), c) {
                        *depth += 1;
                    }
                }
                '}' | ']' | ')' => {
                    net -= 1;
                    if let (Some(Mode::Interpolation(depth)), '}') = (stack.last_mut(), c) {
                        if *depth == 0 {
                            stack.pop();
                        } else {
                            *depth -= 1;
                        }
                    }
                }
                _ => {}
            },
        }
    }
    net
}

/// Indents every line as hclwrite does: a line that opens more brackets than it closes pushes
/// one level (however many it opens), a line that closes more pops what they opened, any
/// other line keeps the current level.
fn indentation(lines: &[Line]) -> Vec<usize> {
    let mut levels: Vec<i32> = Vec::new();
    let mut indents = Vec::with_capacity(lines.len());
    for line in lines {
        if line.verbatim {
            indents.push(0);
            continue;
        }
        let mut net = net_brackets(&line.text);
        if let Some(key) = &line.key {
            net += net_brackets(key);
        }
        match net.cmp(&0) {
            std::cmp::Ordering::Greater => {
                indents.push(2 * levels.len());
                levels.push(net);
            }
            std::cmp::Ordering::Less => {
                let mut closed = -net;
                while closed > 0 {
                    let Some(top) = levels.last_mut() else { break };
                    if closed >= *top {
                        closed -= *top;
                        levels.pop();
                    } else {
                        *top -= closed;
                        closed = 0;
                    }
                }
                indents.push(2 * levels.len());
            }
            std::cmp::Ordering::Equal => indents.push(2 * levels.len()),
        }
    }
    indents
}

/// Indents as hclwrite does, aligns `=` over each run of single-line attributes, and joins
/// the lines.
fn finish(lines: &[Line]) -> String {
    let base = lines.first().map_or(0, |line| line.indent);
    let indents: Vec<usize> = indentation(lines)
        .into_iter()
        .map(|indent| indent + base)
        .collect();
    let lead = |index: usize| indents[index] + lines[index].key.as_deref().map_or(0, str::len);
    // Heredoc content belongs to the line that opens it: it neither joins nor breaks a run.
    let logical: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].verbatim).collect();
    let mut widths = vec![0usize; lines.len()];
    let mut start = 0;
    while start < logical.len() {
        if !lines[logical[start]].aligned {
            start += 1;
            continue;
        }
        let end = logical[start..]
            .iter()
            .position(|&i| !lines[i].aligned)
            .map_or(logical.len(), |offset| start + offset);
        let column = logical[start..end]
            .iter()
            .map(|&i| lead(i))
            .max()
            .unwrap_or(0);
        for &i in &logical[start..end] {
            widths[i] = column - lead(i);
        }
        start = end;
    }
    let mut out = String::new();
    for ((line, pad), indent) in lines.iter().zip(widths).zip(indents) {
        let mut text = String::new();
        if let Some(key) = &line.key {
            text.push_str(key);
            text.extend(std::iter::repeat_n(' ', pad));
            text.push_str(" = ");
        }
        text.push_str(&line.text);
        if line.verbatim {
            out.push_str(&line.text);
        } else if !text.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(text.trim_end());
        }
        out.push('\n');
    }
    out
}

/// A quoted template from hcl-rs's raw form: literal parts get string escapes, interpolations
/// are written from their parsed expression.
fn quoted_template(raw: &str) -> String {
    let mut out = String::from("\"");
    match raw.parse::<hcl::Template>() {
        Ok(template) => {
            for element in template.elements() {
                match element {
                    hcl::template::Element::Literal(text) => escape_literal(text, &mut out),
                    hcl::template::Element::Interpolation(interpolation) => {
                        out.push_str("${");
                        out.push_str(&inline(&interpolation.expr));
                        out.push('}');
                    }
                    // Directives are never built by this crate; keep their source text.
                    other @ hcl::template::Element::Directive(_) => {
                        out.push_str(&hcl::format::to_string(other).unwrap_or_default());
                    }
                }
            }
        }
        Err(_) => out.push_str(raw),
    }
    out.push('"');
    out
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    escape_literal(text, &mut out);
    out.push('"');
    out
}

fn object_key(key: &ObjectKey) -> String {
    match key {
        ObjectKey::Identifier(ident) => ident.to_string(),
        ObjectKey::Expression(Expression::String(text)) => quoted(text),
        ObjectKey::Expression(expr @ Expression::TemplateExpr(_)) => inline(expr),
        ObjectKey::Expression(expr) => format!("({})", inline(expr)),
        // Kinds hcl-rs may add later: its own formatter is the best available fallback.
        other => hcl::format::to_string(other).unwrap_or_default(),
    }
}

fn expression(expr: &Expression, indent: usize) -> Frag {
    match expr {
        Expression::Null => Frag::text("null"),
        Expression::Bool(value) => Frag::text(value.to_string()),
        Expression::Number(number) => Frag::text(number.to_string()),
        Expression::String(text) => Frag::text(quoted(text)),
        Expression::TemplateExpr(template) => match template.as_ref() {
            TemplateExpr::QuotedString(raw) => Frag::text(quoted_template(raw)),
            TemplateExpr::Heredoc(heredoc) => {
                let strip = matches!(heredoc.strip, hcl::expr::HeredocStripMode::Indent);
                let mut frag = Frag::text(format!(
                    "<<{}{}",
                    if strip { "-" } else { "" },
                    heredoc.delimiter
                ));
                frag.opens_heredoc = true;
                let content_indent = if strip { indent + 2 } else { 0 };
                for line in heredoc.template.lines() {
                    let mut text = String::new();
                    if !line.is_empty() {
                        text.extend(std::iter::repeat_n(' ', content_indent));
                        text.push_str(line);
                    }
                    frag.rest.push(Line::verbatim(text));
                }
                let mut closing = String::new();
                closing.extend(std::iter::repeat_n(' ', if strip { indent } else { 0 }));
                closing.push_str(heredoc.delimiter.as_str());
                frag.rest.push(Line::verbatim(closing));
                frag
            }
        },
        Expression::Variable(variable) => Frag::text(variable.to_string()),
        Expression::Array(items) => array(items, indent),
        Expression::Object(object) => object_expr(object, indent),
        Expression::Traversal(traversal) => traversal_expr(traversal, indent),
        Expression::FuncCall(call) => {
            let mut frag = Frag::text(format!("{}(", call.name));
            for (position, arg) in call.args.iter().enumerate() {
                if position > 0 {
                    frag.push_str(", ");
                }
                frag.push(expression(arg, indent));
            }
            if call.expand_final {
                frag.push_str("...");
            }
            frag.push_str(")");
            frag
        }
        Expression::Parenthesis(inner) => {
            let mut frag = Frag::text("(");
            frag.push(expression(inner, indent));
            frag.push_str(")");
            frag
        }
        Expression::Conditional(conditional) => {
            let mut frag = expression(&conditional.cond_expr, indent);
            frag.push_str(" ? ");
            frag.push(expression(&conditional.true_expr, indent));
            frag.push_str(" : ");
            frag.push(expression(&conditional.false_expr, indent));
            frag
        }
        Expression::Operation(operation) => match operation.as_ref() {
            Operation::Unary(unary) => {
                let mut frag = Frag::text(unary.operator.as_str());
                frag.push(expression(&unary.expr, indent));
                frag
            }
            Operation::Binary(binary) => {
                let mut frag = expression(&binary.lhs_expr, indent);
                frag.push_str(&format!(" {} ", binary.operator.as_str()));
                frag.push(expression(&binary.rhs_expr, indent));
                frag
            }
        },
        Expression::ForExpr(for_expr) => for_expression(for_expr, indent),
        // Kinds hcl-rs may add later: its own formatter is the best available fallback.
        other => Frag::text(hcl::format::to_string(other).unwrap_or_default()),
    }
}

/// A list of strings longer than this on one line is written one item per line.
const LONG_LIST: usize = 100;

fn array(items: &[Expression], indent: usize) -> Frag {
    let frags: Vec<Frag> = items.iter().map(|item| expression(item, indent)).collect();
    let strings = items
        .iter()
        .all(|item| matches!(item, Expression::String(_) | Expression::TemplateExpr(_)));
    if frags.iter().all(Frag::is_single_line) {
        let joined: Vec<String> = frags.into_iter().map(|frag| frag.first).collect();
        let line = format!("[{}]", joined.join(", "));
        if !(strings && items.len() > 1 && line.len() > LONG_LIST) {
            return Frag::text(line);
        }
    }
    if let [only] = items {
        let mut frag = Frag::text("[");
        frag.push(expression(only, indent));
        frag.push_str("]");
        return frag;
    }
    let mut frag = Frag::text("[");
    for item in items {
        let inner = expression(item, indent + 2);
        frag.rest.push(Line::plain(indent + 2, inner.first));
        frag.rest.extend(inner.rest);
        frag.push_str(",");
    }
    frag.rest.push(Line::plain(indent, "]"));
    frag
}

fn object_expr(object: &hcl::Object<ObjectKey, Expression>, indent: usize) -> Frag {
    let single = object.len() == 1
        && object
            .iter()
            .all(|(_, value)| expression(value, indent).is_single_line());
    if object.is_empty() {
        Frag::text("{}")
    } else if single {
        let mut text = String::from("{ ");
        for (key, value) in object {
            let _ = write!(
                text,
                "{} = {}",
                object_key(key),
                expression(value, indent).first
            );
        }
        text.push_str(" }");
        Frag::text(text)
    } else {
        let mut frag = Frag::text("{");
        for (key, value) in object {
            push_entry(object_key(key), value, indent + 2, &mut frag.rest);
        }
        frag.rest.push(Line::plain(indent, "}"));
        frag
    }
}

fn traversal_expr(traversal: &hcl::Traversal, indent: usize) -> Frag {
    let mut frag = expression(&traversal.expr, indent);
    for operator in &traversal.operators {
        match operator {
            TraversalOperator::AttrSplat => frag.push_str(".*"),
            TraversalOperator::FullSplat => frag.push_str("[*]"),
            TraversalOperator::GetAttr(attr) => frag.push_str(&format!(".{attr}")),
            TraversalOperator::Index(index) => {
                frag.push_str("[");
                frag.push(expression(index, indent));
                frag.push_str("]");
            }
            TraversalOperator::LegacyIndex(index) => frag.push_str(&format!(".{index}")),
        }
    }
    frag
}

/// Appends what follows `in` or `if`: hclwrite reads a keyword before `(` as a function call
/// and writes no space between them (`if(a == b) != c`).
fn push_after_keyword(frag: &mut Frag, next: Frag) {
    if !next.first.starts_with('(') {
        frag.push_str(" ");
    }
    frag.push(next);
}

/// The value of a `for` expression. An object of single-line values stays on the `for`'s line
/// with its entries separated by commas (`{ role = name, policy_arn = arn }`), as one writes it
/// by hand: spread over lines it would split the `for` in the middle of its body.
fn for_value(value: &Expression, indent: usize) -> Frag {
    if let Expression::Object(object) = value {
        let entries: Vec<String> = object
            .iter()
            .filter_map(|(key, value)| {
                let value = expression(value, indent);
                value
                    .is_single_line()
                    .then(|| format!("{} = {}", object_key(key), value.first))
            })
            .collect();
        if object.len() > 1 && entries.len() == object.len() {
            return Frag::text(format!("{{ {} }}", entries.join(", ")));
        }
    }
    expression(value, indent)
}

fn for_expression(for_expr: &hcl::expr::ForExpr, indent: usize) -> Frag {
    let object = for_expr.key_expr.is_some();
    let mut frag = Frag::text(if object { "{ for " } else { "[for " });
    if let Some(key) = &for_expr.key_var {
        frag.push_str(&format!("{key}, "));
    }
    frag.push_str(&format!("{} in", for_expr.value_var));
    push_after_keyword(&mut frag, expression(&for_expr.collection_expr, indent));
    frag.push_str(" : ");
    if let Some(key) = &for_expr.key_expr {
        frag.push(expression(key, indent));
        frag.push_str(" => ");
    }
    frag.push(for_value(&for_expr.value_expr, indent));
    if for_expr.grouping {
        frag.push_str("...");
    }
    if let Some(condition) = &for_expr.cond_expr {
        frag.push_str(" if");
        push_after_keyword(&mut frag, expression(condition, indent));
    }
    frag.push_str(if object { " }" } else { "]" });
    frag
}

/// Escapes literal text for a quoted HCL string, `${` and `%{` included.
pub(crate) fn escape_literal(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}
