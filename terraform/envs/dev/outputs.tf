output "cluster_vars" {
  description = "The contract with the GitOps tree: written to ConfigMap flux-system/cluster-vars and substituted into every Flux Kustomization."
  value = {
    CLUSTER_NAME                          = module.eks.cluster_name
    ENVIRONMENT                           = local.environment
    AWS_REGION                            = var.region
    VPC_ID                                = module.network.vpc_id
    VPC_CIDR                              = module.network.vpc_cidr_block
    DOMAIN                                = var.domain
    HOSTED_ZONE_ID                        = module.dns.zone_id
    CERTIFICATE_ARN                       = module.dns.certificate_arn
    AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN = module.workload_identity.role_arns["aws-load-balancer-controller"]
    EXTERNAL_DNS_ROLE_ARN                 = module.workload_identity.role_arns["external-dns"]
    VAULT_ROLE_ARN                        = module.workload_identity.role_arns["vault"]
    VAULT_KMS_KEY_ID                      = module.workload_identity.vault_kms_key_id
    VAULT_INIT_SECRET_ARN                 = module.workload_identity.vault_init_secret_arn
    SAMPLE_APP_IMAGE_REPOSITORY           = module.ecr.repository_urls[local.sample_app_repository]
    GITHUB_REPOSITORY                     = var.github_repository
  }
}

output "configure_kubectl" {
  description = "Command that writes a kubeconfig entry for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "name_servers" {
  description = "Delegate the domain to these name servers at its parent; ACM validation waits for it."
  value       = module.dns.name_servers
}

output "github_role_arns" {
  description = "GitHub Actions role ARNs by name; set AWS_CI_ROLE_ARN, AWS_PLAN_ROLE_ARN, AWS_APPLY_ROLE_ARN from them."
  value       = module.github_oidc.role_arns
}
