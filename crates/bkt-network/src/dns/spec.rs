//! The dns module's inputs as validated Rust values: the base domain, the zone choice, the
//! bounded wait for issuance and the tags.
//!
//! Every rule the module's `validation` blocks enforce is enforced here at construction too, one
//! error per rule, naming the field and the fix.

use std::collections::BTreeMap;
use std::fmt;

use crate::{Error, Result};

/// The regular expression the module's `domain` validation uses: lowercase labels of letters,
/// digits and inner hyphens (1–63 characters), at least two, a top-level label of 2–63 letters,
/// no trailing dot.
pub const DOMAIN_PATTERN: &str = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";

/// Longest base domain: ACM writes `domain` into the certificate's common name, which RFC 5280
/// limits to 64 characters (the `*.` name rides in the subject alternative names).
pub const MAX_DOMAIN_LEN: usize = 64;

/// Longest DNS name (RFC 1035), the bound for every record name under the zone.
pub const MAX_NAME_LEN: usize = 253;

/// Longest DNS label (RFC 1035).
pub const MAX_LABEL_LEN: usize = 63;

/// The regular expression the module's `validation_timeout` validation uses.
pub const VALIDATION_TIMEOUT_PATTERN: &str = "^[0-9]+(m|h)$";

/// The regular expression of the dns module's `parent_zone_id` validation: a Route 53 hosted
/// zone ID (uppercase letters and digits, as `Z0123456789ABCDEFGHIJ`).
pub const ZONE_ID_PATTERN: &str = "^[A-Z0-9]{1,32}$";

/// Why a label is not a DNS label the module accepts, as the fix to apply.
fn label_problem(label: &str) -> Option<&'static str> {
    let bytes = label.as_bytes();
    if bytes.is_empty() {
        return Some("remove the empty label (a leading dot or two dots in a row)");
    }
    if bytes.len() > MAX_LABEL_LEN {
        return Some("shorten the label to at most 63 characters (RFC 1035)");
    }
    if bytes.iter().any(u8::is_ascii_uppercase) {
        return Some("write the name in lowercase");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        return Some(
            "use only lowercase letters, digits and hyphens (write an internationalized name in its xn-- form)",
        );
    }
    if bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') {
        return Some("start and end every label with a letter or digit, not a hyphen");
    }
    None
}

/// The base domain of the platform: a lowercase DNS name of at least two labels, no trailing
/// dot, at most [`MAX_DOMAIN_LEN`] characters. Services live at `<service>.<domain>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(String);

