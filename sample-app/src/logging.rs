//! One JSON object per line: `time`, `level`, `msg` and the event's fields, the shape Fluent Bit
//! ships to OpenSearch as filterable fields. A small `tracing` layer, so every line the process
//! writes (including the database drivers' events) has that shape.

use std::fmt::{self, Write as _};
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Where log lines go.
#[derive(Debug, Clone)]
pub enum Sink {
    /// Standard output, as the container runtime expects.
    Stdout,
    /// A shared buffer (tests read the lines back).
    Buffer(Arc<Mutex<Vec<u8>>>),
    /// Nowhere: the line is formatted and dropped (benchmarks of the request path).
    Discard,
}

/// The layer that writes each event as a JSON line.
#[derive(Debug)]
pub struct JsonLines {
    sink: Sink,
}

/// A subscriber that writes events at `level` and above to `sink`.
#[must_use]
pub fn subscriber(level: Level, sink: Sink) -> impl Subscriber + Send + Sync {
    tracing_subscriber::registry()
        .with(LevelFilter::from_level(level))
        .with(JsonLines { sink })
}

impl<S: Subscriber> Layer<S> for JsonLines {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut line = Vec::with_capacity(256);
        line.extend_from_slice(b"{\"time\":\"");
        // RFC 3339 text needs no JSON escaping.
        let _ = OffsetDateTime::now_utc().format_into(&mut line, &Rfc3339);
        line.push(b'"');
        line.extend_from_slice(b",\"level\":");
        write_json_str(&mut line, level_name(*event.metadata().level()));
        let mut fields = JsonFields {
            line,
            message_written: false,
        };
        // The message first, as `msg`, then the other fields in the order the call site wrote them.
        event.record(&mut MessageOnly(&mut fields));
        if !fields.message_written {
            fields.line.extend_from_slice(b",\"msg\":");
            write_json_str(&mut fields.line, event.metadata().name());
        }
        event.record(&mut fields);
        let mut line = fields.line;
        line.extend_from_slice(b"}\n");
        // A line that cannot be written has nowhere better to go; the service keeps serving.
        match &self.sink {
            Sink::Stdout => drop(std::io::stdout().lock().write_all(&line)),
            Sink::Discard => {}
            Sink::Buffer(buffer) => buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(&line),
        }
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

fn write_json_str(out: &mut Vec<u8>, s: &str) {
    // Writing a &str to a Vec cannot fail.
    drop(serde_json::to_writer(&mut *out, s));
}

/// Formats `value` straight into a JSON string literal: every request's line carries a few
/// `Display` fields (path, id, peer), and an intermediate `String` for each is measurable.
fn write_json_debug(out: &mut Vec<u8>, value: &dyn fmt::Debug) {
    out.push(b'"');
    let _ = write!(JsonEscaped(out), "{value:?}");
    out.push(b'"');
}

/// Escapes what it is given for the inside of a JSON string.
struct JsonEscaped<'a>(&'a mut Vec<u8>);

impl fmt::Write for JsonEscaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..0x20 | 0x7f => b"",
                _ => continue,
            };
            self.0.extend_from_slice(&bytes[start..i]);
            if escape.is_empty() {
                let _ = write!(self.0, "\\u{b:04x}");
            } else {
                self.0.extend_from_slice(escape);
            }
            start = i + 1;
        }
        self.0.extend_from_slice(&bytes[start..]);
        Ok(())
    }
}

struct JsonFields {
    line: Vec<u8>,
    message_written: bool,
}

impl JsonFields {
    fn key(&mut self, field: &Field) {
        self.line.push(b',');
        write_json_str(&mut self.line, field.name());
        self.line.push(b':');
    }
}

/// Records only the `message` field, as `msg`.
struct MessageOnly<'a>(&'a mut JsonFields);

impl Visit for MessageOnly<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.line.extend_from_slice(b",\"msg\":");
            write_json_str(&mut self.0.line, value);
            self.0.message_written = true;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0.line.extend_from_slice(b",\"msg\":");
            write_json_debug(&mut self.0.line, value);
            self.0.message_written = true;
        }
    }
}

impl Visit for JsonFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() != "message" {
            self.key(field);
            write_json_str(&mut self.line, value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.key(field);
        drop(serde_json::to_writer(&mut self.line, &value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.key(field);
        drop(serde_json::to_writer(&mut self.line, &value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.key(field);
        // NaN and infinities are not JSON numbers; serde_json writes them as null.
        drop(serde_json::to_writer(&mut self.line, &value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.key(field);
        drop(serde_json::to_writer(&mut self.line, &value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.record_str(field, &value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() != "message" {
            self.key(field);
            write_json_debug(&mut self.line, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_json_lines_with_msg_and_fields() {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let subscriber = subscriber(Level::INFO, Sink::Buffer(Arc::clone(&buffer)));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(status = 200_u16, route = "/healthz", duration_ms = 0.25, ok = true, addr = %"1.2.3.4:5", "request");
            tracing::debug!("not written at info");
            tracing::warn!(error = "say \"why\"\n", detail = %"tab\tquote\" back\\ bell\u{7} é", "database connection failed");
        });
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0]["msg"], "request");
        assert_eq!(lines[0]["level"], "INFO");
        assert_eq!(lines[0]["status"], 200);
        assert_eq!(lines[0]["duration_ms"], 0.25);
        assert_eq!(lines[0]["ok"], true);
        assert_eq!(lines[0]["addr"], "1.2.3.4:5");
        assert!(
            lines[0]["time"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{}",
            lines[0]
        );
        assert_eq!(lines[1]["level"], "WARN");
        assert_eq!(lines[1]["error"], "say \"why\"\n");
        assert!(
            lines[1].get("message").is_none(),
            "the message is written once, as msg"
        );
        assert_eq!(lines[1]["detail"], "tab\tquote\" back\\ bell\u{7} é");
    }
}
