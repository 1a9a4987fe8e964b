//! Rules of the cluster spec and the eks module: each validation names its field, names stay
//! within AWS limits, the module-call kind matches the module.

use proptest::prelude::*;

use super::*;
use crate::kms;
use bkt_core::hcl::File;
use bkt_core::name;
use std::str::FromStr;

use super::spec::{matches_addon_version_pattern, matches_node_group_name_pattern};
use crate::rules::tests::{arbitrary, near_valid, regex_matches};
use crate::rules::{self, MAX_IAM_ROLE_NAME, check_iam_role_name};
use crate::{Error, Result};

const SUBNETS: [&str; 2] = ["subnet-aaaa1111", "subnet-bbbb2222"];

fn dev() -> ClusterSpecBuilder {
    ClusterSpec::builder("acme-dev", SUBNETS).node_group("default", NodeGroup::new(["t3.large"]))
}

fn field_of(result: Result<ClusterSpec>) -> (String, String) {
    match result {
        Err(Error::Invalid(bkt_core::Invalid { field, reason, .. })) => (field, reason),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn fails(builder: ClusterSpecBuilder, field: &str, reason: &str) {
    let (got_field, got_reason) = field_of(builder.build());
    assert_eq!(got_field, field);
    assert!(got_reason.contains(reason), "{got_reason}");
}

#[test]
fn the_dev_cluster_is_valid() {
    let spec = dev().build().unwrap();
    assert_eq!(
        spec.role_names(),
        ["acme-dev-cluster", "acme-dev-node", "acme-dev-ebs-csi"]
    );
    assert_eq!(spec.secrets_key_alias(), "alias/acme-dev-eks-secrets");
    assert!(!spec.public_endpoint());
}

#[test]
fn rejects_an_invalid_cluster_name() {
    fails(
        ClusterSpec::builder("1cluster", SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"])),
        "eks.cluster_name",
        "start with a letter",
    );
}

#[test]
fn rejects_a_cluster_name_that_makes_role_names_too_long() {
    let name = "a".repeat(MAX_CLUSTER_NAME + 1);
    fails(
        ClusterSpec::builder(name, SUBNETS).node_group("default", NodeGroup::new(["t3.large"])),
        "eks.cluster_name",
        "stay within 64",
    );
    let longest = "a".repeat(MAX_CLUSTER_NAME);
    assert!(
        ClusterSpec::builder(longest, SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"]))
            .build()
            .is_ok()
    );
}

#[test]
fn the_cluster_name_pattern_allows_exactly_max_cluster_name() {
    let longest_suffix = ROLE_SUFFIXES.iter().map(|s| s.len()).max().unwrap();
    assert_eq!(MAX_CLUSTER_NAME + longest_suffix, MAX_IAM_ROLE_NAME);
    assert!(regex_matches(
        CLUSTER_NAME_PATTERN,
        &"a".repeat(MAX_CLUSTER_NAME)
    ));
    assert!(!regex_matches(
        CLUSTER_NAME_PATTERN,
        &"a".repeat(MAX_CLUSTER_NAME + 1)
    ));
}

#[test]
fn rejects_a_kubernetes_version_outside_standard_support() {
    // 1.34 left EKS standard support on 2026-12-02.
    fails(
        dev().kubernetes_version("1.34"),
        "eks.kubernetes_version",
        "use one of 1.35 (standard support until 2027-03-27)",
    );
}

/// A date of the support table, parsed.
fn date(text: &str) -> jiff::civil::Date {
    text.parse()
        .unwrap_or_else(|error| panic!("{text:?} is not a YYYY-MM-DD date: {error}"))
}

#[test]
fn the_default_kubernetes_version_is_in_standard_support_today() {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let release = KubernetesVersion::default().release();
    assert!(
        today <= date(release.end_of_standard_support),
        "the default Kubernetes version {} left EKS standard support on {}: add the next version to \
         SUPPORT_TABLE (crates/bkt-eks/src/cluster/spec.rs) with its add-on versions, make it the \
         default and drop the rows past their end",
        release.version.as_str(),
        release.end_of_standard_support
    );
}

#[test]
fn the_support_table_lists_only_versions_in_standard_support_when_checked() {
    let checked = date(SUPPORT_TABLE_CHECKED);
    for release in SUPPORT_TABLE {
        assert!(date(release.released) < date(release.end_of_standard_support));
        assert!(
            checked <= date(release.end_of_standard_support),
            "{} had left standard support when the table was checked",
            release.version.as_str()
        );
        AddonVersions::for_version(release.version)
            .check()
            .unwrap_or_else(|error| panic!("{}: {error}", release.version.as_str()));
        assert!(
            release.addons[2].starts_with(&["v", release.version.as_str(), "."].concat()),
            "kube-proxy {} must be of Kubernetes {}",
            release.addons[2],
            release.version.as_str()
        );
    }
}

#[test]
fn rejects_a_single_subnet() {
    fails(
        ClusterSpec::builder("acme-dev", ["subnet-aaaa1111"])
            .node_group("default", NodeGroup::new(["t3.large"])),
        "eks.subnet_ids",
        "at least two",
    );
}

#[test]
fn rejects_a_malformed_public_cidr() {
    fails(
        dev().public_access_cidrs(["my-office"]),
        "eks.endpoint.public_access_cidrs",
        "IPv4 CIDRs",
    );
    fails(
        dev().public_access_cidrs(["2001:db8::/32"]),
        "eks.endpoint.public_access_cidrs",
        "IPv4 CIDRs",
    );
}

#[test]
fn rejects_a_world_open_endpoint_unless_explicitly_allowed() {
    fails(
        dev().public_access_cidrs(["0.0.0.0/0"]),
        "eks.endpoint.public_access_cidrs",
        "allow_public_from_anywhere",
    );
    // Any /0 is the world, however it is written.
    fails(
        dev().public_access_cidrs(["10.0.0.0/0"]),
        "eks.endpoint.public_access_cidrs",
        "allow_public_from_anywhere",
    );
    let open = dev()
        .public_access_cidrs(["0.0.0.0/0"])
        .allow_public_from_anywhere(true)
        .build()
        .unwrap();
    assert!(open.public_endpoint());
}

#[test]
fn rejects_an_admin_principal_that_is_not_an_iam_arn() {
    fails(
        dev().admin_principal_arns(["platform-admin"]),
        "eks.admin_principal_arns",
        "IAM role or user ARNs",
    );
    assert!(
        dev()
            .admin_principal_arns(["arn:aws:iam::123456789012:role/platform-admin"])
            .build()
            .is_ok()
    );
}

#[test]
fn rejects_log_types_without_audit() {
    fails(
        dev().control_plane_log_types(["api", "authenticator"]),
        "eks.control_plane_log_types",
        "always required",
    );
}

#[test]
fn rejects_an_unknown_log_type() {
    fails(
        dev().control_plane_log_types(["api", "audit", "authenticator", "kubelet"]),
        "eks.control_plane_log_types",
        "controllerManager or scheduler",
    );
}

#[test]
fn rejects_a_retention_cloudwatch_does_not_offer() {
    fails(
        dev().log_retention_days(10),
        "eks.log_retention_days",
        "CloudWatch Logs retention",
    );
}

#[test]
fn rejects_no_node_groups() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS),
        "eks.node_groups",
        "at least one node group",
    );
}

#[test]
fn rejects_an_unknown_capacity_type() {
    let error = CapacityType::from_str("RESERVED").unwrap_err();
    assert!(
        matches!(error, Error::Invalid(bkt_core::Invalid { ref field, ref reason, .. })
        if field == "eks.node_groups.capacity_type" && reason.contains("ON_DEMAND or SPOT"))
    );
    assert_eq!(CapacityType::from_str("SPOT").unwrap(), CapacityType::Spot);
}

#[test]
fn rejects_inconsistent_node_group_sizes() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"]).sizes(3, 2, 4)),
        "eks.node_groups.default.desired_size",
        "min_size <= desired_size <= max_size",
    );
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"]).sizes(0, 0, 0)),
        "eks.node_groups.default.max_size",
        "max_size >= 1",
    );
}

