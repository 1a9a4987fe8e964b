variable "cluster_name" {
  description = "Name of the EKS cluster (e.g. bkt-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and contain only letters, digits and hyphens (max 100)."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane. Only versions in EKS standard support are allowed; extended support costs six times more."
  type        = string
  default     = "1.34"

  validation {
    condition     = contains(["1.33", "1.34", "1.35"], var.kubernetes_version)
    error_message = "kubernetes_version must be one of 1.33, 1.34, 1.35 (versions this platform is tested with in EKS standard support)."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the control-plane ENIs and the nodes (at least two zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two private subnets in different zones; EKS rejects a single zone."
  }
}

variable "endpoint" {
  description = <<-EOT
    API server endpoint access. The private endpoint is always on. The public endpoint is off unless
    public_access_cidrs lists the networks allowed to reach it; 0.0.0.0/0 additionally needs
    allow_public_from_anywhere = true.
  EOT
  type = object({
    public_access_cidrs        = optional(list(string), [])
    allow_public_from_anywhere = optional(bool, false)
  })
  default = {}

  validation {
    condition     = alltrue([for cidr in var.endpoint.public_access_cidrs : can(cidrhost(cidr, 0))])
    error_message = "endpoint.public_access_cidrs must contain IPv4 CIDRs such as 203.0.113.0/24."
  }
  validation {
    condition     = var.endpoint.allow_public_from_anywhere || !contains(var.endpoint.public_access_cidrs, "0.0.0.0/0")
    error_message = "endpoint.public_access_cidrs contains 0.0.0.0/0, which opens the API server to the internet; list your own networks or set endpoint.allow_public_from_anywhere = true deliberately."
  }
}

variable "admin_principal_arns" {
  description = "IAM role/user ARNs given cluster-admin through EKS access entries (the cluster creator gets no implicit access)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "admin_principal_arns must be IAM role or user ARNs like arn:aws:iam::123456789012:role/platform-admin."
  }
}

variable "control_plane_log_types" {
  description = "Control-plane log types sent to CloudWatch; api, audit and authenticator are always required."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]

  validation {
    condition     = length(setsubtract(["api", "audit", "authenticator"], var.control_plane_log_types)) == 0 && length(setsubtract(var.control_plane_log_types, ["api", "audit", "authenticator", "controllerManager", "scheduler"])) == 0
    error_message = "control_plane_log_types must include api, audit and authenticator, and may add only controllerManager and scheduler."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the control-plane logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value such as 7, 14, 30, 90 or 365."
  }
}

variable "node_groups" {
  description = "Managed node groups keyed by a stable name. capacity_type is ON_DEMAND or SPOT (SPOT is cheaper and can be reclaimed)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = optional(number, 1)
    max_size       = optional(number, 3)
    desired_size   = optional(number, 2)
    disk_size_gib  = optional(number, 50)
  }))

  validation {
    condition     = length(var.node_groups) > 0
    error_message = "node_groups must define at least one node group."
  }
  validation {
    condition     = alltrue([for group in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], group.capacity_type)])
    error_message = "node_groups[*].capacity_type must be ON_DEMAND or SPOT."
  }
  validation {
    condition     = alltrue([for group in values(var.node_groups) : group.min_size >= 0 && group.min_size <= group.desired_size && group.desired_size <= group.max_size && group.max_size >= 1])
    error_message = "node_groups[*] sizes must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }
  validation {
    condition     = alltrue([for group in values(var.node_groups) : length(group.instance_types) > 0 && group.disk_size_gib >= 20])
    error_message = "node_groups[*] need at least one instance type and a root volume of at least 20 GiB."
  }
  validation {
    condition     = alltrue([for name in keys(var.node_groups) : can(regex("^[a-z][a-z0-9-]{0,30}$", name))])
    error_message = "node_groups keys must be lowercase names like \"default\" or \"spot\" (letters, digits, hyphens; max 31)."
  }
}

variable "addon_versions" {
  description = "Pinned EKS add-on versions (check with `aws eks describe-addon-versions --kubernetes-version <v>`). Keys: vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver."
  type        = map(string)
  default = {
    "vpc-cni"            = "v1.20.4-eksbuild.1"
    "coredns"            = "v1.12.4-eksbuild.1"
    "kube-proxy"         = "v1.34.0-eksbuild.5"
    "aws-ebs-csi-driver" = "v1.50.1-eksbuild.1"
  }

  validation {
    condition     = toset(keys(var.addon_versions)) == toset(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"])
    error_message = "addon_versions must pin exactly vpc-cni, coredns, kube-proxy and aws-ebs-csi-driver."
  }
  validation {
    condition     = alltrue([for version in values(var.addon_versions) : can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", version))])
    error_message = "addon_versions values must be exact add-on versions like v1.20.4-eksbuild.1 (no \"latest\")."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
