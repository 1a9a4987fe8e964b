variable "name" {
  description = "Name prefix of every network resource, usually the cluster name (e.g. bkt-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter (e.g. bkt-dev)."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC; a /16 to /20 leaves room for the /4-smaller subnets carved from it."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 20, false)
    error_message = "cidr_block must be an IPv4 CIDR with a prefix between /16 and /20 (e.g. 10.0.0.0/16)."
  }
}

variable "availability_zones" {
  description = "Availability zones to spread subnets over (2 or 3 distinct zones of the provider's region)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list 2 or 3 distinct zones (e.g. [\"eu-west-1a\", \"eu-west-1b\"])."
  }
}

variable "nat_gateway_mode" {
  description = "\"single\": one NAT gateway shared by all zones (cheap, for dev); \"per_az\": one per zone (survives a zone outage)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"single\" or \"per_az\"."
  }
}

variable "cluster_name" {
  description = "EKS cluster that will use the subnets; tags them kubernetes.io/cluster/<name>=shared for load balancer discovery."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and contain only letters, digits and hyphens (max 100)."
  }
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch keeps VPC flow logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
