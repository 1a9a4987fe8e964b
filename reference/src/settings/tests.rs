//! The data file's rules, each with the error it gives, and the in-place edit of the image tag
//! (the behaviours of the Go `tagbump` tool this replaces, for a TOML file).

use proptest::prelude::*;

use super::*;

const OLD: &str = "1111111111111111111111111111111111111111";
const NEW: &str = "0123456789abcdef0123456789abcdef01234567";

fn file(tag: &str) -> String {
    format!("[sample_app]\nimage_tag = \"{tag}\"\n")
}

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

fn new_tag() -> ImageTag {
    ImageTag::new(NEW).unwrap()
}

#[test]
fn the_committed_dev_file_is_valid() {
    let settings = parse(include_str!("../../../environments/dev.toml")).unwrap();
    assert_eq!(settings.sample_app.image_tag.as_str().len(), 40);
}

#[test]
fn a_full_commit_sha_is_accepted() {
    let settings = parse(&file(NEW)).unwrap();
    assert_eq!(settings.sample_app.image_tag, new_tag());
    assert_eq!(settings.sample_app.image_tag.to_string(), NEW);
}

#[test]
fn the_default_is_the_placeholder_tag() {
    assert_eq!(
        Settings::default().sample_app.image_tag.as_str(),
        ImageTag::PLACEHOLDER
    );
    assert!(ImageTag::new(ImageTag::PLACEHOLDER).is_ok());
}

#[test]
fn every_tag_that_is_not_a_full_commit_sha_is_rejected_naming_the_field_and_the_form() {
    let form = "is not a 40-character lowercase hex commit SHA";
    let long = "a".repeat(129);
    let upper = NEW.to_uppercase();
    let cases: [(&str, &str, &str); 11] = [
        ("empty", "", "no tag given"),
        ("short SHA", &NEW[..7], "not a short SHA"),
        (
            "41 hex characters",
            "0123456789abcdef0123456789abcdef012345678",
            "not a short SHA",
        ),
        ("upper-case SHA", &upper, "an upper-case SHA"),
        ("branch", "main", "a branch"),
        ("version", "v1.2.3", "a version"),
        ("latest", "latest", "a branch"),
        ("space", "abc def", "nor even a valid image tag"),
        (
            "newline",
            "0123456789abcdef0123456789abcdef01234567\nx",
            "nor even a valid image tag",
        ),
        (
            "leading dash",
            "-123456789abcdef0123456789abcdef01234567",
            "nor even a valid image tag",
        ),
        ("too long", &long, "nor even a valid image tag"),
    ];
    for (name, tag, why) in cases {
        let from_new = ImageTag::new(tag).unwrap_err().to_string();
        let expected_start = format!("sample_app.image_tag: {tag:?} {form}");
        assert!(from_new.starts_with(&expected_start), "{name}: {from_new}");
        assert!(from_new.contains(why), "{name}: {from_new} lacks {why:?}");
        // The same rule applies when the file is read.
        let escaped = tag.replace('\n', "\\n");
        let from_file = error(&file(&escaped));
        assert_eq!(from_file, from_new, "{name}");
    }
}

#[test]
fn an_unknown_setting_is_rejected_with_its_path() {
    assert_eq!(
        error(&format!("{}imag_tag = \"x\"\n", file(NEW))),
        "sample_app.imag_tag: unknown field `imag_tag`, expected `image_tag`: \
         remove it or correct its spelling"
    );
    assert_eq!(
        error(&format!("{}[sampl_app]\n", file(NEW))),
        "sampl_app: unknown field `sampl_app`, expected one of `sample_app`, `terraform`, \
         `network`, `dns`, `eks`, `github_oidc`, `flux`, `logs`, `atlas`: remove it or correct its \
         spelling"
    );
    assert!(error(&format!("replicas = 2\n{}", file(NEW))).starts_with("replicas: unknown field"));
}

