//! Statements and documents rendered to HCL and JSON, and the rules that refuse a bad one.

use super::*;
use bkt_core::hcl::{Local, Locals};
use bkt_core::name;

fn render(value: Expr) -> String {
    let locals = Locals {
        groups: vec![vec![Local::new(name!("policy"), value)]],
    };
    bkt_core::hcl::to_string(&locals.to_block())
}

#[test]
fn one_value_is_a_string_and_several_a_list() {
    let document = PolicyDocument::new([Statement::allow()
        .principal(Principal::service("vpc-flow-logs.amazonaws.com"))
        .action("sts:AssumeRole")]);
    assert_eq!(
        render(document.to_json()),
        r#"locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
"#
    );
    let several = Statement::allow().action(["a:B", "a:C"]).resource("*");
    assert_eq!(
        render(several.to_expr()),
        "locals {\n  policy = {\n    Effect   = \"Allow\"\n    Action   = [\"a:B\", \"a:C\"]\n    Resource = \"*\"\n  }\n}\n"
    );
}

#[test]
fn keys_come_in_the_documented_order() -> Result<()> {
    let statement = Statement::allow()
        .condition(
            Operator::StringEquals,
            "ec2:CreateAction",
            "CreateSecurityGroup",
        )?
        .sid("TagOnCreate")?
        .resource("*")
        .action("ec2:CreateTags")
        .principal(Principal::aws("arn:aws:iam::123456789012:root"));
    let text = render(statement.to_expr());
    let positions: Vec<usize> = [
        "Sid",
        "Effect",
        "Principal",
        "Action",
        "Resource",
        "Condition",
    ]
    .iter()
    .filter_map(|key| text.find(&format!("{key} ")))
    .collect();
    assert_eq!(positions.len(), 6, "{text}");
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    Ok(())
}

#[test]
fn a_key_twice_under_one_operator_is_an_error() {
    let error = Statement::allow()
        .condition(
            Operator::StringEquals,
            "token:sub",
            "repo:a/b:ref:refs/heads/main",
        )
        .and_then(|s| {
            s.condition(
                Operator::StringEquals,
                "token:sub",
                "repo:a/b:environment:prod",
            )
        });
    assert_eq!(
        error.err().map(|e| e.to_string()),
        Some(
            "Condition.StringEquals: \"token:sub\" is invalid: this key is already set \
                 under this operator, and IAM would keep only one of the two; pass every \
                 accepted value in one call (any of them matches), or write a second statement \
                 if both must hold"
                .to_owned()
        )
    );
}

#[test]
fn the_same_key_under_two_operators_is_fine_and_operators_merge() -> Result<()> {
    let statement = Statement::allow()
        .condition(Operator::StringEquals, "k1", "v1")?
        .condition(Operator::Null, "k1", "false")?
        .condition(Operator::StringEquals, "k2", ["a", "b"])?;
    assert_eq!(
        render(statement.to_expr()),
        r#"locals {
  policy = {
    Effect = "Allow"
    Condition = {
      StringEquals = {
        k1 = "v1"
        k2 = ["a", "b"]
      }
      Null = { k1 = "false" }
    }
  }
}
"#
    );
    Ok(())
}

#[test]
fn empty_condition_values_are_an_error() {
    let error = Statement::allow().condition(Operator::StringEquals, "k", Vec::<&str>::new());
    assert!(matches!(
        error,
        Err(Error::Invalid(bkt_core::Invalid { ref field, ref reason, .. }))
            if field == "Condition.StringEquals" && reason.contains("at least one value")
    ));
}

#[test]
fn a_sid_with_other_characters_is_an_error() {
    for bad in ["", "with space", "with-hyphen", &"A".repeat(129)] {
        let error = Statement::allow().sid(bad);
        assert!(
            matches!(error, Err(Error::Invalid(bkt_core::Invalid { ref field, ref reason, .. }))
                    if field == "Sid" && reason.contains("ASCII letters and digits")),
            "{bad:?}"
        );
    }
    assert!(Statement::allow().sid("AccountAdministersKey").is_ok());
}

