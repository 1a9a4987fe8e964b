output "role_arns" {
  description = "IRSA role ARNs keyed by controller: aws-load-balancer-controller, external-dns, vault."
  value       = { for name, role in aws_iam_role.this : name => role.arn }
}

output "service_accounts" {
  description = "namespace/service-account each role is bound to, keyed by controller."
  value       = { for name, account in local.service_accounts : name => "${account.namespace}/${account.service_account}" }
}

output "vault_kms_key_id" {
  description = "ID of the KMS key for Vault's awskms auto-unseal."
  value       = aws_kms_key.vault.key_id
}

output "vault_kms_key_arn" {
  description = "ARN of the KMS key for Vault's awskms auto-unseal."
  value       = aws_kms_key.vault.arn
}

output "vault_init_secret_arn" {
  description = "ARN of the Secrets Manager secret that holds Vault's init output (recovery keys, root token)."
  value       = aws_secretsmanager_secret.vault_init.arn
}
