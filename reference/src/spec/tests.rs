//! The environment file: the default round-trips; every key changes that environment's files
//! and nothing else; every bad value names its path; no input makes `from_settings` or
//! `render` panic.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::default_spec_text;
use crate::{Environment, PlatformSpec, render, settings};

const TAG: &str = "[sample_app]\nimage_tag = \"0000000000000000000000000000000000000000\"\n";

fn dev(extra: &str) -> crate::Result<Environment> {
    let text = if extra.starts_with("[sample_app]") {
        extra.to_owned()
    } else {
        format!("{TAG}{extra}")
    };
    Environment::from_settings("dev", settings::parse(&text)?)
}

#[test]
fn the_default_spec_text_reads_back_as_the_default() {
    let text = default_spec_text().unwrap();
    let parsed = settings::parse(&text).unwrap();
    assert_eq!(
        Environment::from_settings("dev", parsed).unwrap(),
        Environment::named("dev")
    );
    for table in [
        "sample_app",
        "terraform",
        "network",
        "dns",
        "eks",
        "github_oidc",
        "flux",
    ] {
        assert!(
            text.contains(&format!("\n[{table}]\n")),
            "{table} missing:\n{text}"
        );
    }
    assert!(text.starts_with("# An environment of the BKT reference platform"));
}

#[test]
fn a_file_with_only_the_image_tag_is_the_default() {
    assert_eq!(dev("").unwrap(), Environment::named("dev"));
}

/// Each key of the file, with a value other than the default, as a TOML snippet.
const KEY_FLIPS: [(&str, &str); 22] = [
    (
        "sample_app.image_tag",
        "[sample_app]\nimage_tag = \"0123456789abcdef0123456789abcdef01234567\"\n",
    ),
    ("terraform.region", "[terraform]\nregion = \"us-east-2\"\n"),
    (
        "terraform.state_bucket",
        "[terraform]\nstate_bucket = \"acme-tfstate-1\"\n",
    ),
    (
        "terraform.sample_app_repository",
        "[terraform]\nsample_app_repository = \"acme/app\"\n",
    ),
    (
        "network.cidr_block",
        "[network]\ncidr_block = \"10.42.0.0/16\"\n",
    ),
    (
        "network.availability_zones",
        "[network]\navailability_zones = 3\n",
    ),
    (
        "network.nat_gateway_mode",
        "[network]\nnat_gateway_mode = \"per_az\"\n",
    ),
    (
        "network.flow_log_retention_days",
        "[network]\nflow_log_retention_days = 90\n",
    ),
    (
        "network.admin_ingress_cidrs",
        "[network]\nadmin_ingress_cidrs = [\"198.51.100.0/24\"]\n",
    ),
    ("dns.domain", "[dns]\ndomain = \"dev.acme.example\"\n"),
    ("dns.create_zone", "[dns]\ncreate_zone = false\n"),
    (
        "dns.validation_timeout",
        "[dns]\nvalidation_timeout = \"1h\"\n",
    ),
    ("eks.log_retention_days", "[eks]\nlog_retention_days = 14\n"),
    (
        "eks.nodes.instance_types",
        "[eks.nodes]\ninstance_types = [\"m6i.large\"]\n",
    ),
    ("eks.nodes.min_size", "[eks.nodes]\nmin_size = 1\n"),
    ("eks.nodes.desired_size", "[eks.nodes]\ndesired_size = 4\n"),
    ("eks.nodes.max_size", "[eks.nodes]\nmax_size = 6\n"),
    (
        "github_oidc.create_provider",
        "[github_oidc]\ncreate_provider = false\n",
    ),
    ("logs.retention_days", "[logs]\nretention_days = 30\n"),
    (
        "flux.repository",
        "[flux]\nrepository = \"acme/platform\"\n",
    ),
    ("flux.branch", "[flux]\nbranch = \"release/v2\"\n"),
    ("atlas.enabled", "[atlas]\nenabled = true\n"),
];

/// `flux.local_flavour` is tested apart: it adds or removes `clusters/local`.
const LOCAL_FLAVOUR: &str = "flux.local_flavour";

