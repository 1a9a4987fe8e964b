# Vault's awskms seal: Vault comes back unsealed after a restart by asking this key.
resource "aws_kms_key" "vault" {
  description             = "${var.cluster_name} Vault auto-unseal"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersKey"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })

  tags = var.tags
}

resource "aws_kms_alias" "vault" {
  name          = "alias/${var.cluster_name}-vault-unseal"
  target_key_id = aws_kms_key.vault.key_id
}

locals {
  vault_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid      = "UseTheUnsealKeyOnly"
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
      Resource = aws_kms_key.vault.arn
    }]
  }
}
