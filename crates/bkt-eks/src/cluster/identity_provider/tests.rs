//! Rules of the identity provider: each validation names its attribute, the hand-written matchers
//! are the module's regular expressions, the call's value carries every attribute.

use bkt_core::hcl::Expr;
use proptest::prelude::*;

use super::*;
use crate::rules::tests::{arbitrary, near_valid, regex_matches};

const ISSUER: &str = "https://auth.example.com/application/o/kubernetes/";

fn authentik() -> IdentityProviderBuilder {
    IdentityProvider::builder("authentik", ISSUER, "kubernetes")
}

fn fails(builder: IdentityProviderBuilder, field: &str, reason: &str) {
    match builder.build() {
        Err(Error::Invalid(bkt_core::Invalid {
            field: got_field,
            reason: got_reason,
            ..
        })) => {
            assert_eq!(got_field, field);
            assert!(got_reason.contains(reason), "{got_reason}");
        }
        other => panic!("expected a validation error on {field}, got {other:?}"),
    }
}

fn rendered(provider: &IdentityProvider) -> String {
    let block = bkt_core::hcl::Module::new(
        bkt_core::name!("eks"),
        "../../modules/eks",
        crate::EksInputs {
            oidc_identity_provider: Some(provider.to_expr().into()),
            ..crate::EksInputs::default()
        },
    )
    .to_block();
    bkt_core::hcl::to_string(&block)
}

#[test]
fn the_defaults_prefix_users_and_groups_with_oidc() {
    let provider = authentik().build().unwrap();
    assert_eq!(provider.groups_prefix(), "oidc:");
    assert_eq!(provider.username_prefix(), "oidc:");
    assert_eq!(
        provider.group_subject("platform-engineers"),
        "oidc:platform-engineers"
    );
    let text = rendered(&provider);
    for line in [
        "name            = \"authentik\"",
        "issuer_url      = \"https://auth.example.com/application/o/kubernetes/\"",
        "client_id       = \"kubernetes\"",
        "username_claim  = \"email\"",
        "groups_claim    = \"groups\"",
        "username_prefix = \"oidc:\"",
        "groups_prefix   = \"oidc:\"",
    ] {
        assert!(text.contains(line), "{line} missing in\n{text}");
    }
}

#[test]
fn chained_claims_and_prefixes_reach_the_call() {
    let provider = authentik()
        .username_claim("preferred_username")
        .groups_claim("roles")
        .username_prefix("-")
        .groups_prefix("sso:")
        .build()
        .unwrap();
    assert_eq!(provider.group_subject("ops"), "sso:ops");
    let text = rendered(&provider);
    for line in [
        "username_claim  = \"preferred_username\"",
        "groups_claim    = \"roles\"",
        "username_prefix = \"-\"",
        "groups_prefix   = \"sso:\"",
    ] {
        assert!(text.contains(line), "{line} missing in\n{text}");
    }
}

#[test]
fn an_issuer_expression_is_passed_through_unchecked() {
    let domain =
        bkt_core::hcl::Variable::new(bkt_core::name!("domain"), "d", bkt_core::hcl::Type::String);
    let issuer = Expr::template([
        "https://auth.".into(),
        domain.reference(),
        "/application/o/kubernetes/".into(),
    ]);
    let provider = IdentityProvider::builder("authentik", issuer, "kubernetes")
        .build()
        .unwrap();
    assert!(matches!(provider.issuer_url(), IssuerUrl::Expr(_)));
    let text = rendered(&provider);
    assert!(
        text.contains("issuer_url      = \"https://auth.${var.domain}/application/o/kubernetes/\""),
        "{text}"
    );
}

#[test]
fn rejects_an_http_issuer() {
    fails(
        IdentityProvider::builder("authentik", "http://auth.example.com/", "kubernetes"),
        "eks.oidc_identity_provider.issuer_url",
        "only an https:// issuer",
    );
}

#[test]
fn rejects_an_issuer_with_a_query_or_fragment() {
    for issuer in [
        "https://auth.example.com/application/o/kubernetes/?x=1",
        "https://auth.example.com/#top",
    ] {
        fails(
            IdentityProvider::builder("authentik", issuer, "kubernetes"),
            "eks.oidc_identity_provider.issuer_url",
            "no query or fragment",
        );
    }
}

#[test]
fn rejects_an_issuer_without_a_host() {
    for issuer in [
        "https://",
        "https:///application/o/kubernetes/",
        "https://a b/",
    ] {
        fails(
            IdentityProvider::builder("authentik", issuer, "kubernetes"),
            "eks.oidc_identity_provider.issuer_url",
            "a host after https://",
        );
    }
}

#[test]
fn rejects_a_name_outside_the_eks_name_rule() {
    for name in [
        "",
        "-authentik",
        "auth entik",
        "authentik.io",
        &"a".repeat(101),
    ] {
        fails(
            IdentityProvider::builder(name, ISSUER, "kubernetes"),
            "eks.oidc_identity_provider.name",
            "letters, digits, hyphens and underscores",
        );
    }
    assert!(
        IdentityProvider::builder("a".repeat(100), ISSUER, "kubernetes")
            .build()
            .is_ok()
    );
}