#[test]
fn a_missing_setting_is_named() {
    let add = "missing: add it (the comments in environments/dev.toml describe each setting)";
    assert_eq!(
        error("[sample_app]\n"),
        format!("sample_app.image_tag: {add}")
    );
    assert_eq!(error(""), format!("sample_app: {add}"));
    assert_eq!(error("# only a comment\n"), format!("sample_app: {add}"));
}

#[test]
fn a_setting_of_the_wrong_type_is_named() {
    assert_eq!(
        error("[sample_app]\nimage_tag = 12\n"),
        "sample_app.image_tag: invalid type: integer `12`, expected a string"
    );
    assert_eq!(
        error("sample_app = 3\n"),
        "sample_app: invalid type: integer `3`, expected a table"
    );
}

#[test]
fn text_that_is_not_toml_is_rejected_with_its_position() {
    assert_eq!(
        error(&format!("{}image_tag = \"{OLD}\"\n", file(NEW))),
        "line 3, column 1: duplicate key"
    );
    assert_eq!(
        error("x = [\n"),
        "line 1, column 6: unclosed array, expected `]`"
    );
    assert!(matches!(
        parse("[sample_app]\nimage_tag = \"abc"),
        Err(Error::SettingsSyntax { line: 2, .. })
    ));
}

#[test]
fn an_inline_table_and_a_literal_string_are_toml_too() {
    let settings = parse(&format!("sample_app = {{ image_tag = '{NEW}' }}\n")).unwrap();
    assert_eq!(settings.sample_app.image_tag, new_tag());
}

