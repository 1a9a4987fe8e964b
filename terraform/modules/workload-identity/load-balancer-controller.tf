# The AWS Load Balancer Controller's published IAM policy (kubernetes-sigs/aws-load-balancer-controller,
# docs/install/iam_policy.json, v2.x), expressed in HCL. Mutating calls are limited to resources
# carrying the controller's elbv2.k8s.aws/cluster tag, which it sets on everything it creates.
locals {
  elb_arn_prefix = "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*"
  ec2_sg_arn     = "arn:${data.aws_partition.current.partition}:ec2:*:*:security-group/*"
  cluster_tag    = "elbv2.k8s.aws/cluster"

  load_balancer_controller_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CreateElbServiceLinkedRole"
        Effect    = "Allow"
        Action    = "iam:CreateServiceLinkedRole"
        Resource  = "*"
        Condition = { StringEquals = { "iam:AWSServiceName" = "elasticloadbalancing.amazonaws.com" } }
      },
      {
        Sid    = "Discover"
        Effect = "Allow"
        Action = [
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
        ]
        Resource = "*"
      },
      {
        Sid    = "UseCertificatesFirewallsAndShield"
        Effect = "Allow"
        Action = [
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
        ]
        Resource = "*"
      },
      {
        Sid      = "ManageSecurityGroupRules"
        Effect   = "Allow"
        Action   = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateSecurityGroup"]
        Resource = "*"
      },
      {
        Sid      = "TagSecurityGroupsOnCreate"
        Effect   = "Allow"
        Action   = "ec2:CreateTags"
        Resource = local.ec2_sg_arn
        Condition = {
          StringEquals = { "ec2:CreateAction" = "CreateSecurityGroup" }
          Null         = { "aws:RequestTag/${local.cluster_tag}" = "false" }
        }
      },
      {
        Sid      = "RetagOwnSecurityGroups"
        Effect   = "Allow"
        Action   = ["ec2:CreateTags", "ec2:DeleteTags"]
        Resource = local.ec2_sg_arn
        Condition = {
          Null = {
            "aws:RequestTag/${local.cluster_tag}"  = "true"
            "aws:ResourceTag/${local.cluster_tag}" = "false"
          }
        }
      },
      {
        Sid       = "ChangeOwnSecurityGroups"
        Effect    = "Allow"
        Action    = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"]
        Resource  = "*"
        Condition = { Null = { "aws:ResourceTag/${local.cluster_tag}" = "false" } }
      },
      {
        Sid       = "CreateTaggedLoadBalancers"
        Effect    = "Allow"
        Action    = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
        Resource  = "*"
        Condition = { Null = { "aws:RequestTag/${local.cluster_tag}" = "false" } }
      },
      {
        Sid    = "ManageListenersAndRules"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ]
        Resource = "*"
      },
      {
        Sid    = "RetagOwnLoadBalancers"
        Effect = "Allow"
        Action = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
        Resource = [
          "${local.elb_arn_prefix}:targetgroup/*/*",
          "${local.elb_arn_prefix}:loadbalancer/net/*/*",
          "${local.elb_arn_prefix}:loadbalancer/app/*/*",
        ]
        Condition = {
          Null = {
            "aws:RequestTag/${local.cluster_tag}"  = "true"
            "aws:ResourceTag/${local.cluster_tag}" = "false"
          }
        }
      },
      {
        Sid    = "TagListenersAndRules"
        Effect = "Allow"
        Action = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"]
        Resource = [
          "${local.elb_arn_prefix}:listener/net/*/*/*",
          "${local.elb_arn_prefix}:listener/app/*/*/*",
          "${local.elb_arn_prefix}:listener-rule/net/*/*/*",
          "${local.elb_arn_prefix}:listener-rule/app/*/*/*",
        ]
      },
      {
        Sid    = "ChangeOwnLoadBalancers"
        Effect = "Allow"
        Action = [
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
        ]
        Resource  = "*"
        Condition = { Null = { "aws:ResourceTag/${local.cluster_tag}" = "false" } }
      },
      {
        Sid    = "TagLoadBalancersOnCreate"
        Effect = "Allow"
        Action = "elasticloadbalancing:AddTags"
        Resource = [
          "${local.elb_arn_prefix}:targetgroup/*/*",
          "${local.elb_arn_prefix}:loadbalancer/net/*/*",
          "${local.elb_arn_prefix}:loadbalancer/app/*/*",
        ]
        Condition = {
          StringEquals = { "elasticloadbalancing:CreateAction" = ["CreateTargetGroup", "CreateLoadBalancer"] }
          Null         = { "aws:RequestTag/${local.cluster_tag}" = "false" }
        }
      },
      {
        Sid      = "RegisterTargets"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
        Resource = "${local.elb_arn_prefix}:targetgroup/*/*"
      },
      {
        Sid    = "ConfigureListeners"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ]
        Resource = "*"
      },
    ]
  }
}
