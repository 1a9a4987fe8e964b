variable "region" {
  description = "AWS region of the state bucket (usually the platform's region)."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "name_prefix" {
  description = "Prefix of the state bucket name; the account ID is appended so the global name is unique."
  type        = string
  default     = "bkt-platform-tfstate"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,36}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 4-38 lowercase letters, digits or hyphens (the bucket name adds -<12-digit account id>)."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days old state versions are kept (they are the way back after a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 7
    error_message = "noncurrent_version_retention_days must be at least 7, so a bad apply can still be rolled back."
  }
}
