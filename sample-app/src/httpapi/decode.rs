//! Decoding and validating the body of `POST /api/entries`.

use std::fmt;

use serde_json::Value;

/// Bounds a POST body; larger bodies are refused before they are read in full.
pub const MAX_BODY_BYTES: usize = 4 << 10;
/// The longest message accepted, counted in characters, not bytes.
pub const MAX_MESSAGE_CHARS: usize = 280;

/// A client mistake; its text is safe to return to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError(String);

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValidationError {}

fn invalid(text: impl Into<String>) -> ValidationError {
    ValidationError(text.into())
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Validates a `POST /api/entries` body and returns the message to store, trimmed of
/// surrounding white space.
///
/// # Errors
/// A [`ValidationError`] saying what is wrong: invalid UTF-8 or JSON, not exactly one JSON
/// object, an unknown field, a missing, non-string, empty, multi-line or too long message.
pub fn decode_entry(body: &[u8]) -> Result<String, ValidationError> {
    // Refuse invalid UTF-8 instead of storing something the client did not send.
    let text = std::str::from_utf8(body).map_err(|_| invalid("request body is not valid UTF-8"))?;
    if text.trim().is_empty() {
        return Err(invalid(
            r#"request body is empty; send {"message": "hello"}"#,
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: Value = serde::Deserialize::deserialize(&mut de).map_err(|e| {
        if e.is_eof() {
            invalid("request body is truncated JSON")
        } else {
            invalid(format!(
                "request body is not valid JSON (at line {} column {}): {e}",
                e.line(),
                e.column()
            ))
        }
    })?;
    if de.end().is_err() {
        return Err(invalid(
            r#"request body must hold one JSON object, like {"message": "hello"}, and nothing after it"#,
        ));
    }
    let message = match value {
        Value::Object(fields) => {
            if let Some(unknown) = fields.keys().find(|k| k.as_str() != "message") {
                return Err(invalid(format!(
                    r#"unknown field {unknown:?}; the only field is "message""#
                )));
            }
            fields.get("message").cloned().unwrap_or(Value::Null)
        }
        // Go's decoder accepted `null` as an empty object; the message is what is missing.
        Value::Null => Value::Null,
        other => {
            return Err(invalid(format!(
                r#"request body must be a JSON object, like {{"message": "hello"}}, not a JSON {}"#,
                json_type(&other)
            )));
        }
    };
    let message = match message {
        Value::String(s) => s,
        Value::Null => {
            return Err(invalid(
                r#"field "message" is required, like {"message": "hello"}"#,
            ));
        }
        other => {
            return Err(invalid(format!(
                r#"field "message" must be a JSON string, not a JSON {}"#,
                json_type(&other)
            )));
        }
    };
    let trimmed = message.trim();
    match trimmed.chars().count() {
        0 => return Err(invalid(r#"field "message" must not be empty"#)),
        n if n > MAX_MESSAGE_CHARS => {
            return Err(invalid(format!(
                r#"field "message" has {n} characters; the limit is {MAX_MESSAGE_CHARS}"#
            )));
        }
        _ => {}
    }
    if let Some((at, c)) = trimmed.char_indices().find(|(_, c)| c.is_control()) {
        return Err(invalid(format!(
            r#"field "message" must be one line of text: control character U+{:04X} at byte {at}"#,
            u32::from(c)
        )));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn table() {
        let limit = "é".repeat(MAX_MESSAGE_CHARS);
        let ok: &[(&str, &str)] = &[
            (r#"{"message":"hello"}"#, "hello"),
            (r#"{"message":"  hello  "}"#, "hello"),
            (r#"{"message":"grüße 👋"}"#, "grüße 👋"),
            ("{\"message\":\"a\"}\n", "a"),
            (r#"  {"message":" b "}  "#, "b"),
        ];
        for (body, want) in ok {
            assert_eq!(
                decode_entry(body.as_bytes()).as_deref(),
                Ok(*want),
                "{body}"
            );
        }
        assert_eq!(
            decode_entry(format!(r#"{{"message":"{limit}"}}"#).as_bytes()),
            Ok(limit)
        );

        let too_long = format!(r#"{{"message":"{}"}}"#, "a".repeat(MAX_MESSAGE_CHARS + 1));
        let bad: &[(&[u8], &str)] = &[
            (b"", "request body is empty"),
            (b" \n", "request body is empty"),
            (b"hello", "not valid JSON"),
            (br#"{"message":"a""#, "truncated"),
            (
                br#"["a"]"#,
                "must be a JSON object, like {\"message\": \"hello\"}, not a JSON array",
            ),
            (b"42", "not a JSON number"),
            (b"null", r#""message" is required"#),
            (b"{}", r#""message" is required"#),
            (
                br#"{"message":"a","author":"b"}"#,
                r#"unknown field "author"; the only field is "message""#,
            ),
            (br#"{"Message":"case"}"#, r#"unknown field "Message""#),
            (
                br#"{"message":42}"#,
                r#""message" must be a JSON string, not a JSON number"#,
            ),
            (br#"{"message":null}"#, r#""message" is required"#),
            (br#"{"message":""}"#, "must not be empty"),
            (b"{\"message\":\" \\t \"}", "must not be empty"),
            (too_long.as_bytes(), "281 characters; the limit is 280"),
            (
                br#"{"message":"a\u0000b"}"#,
                "control character U+0000 at byte 1",
            ),
            (br#"{"message":"a\nb"}"#, "one line"),
            (b"{\"message\":\"\xff\"}", "not valid UTF-8"),
            (br#"{"message":"a"}{"message":"b"}"#, "nothing after it"),
            (br#"{"message":"a"} x"#, "nothing after it"),
            (br#"{"message":"\ud800"}"#, "not valid JSON"),
        ];
        for (body, want) in bad {
            let err = decode_entry(body).unwrap_err().to_string();
            assert!(
                err.contains(want),
                "{}: {err:?} does not contain {want:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    /// The rules every accepted message meets, whatever the body was.
    fn assert_accepted_is_valid(body: &[u8], message: &str) {
        assert!(
            std::str::from_utf8(body).is_ok(),
            "accepted invalid UTF-8: {body:?}"
        );
        let n = message.chars().count();
        assert!(
            (1..=MAX_MESSAGE_CHARS).contains(&n),
            "accepted a message of {n} characters"
        );
        assert_eq!(message, message.trim(), "accepted an untrimmed message");
        assert!(
            !message.chars().any(char::is_control),
            "accepted a multi-line message {message:?}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Arbitrary bytes: never a panic, and whatever is accepted is valid.
        #[test]
        fn arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(message) = decode_entry(&body) {
                assert_accepted_is_valid(&body, &message);
            }
        }

        /// Arbitrary strings inside a well-formed body: accepted exactly when the trimmed string
        /// obeys the rules, and then stored as that trimmed string.
        #[test]
        fn well_formed_bodies(message in any::<String>(), pad in "[ \t\n]{0,3}") {
            let body = format!("{pad}{}{pad}", serde_json::json!({ "message": message }));
            let trimmed = message.trim();
            let valid = !trimmed.is_empty()
                && trimmed.chars().count() <= MAX_MESSAGE_CHARS
                && !trimmed.chars().any(char::is_control);
            match decode_entry(body.as_bytes()) {
                Ok(got) => {
                    prop_assert!(valid, "accepted {message:?}");
                    prop_assert_eq!(got.as_str(), trimmed);
                    assert_accepted_is_valid(body.as_bytes(), &got);
                }
                Err(err) => prop_assert!(!valid, "rejected the valid {message:?}: {err}"),
            }
        }

        /// Bodies built from JSON-ish pieces reach the deeper branches (fields, types, trailing data).
        #[test]
        fn json_shaped_bodies(parts in proptest::collection::vec(prop_oneof![
            Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\"message\""),
            Just("\"x\""), Just("null"), Just("1"), Just(" "), Just("\"\\u0000\""), Just("\"é\""),
        ], 0..12)) {
            let body = parts.concat();
            if let Ok(message) = decode_entry(body.as_bytes()) {
                assert_accepted_is_valid(body.as_bytes(), &message);
            }
        }
    }
}
