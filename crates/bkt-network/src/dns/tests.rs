//! Rules of the dns spec: each validation fails with an error naming its field and the fix, the
//! Rust rules accept exactly what the module's `validation` blocks accept, and record names stay
//! inside the zone.

use proptest::prelude::*;

use super::*;
use crate::Error;

fn rejection(result: crate::Result<impl std::fmt::Debug>) -> (String, String, String) {
    match result {
        Err(Error::Invalid(bkt_core::Invalid {
            field,
            value,
            reason,
        })) => (field, value, reason),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Asserts that `domain` is rejected on `dns.domain` with a reason containing `fix`.
fn assert_domain_rejected(domain: &str, fix: &str) {
    let (field, value, reason) = rejection(DnsSpec::builder(domain).build());
    assert_eq!(field, "dns.domain");
    assert_eq!(value, domain);
    assert!(reason.contains(fix), "{domain:?}: {reason:?} lacks {fix:?}");
}

#[test]
fn the_dev_domain_is_accepted_with_the_module_defaults() {
    let spec = DnsSpec::builder("dev.example.com").build().unwrap();
    assert_eq!(spec.domain().as_str(), "dev.example.com");
    assert!(spec.create_zone());
    assert_eq!(spec.validation_timeout().to_string(), "45m");
    assert_eq!(
        spec.certificate_names(),
        ["dev.example.com", "*.dev.example.com"]
    );
    assert_eq!(spec.host("grafana").unwrap(), "grafana.dev.example.com");
}

#[test]
fn rejects_an_empty_domain() {
    assert_domain_rejected("", "write the base domain");
}

#[test]
fn rejects_a_trailing_dot() {
    // The module's test `rejects_a_domain_with_a_trailing_dot`, in Rust.
    assert_domain_rejected("dev.example.com.", "remove the trailing dot");
}

#[test]
fn rejects_uppercase() {
    assert_domain_rejected("Dev.Example.com", "lowercase");
}

#[test]
fn rejects_characters_outside_letters_digits_and_hyphens() {
    for domain in [
        "dev_1.example.com",
        "dev example.com",
        "dév.example.com",
        "*.example.com",
    ] {
        assert_domain_rejected(domain, "only lowercase letters, digits and hyphens");
    }
}

#[test]
fn rejects_an_empty_label() {
    for domain in [".example.com", "dev..example.com"] {
        assert_domain_rejected(domain, "empty label");
    }
}

#[test]
fn rejects_a_label_longer_than_63() {
    assert_domain_rejected(&format!("{}.com", "a".repeat(64)), "at most 63");
}

#[test]
fn rejects_a_label_starting_or_ending_with_a_hyphen() {
    for domain in ["-dev.example.com", "dev-.example.com"] {
        assert_domain_rejected(domain, "not a hyphen");
    }
}

#[test]
fn rejects_a_single_label() {
    assert_domain_rejected("localhost", "at least two labels");
}

#[test]
fn rejects_a_top_level_domain_that_is_not_two_or_more_letters() {
    for domain in ["dev.example.c", "dev.example.c0m", "10.0.0.1"] {
        assert_domain_rejected(domain, "top-level domain of 2-63 letters");
    }
}

#[test]
fn rejects_a_domain_longer_than_a_certificate_common_name() {
    // 61 + 1 + 3 = 65 characters: a valid DNS name, but ACM refuses it as the common name.
    let domain = format!("{}.com", "a".repeat(61));
    assert_eq!(domain.len(), MAX_DOMAIN_LEN + 1);
    assert_domain_rejected(&domain, "at most 64 characters");
    assert!(DnsSpec::builder(&domain[1..]).build().is_ok());
}

#[test]
fn rejects_a_malformed_validation_timeout() {
    // The module's test `rejects_a_malformed_validation_timeout`, in Rust, and its neighbours.
    for timeout in [
        "forever",
        "45",
        "m",
        "45s",
        "1.5h",
        "-1m",
        " 45m",
        "45M",
        "99999999999m",
    ] {
        let (field, value, reason) = rejection(
            DnsSpec::builder("dev.example.com")
                .validation_timeout(timeout)
                .build(),
        );
        assert_eq!(field, "dns.validation_timeout");
        assert_eq!(value, timeout);
        assert!(reason.contains("such as 45m or 1h"), "{reason}");
    }
    let spec = DnsSpec::builder("dev.example.com")
        .validation_timeout("1h")
        .build()
        .unwrap();
    assert_eq!(spec.validation_timeout().amount(), 1);
    assert_eq!(spec.validation_timeout().unit(), TimeUnit::Hours);
}

#[test]
fn rejects_a_host_that_is_not_one_label() {
    let spec = DnsSpec::builder("dev.example.com").build().unwrap();
    for (service, fix) in [
        ("a.b", "one label"),
        ("", "empty label"),
        ("Grafana", "lowercase"),
        ("-x", "not a hyphen"),
        ("grafana_ui", "only lowercase letters"),
    ] {
        let (field, value, reason) = rejection(spec.host(service));
        assert_eq!(field, "dns.services");
        assert_eq!(value, service);
        assert!(
            reason.contains(fix),
            "{service:?}: {reason:?} lacks {fix:?}"
        );
    }
}

#[test]
fn the_error_message_names_the_field_the_value_and_the_fix() {
    let error = DnsSpec::builder("dev.example.com.").build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "dns.domain: \"dev.example.com.\" is invalid: remove the trailing dot: write the name as Route 53 shows it without the root (e.g. dev.example.com)"
    );
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
}

/// Valid base domains: 1–3 labels under a top-level domain, within the common-name limit.
fn valid_domain() -> impl Strategy<Value = String> {
    (proptest::collection::vec(label(), 1..4), "[a-z]{2,63}")
        .prop_map(|(labels, top)| format!("{}.{top}", labels.join(".")))
        .prop_filter("within the common-name limit", |domain| {
            domain.len() <= MAX_DOMAIN_LEN
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn domain_rules_match_the_module_validation(
        text in prop_oneof![
            valid_domain(),
            "[a-zA-Z0-9._*-]{0,70}",
            "([a-z0-9-]{1,64}\\.){1,3}[a-z0-9]{1,64}\\.?",
            any::<String>(),
        ]
    ) {
        let terraform = regex::Regex::new(DOMAIN_PATTERN).unwrap().is_match(&text)
            && text.len() <= MAX_DOMAIN_LEN;
        let rust = Domain::parse("dns.domain", &text);
        prop_assert_eq!(rust.is_ok(), terraform, "{:?}: {:?}", text, rust);
    }

    #[test]
    fn timeout_rules_match_the_module_validation(
        text in prop_oneof!["[0-9]{0,9}[mhs.]?", "[ -~]{0,6}", any::<String>()]
    ) {
        let terraform = regex::Regex::new(VALIDATION_TIMEOUT_PATTERN).unwrap().is_match(&text);
        let rust = ValidationTimeout::parse("dns.validation_timeout", &text);
        prop_assert_eq!(rust.is_ok(), terraform, "{:?}", text);
        if let Ok(timeout) = rust {
            // Round-trips exactly, except for leading zeros Terraform also reads as a number.
            let written = timeout.to_string();
            prop_assert_eq!(
                written.trim_start_matches('0'),
                text.trim_start_matches('0')
            );
        }
    }

    #[test]
    fn record_names_stay_within_the_zone(domain in valid_domain(), service in label()) {
        let spec = DnsSpec::builder(&domain).build().unwrap();
        let host = spec.host(&service).unwrap();
        let suffix = format!(".{domain}");
        prop_assert_eq!(host.strip_suffix(suffix.as_str()), Some(service.as_str()));
        prop_assert!(host.len() <= MAX_NAME_LEN);
        prop_assert!(host.split('.').all(|label| label.len() <= MAX_LABEL_LEN));
        prop_assert!(Domain::parse("host", &host).is_ok() || host.len() > MAX_DOMAIN_LEN);
    }

    #[test]
    fn any_valid_domain_renders_into_the_module_call(domain in valid_domain(), create in any::<bool>()) {
        let spec = DnsSpec::builder(&domain).create_zone(create).build().unwrap();
        let call = bkt_core::hcl::Module::new(bkt_core::name!("dns"), "../../modules/dns", spec.to_inputs());
        let text = bkt_core::hcl::to_string(&call.to_block());
        let domain_line = format!("  domain             = \"{domain}\"\n");
        let create_line = format!("  create_zone        = {create}\n");
        prop_assert!(text.contains(&domain_line), "{}", text);
        prop_assert!(text.contains(&create_line), "{}", text);
    }

    #[test]
    fn no_input_panics(domain in any::<String>(), timeout in any::<String>(), service in any::<String>()) {
        let built = DnsSpec::builder(domain).validation_timeout(timeout).build();
        if let Ok(spec) = built {
            let _ = spec.host(&service);
            let _ = spec.to_inputs();
        }
    }
}