#[test]
fn irsa_trust_is_the_hand_written_statement() {
    let trust = IrsaTrust {
        provider_arn: Expr::from("arn:aws:iam::123456789012:oidc-provider/x"),
        issuer: Expr::from("oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
        namespace: "kube-system".into(),
        service_account: "ebs-csi-controller-sa".into(),
    };
    assert_eq!(
        render(trust.document().to_json()),
        r#"locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/x" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud" = "sts.amazonaws.com"
          "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub" = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
        }
      }
    }]
  })
}
"#
    );
}

#[test]
fn irsa_trust_keys_and_subject_are_templates_of_references() {
    let issuer = Local::new(name!("oidc_issuer"), Expr::null());
    let trust = IrsaTrust {
        provider_arn: Local::new(name!("provider_arn"), Expr::null()).reference(),
        issuer: issuer.reference(),
        namespace: Expr::each_value().attr(&name!("namespace")),
        service_account: Expr::each_value().attr(&name!("service_account")),
    };
    let text = render(trust.statement().to_expr());
    assert!(
        text.contains(r#""${local.oidc_issuer}:aud" = "sts.amazonaws.com""#),
        "{text}"
    );
    assert!(
            text.contains(r#""${local.oidc_issuer}:sub" = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}""#),
            "{text}"
        );
    assert!(
        text.contains("Principal = { Federated = local.provider_arn }"),
        "{text}"
    );
}

const OPERATORS: [Operator; 3] = [Operator::StringEquals, Operator::StringLike, Operator::Null];

proptest::proptest! {
    #[test]
    fn no_key_is_ever_twice_under_one_operator(
        additions in proptest::collection::vec((0..3usize, "[a-c]{1,2}", "\\PC{0,8}"), 0..12),
    ) {
        let mut statement = Statement::allow();
        let mut seen: Vec<(usize, String)> = Vec::new();
        for (operator, key, value) in additions {
            let repeated = seen.contains(&(operator, key.clone()));
            match statement.clone().condition(OPERATORS[operator], key.as_str(), value.as_str()) {
                Ok(next) => {
                    proptest::prop_assert!(!repeated);
                    statement = next;
                    seen.push((operator, key));
                }
                Err(error) => {
                    proptest::prop_assert!(repeated);
                    let field = format!("Condition.{}", OPERATORS[operator].as_str());
                    proptest::prop_assert!(
                        matches!(&error, Error::Invalid(bkt_core::Invalid { field: f, value: v, .. }) if *f == field && *v == key),
                        "{error}"
                    );
                }
            }
        }
        for condition in statement.conditions() {
            let keys: Vec<&Expr> = condition.entries().iter().map(|(key, _)| key).collect();
            for (index, key) in keys.iter().enumerate() {
                proptest::prop_assert!(!keys[index + 1..].contains(key));
            }
        }
        let operators: Vec<Operator> = statement.conditions().iter().map(Condition::operator).collect();
        for (index, operator) in operators.iter().enumerate() {
            proptest::prop_assert!(!operators[index + 1..].contains(operator));
        }
    }

    #[test]
    fn any_sid_is_accepted_or_rejected_without_panic(sid in "\\PC{0,140}") {
        let valid = (1..=128).contains(&sid.len()) && sid.chars().all(|c| c.is_ascii_alphanumeric());
        proptest::prop_assert_eq!(Statement::allow().sid(&sid).is_ok(), valid);
    }
}

#[test]
fn principals_of_one_kind_merge() {
    let principal = Principal::service("a.amazonaws.com")
        .and(PrincipalKind::Aws, "arn:aws:iam::123456789012:root")
        .and(PrincipalKind::Service, "b.amazonaws.com");
    assert_eq!(
        render(principal.to_expr()),
        "locals {\n  policy = {\n    Service = [\"a.amazonaws.com\", \"b.amazonaws.com\"]\n    AWS     = \"arn:aws:iam::123456789012:root\"\n  }\n}\n"
    );
}

#[test]
fn anyone_is_the_wildcard_and_absorbs_kinds() {
    let anyone = Principal::anyone();
    assert!(anyone.is_anyone());
    assert_eq!(anyone.to_expr(), Expr::from("*"));
    let still = Principal::anyone().and(PrincipalKind::Service, "ec2.amazonaws.com");
    assert_eq!(still.to_expr(), Expr::from("*"));
    assert!(!Principal::service("ec2.amazonaws.com").is_anyone());
}
