resource "aws_acm_certificate" "this" {
  domain_name               = var.domain
  subject_alternative_names = ["*.${var.domain}"]
  validation_method         = "DNS"

  tags = var.tags

  # Listeners keep using the old certificate until the replacement is issued.
  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # ACM gives the apex and its wildcard the same validation record, so the apex's record validates both.
  # Selecting it by the configured name keeps the record a singleton known at plan time.
  validation = one([for option in aws_acm_certificate.this.domain_validation_options : option if option.domain_name == var.domain])
}

resource "aws_route53_record" "validation" {
  zone_id         = local.zone_id
  name            = local.validation.resource_record_name
  type            = local.validation.resource_record_type
  records         = [local.validation.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [aws_route53_record.validation.fqdn]

  timeouts {
    create = var.validation_timeout
  }
}
