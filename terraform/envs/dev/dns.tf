module "dns" {
  source = "../../modules/dns"

  domain      = var.domain
  create_zone = var.create_dns_zone
}
