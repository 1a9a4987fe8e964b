terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # bucket: the state_bucket output of terraform/bootstrap (bkt-platform-tfstate-<account id>).
  # Replace the account ID below with yours after the bootstrap apply; the offline emulator run
  # overrides bucket and endpoint with -backend-config.
  backend "s3" {
    bucket       = "bkt-platform-tfstate-123456789012"
    key          = "envs/dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
