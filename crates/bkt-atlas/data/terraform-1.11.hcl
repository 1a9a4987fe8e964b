# What Terraform itself documents for the parts of the Atlas root that no provider owns: the
# built-in terraform_remote_state data source and the s3 backend, for Terraform 1.11 (the root's
# required_version). Facts only; layout as in mongodbatlas-2.16.0.hcl. The data source's
# arguments were confirmed with `terraform providers schema -json` (terraform.io/builtin/terraform).

provider "terraform" {
  source  = "terraform.io/builtin/terraform"
  version = "1.11"
  docs    = "https://developer.hashicorp.com/terraform/language/state/remote-state-data"
}

data "terraform_remote_state" {
  doc      = "https://developer.hashicorp.com/terraform/language/state/remote-state-data"
  required = ["backend"]
  optional = ["config", "defaults", "workspace"]
}

backend "s3" {
  doc      = "https://developer.hashicorp.com/terraform/language/backend/s3"
  required = ["bucket", "key", "region"]
  optional = [
    "encrypt",
    "use_lockfile",
    "kms_key_id",
    "acl",
    "workspace_key_prefix",
    "profile",
    "shared_config_files",
    "shared_credentials_files",
    "assume_role",
    "endpoints",
    "skip_credentials_validation",
    "skip_region_validation",
    "skip_metadata_api_check",
    "use_path_style",
  ]
}
