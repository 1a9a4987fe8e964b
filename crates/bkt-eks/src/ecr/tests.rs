//! Rules of the ECR spec and the ecr module: each validation names its field, names keep ECR's
//! form, the module-call kind matches the module.

use proptest::prelude::*;

use super::*;
use crate::cluster::tests::{output_names, variable_names};
use crate::rules::tests::{arbitrary, near_valid, regex_matches};

fn fails(result: Result<EcrSpec>, field: &str, reason: &str) {
    match result {
        Err(Error::Invalid(bkt_core::Invalid {
            field: got,
            reason: why,
            ..
        })) => {
            assert_eq!(got, field);
            assert!(why.contains(reason), "{why}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_sample_app_repository_is_valid() {
    let spec = EcrSpec::new([("acme-app", Repository::default())]).unwrap();
    assert_eq!(spec.repositories()["acme-app"].keep_tagged_images, 50);
}

#[test]
fn rejects_no_repositories() {
    fails(
        EcrSpec::new(Vec::<(String, Repository)>::new()),
        "ecr.repositories",
        "at least one repository",
    );
}

#[test]
fn rejects_an_invalid_repository_name() {
    for bad in ["Sample_App!", "a", "-app", "app-", "a//b"] {
        fails(
            EcrSpec::new([(bad, Repository::default())]),
            "ecr.repositories",
            "2-256 lowercase",
        );
    }
    fails(
        EcrSpec::new([("a".repeat(257), Repository::default())]),
        "ecr.repositories",
        "2-256 lowercase",
    );
    assert!(EcrSpec::new([("team/app.web_v2", Repository::default())]).is_ok());
}

#[test]
fn rejects_a_zero_retention() {
    fails(
        EcrSpec::new([(
            "acme-app",
            Repository {
                keep_tagged_images: 0,
                ..Repository::default()
            },
        )]),
        "ecr.repositories.acme-app.keep_tagged_images",
        "at least 1",
    );
    fails(
        EcrSpec::new([(
            "acme-app",
            Repository {
                untagged_expiry_days: 0,
                ..Repository::default()
            },
        )]),
        "ecr.repositories.acme-app.untagged_expiry_days",
        "at least 1",
    );
}

#[test]
fn rejects_a_repository_named_twice() {
    fails(
        EcrSpec::new([
            ("acme-app", Repository::default()),
            ("acme-app", Repository::default()),
        ]),
        "ecr.repositories",
        "its own name",
    );
}

#[test]
fn the_module_call_kind_matches_the_module() {
    use bkt_core::hcl::Kind;
    let files = EcrModule::default().files().unwrap();
    assert_eq!(EcrInputs::ARGUMENTS, variable_names(&files));
    assert_eq!(EcrInputs::ATTRIBUTES, output_names(&files));
}

#[test]
fn repositories_keep_immutable_tags_scan_on_push_and_kms() {
    let files = EcrModule::default().files().unwrap();
    let main = files
        .iter()
        .find(|(name, _)| *name == "main.tf")
        .map(|(_, file)| file.render())
        .unwrap();
    assert!(
        main.contains("image_tag_mutability = \"IMMUTABLE\""),
        "{main}"
    );
    assert!(main.contains("scan_on_push = true"), "{main}");
    assert!(main.contains("encryption_type = \"KMS\""), "{main}");
    assert!(main.contains("enable_key_rotation     = true"), "{main}");
}

proptest! {
    /// A name the spec accepts is one ECR accepts: 2-256 characters of lowercase letters and
    /// digits joined by single `.`, `_`, `-` or `/`, never at either end.
    #[test]
    fn accepted_names_have_ecr_form(name in "[a-z0-9._/-]{0,40}|.{0,20}") {
        if EcrSpec::new([(name.clone(), Repository::default())]).is_ok() {
            prop_assert!((2..=256).contains(&name.len()));
            prop_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b)));
            let first = name.as_bytes()[0];
            let last = name.as_bytes()[name.len() - 1];
            prop_assert!(first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric());
            prop_assert!(!name.contains("//"));
        }
    }

    /// Any retention of at least one is accepted, zero never is, and nothing panics.
    #[test]
    fn retention(keep in any::<u32>(), expire in any::<u32>()) {
        let result = EcrSpec::new([(
            "acme-app",
            Repository { keep_tagged_images: keep, untagged_expiry_days: expire },
        )]);
        prop_assert_eq!(result.is_ok(), keep >= 1 && expire >= 1);
        if let Ok(spec) = result {
            let _ = spec.inputs();
        }
    }
}

/// The pieces of [`REPOSITORY_NAME_PATTERN`] (a run, then separator-and-run three times), and near
/// misses of each (a foreign character, an empty run, doubled or trailing separators).
const REPOSITORY_NAME_PIECES: [(&str, &str); 4] = [
    (
        "[a-z0-9]{1,6}",
        "|[A-Z]{1,2}|[a-z0-9]{0,2}[^a-z0-9._/-][a-z0-9]{0,2}|[a-z0-9]{1,3}\\n",
    ),
    (
        "|[._/-][a-z0-9]{1,6}",
        "[._/-]|[._/-]{2}[a-z0-9]{1,3}|[._/-][a-z0-9]{1,3}[._/-]",
    ),
    (
        "|[._/-][a-z0-9]{1,6}",
        "[._/-]|[._/-]{2}[a-z0-9]{1,3}|[._/-][a-z0-9]{1,3}[._/-]",
    ),
    (
        "|[._/-][a-z0-9]{1,6}",
        "[._/-]|[._/-]{2}[a-z0-9]{1,3}|\\n|[A-Z]",
    ),
];

#[test]
fn repository_names_match_their_pattern() {
    for good in ["acme-app", "a", "team/app.v2_x", "0/1/2"] {
        assert!(matches_repository_name_pattern(good), "{good}");
        assert!(regex_matches(REPOSITORY_NAME_PATTERN, good), "{good}");
    }
    for bad in ["", "-a", "a-", "a//b", "a/-b", "a..b", "App", "a\n", "/a"] {
        assert!(!matches_repository_name_pattern(bad), "{bad:?}");
        assert!(!regex_matches(REPOSITORY_NAME_PATTERN, bad), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The hand-written matcher accepts exactly the names the regular expression does.
    #[test]
    fn the_repository_name_matcher_is_the_pattern(
        value in prop_oneof![3 => near_valid(&REPOSITORY_NAME_PIECES), 1 => arbitrary("a-zA-Z0-9._/-")],
    ) {
        prop_assert_eq!(
            matches_repository_name_pattern(&value),
            regex_matches(REPOSITORY_NAME_PATTERN, &value),
            "{:?}", value
        );
    }
}