/// `eks.nodes.capacity_type` is tested apart: its other value, `SPOT`, is refused by the
/// capacity check (the platform's stateful services need on-demand nodes).
const CAPACITY_TYPE: &str = "eks.nodes.capacity_type";

/// The dotted path of every key the default spec text writes.
fn documented_keys() -> BTreeSet<String> {
    fn walk(prefix: &str, table: &toml_edit::Table, keys: &mut BTreeSet<String>) {
        for (key, item) in table {
            let path = if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            };
            match item {
                toml_edit::Item::Table(inner) => walk(&path, inner, keys),
                toml_edit::Item::Value(toml_edit::Value::InlineTable(inner)) => {
                    walk(&path, &inner.clone().into_table(), keys);
                }
                _ => {
                    keys.insert(path);
                }
            }
        }
    }
    let document: toml_edit::DocumentMut = default_spec_text().unwrap().parse().unwrap();
    let mut keys = BTreeSet::new();
    walk("", document.as_table(), &mut keys);
    keys
}

/// Keys with a single allowed value today, the default: they cannot flip. Each is listed with
/// the value the file accepts and one it refuses (`bkt_eks::SUPPORT_TABLE` holds one Kubernetes
/// version in EKS standard support; the next row makes the key flip again).
const SINGLE_VALUED: [(&str, &str, &str); 1] = [(
    "eks.kubernetes_version",
    "[eks]\nkubernetes_version = \"1.35\"\n",
    "[eks]\nkubernetes_version = \"1.34\"\n",
)];

#[test]
fn single_valued_keys_accept_their_value_and_refuse_another() {
    for (key, accepted, refused) in SINGLE_VALUED {
        assert!(
            bkt_eks::SUPPORT_TABLE.len() == 1,
            "{key} can flip now: move it to KEY_FLIPS"
        );
        dev(accepted).unwrap_or_else(|error| panic!("{key}: {error}"));
        let error = dev(refused).unwrap_err().to_string();
        assert!(error.contains(key), "{key}: {error}");
    }
}

/// Keys whose default is "unset": the default spec names them in a comment.
const UNSET_BY_DEFAULT: [&str; 1] = ["terraform.state_bucket"];

#[test]
fn every_documented_key_has_a_flip_test() {
    let mut tested: BTreeSet<String> = KEY_FLIPS.iter().map(|(key, _)| (*key).to_owned()).collect();
    tested.insert(LOCAL_FLAVOUR.to_owned());
    tested.insert(CAPACITY_TYPE.to_owned());
    tested.extend(SINGLE_VALUED.iter().map(|(key, _, _)| (*key).to_owned()));
    // Keys unset by default are not printed as values; the table's comment names them.
    let text = default_spec_text().unwrap();
    let mut documented = documented_keys();
    for key in UNSET_BY_DEFAULT {
        let (_, name) = key.split_once('.').unwrap();
        assert!(
            text.contains(&format!("# repository. {name} (unset by default)")),
            "{key}"
        );
        documented.insert(key.to_owned());
    }
    assert_eq!(documented, tested);
}

/// The files of `environment` in a rendered layout: its roots, cluster entry and apps overlay,
/// and (dev, which has it in these tests) the `local` flavour of its entry.
fn owned_by(environment: &str, path: &str) -> bool {
    let local = if environment == "dev" {
        "gitops/clusters/local/".to_owned()
    } else {
        format!("terraform/envs/{environment}/")
    };
    [
        format!("terraform/envs/{environment}/"),
        format!("terraform/atlas/{environment}/"),
        format!("gitops/clusters/{environment}/"),
        format!("gitops/apps/{environment}/"),
        local,
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix.as_str()))
}

/// A layout of dev and prod, dev changed by `extra`.
fn two_environments(extra: &str) -> bkt_core::Tree {
    let prod = Environment::from_settings(
        "prod",
        settings::parse(&format!(
            "{TAG}[network]\ncidr_block = \"10.80.0.0/16\"\n[dns]\ndomain = \"prod.example.com\"\n"
        ))
        .unwrap(),
    )
    .unwrap();
    let dev = dev(extra).unwrap_or_else(|error| panic!("{extra}: {error}"));
    render(&PlatformSpec::with_environments(vec![dev, prod])).unwrap()
}

