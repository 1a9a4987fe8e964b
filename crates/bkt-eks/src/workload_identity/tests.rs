//! Rules of the workload-identity spec and module: each validation names its field, role names
//! stay within IAM's limit, each role trusts exactly one service account.

use proptest::prelude::*;

use super::*;
use crate::cluster::tests::{output_names, variable_names};
use crate::rules::check_iam_role_name;
use crate::rules::tests::{
    ACCOUNT_ID_PIECE, ARN_PARTITION_PIECES, REST_OF_LINE_PIECE, arbitrary, near_valid,
    regex_matches,
};

const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const ZONE: &str = "arn:aws:route53:::hostedzone/Z0PLATFORM";

fn fails(result: Result<WorkloadIdentitySpec>, field: &str, reason: &str) {
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
fn the_dev_identity_is_valid() {
    let spec = WorkloadIdentitySpec::new("acme-dev", PROVIDER, ISSUER, ZONE).unwrap();
    assert_eq!(
        spec.role_names(),
        [
            "acme-dev-aws-load-balancer-controller",
            "acme-dev-external-dns",
            "acme-dev-vault",
            "acme-dev-vault-bootstrap"
        ]
    );
    assert_eq!(spec.vault_key_alias(), "alias/acme-dev-vault-unseal");
}

#[test]
fn rejects_a_cluster_name_that_makes_role_names_too_long() {
    fails(
        WorkloadIdentitySpec::new(
            "a-cluster-name-that-is-far-too-long-for-iam-roles",
            PROVIDER,
            ISSUER,
            ZONE,
        ),
        "workload_identity.cluster_name",
        "within 64",
    );
    // 36 characters passed the hand-written module's rule (max 41) but made a 65-character role.
    fails(
        WorkloadIdentitySpec::new("a".repeat(36), PROVIDER, ISSUER, ZONE),
        "workload_identity.cluster_name",
        "within 64",
    );
    assert!(WorkloadIdentitySpec::new("a".repeat(35), PROVIDER, ISSUER, ZONE).is_ok());
}

#[test]
fn the_cluster_name_pattern_allows_exactly_max_cluster_name() {
    let longest = Controller::ALL
        .iter()
        .map(|c| c.key().len() + 1)
        .max()
        .unwrap();
    assert_eq!(MAX_CLUSTER_NAME + longest, MAX_IAM_ROLE_NAME);
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
fn rejects_an_oidc_provider_arn_of_another_kind() {
    fails(
        WorkloadIdentitySpec::new(
            "acme-dev",
            "arn:aws:iam::123456789012:role/not-a-provider",
            ISSUER,
            ZONE,
        ),
        "workload_identity.oidc_provider_arn",
        "IAM OIDC provider ARN",
    );
}

#[test]
fn rejects_an_issuer_with_scheme() {
    fails(
        WorkloadIdentitySpec::new("acme-dev", PROVIDER, ["https://", ISSUER].concat(), ZONE),
        "workload_identity.oidc_issuer",
        "without the https://",
    );
    fails(
        WorkloadIdentitySpec::new("acme-dev", PROVIDER, "", ZONE),
        "workload_identity.oidc_issuer",
        "without the https://",
    );
}

#[test]
fn rejects_a_zone_id_instead_of_a_zone_arn() {
    fails(
        WorkloadIdentitySpec::new("acme-dev", PROVIDER, ISSUER, "Z0PLATFORM"),
        "workload_identity.hosted_zone_arn",
        "not the zone ID",
    );
}

#[test]
fn the_module_call_kind_matches_the_module() {
    use bkt_core::hcl::Kind;
    let files = WorkloadIdentityModule::default().files().unwrap();
    assert_eq!(WorkloadIdentityInputs::ARGUMENTS, variable_names(&files));
    assert_eq!(WorkloadIdentityInputs::ATTRIBUTES, output_names(&files));
}

#[test]
fn mutating_load_balancer_statements_depend_on_the_cluster_tag() {
    let document = load_balancer_controller_policy(
        &Expr::from("arn:aws:elasticloadbalancing:*:*"),
        &Expr::from("arn:aws:ec2:*:*:security-group/*"),
        &Expr::from(LOAD_BALANCER_CLUSTER_TAG),
    )
    .unwrap();
    let guarded = [
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:CreateLoadBalancer",
        "ec2:DeleteSecurityGroup",
    ];
    for statement in document.statements() {
        let mutating = statement
            .actions()
            .as_slice()
            .iter()
            .any(|action| guarded.iter().any(|g| *action == Expr::from(*g)));
        if mutating {
            assert!(
                statement
                    .condition_for(bkt_oidc::policy::Operator::Null)
                    .is_some(),
                "{statement:?}"
            );
        }
        // Actions are listed, never a service wildcard.
        for action in statement.actions().as_slice() {
            assert_ne!(*action, Expr::from("elasticloadbalancing:*"));
            assert_ne!(*action, Expr::from("*:*"));
        }
    }
}

/// Least privilege between Vault's two roles: the server only uses the unseal key; the bootstrap
/// Jobs reach the init secret, and the key only through Secrets Manager.
#[test]
fn only_the_bootstrap_role_reaches_the_init_secret() {
    let (key, secret) = (Expr::from("KEY"), Expr::from("SECRET"));
    let touches = |document: &PolicyDocument, service: &str| {
        document.statements().iter().any(|statement| {
            statement
                .actions()
                .as_slice()
                .iter()
                .any(|action| format!("{action:?}").contains(service))
        })
    };
    let server = vault_policy(&key).unwrap();
    assert!(!touches(&server, "secretsmanager:"), "{server:?}");
    for statement in server.statements() {
        assert_eq!(statement.resources().as_slice(), std::slice::from_ref(&key));
    }

    let bootstrap = vault_bootstrap_policy(&key, &secret).unwrap();
    for statement in bootstrap.statements() {
        let resources = statement.resources().as_slice();
        if resources == std::slice::from_ref(&secret) {
            continue;
        }
        assert_eq!(resources, std::slice::from_ref(&key), "{statement:?}");
        let via = statement
            .condition_for(bkt_oidc::policy::Operator::StringLike)
            .map(|condition| format!("{condition:?}"))
            .unwrap_or_default();
        assert!(
            via.contains("kms:ViaService") && via.contains("secretsmanager."),
            "the bootstrap role uses the key through Secrets Manager only: {statement:?}"
        );
    }
    assert!(touches(&bootstrap, "secretsmanager:GetSecretValue"));
}

proptest! {
    /// Whatever name is asked for, a spec that builds names every role within 64 characters and
    /// Vault's alias in KMS's form; nothing panics.
    #[test]
    fn names_stay_within_aws_limits(name in "[a-zA-Z][a-zA-Z0-9-]{0,60}|.{0,40}") {
        match WorkloadIdentitySpec::new(name.clone(), PROVIDER, ISSUER, ZONE) {
            Ok(spec) => {
                for role in spec.role_names() {
                    prop_assert!(check_iam_role_name("r", &role).is_ok(), "{role}");
                }
                prop_assert!(kms::check_alias("a", &spec.vault_key_alias()).is_ok());
                let _ = spec.inputs();
            }
            Err(Error::Invalid(bkt_core::Invalid { field, .. })) => prop_assert_eq!(field, "workload_identity.cluster_name"),
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    /// The Rust rule and the module's regular expression accept the same cluster names.
    #[test]
    fn the_cluster_name_rule_agrees_with_the_pattern(name in "[a-zA-Z][a-zA-Z0-9-]{0,60}|.{0,40}") {
        let rust = rules::check_cluster_name("f", &name, MAX_CLUSTER_NAME, "why").is_ok();
        prop_assert_eq!(rust, regex_matches(CLUSTER_NAME_PATTERN, &name));
    }

    /// No input panics; every rejection names a workload_identity field.
    #[test]
    fn never_panics(name in ".{0,40}", provider in ".{0,90}", issuer in ".{0,50}", zone in ".{0,50}") {
        if let Err(error) = WorkloadIdentitySpec::new(name, provider, issuer, zone) {
            let named = matches!(error, Error::Invalid(bkt_core::Invalid { ref field, .. }) if field.starts_with("workload_identity."));
            prop_assert!(named, "{error:?}");
        }
    }
}

/// The pieces of [`OIDC_PROVIDER_ARN_PATTERN`] after the partition, and near misses of each.
const OIDC_PROVIDER_ARN_PIECES: [(&str, &str); 4] = [
    (":iam::", ":iam:|:IAM::|:sts::|::iam::|:iam:::|iam::"),
    ACCOUNT_ID_PIECE,
    (
        ":oidc-provider/",
        "|:oidc-provider|:oidc_provider/|:OIDC-PROVIDER/|:role/|oidc-provider/|::oidc-provider/",
    ),
    REST_OF_LINE_PIECE,
];

/// The pieces of [`HOSTED_ZONE_ARN_PATTERN`] after the partition, and near misses of each.
const HOSTED_ZONE_ARN_PIECES: [(&str, &str); 3] = [
    (
        ":route53:::",
        "|:route53::|:route53::::|:ROUTE53:::|:route53:us-east-1::|route53:::|:iam::",
    ),
    (
        "hostedzone/",
        "|hostedzone|hostedzone//|HOSTEDZONE/|hosted-zone/",
    ),
    (
        "[A-Z0-9]{1,14}",
        "|[a-z0-9]{1,4}|[A-Z0-9]{1,4}[a-z \\n/-][A-Z0-9]{0,4}|[A-Z0-9]{1,6}\\n|[Ａ-Ｚ]",
    ),
];

#[test]
fn provider_and_zone_arns_match_their_patterns() {
    for (good, bad) in [
        (PROVIDER, "arn:aws:iam::123456789012:oidc-provider/"),
        (
            "arn:aws-cn:iam::123456789012:oidc-provider/x",
            "arn:aws:iam::123456789012:role/x",
        ),
    ] {
        assert!(matches_oidc_provider_arn_pattern(good), "{good}");
        assert!(regex_matches(OIDC_PROVIDER_ARN_PATTERN, good), "{good}");
        assert!(!matches_oidc_provider_arn_pattern(bad), "{bad}");
        assert!(!regex_matches(OIDC_PROVIDER_ARN_PATTERN, bad), "{bad}");
    }
    for (good, bad) in [
        (ZONE, "Z0PLATFORM"),
        (
            "arn:aws:route53:::hostedzone/Z1",
            "arn:aws:route53:::hostedzone/z1",
        ),
        (
            "arn:aws-us-gov:route53:::hostedzone/0",
            "arn:aws:route53:::hostedzone/",
        ),
    ] {
        assert!(matches_hosted_zone_arn_pattern(good), "{good}");
        assert!(regex_matches(HOSTED_ZONE_ARN_PATTERN, good), "{good}");
        assert!(!matches_hosted_zone_arn_pattern(bad), "{bad}");
        assert!(!regex_matches(HOSTED_ZONE_ARN_PATTERN, bad), "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The hand-written matcher accepts exactly the OIDC provider ARNs the regular expression
    /// does.
    #[test]
    fn the_oidc_provider_arn_matcher_is_the_pattern(
        value in prop_oneof![
            3 => near_valid(&[&ARN_PARTITION_PIECES[..], &OIDC_PROVIDER_ARN_PIECES].concat()),
            1 => arbitrary("arniamwsoidc-provider0-9:/."),
        ],
    ) {
        prop_assert_eq!(
            matches_oidc_provider_arn_pattern(&value),
            regex_matches(OIDC_PROVIDER_ARN_PATTERN, &value),
            "{:?}", value
        );
    }

    /// The hand-written matcher accepts exactly the hosted zone ARNs the regular expression does.
    #[test]
    fn the_hosted_zone_arn_matcher_is_the_pattern(
        value in prop_oneof![
            3 => near_valid(&[&ARN_PARTITION_PIECES[..], &HOSTED_ZONE_ARN_PIECES].concat()),
            1 => arbitrary("arnwsoute53hdzA-Z0-9:/-"),
        ],
    ) {
        prop_assert_eq!(
            matches_hosted_zone_arn_pattern(&value),
            regex_matches(HOSTED_ZONE_ARN_PATTERN, &value),
            "{:?}", value
        );
    }
}
