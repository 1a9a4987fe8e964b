locals {
  environment  = "dev"
  cluster_name = "bkt-${local.environment}"

  # Two zones are the EKS minimum and keep dev's subnets and NAT traffic small.
  availability_zones = slice(sort(data.aws_availability_zones.available.names), 0, 2)

  sample_app_repository = "bkt-sample-app"

  tags = {
    Project     = "bkt-platform"
    Environment = local.environment
    ManagedBy   = "terraform/envs/${local.environment}"
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}
