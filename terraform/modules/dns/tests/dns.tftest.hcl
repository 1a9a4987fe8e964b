mock_provider "aws" {
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
      # ACM returns the same validation record for the apex and its wildcard.
      domain_validation_options = [
        { domain_name = "dev.example.com", resource_record_name = "_x1.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y1.acm-validations.aws." },
        { domain_name = "*.dev.example.com", resource_record_name = "_x1.dev.example.com.", resource_record_type = "CNAME", resource_record_value = "_y1.acm-validations.aws." },
      ]
    }
  }
  mock_resource "aws_route53_zone" {
    defaults = { zone_id = "Z0CREATED", arn = "arn:aws:route53:::hostedzone/Z0CREATED" }
  }
  mock_data "aws_route53_zone" {
    defaults = { zone_id = "Z0EXISTING", arn = "arn:aws:route53:::hostedzone/Z0EXISTING", name_servers = ["ns-1.awsdns-00.org"] }
  }
}

variables {
  domain = "dev.example.com"
}

run "creates_a_public_zone_by_default" {
  command = plan

  assert {
    condition     = length(aws_route53_zone.this) == 1 && aws_route53_zone.this[0].name == "dev.example.com" && length(aws_route53_zone.this[0].vpc) == 0
    error_message = "a public zone for the domain must be created"
  }
  assert {
    condition     = length(data.aws_route53_zone.existing) == 0
    error_message = "no lookup must happen when the zone is created"
  }
}

run "uses_the_existing_zone_when_asked_not_to_create_one" {
  command = apply

  variables {
    create_zone = false
  }

  assert {
    condition     = length(aws_route53_zone.this) == 0 && data.aws_route53_zone.existing[0].private_zone == false
    error_message = "the existing public zone must be looked up instead of creating one"
  }
  assert {
    condition     = output.zone_id == "Z0EXISTING" && aws_route53_record.validation.zone_id == "Z0EXISTING"
    error_message = "validation records must go into the existing zone"
  }
}

run "certificate_covers_the_domain_and_its_wildcard_with_dns_validation" {
  command = plan

  assert {
    condition     = aws_acm_certificate.this.domain_name == "dev.example.com" && aws_acm_certificate.this.subject_alternative_names == toset(["*.dev.example.com"])
    error_message = "the certificate must cover the domain and *.domain"
  }
  assert {
    condition     = aws_acm_certificate.this.validation_method == "DNS"
    error_message = "the certificate must be DNS-validated"
  }
}

run "writes_the_shared_validation_record_into_the_zone" {
  command = apply

  assert {
    condition     = aws_route53_record.validation.name == "_x1.dev.example.com." && aws_route53_record.validation.zone_id == "Z0CREATED"
    error_message = "the shared validation record must be written once, into the created zone"
  }
  assert {
    condition     = aws_route53_record.validation.records == toset(["_y1.acm-validations.aws."])
    error_message = "the record must carry ACM's validation value"
  }
}

run "waits_for_issuance_with_a_bounded_timeout" {
  command = apply

  variables {
    validation_timeout = "20m"
  }

  assert {
    condition     = aws_acm_certificate_validation.this.certificate_arn == aws_acm_certificate.this.arn && length(aws_acm_certificate_validation.this.validation_record_fqdns) == 1
    error_message = "the validation wait must watch the certificate and its record"
  }
  assert {
    condition     = aws_acm_certificate_validation.this.timeouts.create == "20m"
    error_message = "the wait must be bounded by validation_timeout"
  }
}

run "rejects_a_domain_with_a_trailing_dot" {
  command = plan
  variables {
    domain = "dev.example.com."
  }
  expect_failures = [var.domain]
}

run "rejects_a_malformed_validation_timeout" {
  command = plan
  variables {
    validation_timeout = "forever"
  }
  expect_failures = [var.validation_timeout]
}

run "delegates_from_the_parent_zone_in_this_account" {
  command = apply

  variables {
    parent_zone_id = "Z0PARENT"
  }

  assert {
    condition     = length(aws_route53_record.delegation) == 1 && aws_route53_record.delegation[0].zone_id == "Z0PARENT" && aws_route53_record.delegation[0].name == "dev.example.com" && aws_route53_record.delegation[0].type == "NS"
    error_message = "with parent_zone_id the module must write the domain's NS record into the parent zone"
  }
  assert {
    condition     = aws_route53_record.delegation[0].records == toset(aws_route53_zone.this[0].name_servers)
    error_message = "the delegation must point at the created zone's name servers"
  }
  assert {
    condition     = output.delegation_step == null
    error_message = "no manual step is left when the module delegates"
  }
}

run "names_the_manual_delegation_when_the_parent_is_elsewhere" {
  command = apply

  assert {
    condition     = length(aws_route53_record.delegation) == 0 && strcontains(output.delegation_step, "dev.example.com NS ")
    error_message = "without parent_zone_id the module writes no delegation and names the record to create by hand"
  }
}

run "no_delegation_for_an_existing_zone" {
  command = plan

  variables {
    create_zone    = false
    parent_zone_id = "Z0PARENT"
  }

  assert {
    condition     = length(aws_route53_record.delegation) == 0
    error_message = "an existing zone is already delegated: the module must not write an NS record"
  }
}

run "rejects_a_parent_zone_id_that_is_not_one" {
  command = plan

  variables {
    parent_zone_id = "example.com"
  }

  expect_failures = [var.parent_zone_id]
}
