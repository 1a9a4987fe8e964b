//! The spec file: the default round-trips, every key reaches its model, every bad value names
//! its path, and no input makes `from_settings` or `render` panic.

use proptest::prelude::*;

use super::default_spec_text;
use crate::{PlatformSpec, render, settings};

const TAG: &str = "[sample_app]\nimage_tag = \"0000000000000000000000000000000000000000\"\n";

fn spec(extra: &str) -> crate::Result<PlatformSpec> {
    PlatformSpec::from_settings(settings::parse(&format!("{TAG}{extra}"))?)
}

#[test]
fn the_default_spec_text_reads_back_as_the_default() {
    let text = default_spec_text().unwrap();
    let parsed = settings::parse(&text).unwrap();
    assert_eq!(
        PlatformSpec::from_settings(parsed).unwrap(),
        PlatformSpec::default()
    );
    // Every table is written out, each with its comment.
    for table in [
        "sample_app",
        "dev",
        "bootstrap",
        "network",
        "dns",
        "eks",
        "github_oidc",
    ] {
        assert!(
            text.contains(&format!("\n[{table}]\n")),
            "{table} missing:\n{text}"
        );
    }
    assert!(text.starts_with("# The BKT platform spec"));
}

#[test]
fn a_file_with_only_the_image_tag_is_the_default() {
    assert_eq!(spec("").unwrap(), PlatformSpec::default());
}

#[test]
fn every_key_reaches_its_model_and_the_rendered_layout() {
    let changed = spec(
        "[dev]\nregion = \"us-east-2\"\nstate_bucket = \"acme-tfstate-1\"\nsample_app_repository = \"acme/app\"\n\
         [bootstrap]\nregion = \"us-east-2\"\nname_prefix = \"acme-state\"\nnoncurrent_version_retention_days = 30\n\
         [network]\ncidr_block = \"10.42.0.0/16\"\nnat_gateway_mode = \"per_az\"\nflow_log_retention_days = 90\n\
         [dns]\ncreate_zone = false\nvalidation_timeout = \"1h\"\n\
         [eks]\nkubernetes_version = \"1.35\"\nlog_retention_days = 14\n\
         [github_oidc]\ncreate_provider = false\nmax_session_duration = 7200\n",
    )
    .unwrap();
    let default = PlatformSpec::default();
    // Every value the file can set differs from the default, so each assertion can fail.
    let (a, b) = (changed.to_settings(), default.to_settings());
    assert_ne!(a.dev.region, b.dev.region);
    assert_ne!(a.dev.state_bucket, b.dev.state_bucket);
    assert_ne!(a.dev.sample_app_repository, b.dev.sample_app_repository);
    assert_ne!(a.bootstrap.region, b.bootstrap.region);
    assert_ne!(a.bootstrap.name_prefix, b.bootstrap.name_prefix);
    assert_ne!(
        a.bootstrap.noncurrent_version_retention_days,
        b.bootstrap.noncurrent_version_retention_days
    );
    assert_ne!(a.network, b.network);
    assert_ne!(a.dns.create_zone, b.dns.create_zone);
    assert_ne!(a.dns.validation_timeout, b.dns.validation_timeout);
    assert_ne!(a.eks.kubernetes_version, b.eks.kubernetes_version);
    assert_ne!(a.eks.log_retention_days, b.eks.log_retention_days);
    assert_ne!(a.github_oidc, b.github_oidc);
    // And they are in what ships.
    let tree = render(&changed).unwrap();
    let text = |path: &str| String::from_utf8(tree.get(path).unwrap().to_vec()).unwrap();
    assert!(text("terraform/modules/network/variables.tf").contains("\"10.42.0.0/16\""));
    assert!(text("terraform/modules/network/variables.tf").contains("\"per_az\""));
    assert!(text("terraform/modules/eks/variables.tf").contains("\"1.35\""));
    assert!(text("terraform/envs/dev/versions.tf").contains("\"acme-tfstate-1\""));
    assert!(text("terraform/modules/github-oidc/main.tf").contains("7200"));
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
            "[network]\nflow_log_retention_days = 31\n",
            "network.flow_log_retention_days",
        ),
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
            "[github_oidc]\nmax_session_duration = 60\n",
            "github_oidc.max_session_duration",
        ),
        ("[dev]\nregion = \"europe\"\n", "dev.region"),
        ("[dev]\nstate_bucket = \"Bad_Bucket\"\n", "dev.state_bucket"),
        (
            "[dev]\nsample_app_repository = \"App\"\n",
            "dev.sample_app_repository",
        ),
        (
            "[bootstrap]\nname_prefix = \"-x\"\n",
            "bootstrap.name_prefix",
        ),
        (
            "[bootstrap]\nnoncurrent_version_retention_days = 1\n",
            "bootstrap.noncurrent_version_retention_days",
        ),
    ];
    for (extra, field) in cases {
        let error = spec(extra).unwrap_err().to_string();
        // The model's own error (behind its crate's prefix) or the file's: the path comes first.
        assert!(
            error.starts_with(&format!("{field}: ")) || error.contains(&format!(": {field}: ")),
            "{extra}: {error}"
        );
    }
}

#[test]
fn unknown_and_mistyped_keys_are_rejected_with_their_path() {
    let unknown = spec("[network]\ncidr = \"10.0.0.0/16\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        unknown.starts_with("network.cidr: unknown field `cidr`"),
        "{unknown}"
    );
    let table = spec("[networks]\n").unwrap_err().to_string();
    assert!(table.contains("unknown field `networks`"), "{table}");
    let typed = spec("[network]\nflow_log_retention_days = \"30\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        typed.starts_with("network.flow_log_retention_days: "),
        "{typed}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the values, reading the spec and rendering it returns a value or an error,
    /// never a panic; and a spec that reads renders.
    #[test]
    fn any_spec_reads_and_renders_or_fails_cleanly(
        cidr in "[0-9./a-z]{0,20}",
        mode in "[a-z_]{0,8}",
        days in any::<u16>(),
        version in "[0-9.]{0,5}",
        timeout in "[0-9mh]{0,5}",
        seconds in any::<u32>(),
        region in "[a-z0-9-]{0,16}",
        bucket in "[a-zA-Z0-9.-]{0,70}",
        prefix in "[a-z0-9-]{0,40}",
    ) {
        let text = format!(
            "{TAG}[network]\ncidr_block = {cidr:?}\nnat_gateway_mode = {mode:?}\nflow_log_retention_days = {days}\n\
             [eks]\nkubernetes_version = {version:?}\nlog_retention_days = {days}\n\
             [dns]\nvalidation_timeout = {timeout:?}\n\
             [github_oidc]\nmax_session_duration = {seconds}\n\
             [dev]\nregion = {region:?}\nstate_bucket = {bucket:?}\n\
             [bootstrap]\nname_prefix = {prefix:?}\n"
        );
        let parsed = settings::parse(&text);
        prop_assert!(parsed.is_ok(), "{parsed:?}");
        if let Ok(spec) = PlatformSpec::from_settings(parsed.unwrap_or_default()) {
            prop_assert!(render(&spec).is_ok());
        }
    }
}
