variable "repositories" {
  description = "ECR repositories keyed by name. keep_tagged_images: how many tagged images to keep; untagged_expiry_days: when untagged images (old build layers) expire."
  type = map(object({
    keep_tagged_images   = optional(number, 50)
    untagged_expiry_days = optional(number, 7)
  }))

  validation {
    condition     = length(var.repositories) > 0
    error_message = "repositories must define at least one repository."
  }
  validation {
    condition     = alltrue([for name in keys(var.repositories) : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", name)) && length(name) >= 2 && length(name) <= 256])
    error_message = "repository names must be 2-256 lowercase characters, digits and . _ - / separators (e.g. bkt-sample-app)."
  }
  validation {
    condition     = alltrue([for repository in values(var.repositories) : repository.keep_tagged_images >= 1 && repository.untagged_expiry_days >= 1])
    error_message = "keep_tagged_images and untagged_expiry_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
