mock_provider "aws" {
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  roles = {
    "bkt-dev-github-ci" = {
      repository  = "example-org/bkt-platform"
      branch      = "main"
      workflow    = ".github/workflows/release.yml"
      policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"}]}"
    }
    "bkt-dev-github-apply" = {
      repository          = "example-org/bkt-platform"
      environment         = "dev"
      managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    }
  }
}

run "creates_the_github_oidc_provider_for_the_sts_audience" {
  command = plan

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "the provider must trust GitHub's token issuer for the sts.amazonaws.com audience"
  }
}

run "reuses_an_existing_provider_when_asked" {
  command = apply

  variables {
    create_provider = false
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && jsondecode(aws_iam_role.this["bkt-dev-github-ci"].assume_role_policy).Statement[0].Principal.Federated == data.aws_iam_openid_connect_provider.github[0].arn
    error_message = "with create_provider = false the roles must trust the existing provider"
  }
}

run "trust_requires_the_sts_audience" {
  command = apply

  assert {
    condition     = alltrue([for role in aws_iam_role.this : jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "every trust policy must require aud = sts.amazonaws.com"
  }
}

run "branch_role_trusts_exactly_one_repository_and_branch" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.this["bkt-dev-github-ci"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/bkt-platform:ref:refs/heads/main"
    error_message = "the CI role must trust only the main branch of the one repository"
  }
}

run "environment_role_trusts_exactly_one_repository_and_environment" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.this["bkt-dev-github-apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/bkt-platform:environment:dev"
    error_message = "the apply role must trust only the dev environment of the one repository"
  }
}

run "trust_uses_exact_matching_only" {
  command = apply

  assert {
    condition = alltrue([for role in aws_iam_role.this :
      keys(jsondecode(role.assume_role_policy).Statement[0].Condition) == ["StringEquals", "StringLike"] &&
      length(jsondecode(role.assume_role_policy).Statement) == 1 &&
      length(keys(jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals)) == 2 &&
      !strcontains(jsonencode(jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals), "*") &&
      keys(jsondecode(role.assume_role_policy).Statement[0].Condition.StringLike) == ["token.actions.githubusercontent.com:job_workflow_ref"]
    ])
    error_message = "trust policies must be one statement with exactly aud and sub under StringEquals without wildcard, and only job_workflow_ref under StringLike"
  }
  assert {
    condition     = alltrue([for role in aws_iam_role.this : jsondecode(role.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"])
    error_message = "GitHub roles may only be assumed with a web identity token"
  }
}

run "a_role_trusts_only_its_workflow_file" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.this["bkt-dev-github-ci"].assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:job_workflow_ref"] == "example-org/bkt-platform/.github/workflows/release.yml@*"
    error_message = "with workflow the trust must pin job_workflow_ref to that file of the repository (any ref: sub pins it)"
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["bkt-dev-github-apply"].assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:job_workflow_ref"] == "example-org/bkt-platform/*@*"
    error_message = "without workflow the trust keeps job_workflow_ref to the repository's own files"
  }
}

run "rejects_a_workflow_that_is_not_a_workflow_file" {
  command = plan

  variables {
    roles = { ci = { repository = "example-org/bkt-platform", branch = "main", workflow = ".github/workflows/*" } }
  }

  expect_failures = [var.roles]
}

run "permissions_are_attached_as_given" {
  command = plan

  assert {
    condition     = keys(aws_iam_role_policy.this) == ["bkt-dev-github-ci"] && keys(aws_iam_role_policy_attachment.this) == ["bkt-dev-github-apply/arn:aws:iam::aws:policy/ReadOnlyAccess"]
    error_message = "the inline policy and the managed policy must land on their own roles only"
  }
}

run "rejects_a_wildcard_after_the_repository_owner" {
  command = plan
  variables {
    roles = { ci = { repository = "example-org/*", branch = "main" } }
  }
  expect_failures = [var.roles]
}

run "rejects_a_role_without_branch_or_environment" {
  command = plan
  variables {
    roles = { ci = { repository = "example-org/bkt-platform" } }
  }
  expect_failures = [var.roles]
}

run "rejects_a_role_with_both_branch_and_environment" {
  command = plan
  variables {
    roles = { ci = { repository = "example-org/bkt-platform", branch = "main", environment = "dev" } }
  }
  expect_failures = [var.roles]
}

run "rejects_a_wildcard_branch" {
  command = plan
  variables {
    roles = { ci = { repository = "example-org/bkt-platform", branch = "*" } }
  }
  expect_failures = [var.roles]
}

run "rejects_an_invalid_role_name" {
  command = plan
  variables {
    roles = { "ci role" = { repository = "example-org/bkt-platform", branch = "main" } }
  }
  expect_failures = [var.roles]
}

run "rejects_a_policy_that_is_not_a_policy_document" {
  command = plan
  variables {
    roles = { ci = { repository = "example-org/bkt-platform", branch = "main", policy_json = "ecr:*" } }
  }
  expect_failures = [var.roles]
}