#[test]
fn rejects_a_node_group_without_instance_types() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(Vec::<String>::new())),
        "eks.node_groups.default.instance_types",
        "at least one instance type",
    );
}

#[test]
fn rejects_a_malformed_instance_type() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(["T3 large"])),
        "eks.node_groups.default.instance_types",
        "<family>.<size>",
    );
}

#[test]
fn rejects_a_small_root_volume() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"]).disk_size_gib(19)),
        "eks.node_groups.default.disk_size_gib",
        "at least 20 GiB",
    );
}

#[test]
fn rejects_an_invalid_node_group_name() {
    fails(
        ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("Default_Group", NodeGroup::new(["t3.large"])),
        "eks.node_groups",
        "lowercase",
    );
}

#[test]
fn rejects_a_node_group_named_twice() {
    fails(
        dev().node_group("default", NodeGroup::new(["t3.small"])),
        "eks.node_groups",
        "its own name",
    );
}

#[test]
fn rejects_an_unpinned_addon_version() {
    fails(
        dev().addon_versions(AddonVersions {
            vpc_cni: "latest".into(),
            ..AddonVersions::default()
        }),
        "eks.addon_versions.vpc-cni",
        "exact add-on version",
    );
}

#[test]
fn spot_groups_render_into_the_inputs() {
    let spec = ClusterSpec::builder("acme-dev", SUBNETS)
        .node_group(
            "spot",
            NodeGroup::new(["t3.large", "t3a.large"])
                .capacity_type(CapacityType::Spot)
                .sizes(1, 1, 2),
        )
        .public_access_cidrs(["203.0.113.0/24"])
        .build()
        .unwrap();
    let module = bkt_core::hcl::Module::new(name!("eks"), "../../modules/eks", spec.inputs());
    let text = bkt_core::hcl::to_string(&module.to_block());
    assert!(text.contains("capacity_type  = \"SPOT\""), "{text}");
    assert!(
        text.contains("public_access_cidrs = [\"203.0.113.0/24\"]"),
        "{text}"
    );
}

