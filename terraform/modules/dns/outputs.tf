output "zone_id" {
  description = "ID of the public Route 53 zone."
  value       = local.zone_id
}

output "zone_arn" {
  description = "ARN of the public Route 53 zone (scope for external-dns)."
  value       = var.create_zone ? aws_route53_zone.this[0].arn : data.aws_route53_zone.existing[0].arn
}

output "name_servers" {
  description = "Name servers to delegate the domain to from its parent zone or registrar."
  value       = local.name_servers
}

output "certificate_arn" {
  description = "ARN of the issued ACM certificate for the domain and its wildcard (known only once validated)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}
