variable "cluster_name" {
  description = "EKS cluster name; prefixes the role and key names."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,40}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and contain only letters, digits and hyphens (max 41, so role names stay under 64)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (eks module output oidc_provider_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN like arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC."
  }
}

variable "oidc_issuer" {
  description = "Cluster OIDC issuer without https:// (eks module output oidc_issuer); prefix of the trust condition keys."
  type        = string

  validation {
    condition     = !startswith(var.oidc_issuer, "https://") && length(var.oidc_issuer) > 0
    error_message = "oidc_issuer must be the issuer host and path without the https:// scheme, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC."
  }
}

variable "hosted_zone_arn" {
  description = "ARN of the platform's Route 53 zone; external-dns may change records in this zone only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:route53:::hostedzone/[A-Z0-9]+$", var.hosted_zone_arn))
    error_message = "hosted_zone_arn must be a Route 53 zone ARN like arn:aws:route53:::hostedzone/Z0123456789ABC."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
