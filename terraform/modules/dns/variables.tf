variable "domain" {
  description = "Base domain of the platform (e.g. dev.example.com); services live at <service>.<domain>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name with at least two labels and no trailing dot, e.g. dev.example.com."
  }
}

variable "create_zone" {
  description = "true: create a public Route 53 zone for domain (delegate it from the parent afterwards); false: look up the existing public zone."
  type        = bool
  default     = true
}

variable "validation_timeout" {
  description = "How long to wait for ACM to issue the certificate. It stays PENDING_VALIDATION until the parent domain delegates to the zone's name servers."
  type        = string
  default     = "45m"

  validation {
    condition     = can(regex("^[0-9]+(m|h)$", var.validation_timeout))
    error_message = "validation_timeout must be a duration in minutes or hours such as 45m or 1h."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
