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

# Where the in-cluster bootstrap Job keeps what `vault operator init` returns (recovery keys and
# the initial root token), so that no person has to run the init or carry the keys. Encrypted with
# the unseal key; only the Vault role and account administrators can read it.
resource "aws_secretsmanager_secret" "vault_init" {
  name        = "${var.cluster_name}/vault/init"
  description = "Vault recovery keys and root token, written once by the vault-bootstrap Job."
  kms_key_id  = aws_kms_key.vault.arn
  # Destroy removes it at once, so the next apply of the same environment can recreate the name.
  recovery_window_in_days = 0

  tags = var.tags
}

locals {
  vault_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "UseTheUnsealKeyOnly"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource = aws_kms_key.vault.arn
      },
      {
        Sid      = "KeepTheInitOutput"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"]
        Resource = aws_secretsmanager_secret.vault_init.arn
      },
    ]
  }
}
