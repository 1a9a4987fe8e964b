# Plans the whole dev composition with a mock provider; the real apply runs in make tf-emulator.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000", key_id = "00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }] }]
      certificate_authority = [{ data = "Q0E=" }]
    }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_route53_zone" {
    defaults = { zone_id = "Z0DEV", arn = "arn:aws:route53:::hostedzone/Z0DEV" }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn                       = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
      domain_validation_options = [{ domain_name = "dev.example.com", resource_record_name = "_x.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." }]
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/vault/init-AbCdEf" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:eu-west-1:123456789012:repository/bkt-sample-app", repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app" }
  }
}

# The Atlas secret, its key and its reader role get ARNs of their own, so that a policy naming
# another secret or key (the mock's shared defaults) fails.
override_resource {
  target = aws_secretsmanager_secret.sample_app_mongodb
  values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/sample-app/mongodb-XyZ123" }
}
override_resource {
  target = aws_kms_key.sample_app_mongodb
  values = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111", key_id = "11111111-1111-1111-1111-111111111111" }
}
override_resource {
  target = aws_iam_role.sample_app_mongodb_reader
  values = { arn = "arn:aws:iam::123456789012:role/bkt-dev-sample-app-mongodb" }
}

variables {
  domain            = "dev.example.com"
  github_repository = "example-org/bkt-platform"
}

run "cluster_vars_carries_exactly_the_gitops_contract_keys" {
  command = apply

  assert {
    condition = toset(keys(output.cluster_vars)) == toset([
      "CLUSTER_NAME", "ENVIRONMENT", "AWS_REGION", "VPC_ID", "VPC_CIDR", "DOMAIN", "HOSTED_ZONE_ID", "CERTIFICATE_ARN",
      "AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN", "EXTERNAL_DNS_ROLE_ARN", "VAULT_ROLE_ARN", "VAULT_BOOTSTRAP_ROLE_ARN", "VAULT_KMS_KEY_ID",
      "VAULT_INIT_SECRET_ARN", "SAMPLE_APP_MONGODB_ROLE_ARN", "SAMPLE_APP_MONGODB_SECRET_ARN", "SAMPLE_APP_IMAGE_REPOSITORY", "GITHUB_REPOSITORY", "LOG_RETENTION_DAYS",
      "ALB_PUBLIC_SECURITY_GROUP_ID", "ALB_ADMIN_SECURITY_GROUP_ID",
    ])
    error_message = "cluster_vars must hold exactly the keys the GitOps tree substitutes"
  }
  assert {
    condition     = alltrue([for value in values(output.cluster_vars) : length(value) > 0])
    error_message = "every cluster_vars value must be set"
  }
}

run "external_secrets_may_read_the_atlas_connection_and_nothing_else" {
  command = apply

  assert {
    condition = jsondecode(aws_iam_role.sample_app_mongodb_reader.assume_role_policy).Statement[0].Condition.StringEquals == {
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud" = "sts.amazonaws.com"
      "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub" = "system:serviceaccount:sample-app:sample-app-atlas"
    }
    error_message = "only the service account sample-app/sample-app-atlas (the overlay's SecretStore) may assume the reader role"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.sample_app_mongodb_reader.policy).Statement == [
      {
        Sid      = "ReadTheAtlasConnectionOnly"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/sample-app/mongodb-XyZ123"
      },
      {
        Sid       = "DecryptItThroughSecretsManagerOnly"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
        Condition = { StringLike = { "kms:ViaService" = "secretsmanager.*.amazonaws.com" } }
      },
    ]
    error_message = "the reader may get the Atlas secret's value and decrypt its key through Secrets Manager, nothing else"
  }
  assert {
    condition = (output.cluster_vars["SAMPLE_APP_MONGODB_ROLE_ARN"] == "arn:aws:iam::123456789012:role/bkt-dev-sample-app-mongodb"
    && output.cluster_vars["SAMPLE_APP_MONGODB_SECRET_ARN"] == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/sample-app/mongodb-XyZ123")
    error_message = "cluster_vars hands the GitOps tree the reader role and the Atlas secret"
  }
}