/// The variable names of a rendered `variables.tf`, in order.
pub(crate) fn variable_names(files: &[(&str, File)]) -> Vec<String> {
    names_of(files, "variables.tf", "variable")
}

/// The output names of a rendered `outputs.tf`, in order.
pub(crate) fn output_names(files: &[(&str, File)]) -> Vec<String> {
    names_of(files, "outputs.tf", "output")
}

fn names_of(files: &[(&str, File)], path: &str, ident: &str) -> Vec<String> {
    files
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, file)| file.labels(ident))
        .unwrap()
}

#[test]
fn the_module_call_kind_matches_the_module() {
    use bkt_core::hcl::Kind;
    let files = EksModule::default().files().unwrap();
    assert_eq!(EksInputs::ARGUMENTS, variable_names(&files));
    assert_eq!(EksInputs::ATTRIBUTES, output_names(&files));
}

#[test]
fn the_pitfalls_stay_visible_in_the_rendered_module() {
    let files = EksModule::default().files().unwrap();
    let text = |path: &str| {
        files
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, file)| file.render())
            .unwrap()
    };
    let main = text("main.tf");
    assert!(main.contains("support_type = \"STANDARD\""), "{main}");
    assert!(
        main.contains("authentication_mode                         = \"API\""),
        "{main}"
    );
    assert!(
        main.contains("bootstrap_cluster_creator_admin_permissions = false"),
        "{main}"
    );
    assert!(main.contains("endpoint_private_access = true"), "{main}");
    let nodes = text("nodes.tf");
    assert!(
        nodes.contains("http_tokens                 = \"required\""),
        "{nodes}"
    );
    assert!(nodes.contains("http_put_response_hop_limit = 1"), "{nodes}");
}

fn cluster_name() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9-]{0,120}"
}