#[test]
fn every_key_changes_its_environments_files_and_no_other() {
    let before = two_environments("");
    for (key, extra) in KEY_FLIPS {
        let after = two_environments(extra);
        let paths: BTreeSet<&str> = before
            .files()
            .chain(after.files())
            .map(|(path, _)| path)
            .collect();
        let changed: Vec<&str> = paths
            .into_iter()
            .filter(|path| before.get(path) != after.get(path))
            .collect();
        assert!(!changed.is_empty(), "{key} changes no rendered byte");
        let elsewhere: Vec<&&str> = changed
            .iter()
            .filter(|path| !owned_by("dev", path))
            .collect();
        assert!(
            elsewhere.is_empty(),
            "{key} changes files outside dev's: {elsewhere:?}"
        );
    }
}

#[test]
fn the_local_flavour_follows_its_key() {
    let with = two_environments("");
    let without = two_environments("[flux]\nlocal_flavour = false\n");
    assert!(
        with.get("gitops/clusters/local/kustomization.yaml")
            .is_some()
    );
    assert!(
        without
            .get("gitops/clusters/local/kustomization.yaml")
            .is_none()
    );
}

#[test]
fn every_bad_value_names_its_path_and_the_expected_form() {
    let cases = [
        (
            "[network]\ncidr_block = \"10.0.0.0/8\"\n",
            "network.cidr_block",
        ),
        ("[network]\ncidr_block = \"ten\"\n", "network.cidr_block"),
        (
            "[network]\nnat_gateway_mode = \"two\"\n",
            "network.nat_gateway_mode",
        ),
        (
            "[network]\navailability_zones = 4\n",
            "network.availability_zones",
        ),
        (
            "[network]\nflow_log_retention_days = 31\n",
            "network.flow_log_retention_days",
        ),
        (
            "[network]\nadmin_ingress_cidrs = [\"198.51.100.0/24\", \"198.51.100.7/24\"]\n",
            "network.admin_ingress_cidrs[1]",
        ),
        (
            "[network]\nadmin_ingress_cidrs = []\n",
            "network.admin_ingress_cidrs",
        ),
        ("[dns]\ndomain = \"Not A Domain\"\n", "dns.domain"),
        ("[flux]\nrepository = \"bkt-platform\"\n", "flux.repository"),
        ("[flux]\nrepository = \"-org/repo\"\n", "flux.repository"),
        ("[flux]\nbranch = \"feature..x\"\n", "flux.branch"),
        ("[flux]\nbranch = \"my branch\"\n", "flux.branch"),
        (
            "[dns]\nvalidation_timeout = \"45\"\n",
            "dns.validation_timeout",
        ),
        (
            "[eks]\nkubernetes_version = \"1.20\"\n",
            "eks.kubernetes_version",
        ),
        ("[eks]\nlog_retention_days = 2\n", "eks.log_retention_days"),
        (
            "[eks.nodes]\ncapacity_type = \"CHEAP\"\n",
            "eks.nodes.capacity_type",
        ),
        (
            "[eks.nodes]\ninstance_types = []\n",
            "eks.nodes.instance_types",
        ),
        ("[eks.nodes]\nmin_size = 5\n", "eks.nodes"),
        ("[terraform]\nregion = \"europe\"\n", "terraform.region"),
        (
            "[terraform]\nstate_bucket = \"Bad_Bucket\"\n",
            "terraform.state_bucket",
        ),
        (
            "[terraform]\nsample_app_repository = \"App\"\n",
            "terraform.sample_app_repository",
        ),
        ("[logs]\nretention_days = 0\n", "logs.retention_days"),
        ("[logs]\nretention_days = 3651\n", "logs.retention_days"),
    ];
    for (extra, field) in cases {
        let error = dev(extra).unwrap_err().to_string();
        // The model's own error (behind its crate's prefix) or the file's: the path comes first.
        assert!(
            error.starts_with(&format!("{field}: ")) || error.contains(&format!(": {field}: ")),
            "{extra}: {error}"
        );
    }
}

