//! The IAM policies of the controllers' roles: the AWS Load Balancer Controller's published
//! policy, and Vault's use of its unseal key and bootstrap secret.

use crate::Result;
use bkt_core::hcl::Expr;
use bkt_oidc::policy::{Operator, PolicyDocument, Statement};

/// `statement` with its `Sid`.
pub(super) fn sid(sid: &str) -> Result<Statement> {
    Ok(Statement::allow().sid(sid)?)
}

/// The statements of the controller's policy that read: its service-linked role, the account's
/// network and load balancers, and the certificates, firewalls and Shield protections it attaches.
fn discovery_statements() -> Result<[Statement; 3]> {
    Ok([
        sid("CreateElbServiceLinkedRole")?
            .action("iam:CreateServiceLinkedRole")
            .resource("*")
            .condition(
                Operator::StringEquals,
                "iam:AWSServiceName",
                "elasticloadbalancing.amazonaws.com",
            )?,
        sid("Discover")?
            .action([
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
            ])
            .resource("*"),
        sid("UseCertificatesFirewallsAndShield")?
            .action([
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ])
            .resource("*"),
    ])
}

/// The AWS Load Balancer Controller's published IAM policy, statement by statement: what it
/// reads ([`discovery_statements`]), then what it changes, only on resources tagged as its own.
pub(super) fn load_balancer_controller_policy(
    elb_arn_prefix: &Expr,
    ec2_sg_arn: &Expr,
    cluster_tag: &Expr,
) -> Result<PolicyDocument> {
    let request_tag = || Expr::template(["aws:RequestTag/".into(), cluster_tag.clone()]);
    let resource_tag = || Expr::template(["aws:ResourceTag/".into(), cluster_tag.clone()]);
    let elb = |suffix: &str| Expr::template([elb_arn_prefix.clone(), suffix.into()]);
    let load_balancers = || {
        [
            elb(":targetgroup/*/*"),
            elb(":loadbalancer/net/*/*"),
            elb(":loadbalancer/app/*/*"),
        ]
    };
    Ok(PolicyDocument::new(
        discovery_statements()?.into_iter().chain([
            sid("ManageSecurityGroupRules")?
                .action([
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:CreateSecurityGroup",
                ])
                .resource("*"),
            sid("TagSecurityGroupsOnCreate")?
                .action("ec2:CreateTags")
                .resource(ec2_sg_arn)
                .condition(
                    Operator::StringEquals,
                    "ec2:CreateAction",
                    "CreateSecurityGroup",
                )?
                .condition(Operator::Null, request_tag(), "false")?,
            sid("RetagOwnSecurityGroups")?
                .action(["ec2:CreateTags", "ec2:DeleteTags"])
                .resource(ec2_sg_arn)
                .condition(Operator::Null, request_tag(), "true")?
                .condition(Operator::Null, resource_tag(), "false")?,
            sid("ChangeOwnSecurityGroups")?
                .action([
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:DeleteSecurityGroup",
                ])
                .resource("*")
                .condition(Operator::Null, resource_tag(), "false")?,
            sid("CreateTaggedLoadBalancers")?
                .action([
                    "elasticloadbalancing:CreateLoadBalancer",
                    "elasticloadbalancing:CreateTargetGroup",
                ])
                .resource("*")
                .condition(Operator::Null, request_tag(), "false")?,
            sid("ManageListenersAndRules")?
                .action([
                    "elasticloadbalancing:CreateListener",
                    "elasticloadbalancing:DeleteListener",
                    "elasticloadbalancing:CreateRule",
                    "elasticloadbalancing:DeleteRule",
                ])
                .resource("*"),
            sid("RetagOwnLoadBalancers")?
                .action([
                    "elasticloadbalancing:AddTags",
                    "elasticloadbalancing:RemoveTags",
                ])
                .resource(load_balancers())
                .condition(Operator::Null, request_tag(), "true")?
                .condition(Operator::Null, resource_tag(), "false")?,
            sid("TagListenersAndRules")?
                .action([
                    "elasticloadbalancing:AddTags",
                    "elasticloadbalancing:RemoveTags",
                ])
                .resource([
                    elb(":listener/net/*/*/*"),
                    elb(":listener/app/*/*/*"),
                    elb(":listener-rule/net/*/*/*"),
                    elb(":listener-rule/app/*/*/*"),
                ]),
            sid("ChangeOwnLoadBalancers")?
                .action([
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetIpAddressType",
                    "elasticloadbalancing:SetSecurityGroups",
                    "elasticloadbalancing:SetSubnets",
                    "elasticloadbalancing:DeleteLoadBalancer",
                    "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:DeleteTargetGroup",
                    "elasticloadbalancing:ModifyListenerAttributes",
                    "elasticloadbalancing:ModifyCapacityReservation",
                    "elasticloadbalancing:ModifyIpPools",
                ])
                .resource("*")
                .condition(Operator::Null, resource_tag(), "false")?,
            sid("TagLoadBalancersOnCreate")?
                .action("elasticloadbalancing:AddTags")
                .resource(load_balancers())
                .condition(
                    Operator::StringEquals,
                    "elasticloadbalancing:CreateAction",
                    ["CreateTargetGroup", "CreateLoadBalancer"],
                )?
                .condition(Operator::Null, request_tag(), "false")?,
            sid("RegisterTargets")?
                .action([
                    "elasticloadbalancing:RegisterTargets",
                    "elasticloadbalancing:DeregisterTargets",
                ])
                .resource(elb(":targetgroup/*/*")),
            sid("ConfigureListeners")?
                .action([
                    "elasticloadbalancing:SetWebAcl",
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates",
                    "elasticloadbalancing:ModifyRule",
                    "elasticloadbalancing:SetRulePriorities",
                ])
                .resource("*"),
        ]),
    ))
}

/// The Vault server's policy: the unseal key, and nothing else (the init output is the
/// bootstrap Jobs' business).
pub(super) fn vault_policy(key_arn: &Expr) -> Result<PolicyDocument> {
    Ok(PolicyDocument::new([sid("UseTheUnsealKeyOnly")?
        .action([
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:GenerateDataKey",
        ])
        .resource(key_arn.clone())]))
}

/// The Vault bootstrap Jobs' policy: read and write the init secret, and the unseal key only as
/// Secrets Manager uses it to encrypt and decrypt that secret (`kms:ViaService`), so the role
/// cannot unseal-decrypt anything itself.
pub(super) fn vault_bootstrap_policy(key_arn: &Expr, secret_arn: &Expr) -> Result<PolicyDocument> {
    Ok(PolicyDocument::new([
        sid("KeepTheInitOutput")?
            .action([
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:DescribeSecret",
            ])
            .resource(secret_arn.clone()),
        sid("UseTheUnsealKeyThroughSecretsManagerOnly")?
            .action(["kms:Decrypt", "kms:GenerateDataKey"])
            .resource(key_arn.clone())
            .condition(
                Operator::StringLike,
                "kms:ViaService",
                "secretsmanager.*.amazonaws.com",
            )?,
    ]))
}