proptest! {
    /// Whatever name is asked for, a spec that builds names every resource within AWS's limits:
    /// the cluster (100), its IAM roles (64), its KMS alias (KMS's form), its launch templates (128).
    #[test]
    fn names_stay_within_aws_limits(name in cluster_name(), group in "[a-z][a-z0-9-]{0,30}") {
        if let Ok(spec) = ClusterSpec::builder(name.clone(), SUBNETS)
            .node_group(group, NodeGroup::new(["t3.large"]))
            .build()
        {
            prop_assert!(spec.cluster_name().len() <= 100);
            for role in spec.role_names() {
                prop_assert!(check_iam_role_name("r", &role).is_ok(), "{role}");
            }
            prop_assert!(kms::check_alias("a", &spec.secrets_key_alias()).is_ok());
            for template in spec.launch_template_names() {
                prop_assert!(template.len() <= 128);
            }
        } else {
            prop_assert!(name.len() > MAX_CLUSTER_NAME, "{name} was rejected");
        }
    }

    /// The Rust rule and the module's regular expression accept the same cluster names.
    #[test]
    fn the_cluster_name_rule_agrees_with_the_pattern(name in cluster_name()) {
        let rust = rules::check_cluster_name("f", &name, MAX_CLUSTER_NAME, "why").is_ok();
        prop_assert_eq!(rust, regex_matches(CLUSTER_NAME_PATTERN, &name));
    }

    /// Sizes are accepted exactly when min <= desired <= max and max >= 1.
    #[test]
    fn node_group_sizes(min in 0u32..6, desired in 0u32..6, max in 0u32..6) {
        let result = ClusterSpec::builder("acme-dev", SUBNETS)
            .node_group("default", NodeGroup::new(["t3.large"]).sizes(min, desired, max))
            .build();
        prop_assert_eq!(result.is_ok(), min <= desired && desired <= max && max >= 1);
    }

    /// No input makes the spec panic; every rejection names an `eks.` field.
    #[test]
    fn never_panics(
        name in ".{0,120}",
        version in ".{0,8}",
        subnets in proptest::collection::vec(".{0,20}", 0..4),
        cidrs in proptest::collection::vec(".{0,20}", 0..3),
        anywhere in any::<bool>(),
        arns in proptest::collection::vec(".{0,60}", 0..3),
        logs in proptest::collection::vec(".{0,20}", 0..6),
        retention in any::<u16>(),
        groups in proptest::collection::vec((".{0,40}", proptest::collection::vec(".{0,12}", 0..3), any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>()), 0..3),
    ) {
        let mut builder = ClusterSpec::builder(name, subnets)
            .kubernetes_version(version)
            .public_access_cidrs(cidrs)
            .allow_public_from_anywhere(anywhere)
            .admin_principal_arns(arns)
            .control_plane_log_types(logs)
            .log_retention_days(retention);
        for (group, types, min, desired, max, disk) in groups {
            builder = builder.node_group(group, NodeGroup::new(types).sizes(min, desired, max).disk_size_gib(disk));
        }
        match builder.build() {
            Ok(spec) => { let _ = spec.inputs(); }
            Err(Error::Invalid(bkt_core::Invalid { field, .. })) => prop_assert!(field.starts_with("eks."), "{field}"),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}

/// The pieces of [`NODE_GROUP_NAME_PATTERN`] and near misses of each (the 31-character limit
/// from both sides, a foreign character, a newline).
const NODE_GROUP_NAME_PIECES: [(&str, &str); 2] = [
    ("[a-z]", "|[A-Z0-9-]|é"),
    (
        "[a-z0-9-]{0,30}|[a-z0-9-]{28,30}",
        "[a-z0-9-]{31,33}|[a-z0-9-]{0,5}[^a-z0-9-][a-z0-9-]{0,5}|[a-z0-9-]{0,3}\\n",
    ),
];

/// The pieces of [`ADDON_VERSION_PATTERN`] and near misses of each.
const ADDON_VERSION_PIECES: [(&str, &str); 8] = [
    ("v", "|V|vv|x"),
    ("[0-9]{1,3}", "|[a-z]|[0-9]{1,2}[a-z]|[٠-٩]"),
    ("\\.", "|,|\\.\\."),
    ("[0-9]{1,3}", "|[a-z]|[0-9]{1,2}[a-z]|[٠-٩]"),
    ("\\.", "|,|\\.\\."),
    ("[0-9]{1,3}", "|[a-z]|[0-9]{1,2}[a-z]|[٠-٩]"),
    (
        "-eksbuild\\.",
        "|-eksbuild|eksbuild\\.|-EKSBUILD\\.|-eksbuild\\.\\.|-eksbuild-",
    ),
    ("[0-9]{1,3}", "|[0-9]\\n|\\n|x|[0-9]{1,2}[a-z]"),
];

#[test]
fn node_group_names_and_addon_versions_match_their_patterns() {
    for (good, bad) in [("default", "Default"), ("spot-2", "2spot"), ("a", "")] {
        assert!(matches_node_group_name_pattern(good), "{good}");
        assert!(!matches_node_group_name_pattern(bad), "{bad}");
    }
    assert!(matches_node_group_name_pattern(&"a".repeat(31)));
    assert!(!matches_node_group_name_pattern(&"a".repeat(32)));
    for good in [
        "v1.20.4-eksbuild.1",
        "v0.0.0-eksbuild.0",
        "v10.200.3000-eksbuild.12",
    ] {
        assert!(matches_addon_version_pattern(good), "{good}");
        assert!(regex_matches(ADDON_VERSION_PATTERN, good), "{good}");
    }
    for bad in [
        "latest",
        "v1.20.4",
        "1.20.4-eksbuild.1",
        "v1.20-eksbuild.1",
        "v1.20.4-eksbuild.",
        "v1.20.4-eksbuild.1\n",
        "v1.20.4-eksbuild.1 ",
    ] {
        assert!(!matches_addon_version_pattern(bad), "{bad:?}");
        assert!(!regex_matches(ADDON_VERSION_PATTERN, bad), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The hand-written matcher accepts exactly the node group names the regular expression does.
    #[test]
    fn the_node_group_name_matcher_is_the_pattern(
        value in prop_oneof![3 => near_valid(&NODE_GROUP_NAME_PIECES), 1 => arbitrary("a-zA-Z0-9-")],
    ) {
        prop_assert_eq!(
            matches_node_group_name_pattern(&value),
            regex_matches(NODE_GROUP_NAME_PATTERN, &value),
            "{:?}", value
        );
    }

    /// The hand-written matcher accepts exactly the add-on versions the regular expression does.
    #[test]
    fn the_addon_version_matcher_is_the_pattern(
        value in prop_oneof![3 => near_valid(&ADDON_VERSION_PIECES), 1 => arbitrary("v0-9.eksbuild-")],
    ) {
        prop_assert_eq!(
            matches_addon_version_pattern(&value),
            regex_matches(ADDON_VERSION_PATTERN, &value),
            "{:?}", value
        );
    }
}