#[test]
fn unknown_and_mistyped_keys_are_rejected_with_their_path() {
    let unknown = dev("[network]\ncidr = \"10.0.0.0/16\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        unknown.starts_with("network.cidr: unknown field `cidr`"),
        "{unknown}"
    );
    let table = dev("[networks]\n").unwrap_err().to_string();
    assert!(table.contains("unknown field `networks`"), "{table}");
    let typed = dev("[network]\nflow_log_retention_days = \"30\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        typed.starts_with("network.flow_log_retention_days: "),
        "{typed}"
    );
}

#[test]
fn environments_that_clash_are_rejected_naming_both() {
    let named = |name: &str, extra: &str| {
        Environment::from_settings(name, settings::parse(&format!("{TAG}{extra}")).unwrap())
            .unwrap()
    };
    let cases = [
        (
            named(
                "prod",
                "[dns]\ndomain = \"dev.example.com\"\n[network]\ncidr_block = \"10.80.0.0/16\"\n",
            ),
            "domain",
        ),
        (
            named(
                "prod",
                "[dns]\ndomain = \"prod.example.com\"\n[network]\ncidr_block = \"10.0.128.0/17\"\n",
            ),
            "overlap",
        ),
        (
            named(
                "prod",
                "[dns]\ndomain = \"prod.example.com\"\n[network]\ncidr_block = \"10.80.0.0/16\"\n[flux]\nlocal_flavour = true\n",
            ),
            "local flavour",
        ),
    ];
    for (prod, reason) in cases {
        let spec = PlatformSpec::with_environments(vec![Environment::named("dev"), prod]);
        let error = render(&spec).unwrap_err().to_string();
        assert!(
            error.starts_with("environments \"dev\" and \"prod\": ") && error.contains(reason),
            "{error}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the values, reading the file and rendering it returns a value or an error,
    /// never a panic; and an environment that reads renders.
    #[test]
    fn any_spec_reads_and_renders_or_fails_cleanly(
        cidr in "[0-9./a-z]{0,20}",
        mode in "[a-z_]{0,8}",
        days in any::<u16>(),
        zones in any::<u8>(),
        version in "[0-9.]{0,5}",
        timeout in "[0-9mh]{0,5}",
        region in "[a-z0-9-]{0,16}",
        bucket in "[a-zA-Z0-9.-]{0,70}",
        domain in "[a-z0-9.-]{0,30}",
        sizes in (any::<u16>(), any::<u16>(), any::<u16>()),
    ) {
        let (min, desired, max) = sizes;
        let text = format!(
            "{TAG}[network]\ncidr_block = {cidr:?}\nnat_gateway_mode = {mode:?}\nflow_log_retention_days = {days}\n\
             availability_zones = {zones}\n\
             [eks]\nkubernetes_version = {version:?}\nlog_retention_days = {days}\n\
             [eks.nodes]\nmin_size = {min}\ndesired_size = {desired}\nmax_size = {max}\n\
             [dns]\nvalidation_timeout = {timeout:?}\ndomain = {domain:?}\n\
             [terraform]\nregion = {region:?}\nstate_bucket = {bucket:?}\n"
        );
        let parsed = settings::parse(&text);
        prop_assert!(parsed.is_ok(), "{parsed:?}");
        if let Ok(environment) = Environment::from_settings("dev", parsed.unwrap_or_default()) {
            prop_assert!(render(&PlatformSpec::with_environments(vec![environment])).is_ok());
        }
    }
}

#[test]
fn an_environment_without_network_policy_enforcement_fails_the_render() {
    let mut environment = dev("").unwrap();
    environment.root.network_policy = false;
    let error = render(&PlatformSpec::with_environments(vec![environment])).unwrap_err();
    let message = error.to_string();
    assert!(
        message
            .starts_with("environments.dev.network_policy: \"false\" is invalid: the tree ships ")
            && message.contains("NetworkPolicies (the first in gitops/"),
        "{message}"
    );
}

#[test]
fn an_error_names_its_cause_once() {
    let error = dev("[eks]\nkubernetes_version = \"1.34\"\n").unwrap_err();
    let report = bkt_platform::Report(&error).to_string();
    assert_eq!(
        report.matches("standard support until").count(),
        1,
        "{report}"
    );
    assert!(
        report.starts_with("eks.kubernetes_version: \"1.34\" is invalid"),
        "{report}"
    );
}
