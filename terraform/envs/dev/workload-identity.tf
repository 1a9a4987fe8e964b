module "workload_identity" {
  source = "../../modules/workload-identity"

  cluster_name      = local.cluster_name
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  hosted_zone_arn   = module.dns.zone_arn
}
