data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Every controller gets one role bound to exactly one namespace/service account. The GitOps
  # tree creates the service accounts with these names and the role ARNs from cluster_vars.
  service_accounts = {
    "aws-load-balancer-controller" = {
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
      policy          = local.load_balancer_controller_policy
    }
    "external-dns" = {
      namespace       = "external-dns"
      service_account = "external-dns"
      policy          = local.external_dns_policy
    }
    "vault" = {
      namespace       = "vault"
      service_account = "vault"
      policy          = local.vault_policy
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.service_accounts

  name        = "${var.cluster_name}-${each.key}"
  description = "IRSA role of ${each.value.namespace}/${each.value.service_account} in ${var.cluster_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = var.oidc_provider_arn }
      Condition = {
        StringEquals = {
          "${var.oidc_issuer}:aud" = "sts.amazonaws.com"
          "${var.oidc_issuer}:sub" = "system:serviceaccount:${each.value.namespace}:${each.value.service_account}"
        }
      }
    }]
  })

  tags = var.tags
}

# Inline policies: the controller policy exceeds the 6,144-character limit of managed policies once
# conditions are added, while inline policies allow 10,240 per role.
resource "aws_iam_role_policy" "this" {
  for_each = local.service_accounts

  name   = each.key
  role   = aws_iam_role.this[each.key].id
  policy = jsonencode(each.value.policy)
}
