locals {
  environment  = "dev"
  cluster_name = "bkt-${local.environment}"

  # Two fixed zones: the EKS minimum, enough for dev, and they never move when AWS adds a zone.
  availability_zones = ["${var.region}a", "${var.region}b"]

  sample_app_repository = "bkt-sample-app"

  tags = {
    Project     = "bkt-platform"
    Environment = local.environment
    ManagedBy   = "terraform/envs/${local.environment}"
  }
}
