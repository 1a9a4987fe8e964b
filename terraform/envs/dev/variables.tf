variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "domain" {
  description = "Base domain of the environment (e.g. dev.example.com); UIs live at <service>.<domain>."
  type        = string
}

variable "create_dns_zone" {
  description = "true: create the Route 53 zone for domain and delegate to its name servers; false: use an existing public zone."
  type        = bool
  default     = true
}

variable "github_repository" {
  description = "This repository as owner/repo; GitHub Actions roles trust only it and Flux reports commit status to it."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/repo, e.g. example-org/bkt-platform."
  }
}

variable "github_branch" {
  description = "Branch whose pushes may push images with the CI role (release workflow)."
  type        = string
  default     = "main"
}

variable "admin_principal_arns" {
  description = "IAM roles/users that get cluster-admin through EKS access entries (e.g. your SSO admin role)."
  type        = list(string)
  default     = []
}

variable "api_public_access_cidrs" {
  description = "Networks allowed to reach the public Kubernetes API endpoint; empty keeps the endpoint private-only."
  type        = list(string)
  default     = []
}

variable "nodes" {
  description = "Sizing of the single dev node group. SPOT is cheaper but nodes can be reclaimed with two minutes' notice."
  type = object({
    instance_types = optional(list(string), ["t3.large", "t3a.large"])
    capacity_type  = optional(string, "SPOT")
    min_size       = optional(number, 2)
    desired_size   = optional(number, 2)
    max_size       = optional(number, 4)
  })
  default = {}
}
