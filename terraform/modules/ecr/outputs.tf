output "repository_urls" {
  description = "Repository URLs (registry/name, no tag), keyed by repository name."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.repository_url }
}

output "repository_arns" {
  description = "Repository ARNs, keyed by repository name (scope for push permissions)."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.arn }
}

output "kms_key_arn" {
  description = "KMS key encrypting the images."
  value       = aws_kms_key.this.arn
}