impl Domain {
    /// Validates `text` as the module's `domain` (named `field` in the error).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field`, with the fix, when `text` does not match
    /// [`DOMAIN_PATTERN`] or is longer than [`MAX_DOMAIN_LEN`].
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::invalid(field, text, reason);
        if text.is_empty() {
            return Err(invalid("write the base domain (e.g. dev.example.com)"));
        }
        if text.ends_with('.') {
            return Err(invalid(
                "remove the trailing dot: write the name as Route 53 shows it without the root (e.g. dev.example.com)",
            ));
        }
        let labels: Vec<&str> = text.split('.').collect();
        for label in &labels {
            if let Some(fix) = label_problem(label) {
                return Err(invalid(fix));
            }
        }
        let [_, .., top] = labels.as_slice() else {
            return Err(invalid(
                "write at least two labels: a public zone lives under a top-level domain (e.g. dev.example.com)",
            ));
        };
        if top.len() < 2 || !top.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(invalid(
                "end with a top-level domain of 2-63 letters (e.g. .com or .dev)",
            ));
        }
        if text.len() > MAX_DOMAIN_LEN {
            return Err(invalid(
                "use at most 64 characters: ACM writes the domain into the certificate's common name, which RFC 5280 limits to 64",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The domain as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `*.<domain>`, the second name on the certificate.
    #[must_use]
    pub fn wildcard(&self) -> String {
        format!("*.{}", self.0)
    }

    /// `<service>.<domain>`: the host name of a service in the zone.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when `service` is not one lowercase DNS label. The
    /// name is then at most 128 characters, within [`MAX_NAME_LEN`].
    pub fn host(&self, field: &str, service: &str) -> Result<String> {
        if service.contains('.') {
            return Err(Error::invalid(
                field,
                service,
                "use one label (no dots); the record is <service>.<domain> (e.g. grafana)",
            ));
        }
        if let Some(fix) = label_problem(service) {
            return Err(Error::invalid(field, service, fix));
        }
        // A label (at most 63) under a domain (at most 64) stays far within MAX_NAME_LEN.
        Ok(format!("{service}.{}", self.0))
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit of [`ValidationTimeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// `m`
    Minutes,
    /// `h`
    Hours,
}

/// How long `terraform apply` waits for ACM to issue the certificate: whole minutes or hours
/// (`45m`, `1h`), as the module's `validation_timeout` accepts.
///
/// The wait is what turns a missing delegation into an error: ACM keeps the certificate
/// `PENDING_VALIDATION` for as long as the registrar or parent zone does not point at the zone's
/// name servers, and without a bound the apply would wait for the provider's default (75 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValidationTimeout {
    amount: u32,
    unit: TimeUnit,
}

impl ValidationTimeout {
    /// Forty-five minutes, the module's default.
    pub const DEFAULT: ValidationTimeout = ValidationTimeout {
        amount: 45,
        unit: TimeUnit::Minutes,
    };

    /// Parses `text` (named `field` in the error) as digits followed by `m` or `h`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when `text` does not match
    /// [`VALIDATION_TIMEOUT_PATTERN`] (or its number does not fit 32 bits).
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid(
                field,
                text,
                "write a duration in whole minutes or hours such as 45m or 1h",
            )
        };
        let (digits, unit) = if let Some(digits) = text.strip_suffix('m') {
            (digits, TimeUnit::Minutes)
        } else if let Some(digits) = text.strip_suffix('h') {
            (digits, TimeUnit::Hours)
        } else {
            return Err(invalid());
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let amount = digits.parse().map_err(|_| invalid())?;
        Ok(Self { amount, unit })
    }

    /// The number of minutes or hours.
    #[must_use]
    pub fn amount(self) -> u32 {
        self.amount
    }

    /// Minutes or hours.
    #[must_use]
    pub fn unit(self) -> TimeUnit {
        self.unit
    }
}

impl fmt::Display for ValidationTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// The values of one platform domain: what a root passes to the dns module, validated.
///
/// In serde it is the builder's fields, and reading one runs [`DnsSpecBuilder::build`]:
///
/// ```
/// use bkt_network::DnsSpec;
/// let spec: DnsSpec = serde_json::from_str(r#"{"domain": "shop.example.com", "create_zone": false}"#)?;
/// assert!(!spec.create_zone());
/// assert_eq!(spec.validation_timeout().to_string(), "45m");
/// let error = serde_json::from_str::<DnsSpec>(r#"{"domain": "shop.example.com."}"#).unwrap_err();
/// assert!(error.to_string().starts_with("dns.domain: "));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "DnsSpecBuilder", into = "DnsSpecBuilder")]
pub struct DnsSpec {
    domain: Domain,
    create_zone: bool,
    validation_timeout: ValidationTimeout,
    tags: BTreeMap<String, String>,
}

/// Builds a [`DnsSpec`]: the domain in [`DnsSpec::builder`], the rest chained. In serde, a key
/// left out keeps the builder's default.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsSpecBuilder {
    domain: String,
    #[serde(default = "yes")]
    create_zone: bool,
    #[serde(default = "default_validation_timeout")]
    validation_timeout: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

fn default_validation_timeout() -> String {
    ValidationTimeout::DEFAULT.to_string()
}

impl TryFrom<DnsSpecBuilder> for DnsSpec {
    type Error = Error;

    fn try_from(builder: DnsSpecBuilder) -> Result<Self> {
        builder.build()
    }
}

impl From<DnsSpec> for DnsSpecBuilder {
    fn from(spec: DnsSpec) -> Self {
        Self {
            domain: spec.domain.as_str().to_owned(),
            create_zone: spec.create_zone,
            validation_timeout: spec.validation_timeout.to_string(),
            tags: spec.tags,
        }
    }
}

impl DnsSpec {
    /// Starts a spec for the base domain `domain` (e.g. `dev.example.com`).
    #[must_use]
    pub fn builder(domain: impl Into<String>) -> DnsSpecBuilder {
        DnsSpecBuilder {
            domain: domain.into(),
            create_zone: true,
            validation_timeout: default_validation_timeout(),
            tags: BTreeMap::new(),
        }
    }

    /// The base domain.
    #[must_use]
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Whether the module creates the zone (`true`) or looks up the existing public one.
    #[must_use]
    pub fn create_zone(&self) -> bool {
        self.create_zone
    }

    /// The bounded wait for issuance.
    #[must_use]
    pub fn validation_timeout(&self) -> ValidationTimeout {
        self.validation_timeout
    }

    /// Tags on every resource of the module.
    #[must_use]
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// The names the certificate covers, in order: the domain and its wildcard.
    #[must_use]
    pub fn certificate_names(&self) -> [String; 2] {
        [self.domain.as_str().to_owned(), self.domain.wildcard()]
    }

    /// `<service>.<domain>`, validated (see [`Domain::host`]); the field is `dns.services`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `service` is not one lowercase DNS label.
    pub fn host(&self, service: &str) -> Result<String> {
        self.domain.host("dns.services", service)
    }
}

impl DnsSpecBuilder {
    /// `false`: look up the existing public zone of the domain instead of creating one
    /// (default `true`).
    #[must_use]
    pub fn create_zone(mut self, create: bool) -> Self {
        self.create_zone = create;
        self
    }

    /// How long to wait for issuance, such as `45m` (the default) or `1h`.
    #[must_use]
    pub fn validation_timeout(mut self, timeout: impl Into<String>) -> Self {
        self.validation_timeout = timeout.into();
        self
    }

    /// Adds a tag for every resource of the module.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Validates every value, by the same rules as the module's `validation` blocks.
    ///
    /// # Errors
    /// [`Error::Invalid`] for the first bad field (`dns.domain`, `dns.validation_timeout`),
    /// naming it, with the fix.
    pub fn build(self) -> Result<DnsSpec> {
        Ok(DnsSpec {
            domain: Domain::parse("dns.domain", &self.domain)?,
            create_zone: self.create_zone,
            validation_timeout: ValidationTimeout::parse(
                "dns.validation_timeout",
                &self.validation_timeout,
            )?,
            tags: self.tags,
        })
    }
}
