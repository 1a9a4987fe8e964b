mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111", key_id = "11111111-1111-1111-1111-111111111111" }
  }
}

variables {
  cluster_name      = "bkt-test"
  oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  oidc_issuer       = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  hosted_zone_arn   = "arn:aws:route53:::hostedzone/Z0PLATFORM"
}

run "each_role_is_bound_to_exactly_one_service_account" {
  command = plan

  assert {
    condition = {
      for name, role in aws_iam_role.this : name => jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"]
      } == {
      "aws-load-balancer-controller" = "system:serviceaccount:kube-system:aws-load-balancer-controller"
      "external-dns"                 = "system:serviceaccount:external-dns:external-dns"
      "vault"                        = "system:serviceaccount:vault:vault"
      "vault-bootstrap"              = "system:serviceaccount:vault:vault-bootstrap"
    }
    error_message = "each role must trust exactly its own namespace/service account"
  }
}

run "roles_trust_the_cluster_oidc_provider_for_the_sts_audience_only" {
  command = plan

  assert {
    condition = alltrue([for role in aws_iam_role.this :
      jsondecode(role.assume_role_policy).Statement[0].Principal.Federated == var.oidc_provider_arn &&
      jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud"] == "sts.amazonaws.com" &&
      keys(jsondecode(role.assume_role_policy).Statement[0].Condition) == ["StringEquals"]
    ])
    error_message = "roles must trust the cluster's OIDC provider with exact aud and sub matches"
  }
}

run "external_dns_changes_records_only_in_the_platform_zone" {
  command = plan

  assert {
    condition = alltrue([for statement in jsondecode(aws_iam_role_policy.this["external-dns"].policy).Statement :
    statement.Resource == "arn:aws:route53:::hostedzone/Z0PLATFORM" if contains(flatten([statement.Action]), "route53:ChangeResourceRecordSets")])
    error_message = "external-dns may change records only in the platform zone"
  }
  assert {
    condition     = length([for statement in jsondecode(aws_iam_role_policy.this["external-dns"].policy).Statement : statement if contains(flatten([statement.Action]), "route53:ChangeResourceRecordSets")]) == 1
    error_message = "exactly one statement may grant record changes"
  }
}

run "vault_may_only_use_its_own_rotated_unseal_key_and_only_the_bootstrap_its_init_secret" {
  command = apply

  assert {
    condition = jsondecode(aws_iam_role_policy.this["vault"].policy).Statement == [
      {
        Sid      = "UseTheUnsealKeyOnly"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource = aws_kms_key.vault.arn
      },
    ]
    error_message = "the Vault server must get only its unseal key: the init secret is the bootstrap Jobs' business"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.this["vault-bootstrap"].policy).Statement == [
      {
        Sid      = "KeepTheInitOutput"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"]
        Resource = aws_secretsmanager_secret.vault_init.arn
      },
      {
        Sid       = "UseTheUnsealKeyThroughSecretsManagerOnly"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = aws_kms_key.vault.arn
        Condition = { StringLike = { "kms:ViaService" = "secretsmanager.*.amazonaws.com" } }
      },
    ]
    error_message = "the Vault bootstrap Jobs must get only the init secret, and the unseal key only as Secrets Manager uses it for that secret"
  }
  assert {
    condition     = aws_secretsmanager_secret.vault_init.kms_key_id == aws_kms_key.vault.arn
    error_message = "the init secret (recovery keys, root token) must be encrypted with Vault's own key, not the AWS-managed default"
  }
  assert {
    condition     = aws_kms_key.vault.enable_key_rotation
    error_message = "the unseal key must rotate"
  }
}

run "load_balancer_controller_mutations_are_limited_to_its_tagged_resources" {
  command = plan

  assert {
    condition = alltrue([for statement in jsondecode(aws_iam_role_policy.this["aws-load-balancer-controller"].policy).Statement :
      can(statement.Condition.Null["aws:ResourceTag/elbv2.k8s.aws/cluster"]) || can(statement.Condition.Null["aws:RequestTag/elbv2.k8s.aws/cluster"])
      if anytrue([for action in flatten([statement.Action]) : contains(["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:CreateLoadBalancer", "ec2:DeleteSecurityGroup"], action)])
    ])
    error_message = "load balancer creation/deletion and security group deletion must depend on the controller's cluster tag"
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.this["aws-load-balancer-controller"].policy, "\"*:*\"") && !strcontains(aws_iam_role_policy.this["aws-load-balancer-controller"].policy, "\"elasticloadbalancing:*\"")
    error_message = "the controller policy must list actions, not service wildcards"
  }
}

run "rejects_a_cluster_name_that_makes_role_names_too_long" {
  command = plan
  variables {
    cluster_name = "a-cluster-name-that-is-far-too-long-for-iam-roles"
  }
  expect_failures = [var.cluster_name]
}

run "rejects_an_oidc_provider_arn_of_another_kind" {
  command = plan
  variables {
    oidc_provider_arn = "arn:aws:iam::123456789012:role/not-a-provider"
  }
  expect_failures = [var.oidc_provider_arn]
}

run "rejects_an_issuer_with_scheme" {
  command = plan
  variables {
    oidc_issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
  }
  expect_failures = [var.oidc_issuer]
}

run "rejects_a_zone_id_instead_of_a_zone_arn" {
  command = plan
  variables {
    hosted_zone_arn = "Z0PLATFORM"
  }
  expect_failures = [var.hosted_zone_arn]
}
