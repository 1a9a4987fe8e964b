//! The controllers layer's render checks.

use bkt_flux::GitOpsTree;
use bkt_reference::gitops::controllers::ControllerVars;

/// The substitutions the platform passes (its cluster-vars contract's references).
fn vars() -> ControllerVars {
    let reference = |key: &str| {
        let mut text = String::from("${");
        text.push_str(key);
        text.push('}');
        text
    };
    ControllerVars {
        cluster_name: reference("CLUSTER_NAME"),
        aws_region: reference("AWS_REGION"),
        vpc_id: reference("VPC_ID"),
        domain: reference("DOMAIN"),
        hosted_zone_id: reference("HOSTED_ZONE_ID"),
        aws_load_balancer_controller_role_arn: reference("AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN"),
        external_dns_role_arn: reference("EXTERNAL_DNS_ROLE_ARN"),
        vault_role_arn: reference("VAULT_ROLE_ARN"),
    }
}

const KEYS: &[&str] = &[
    "CLUSTER_NAME",
    "AWS_REGION",
    "VPC_ID",
    "DOMAIN",
    "HOSTED_ZONE_ID",
    "AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN",
    "EXTERNAL_DNS_ROLE_ARN",
    "VAULT_ROLE_ARN",
    "VAULT_KMS_KEY_ID",
];

#[test]
fn controllers() {
    let mut tree = GitOpsTree::new("gitops", KEYS);
    bkt_reference::gitops::controllers::controllers(&vars())
        .unwrap()
        .add_to(&mut tree)
        .unwrap();
    let tree = tree.to_tree("bkt-platform").unwrap();
    assert_eq!(tree.files().count(), 33);
}

#[test]
fn every_comment_line_fits_yamllint() {
    let mut tree = GitOpsTree::new("gitops", KEYS);
    bkt_flux::components::add_to(&mut tree).unwrap();
    bkt_reference::gitops::controllers::controllers(&vars())
        .unwrap()
        .add_to(&mut tree)
        .unwrap();
    for (path, bytes) in tree.to_tree("g").unwrap().files() {
        for line in String::from_utf8_lossy(bytes).lines() {
            assert!(line.len() <= 160, "{path}: {line}");
        }
    }
}

#[test]
fn a_variable_outside_the_contract_fails_the_render() {
    let mut tree = GitOpsTree::new("gitops", &KEYS[1..]);
    bkt_reference::gitops::controllers::controllers(&vars())
        .unwrap()
        .add_to(&mut tree)
        .unwrap();
    let error = tree.to_tree("g").unwrap_err();
    assert!(
        matches!(&error, bkt_flux::Error::UnknownVariable { variable, .. } if variable == "CLUSTER_NAME"),
        "{error}"
    );
}