#[test]
fn rejects_an_empty_client_id() {
    fails(
        IdentityProvider::builder("authentik", ISSUER, ""),
        "eks.oidc_identity_provider.client_id",
        "aud claim",
    );
}

#[test]
fn rejects_empty_claims() {
    fails(
        authentik().username_claim(""),
        "eks.oidc_identity_provider.username_claim",
        "name a claim",
    );
    fails(
        authentik().groups_claim(""),
        "eks.oidc_identity_provider.groups_claim",
        "name a claim",
    );
}

#[test]
fn rejects_a_prefix_containing_system() {
    fails(
        authentik().username_prefix("system:"),
        "eks.oidc_identity_provider.username_prefix",
        "system:",
    );
    fails(
        authentik().groups_prefix("system:oidc:"),
        "eks.oidc_identity_provider.groups_prefix",
        "system:",
    );
    // EKS refuses the text anywhere in the prefix, not only at its start.
    fails(
        authentik().groups_prefix("oidc:system:"),
        "eks.oidc_identity_provider.groups_prefix",
        "system:",
    );
    fails(
        authentik().groups_prefix(""),
        "eks.oidc_identity_provider.groups_prefix",
        "empty",
    );
}

/// The pieces of [`ISSUER_URL_PATTERN`] and near misses of each (another scheme, no host, a
/// query, a fragment, whitespace).
const ISSUER_URL_PIECES: [(&str, &str); 3] = [
    ("https://", "|http://|HTTPS://|https:/|https:///|ftp://"),
    (
        "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        "|[a-z]{0,3}[?# \\t\\n\\x0b\\x0c\\r][a-z]{0,3}",
    ),
    (
        "|/|(/[a-zA-Z0-9._~%-]{1,10}){1,4}/?",
        "[?#][a-z=&]{0,6}|/[a-z]{0,3}[?# \\t\\n\\x0b\\x0c\\r][a-z]{0,3}",
    ),
];

/// The pieces of [`IDENTITY_PROVIDER_NAME_PATTERN`] and near misses of each.
const NAME_PIECES: [(&str, &str); 2] = [
    ("[0-9A-Za-z]", "|[-_.]|é"),
    (
        "[A-Za-z0-9_-]{0,99}|[A-Za-z0-9_-]{97,99}",
        "[A-Za-z0-9_-]{100,102}|[A-Za-z0-9_-]{0,5}[^A-Za-z0-9_-][A-Za-z0-9_-]{0,5}|[a-z]{0,3}\\n",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The hand-written matcher accepts exactly the issuers the regular expression does.
    #[test]
    fn the_issuer_url_matcher_is_the_pattern(
        value in prop_oneof![3 => near_valid(&ISSUER_URL_PIECES), 1 => arbitrary("htps:/a-z?#.")],
    ) {
        prop_assert_eq!(
            matches_issuer_url_pattern(&value),
            regex_matches(ISSUER_URL_PATTERN, &value),
            "{:?}", value
        );
    }

    /// The hand-written matcher accepts exactly the names the regular expression does.
    #[test]
    fn the_name_matcher_is_the_pattern(
        value in prop_oneof![3 => near_valid(&NAME_PIECES), 1 => arbitrary("A-Za-z0-9_-")],
    ) {
        prop_assert_eq!(
            matches_identity_provider_name_pattern(&value),
            regex_matches(IDENTITY_PROVIDER_NAME_PATTERN, &value),
            "{:?}", value
        );
    }
}

proptest! {
    /// No issuer makes the builder panic; an accepted one is https:// with no query or fragment,
    /// and a rejected one is rejected naming the issuer.
    #[test]
    fn random_issuers_never_panic(
        issuer in prop_oneof![near_valid(&ISSUER_URL_PIECES), arbitrary("htps:/a-z?#.")],
    ) {
        match IdentityProvider::builder("authentik", issuer.as_str(), "kubernetes").build() {
            Ok(provider) => {
                prop_assert!(issuer.starts_with("https://"), "{:?}", issuer);
                prop_assert!(!issuer.contains(['?', '#']), "{:?}", issuer);
                prop_assert_eq!(provider.issuer_url(), &IssuerUrl::Url(issuer.clone()));
            }
            Err(Error::Invalid(bkt_core::Invalid { field, .. })) => {
                prop_assert_eq!(field, "eks.oidc_identity_provider.issuer_url");
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    /// No input at all makes the builder panic; every rejection names an attribute of the
    /// variable.
    #[test]
    fn never_panics(
        name in ".{0,110}",
        issuer in ".{0,40}",
        client_id in ".{0,10}",
        claims in (".{0,6}", ".{0,6}"),
        prefixes in ("(system:)?.{0,6}", ".{0,8}"),
    ) {
        let result = IdentityProvider::builder(name, issuer, client_id)
            .username_claim(claims.0)
            .groups_claim(claims.1)
            .username_prefix(prefixes.0)
            .groups_prefix(prefixes.1)
            .build();
        match result {
            Ok(provider) => { let _ = provider.to_expr(); }
            Err(Error::Invalid(bkt_core::Invalid { field, .. })) => {
                prop_assert!(field.starts_with("eks.oidc_identity_provider."), "{}", field);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