/// The Go tool's table of rewrites, for TOML: only the value changes; its quotes, the comments
/// around it, other keys, line endings and a missing final newline all stay.
#[test]
fn with_image_tag_rewrites_only_the_value() {
    let cases = [
        (
            "basic string, comments kept",
            format!("# why\n[sample_app]\n# the tag\nimage_tag = \"{OLD}\" # set by CI\n"),
            format!("# why\n[sample_app]\n# the tag\nimage_tag = \"{NEW}\" # set by CI\n"),
        ),
        (
            "literal string keeps its single quotes and spacing",
            format!("[sample_app]\nimage_tag   =   '{OLD}'   # x\n"),
            format!("[sample_app]\nimage_tag   =   '{NEW}'   # x\n"),
        ),
        (
            "CRLF line endings kept",
            "# a\r\n[sample_app]\r\nimage_tag = \"placeholder\"\r\n\r\n".to_owned(),
            format!("# a\r\n[sample_app]\r\nimage_tag = \"{NEW}\"\r\n\r\n"),
        ),
        (
            "no trailing newline",
            format!("[sample_app]\nimage_tag = \"{OLD}\""),
            format!("[sample_app]\nimage_tag = \"{NEW}\""),
        ),
        (
            "look-alike comments untouched",
            format!("# image_tag = \"{OLD}\"\n[sample_app]\nimage_tag = \"{OLD}\"\n# {OLD}\n"),
            format!("# image_tag = \"{OLD}\"\n[sample_app]\nimage_tag = \"{NEW}\"\n# {OLD}\n"),
        ),
        (
            "inline table",
            format!("sample_app = {{ image_tag = \"{OLD}\" }}\n"),
            format!("sample_app = {{ image_tag = \"{NEW}\" }}\n"),
        ),
        (
            "dotted key",
            format!("sample_app.image_tag = \"{OLD}\"\n"),
            format!("sample_app.image_tag = \"{NEW}\"\n"),
        ),
    ];
    for (name, before, after) in cases {
        let edit = with_image_tag(&before, &new_tag()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(edit.text, after, "{name}");
        assert!(edit.changed(), "{name}");
        assert_eq!(edit.settings.sample_app.image_tag, new_tag(), "{name}");
        assert_ne!(edit.previous, NEW, "{name}");
    }
}

#[test]
fn with_image_tag_reports_the_previous_value_and_is_idempotent() {
    let first = with_image_tag(&file(OLD), &new_tag()).unwrap();
    assert_eq!(first.previous, OLD);
    assert!(first.changed());
    let second = with_image_tag(&first.text, &new_tag()).unwrap();
    assert_eq!(second.previous, NEW);
    assert!(!second.changed());
    assert_eq!(second.text, first.text);
}

#[test]
fn with_image_tag_repairs_an_invalid_tag_but_not_an_invalid_file() {
    let repaired = with_image_tag(&file("main"), &new_tag()).unwrap();
    assert_eq!(repaired.previous, "main");
    assert_eq!(repaired.text, file(NEW));

    let unknown = format!("{}extra = 1\n", file(OLD));
    assert_eq!(
        with_image_tag(&unknown, &new_tag())
            .unwrap_err()
            .to_string(),
        "sample_app.extra: unknown field `extra`, expected `image_tag`: \
         remove it or correct its spelling"
    );
}

#[test]
fn with_image_tag_needs_the_tag_as_a_string_in_sample_app() {
    let missing = "sample_app.image_tag: missing: add the key image_tag, the 40-hex commit SHA \
                   in quotes, to the [sample_app] table";
    for text in [
        "",
        "[sample_app]\n",
        "sample_app = 1\n",
        "[other]\nimage_tag = \"x\"\n",
    ] {
        assert_eq!(
            with_image_tag(text, &new_tag()).unwrap_err().to_string(),
            missing,
            "{text:?}"
        );
    }
    for (text, kind) in [
        ("[sample_app]\nimage_tag = 1\n", "integer"),
        ("[sample_app]\nimage_tag = [\"x\"]\n", "array"),
        (
            "[sample_app]\nimage_tag = { tag = \"x\" }\n",
            "inline table",
        ),
    ] {
        assert_eq!(
            with_image_tag(text, &new_tag()).unwrap_err().to_string(),
            format!(
                "sample_app.image_tag: must be a string (found {kind}): put the 40-hex commit \
                 SHA in quotes"
            )
        );
    }
    assert!(matches!(
        with_image_tag(&format!("{}{}", file(OLD), file(OLD)), &new_tag()),
        Err(Error::SettingsSyntax { .. })
    ));
}

fn commit_sha() -> impl Strategy<Value = String> {
    "[0-9a-f]{40}"
}

proptest! {
    #[test]
    fn parse_never_panics(text in any::<String>()) {
        let _ = parse(&text);
    }

    #[test]
    fn parse_never_panics_on_near_toml(text in "[\\[\\]a-z_ =\"'{},.#\n\r0-9]{0,80}") {
        let _ = parse(&text);
        let _ = with_image_tag(&text, &new_tag());
    }

    #[test]
    fn with_image_tag_never_panics(text in any::<String>(), tag in commit_sha()) {
        let _ = with_image_tag(&text, &ImageTag::new(&tag).unwrap());
    }

    #[test]
    fn exactly_the_full_lowercase_hex_shas_are_tags(tag in "[0-9a-fA-Zg-z._-]{0,45}") {
        let sha = tag.len() == 40 && tag.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        prop_assert_eq!(ImageTag::new(&tag).is_ok(), sha);
    }

    #[test]
    fn any_sha_set_is_the_sha_read_back_and_only_its_line_changes(
        old in commit_sha(),
        new in commit_sha(),
        comment in "[ -~]{0,40}",
    ) {
        let before = format!("# {comment}\n[sample_app]\n# {comment}\nimage_tag = \"{old}\" # {comment}\n");
        let edit = with_image_tag(&before, &ImageTag::new(&new).unwrap()).unwrap();
        prop_assert_eq!(edit.settings.sample_app.image_tag.as_str(), new.as_str());
        let changed: Vec<(&str, &str)> = before
            .lines()
            .zip(edit.text.lines())
            .filter(|(a, b)| a != b)
            .collect();
        prop_assert_eq!(before.lines().count(), edit.text.lines().count());
        prop_assert!(changed.len() <= 1);
        prop_assert_eq!(changed.is_empty(), old == new);
    }
}
