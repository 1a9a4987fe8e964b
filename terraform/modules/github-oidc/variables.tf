variable "create_provider" {
  description = "true: create the account's GitHub Actions OIDC provider; false: use the one that already exists (an account can hold only one per URL)."
  type        = bool
  default     = true
}

variable "roles" {
  description = <<-EOT
    IAM roles GitHub Actions may assume, keyed by role name. Each is trusted from exactly one repository
    (owner/repo) and exactly one branch or one GitHub environment. Permissions come from policy_json
    (an inline policy document) and/or managed_policy_arns.
  EOT
  type = map(object({
    repository          = string
    branch              = optional(string)
    environment         = optional(string)
    policy_json         = optional(string)
    managed_policy_arns = optional(list(string), [])
  }))

  validation {
    condition     = alltrue([for name in keys(var.roles) : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", name))])
    error_message = "roles keys are IAM role names: 1-64 characters of letters, digits and +=,.@_-."
  }
  validation {
    condition     = alltrue([for role in values(var.roles) : can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", role.repository))])
    error_message = "roles[*].repository must be exactly one repository as owner/repo, without wildcards (e.g. example-org/bkt-platform)."
  }
  validation {
    condition     = alltrue([for role in values(var.roles) : (role.branch == null) != (role.environment == null)])
    error_message = "each role needs exactly one of branch or environment: it becomes the token's sub claim, and a role without one would trust every workflow run of the repository."
  }
  validation {
    condition     = alltrue([for role in values(var.roles) : can(regex("^[A-Za-z0-9._/-]+$", coalesce(role.branch, role.environment, "-"))) && !startswith(coalesce(role.branch, role.environment, "-"), "refs/")])
    error_message = "roles[*].branch/environment must be one literal name such as main or dev: no wildcards (* ?), no refs/ prefix."
  }
  validation {
    condition     = alltrue([for role in values(var.roles) : role.policy_json == null || can(jsondecode(role.policy_json).Statement)])
    error_message = "roles[*].policy_json must be a JSON IAM policy document with a Statement."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