run "github_roles_have_the_names_and_subjects_the_workflows_use" {
  command = plan

  assert {
    condition = module.github_oidc.role_subjects == {
      "bkt-dev-github-ci"    = "repo:example-org/bkt-platform:ref:refs/heads/main"
      "bkt-dev-github-plan"  = "repo:example-org/bkt-platform:environment:dev-plan"
      "bkt-dev-github-apply" = "repo:example-org/bkt-platform:environment:dev"
    }
    error_message = "CI trusts main, plan trusts environment dev-plan, apply trusts only environment dev"
  }
}

run "ci_role_may_push_only_to_the_sample_app_repository" {
  command = apply

  assert {
    condition = alltrue([for statement in jsondecode(module.github_oidc.role_policies["bkt-dev-github-ci"]).Statement :
      statement.Resource == "*" ? statement.Action == "ecr:GetAuthorizationToken" : statement.Resource == ["arn:aws:ecr:eu-west-1:123456789012:repository/bkt-sample-app"]
    ])
    error_message = "the CI role may log in to ECR and push to bkt-sample-app, nothing else"
  }
}

run "plan_role_is_read_only_and_never_reads_secrets" {
  command = plan

  assert {
    condition     = module.github_oidc.role_managed_policies["bkt-dev-github-plan"] == tolist(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    error_message = "the plan role gets ReadOnlyAccess"
  }
  assert {
    condition = alltrue([for statement in jsondecode(module.github_oidc.role_policies["bkt-dev-github-plan"]).Statement : statement.Effect == "Deny"]) && anytrue([
      for statement in jsondecode(module.github_oidc.role_policies["bkt-dev-github-plan"]).Statement :
      statement.Action == "s3:GetObject" && statement.Resource == "arn:aws:s3:::*/atlas/*"
      ]) && anytrue([
      for statement in jsondecode(module.github_oidc.role_policies["bkt-dev-github-plan"]).Statement :
      statement.Action == "secretsmanager:GetSecretValue" && statement.Resource == "*"
    ])
    error_message = "the plan role's inline policy only denies: the Atlas root's state (the database password) and every secret value"
  }
}

run "apply_role_manages_the_roots_services_only" {
  command = plan

  assert {
    condition     = length(module.github_oidc.role_managed_policies["bkt-dev-github-apply"]) == 0
    error_message = "the apply role gets no managed policy (no AdministratorAccess)"
  }
  assert {
    condition = alltrue([for statement in jsondecode(module.github_oidc.role_policies["bkt-dev-github-apply"]).Statement :
      statement.Effect == "Allow" && alltrue([for action in statement.Action : contains(["acm", "ec2", "ecr", "eks", "iam", "kms", "logs", "route53", "s3", "secretsmanager"], split(":", action)[0])])
    ])
    error_message = "the apply role may manage the services the environment root creates, and no other"
  }
}

run "dev_uses_the_cheap_defaults" {
  command = plan

  assert {
    condition     = length(module.network.nat_gateway_ids) == 1
    error_message = "dev must run a single NAT gateway"
  }
}

run "the_sample_app_repository_is_named_for_the_workflows" {
  command = apply

  assert {
    condition     = endswith(output.cluster_vars.SAMPLE_APP_IMAGE_REPOSITORY, "/bkt-sample-app")
    error_message = "the sample app image repository must be bkt-sample-app (ECR_REPOSITORY of the workflows)"
  }
}

run "rejects_an_invalid_region" {
  command = plan
  variables {
    region = "eu_west_1"
  }
  expect_failures = [var.region]
}

run "rejects_a_github_repository_with_a_wildcard" {
  command = plan
  variables {
    github_repository = "example-org/*"
  }
  expect_failures = [var.github_repository]
}

