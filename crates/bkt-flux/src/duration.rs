//! [`Duration`]: a Flux interval or timeout (`1h`, `10m`, `30s`, `1h30m`), validated as the CRDs
//! validate it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A duration in the form every Flux CRD accepts for `interval`, `retryInterval` and `timeout`:
/// one or more `<number><unit>` parts, units `ms`, `s`, `m` or `h` (the CRDs' pattern
/// `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). Kept as written, so `60m` stays `60m`.
///
/// ```
/// use bkt_flux::Duration;
///
/// assert_eq!(Duration::minutes(10).as_str(), "10m");
/// assert_eq!(Duration::parse("1h30m")?.as_str(), "1h30m");
/// assert!(Duration::parse("10 minutes").is_err());
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Duration(String);

impl Duration {
    /// Parses and validates `text`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `text` is not in the CRDs' duration form.
    pub fn parse(text: &str) -> Result<Self> {
        if is_valid(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(Error::invalid(
                "duration",
                text,
                "write one or more <number><unit> parts with units ms, s, m or h (e.g. 30s, 10m, 1h30m)",
            ))
        }
    }

    /// `n` hours (`1h`).
    #[must_use]
    pub fn hours(n: u32) -> Self {
        Self(format!("{n}h"))
    }

    /// `n` minutes (`10m`).
    #[must_use]
    pub fn minutes(n: u32) -> Self {
        Self(format!("{n}m"))
    }

    /// `n` seconds (`30s`).
    #[must_use]
    pub fn seconds(n: u32) -> Self {
        Self(format!("{n}s"))
    }

    /// The duration as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a duration, validated as [`Duration::parse`] validates it.
impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<&str> for Duration {
    type Error = Error;

    fn try_from(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

/// Whether `text` matches `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`.
fn is_valid(text: &str) -> bool {
    let mut rest = text.as_bytes();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        if let Some(after_dot) = rest.strip_prefix(b".") {
            let fraction = after_dot.iter().take_while(|b| b.is_ascii_digit()).count();
            if fraction == 0 {
                return false;
            }
            rest = &after_dot[fraction..];
        }
        rest = if let Some(after) = rest.strip_prefix(b"ms") {
            after
        } else if let Some(after) = rest
            .strip_prefix(b"s")
            .or_else(|| rest.strip_prefix(b"m"))
            .or_else(|| rest.strip_prefix(b"h"))
        {
            after
        } else {
            return false;
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_crd_forms() {
        for text in ["1h", "10m", "30s", "500ms", "1h30m", "1.5h", "0s", "2m0s"] {
            assert_eq!(Duration::parse(text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn rejects_everything_else_naming_the_fix() {
        for text in [
            "", "10", "m", "1d", "1 h", "1.h", ".5h", "-1m", "1H", "10mm", "1hx",
        ] {
            let error = Duration::parse(text).unwrap_err();
            assert!(
                matches!(&error, Error::Invalid(bkt_core::Invalid { field, value, reason })
                    if field == "duration" && value == text && reason.contains("30s, 10m")),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn constructors_write_the_short_form() {
        assert_eq!(Duration::hours(1).to_string(), "1h");
        assert_eq!(Duration::minutes(10).to_string(), "10m");
        assert_eq!(Duration::seconds(30).to_string(), "30s");
    }
}
