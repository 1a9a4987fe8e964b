# The arguments of the hashicorp/aws kinds the Atlas root writes, at the version the root pins
# (the one terraform/envs/dev pins). Facts only; layout as in mongodbatlas-2.16.0.hcl. Read from
# the documentation and confirmed with `terraform providers schema -json` against the 5.100.0
# provider in this machine's filesystem mirror.

provider "aws" {
  source      = "hashicorp/aws"
  version     = "5.100.0"
  docs        = "https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs"
  docs_source = "https://github.com/hashicorp/terraform-provider-aws/tree/v5.100.0/website/docs"

  optional = [
    "access_key",
    "allowed_account_ids",
    "custom_ca_bundle",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "forbidden_account_ids",
    "http_proxy",
    "https_proxy",
    "insecure",
    "max_retries",
    "no_proxy",
    "profile",
    "region",
    "retry_mode",
    "s3_us_east_1_regional_endpoint",
    "s3_use_path_style",
    "secret_key",
    "shared_config_files",
    "shared_credentials_files",
    "skip_credentials_validation",
    "skip_metadata_api_check",
    "skip_region_validation",
    "skip_requesting_account_id",
    "sts_region",
    "token",
    "token_bucket_rate_limiter_capacity",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
  ]

  block "default_tags" {
    optional = ["tags"]
  }

  block "assume_role" {}
  block "assume_role_with_web_identity" {}
  block "endpoints" {}
  block "ignore_tags" {}
}

resource "aws_secretsmanager_secret_version" {
  doc      = "https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/secretsmanager_secret_version"
  required = ["secret_id"]
  optional = [
    "secret_binary",
    "secret_string",
    "secret_string_wo",
    "secret_string_wo_version",
    "version_stages",
  ]
}
