output "provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider."
  value       = local.provider_arn
}

output "role_arns" {
  description = "Role ARNs keyed by role name (set them as repository variables for the workflows)."
  value       = { for name, role in aws_iam_role.this : name => role.arn }
}

output "role_subjects" {
  description = "The sub claim each role trusts, keyed by role name."
  value       = local.subjects
}
