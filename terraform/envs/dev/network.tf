module "network" {
  source = "../../modules/network"

  name               = local.cluster_name
  cluster_name       = local.cluster_name
  availability_zones = local.availability_zones
  # One NAT gateway (~$32/month plus traffic) instead of one per zone: dev tolerates a zone outage.
  nat_gateway_mode = "single"
}
