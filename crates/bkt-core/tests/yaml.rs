//! The YAML writer's rules, checked on its output: exact text for examples, and properties over
//! arbitrary strings (round-trip, YAML 1.1 safety, no trailing spaces, no folded scalars).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use bkt_core::{Error, yaml};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use regex::Regex;
use serde::ser::Error as _;
use serde::{Deserialize, Serialize, Serializer};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct Job<'a> {
    name: &'a str,
    script: &'a str,
    args: Vec<&'a str>,
}

#[test]
fn multi_line_script_is_a_literal_block() {
    let job = Job {
        name: "migrate",
        script: "#!/bin/sh\nset -eu\n\n# step 1: schema\necho \"migrating: $TARGET\"\n",
        args: vec!["--dry-run", "--target: prod", "first line\n  second line"],
    };
    assert_eq!(
        yaml::to_string(&job).unwrap(),
        r#"name: migrate
script: |
  #!/bin/sh
  set -eu

  # step 1: schema
  echo "migrating: $TARGET"
args:
  - --dry-run
  - "--target: prod"
  - |-
    first line
      second line
"#
    );
}

#[test]
fn leading_spaces_on_the_first_line_get_an_indentation_indicator() {
    let config = BTreeMap::from([("indented", "  a: 1\nb: 2\n")]);
    assert_eq!(
        yaml::to_string(&config).unwrap(),
        "indented: |2\n    a: 1\n  b: 2\n"
    );
}

#[test]
fn multi_line_strings_a_block_cannot_hold_cleanly_are_double_quoted() {
    let values = BTreeMap::from([
        ("a_trailing_space", "echo hi \nexit 0\n"),
        ("b_trailing_tab", "a\t\nb"),
        ("c_blank_line_of_spaces", "a\n  \nb\n"),
        ("d_two_trailing_newlines", "a\n\n"),
        ("e_newline_only", "\n"),
        ("f_crlf", "a\r\nb\r\n"),
        ("g_line_separator", "a\u{2028}b\n"),
    ]);
    assert_eq!(
        yaml::to_string(&values).unwrap(),
        r#"a_trailing_space: "echo hi \nexit 0\n"
b_trailing_tab: "a\t\nb"
c_blank_line_of_spaces: "a\n  \nb\n"
d_two_trailing_newlines: "a\n\n"
e_newline_only: "\n"
f_crlf: "a\r\nb\r\n"
g_line_separator: "a\Lb\n"
"#
    );
}

#[test]
fn a_block_never_starts_with_a_tab() {
    // YAML 1.2 parsers accept a literal block whose first line starts with a tab; go-yaml v2
    // (Kubernetes) rejects it. A tab starting a later line is content for every reader.
    let values = BTreeMap::from([
        ("a_first_line", "\tindented\nnext\n"),
        ("b_first_non_empty_line", "\n\tindented\n"),
        ("c_later_line", "first\n\tindented\n"),
    ]);
    assert_eq!(
        yaml::to_string(&values).unwrap(),
        "a_first_line: \"\\tindented\\nnext\\n\"\n\
         b_first_non_empty_line: \"\\n\\tindented\\n\"\n\
         c_later_line: |\n  first\n  \tindented\n"
    );
}

#[test]
fn long_single_line_string_is_one_line() {
    let long = format!("{}end", "0123456789 ".repeat(27));
    assert_eq!(long.chars().count(), 300);
    let trailing_space = format!("{} ", &long[..299]);
    let values = BTreeMap::from([("long", long.as_str()), ("trailing", &trailing_space)]);

    let yaml = yaml::to_string(&values).unwrap();

    assert_eq!(
        yaml,
        format!("long: {long}\ntrailing: \"{trailing_space}\"\n")
    );
    assert_eq!(yaml.lines().count(), 2);
}

/// Strings that YAML 1.1 readers resolve as booleans, nulls, integers, floats, timestamps, the
/// merge key and the value key; each must come out quoted, as key and as value.
const YAML_1_1_WORDS: &[&str] = &[
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "true",
    "~",
    "null",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1:20",
    ".inf",
    ".nan",
    "2001-12-14",
    "<<",
    "=",
    "",
];

