locals {
  issuer_host = "token.actions.githubusercontent.com"

  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # The sub claim names one repository and one branch or environment; a StringEquals (never
  # StringLike) match keeps pull requests, other branches and other repositories out.
  subjects = {
    for name, role in var.roles : name => (
      role.branch != null
      ? "repo:${role.repository}:ref:refs/heads/${role.branch}"
      : "repo:${role.repository}:environment:${role.environment}"
    )
  }

  managed_policy_attachments = merge([
    for name, role in var.roles : { for arn in role.managed_policy_arns : "${name}/${arn}" => { role = name, policy_arn = arn } }
  ]...)
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 1 : 0

  url            = "https://${local.issuer_host}"
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 0 : 1

  url = "https://${local.issuer_host}"
}

resource "aws_iam_role" "this" {
  for_each = var.roles

  name                 = each.key
  description          = "GitHub Actions: ${local.subjects[each.key]}"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.provider_arn }
      Condition = {
        StringEquals = {
          "${local.issuer_host}:aud" = "sts.amazonaws.com"
          "${local.issuer_host}:sub" = local.subjects[each.key]
        }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = { for name, role in var.roles : name => role if role.policy_json != null }

  name   = "${each.key}-permissions"
  role   = aws_iam_role.this[each.key].id
  policy = each.value.policy_json
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = local.managed_policy_attachments

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = each.value.policy_arn
}
