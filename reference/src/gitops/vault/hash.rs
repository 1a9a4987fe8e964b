//! kustomize's content hash of a generated `ConfigMap`, reproduced so a Job's name changes with
//! its scripts.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The ten-character suffix kustomize appends to the name of a generated `ConfigMap` with
/// `data`: the first ten hex digits of the SHA-256 of Go's JSON encoding of
/// `{"data": …, "kind": "ConfigMap", "name": ""}` (keys sorted, HTML characters escaped), with
/// `0 1 3 a e` replaced by `g h k m t` (kustomize's `api/hasher`, v0.21). The name is empty:
/// kustomize looks it up as the single field `metadata/name`, which never exists, so the hash
/// depends on the data alone.
#[must_use]
pub fn config_map_hash<'a>(data: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let data: BTreeMap<&str, &str> = data.into_iter().collect();
    let mut json = String::from("{\"data\":{");
    for (index, (key, value)) in data.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        push_go_json_string(&mut json, key);
        json.push(':');
        push_go_json_string(&mut json, value);
    }
    json.push_str("},\"kind\":\"ConfigMap\",\"name\":\"\"}");
    let digest = Sha256::digest(json.as_bytes());
    let mut hash = String::new();
    for byte in digest.iter().take(5) {
        for nibble in [byte >> 4, byte & 0x0f] {
            hash.push(match nibble {
                0 => 'g',
                1 => 'h',
                3 => 'k',
                10 => 'm',
                14 => 't',
                other => char::from_digit(u32::from(other), 16).unwrap_or('?'),
            });
        }
    }
    hash
}

/// Appends `text` as a JSON string the way Go's `encoding/json` writes it (`json.Marshal`:
/// `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u…`, other control characters as `\n`, `\r`,
/// `\t`, `\b`, `\f` or `\u00XX`).
fn push_go_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 || matches!(c, '<' | '>' | '&') => {
                let code = u32::from(c);
                out.push_str("\\u00");
                for shift in [4, 0] {
                    let digit = usize::try_from((code >> shift) & 0x0f).unwrap_or(0);
                    out.push(char::from(HEX.get(digit).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_escapes_html_characters() {
        let mut out = String::new();
        push_go_json_string(&mut out, "a<b>&\"\\\n\u{1}\u{2028}");
        assert_eq!(out, "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028\"");
    }
}