#[test]
fn yaml_1_1_words_are_quoted() {
    let list = yaml::to_string(YAML_1_1_WORDS).unwrap();
    assert_eq!(
        list,
        r#"- "on"
- "off"
- "yes"
- "no"
- "y"
- "n"
- "true"
- "~"
- "null"
- "0x1F"
- "0o17"
- "017"
- "1_000"
- "1:20"
- ".inf"
- ".nan"
- "2001-12-14"
- "<<"
- "="
- ""
"#
    );

    let keys: BTreeMap<&str, u8> = YAML_1_1_WORDS.iter().map(|word| (*word, 1)).collect();
    assert_eq!(
        yaml::to_string(&keys).unwrap(),
        r#""": 1
".inf": 1
".nan": 1
"017": 1
"0o17": 1
"0x1F": 1
"1:20": 1
"1_000": 1
"2001-12-14": 1
"<<": 1
"=": 1
"n": 1
"no": 1
"null": 1
"off": 1
"on": 1
"true": 1
"y": 1
"yes": 1
"~": 1
"#
    );
}

#[derive(Serialize)]
struct Metadata<'a> {
    name: &'a str,
    namespace: &'a str,
    labels: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct PodTemplate<'a> {
    // Not top level: stays in field order.
    spec: BTreeMap<&'a str, &'a str>,
    metadata: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct DeploymentSpec<'a> {
    replicas: u32,
    template: PodTemplate<'a>,
}

/// Fields in the order k8s-openapi's serializer would not use for a manifest: `spec` first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Deployment<'a> {
    spec: DeploymentSpec<'a>,
    metadata: Metadata<'a>,
    kind: &'a str,
    status: Option<&'a str>,
    api_version: &'a str,
}

fn deployment(name: &str) -> Deployment<'_> {
    Deployment {
        spec: DeploymentSpec {
            replicas: 2,
            template: PodTemplate {
                spec: BTreeMap::from([("serviceAccountName", name)]),
                metadata: BTreeMap::from([("name", name)]),
            },
        },
        metadata: Metadata {
            name,
            namespace: "apps",
            labels: BTreeMap::from([("app.kubernetes.io/name", name), ("tier", "on")]),
        },
        kind: "Deployment",
        status: None,
        api_version: "apps/v1",
    }
}

#[test]
fn manifest_keys_come_first_at_top_level_only() {
    assert_eq!(
        yaml::to_string(&deployment("web")).unwrap(),
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  labels:
    app.kubernetes.io/name: web
    tier: "on"
spec:
  replicas: 2
  template:
    spec:
      serviceAccountName: web
    metadata:
      name: web
status: null
"#
    );
}

#[test]
fn manifest_keys_come_first_in_a_top_level_map() {
    let config_map = BTreeMap::from([
        ("metadata", BTreeMap::from([("name", "settings")])),
        ("kind", BTreeMap::new()),
        ("data", BTreeMap::from([("LOG_LEVEL", "debug")])),
        ("apiVersion", BTreeMap::new()),
    ]);
    // BTreeMap order is apiVersion, data, kind, metadata; the writer moves data last.
    assert_eq!(
        yaml::to_string(&config_map).unwrap(),
        "apiVersion: {}\nkind: {}\nmetadata:\n  name: settings\ndata:\n  LOG_LEVEL: debug\n"
    );
}

#[derive(Serialize)]
struct ChartValues<'a> {
    image: BTreeMap<&'a str, &'a str>,
    kind: &'a str,
    metadata: BTreeMap<&'a str, &'a str>,
}

