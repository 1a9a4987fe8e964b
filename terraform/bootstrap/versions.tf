terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # The bucket that holds every other state cannot hold its own creation: this root keeps a local
  # state. It has a handful of resources and can be imported again (docs/terraform.md).
}
