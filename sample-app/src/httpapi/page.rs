//! The HTML page: the configured message, the build, the pod, the database status and the
//! newest entries. Every value is escaped.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::store::{Entry, Kind};

/// What the page shows.
pub(super) struct Page<'a> {
    pub message: &'a str,
    pub version: &'a str,
    pub pod_name: &'a str,
    pub database: Kind,
    /// `None` when the database could not be read.
    pub entries: Option<&'a [Entry]>,
    /// Scheme and host the client used, for the copy-paste example.
    pub origin: &'a str,
}

const HEAD: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BKT sample app</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1d2433; }
h1 { font-size: 1.6rem; } dl { display: grid; grid-template-columns: max-content auto; gap: .3rem 1rem; }
dt { font-weight: 600; } .ok { color: #1a7f37; } .down { color: #cf222e; }
li { margin: .3rem 0; } time { color: #57606a; font-size: .85rem; } code { background: #f3f4f6; padding: .1rem .3rem; }
</style>
</head>
<body>
"#;

/// Escapes text for HTML element content and double-quoted attributes.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

impl Page<'_> {
    /// The whole document.
    pub(super) fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(HEAD);
        out.push_str("<h1>");
        escape(&mut out, self.message);
        out.push_str("</h1>\n<dl>\n<dt>Version</dt><dd>");
        escape(&mut out, self.version);
        out.push_str("</dd>\n<dt>Pod</dt><dd>");
        escape(&mut out, self.pod_name);
        out.push_str("</dd>\n<dt>Database</dt><dd>");
        out.push_str(self.database.as_str());
        out.push_str(if self.entries.is_some() {
            " — <span class=\"ok\">reachable</span>"
        } else {
            " — <span class=\"down\">unreachable</span>"
        });
        out.push_str("</dd>\n</dl>\n<h2>Recent entries</h2>\n");
        match self.entries {
            Some(entries) if !entries.is_empty() => {
                out.push_str("<ul>");
                let shown =
                    format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
                for e in entries {
                    out.push_str("<li>");
                    escape(&mut out, &e.message);
                    out.push_str(" <time datetime=\"");
                    out.push_str(&e.created_at.format(&Rfc3339).unwrap_or_default());
                    out.push_str("\">");
                    out.push_str(&e.created_at.format(&shown).unwrap_or_default());
                    out.push_str("</time></li>");
                }
                out.push_str("</ul>\n");
            }
            _ => out.push_str("<p>No entries yet.</p>\n"),
        }
        out.push_str("<p>Add one: <code>curl -H 'Content-Type: application/json' -d '{\"message\":\"hello\"}' ");
        escape(&mut out, self.origin);
        out.push_str("/api/entries</code></p>\n</body>\n</html>\n");
        out
    }
}