#[test]
fn a_mapping_without_api_version_keeps_its_order() {
    let values = ChartValues {
        image: BTreeMap::from([("tag", "3.2.1")]),
        kind: "DaemonSet",
        metadata: BTreeMap::new(),
    };
    assert_eq!(
        yaml::to_string(&values).unwrap(),
        // `3.2.1` is a float to the YAML 1.1 type repository, so it is quoted.
        "image:\n  tag: \"3.2.1\"\nkind: DaemonSet\nmetadata: {}\n"
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Namespace<'a> {
    api_version: &'a str,
    kind: &'a str,
    metadata: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Manifest<'a> {
    Namespace(Namespace<'a>),
    Deployment(Deployment<'a>),
}

#[test]
fn three_document_stream() {
    let namespace = |name| {
        Manifest::Namespace(Namespace {
            api_version: "v1",
            kind: "Namespace",
            metadata: BTreeMap::from([("name", name)]),
        })
    };
    let stream = yaml::to_documents([
        namespace("apps"),
        Manifest::Deployment(deployment("web")),
        namespace("yes"),
    ])
    .unwrap();
    assert_eq!(
        stream,
        r#"apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  labels:
    app.kubernetes.io/name: web
    tier: "on"
spec:
  replicas: 2
  template:
    spec:
      serviceAccountName: web
    metadata:
      name: web
status: null
---
apiVersion: v1
kind: Namespace
metadata:
  name: "yes"
"#
    );
}

#[test]
fn documents_from_a_slice_and_from_nothing() {
    let docs = vec![BTreeMap::from([("a", 1)]), BTreeMap::from([("b", 2)])];
    assert_eq!(yaml::to_documents(&docs).unwrap(), "a: 1\n---\nb: 2\n");
    assert_eq!(yaml::to_documents(docs.iter().take(0)).unwrap(), "");
}

#[test]
fn a_single_document_has_no_marker_and_one_final_newline() {
    assert_eq!(yaml::to_string("text").unwrap(), "text\n");
    assert_eq!(yaml::to_string(&42).unwrap(), "42\n");
    assert_eq!(yaml::to_string("a\nb\n").unwrap(), "|\n  a\n  b\n");
    assert_eq!(yaml::to_string(&BTreeMap::<u8, u8>::new()).unwrap(), "{}\n");
}

struct Failing;

impl Serialize for Failing {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("the secret reference is not resolved"))
    }
}

#[test]
fn a_failing_serialize_impl_is_an_error_naming_the_type() {
    let err = yaml::to_string(&Failing).unwrap_err();
    assert_eq!(
        err,
        Error::Yaml {
            what: "yaml::Failing".to_owned(),
            message: "the secret reference is not resolved".to_owned(),
        }
    );
}

#[test]
fn a_document_the_serializer_rejects_is_an_error_naming_its_position() {
    // serde-saphyr's own wrappers are honoured as written, and single quotes cannot hold a tab.
    let docs = [
        serde_saphyr::SingleQuoted("fine"),
        serde_saphyr::SingleQuoted("a\tb"),
    ];
    let err = yaml::to_documents(&docs).unwrap_err();
    let Error::Yaml { what, message } = err else {
        panic!("expected Error::Yaml, got {err:?}");
    };
    assert_eq!(
        what,
        "document 1 of the stream (&serde_saphyr::wrappers::SingleQuoted<&str>)"
    );
    assert_eq!(
        message,
        "Single quotes cannot be used for a string containing '\\t'. \
         Use double quoting for values that require YAML escape sequences"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sample {
    map: BTreeMap<String, String>,
    list: Vec<String>,
    items: Vec<Item>,
}

/// A list of mappings holding a list: the nesting where block-scalar indentation goes wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    name: String,
    values: Vec<String>,
}

/// Characters that matter to YAML, weighted towards its indicators and to digits and letters
/// that build numbers, booleans and timestamps.
fn yaml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => select(vec![
            ' ', ' ', '\n', '\t', '#', ':', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|',
            '>', '\'', '"', '%', '@', '`', '\\', '.', '_', '+', '~', '=', '<', '/',
        ]),
        4 => prop::char::range('a', 'z'),
        1 => select(vec!['E', 'T', 'Z', 'Y', 'N', 'O', 'X', 'B', 'I']),
        3 => prop::char::range('0', '9'),
        1 => prop::char::range('\0', '\u{1f}'),
        1 => select(vec![
            '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{fffe}',
            '\u{ffff}', 'é', '字', '😀', '\u{200b}', '\u{3000}', '\r',
        ]),
        1 => any::<char>(),
    ]
}

/// Strings a YAML 1.1 reader may type as something else.
fn number_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?(0[xXoObB])?[0-9a-fA-F_]{0,6}(\\.[0-9_.]{0,4})?([eE][-+]?[0-9_]{0,3})?",
        "[-+]?[0-9_]{1,3}(:[0-9]{1,2}){1,3}(\\.[0-9_]{0,3})?",
        "[-+]?\\.?(inf|Inf|INF|nan|NaN|NAN|infinity|Infinity)",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]{1,2})[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?([ \t]?Z|[ \t]?[-+][0-9]{1,2}(:[0-9]{2})?)?)?",
    ]
}

fn yaml_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-z0-9]{1,6}",
        2 => number_like(),
        2 => select(YAML_1_1_WORDS).prop_map(str::to_owned),
        3 => select(vec![
            "- ", ": ", " #", "#", "  ", " ", "\n", "\n\n", " \n", "\t", "---", "...", "|", ">",
        ])
        .prop_map(str::to_owned),
    ];
    prop_oneof![
        3 => vec(yaml_char(), 0..24).prop_map(String::from_iter),
        2 => select(YAML_1_1_WORDS).prop_map(str::to_owned),
        2 => number_like(),
        3 => vec(piece, 1..8).prop_map(|pieces| pieces.concat()),
        1 => "[a-z ]{81,300}",
        2 => (vec("[ ]{0,3}[a-z#:\\-]{0,10}[ ]?", 1..6), 0..3_usize)
            .prop_map(|(lines, newlines)| lines.join("\n") + &"\n".repeat(newlines)),
    ]
}

