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

output "role_policies" {
  description = "Inline policy document of each role (null when it has none), keyed by role name."
  value       = { for name, role in var.roles : name => role.policy_json }
}

output "role_managed_policies" {
  description = "Managed policy ARNs attached to each role, keyed by role name."
  value       = { for name, role in var.roles : name => role.managed_policy_arns }
}
