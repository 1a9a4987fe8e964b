//! The values' rules, tested against the schema's own patterns and messages.

use super::*;

#[test]
fn host_rule_matches_the_pattern_examples() {
    for good in ["sample-app.dev.example.com", "a.io", "x-1.example.org"] {
        assert!(is_host(good), "{good}");
    }
    for bad in [
        "",
        "localhost",
        "https://a.example.com",
        "-a.example.com",
        "a.example.c0m",
        "A.example.com",
        "a..com",
        "a.c",
    ] {
        assert!(!is_host(bad), "{bad}");
    }
}

#[test]
fn enabled_ingress_needs_a_host() {
    let mut values = SampleAppValues::default();
    values.ingress.enabled = true;
    assert_eq!(
        values.validate(),
        Err(Error::invalid("ingress.host", "", HOST_REQUIRED))
    );
    values.ingress.host = "sample-app.dev.example.com".to_owned();
    assert_eq!(values.validate(), Ok(()));
}

#[test]
fn a_database_needs_vault() {
    let mut values = SampleAppValues::default();
    for kind in DatabaseType::ALL {
        values.database.kind = kind;
        values.vault.enabled = false;
        assert_eq!(values.validate().is_err(), kind.needs_vault(), "{kind:?}");
        values.vault.enabled = true;
        assert_eq!(values.validate(), Ok(()));
    }
}