fn sample() -> impl Strategy<Value = Sample> {
    let item =
        (yaml_string(), vec(yaml_string(), 0..3)).prop_map(|(name, values)| Item { name, values });
    (
        prop::collection::btree_map(yaml_string(), yaml_string(), 0..6),
        vec(yaml_string(), 0..6),
        vec(item, 0..3),
    )
        .prop_map(|(map, list, items)| Sample { map, list, items })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn strings_round_trip_and_stay_strings_for_yaml_1_1_readers(sample in sample()) {
        let yaml = yaml::to_string(&sample).unwrap();

        let back: Sample = serde_saphyr::from_str(&yaml)
            .map_err(|err| TestCaseError::fail(format!("{err}\n--- output ---\n{yaml}")))?;
        prop_assert_eq!(&back, &sample, "output:\n{}", yaml);

        for (value, style) in scalars(&yaml) {
            if style == ScalarStyle::Plain {
                let misread = yaml_1_1_misreading(&value);
                prop_assert!(misread.is_none(), "plain {value:?} is {misread:?}; output:\n{yaml}");
            }
        }
    }

    #[test]
    fn no_trailing_whitespace_no_folded_scalars_no_tab_led_blocks_one_final_newline(sample in sample()) {
        let yaml = yaml::to_string(&sample).unwrap();

        prop_assert!(yaml.ends_with('\n') && !yaml.ends_with("\n\n"), "output:\n{}", yaml);
        for line in yaml.split('\n') {
            prop_assert!(!line.ends_with([' ', '\t']), "line {line:?}; output:\n{yaml}");
        }
        for (value, style) in scalars(&yaml) {
            prop_assert!(style != ScalarStyle::Folded, "folded {value:?}; output:\n{yaml}");
            if style == ScalarStyle::Literal {
                // go-yaml v2 (Kubernetes) rejects a block whose first line starts with a tab.
                let first_line = value.trim_start_matches('\n');
                prop_assert!(!first_line.starts_with('\t'), "{value:?}; output:\n{yaml}");
            }
        }
    }
}

proptest! {
    // Each case holds several samples, so fewer cases cover as many strings.
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn document_streams_round_trip(docs in vec(sample(), 0..4), strings in vec(yaml_string(), 0..4)) {
        let stream = yaml::to_documents(&docs).unwrap();
        let back: Vec<Sample> = serde_saphyr::from_multiple(&stream)
            .map_err(|err| TestCaseError::fail(format!("{err}\n--- output ---\n{stream}")))?;
        prop_assert_eq!(&back, &docs, "output:\n{}", stream);

        let stream = yaml::to_documents(&strings).unwrap();
        let back: Vec<String> = serde_saphyr::from_multiple(&stream)
            .map_err(|err| TestCaseError::fail(format!("{err}\n--- output ---\n{stream}")))?;
        prop_assert_eq!(&back, &strings, "output:\n{}", stream);
        for line in stream.split('\n') {
            prop_assert!(!line.ends_with([' ', '\t']), "line {line:?}; output:\n{stream}");
        }
    }
}

