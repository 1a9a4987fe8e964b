module "eks" {
  source = "../../modules/eks"

  cluster_name         = local.cluster_name
  subnet_ids           = module.network.private_subnet_ids
  admin_principal_arns = var.admin_principal_arns
  endpoint             = { public_access_cidrs = var.api_public_access_cidrs }

  node_groups = {
    default = {
      instance_types = var.nodes.instance_types
      capacity_type  = var.nodes.capacity_type
      min_size       = var.nodes.min_size
      desired_size   = var.nodes.desired_size
      max_size       = var.nodes.max_size
    }
  }
}