/// Every scalar of a YAML stream with the style it was written in, as the parser reports it.
fn scalars(yaml: &str) -> Vec<(String, ScalarStyle)> {
    Parser::new_from_str(yaml)
        .filter_map(|event| match event {
            Ok((Event::Scalar(value, style, _, _), _)) => Some((value.into_owned(), style)),
            Ok(_) => None,
            Err(err) => panic!("the writer's output does not parse: {err}\n{yaml}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// YAML 1.1 implicit typing, as the readers of our manifests do it
// ---------------------------------------------------------------------------------------------

fn anchored(patterns: &[(&'static str, &str)]) -> Vec<(&'static str, Regex)> {
    patterns
        .iter()
        .map(|(tag, pattern)| (*tag, Regex::new(&format!("^(?:{pattern})$")).unwrap()))
        .collect()
}

/// The YAML 1.1 type repository (yaml.org/type/*.html), regular expressions as published.
static TYPE_REPOSITORY: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    anchored(&[
        (
            "bool",
            "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        ),
        ("null", "~|null|Null|NULL|"),
        (
            "int",
            "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+\
             |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
        ),
        (
            "float",
            "[-+]?(?:[0-9][0-9_]*)?\\.[0-9.]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*\
             |[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)",
        ),
        (
            "timestamp",
            "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\
             |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]\
             (?:\\.[0-9]*)?(?:(?:[ \t]*)Z|[-+][0-9][0-9]?(?::[0-9][0-9])?)?",
        ),
        ("merge", "<<"),
        ("value", "="),
    ])
});

/// `PyYAML`'s implicit resolvers (`resolver.py`), where they differ from the published ones.
static PYYAML: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    anchored(&[
        (
            "bool",
            "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        ),
        (
            "float",
            "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?\
             |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)",
        ),
        (
            "timestamp",
            "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\
             |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]\
             (?:\\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?",
        ),
    ])
});

/// sigs.k8s.io/yaml's go-yaml v2 (goyaml.v2/resolve.go): a table of spellings, then Go's
/// `strconv` number syntax after removing underscores, then `time.Parse` layouts.
static GOYAML_V2: LazyLock<GoYamlV2> = LazyLock::new(|| GoYamlV2 {
    int: Regex::new("^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
        .unwrap(),
    binary: Regex::new("^(?:0b[-+]?|-0b)[01]+$").unwrap(),
    float: Regex::new("^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$").unwrap(),
    dot_float: Regex::new("^\\.[0-9]+(?:[eE][-+]?[0-9]+)?$").unwrap(),
    timestamp: Regex::new(
        "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\\.[0-9]+)?\
         (?:Z|[-+][0-9]{2}:[0-9]{2})| [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\\.[0-9]+)?)?$",
    )
    .unwrap(),
});

struct GoYamlV2 {
    int: Regex,
    binary: Regex,
    float: Regex,
    dot_float: Regex,
    timestamp: Regex,
}

const GOYAML_V2_TABLE: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    "<<",
];

impl GoYamlV2 {
    fn resolve(&self, s: &str) -> Option<&'static str> {
        let hint = match s.bytes().next() {
            // The empty string, like these initials, is looked up in the table of spellings.
            None
            | Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
                b'M'
            }
            Some(b'+' | b'-') => b'S',
            Some(b'0'..=b'9') => b'D',
            Some(b'.') => b'.',
            Some(_) => return None,
        };
        if GOYAML_V2_TABLE.contains(&s) {
            return Some("table entry");
        }
        match hint {
            b'.' if self.dot_float.is_match(s) => Some("float"),
            b'D' | b'S' => {
                let plain = s.replace('_', "");
                if self.timestamp.is_match(s) {
                    Some("timestamp")
                } else if self.int.is_match(&plain) || self.binary.is_match(&plain) {
                    Some("int")
                } else if self.float.is_match(&plain) {
                    Some("float")
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// Which YAML 1.1 reader would take the plain scalar `s` for something other than a string.
fn yaml_1_1_misreading(s: &str) -> Option<String> {
    let by = |reader: &str, rules: &[(&'static str, Regex)]| {
        rules
            .iter()
            .find(|(_, regex)| regex.is_match(s))
            .map(|(tag, _)| format!("{reader} !!{tag}"))
    };
    by("YAML 1.1 type repository", &TYPE_REPOSITORY)
        .or_else(|| by("PyYAML", &PYYAML))
        .or_else(|| GOYAML_V2.resolve(s).map(|tag| format!("go-yaml v2 {tag}")))
}

/// The resolver above is what makes the property able to fail: check it on known cases.
#[test]
fn the_yaml_1_1_resolver_recognises_non_strings() {
    let non_strings = [
        "on",
        "Off",
        "YES",
        "no",
        "y",
        "N",
        "True",
        "~",
        "NULL",
        "",
        "0x1F",
        "0o17",
        "017",
        "1_000",
        "0b101",
        "-0b1",
        "1:20",
        "190:20:30",
        "1:20.5",
        ".inf",
        "-.Inf",
        ".NaN",
        "1.5",
        "1.",
        ".5",
        "1.2.3",
        "1e3",
        "08",
        "+12",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2002-1-2",
        "<<",
        "=",
        "123456789012345678901234567890",
    ];
    for s in non_strings {
        assert!(
            yaml_1_1_misreading(s).is_some(),
            "{s:?} should resolve as a non-string"
        );
    }
    let strings = [
        "hello",
        "v1.2.3",
        "1.2.3-rc1",
        "0x",
        "0b",
        "1e",
        "1:60",
        "infinity",
        "-infinity",
        "0x1p3",
        "Yes please",
        "onion",
        "nope",
        "2001-12",
        "12:30pm",
        "a=b",
        "<<<",
    ];
    for s in strings {
        assert_eq!(
            yaml_1_1_misreading(s),
            None,
            "{s:?} should resolve as a string"
        );
    }
}
