# The arguments the hashicorp/random provider documents for the kinds the Atlas root writes, at
# the version the root pins (released May 12, 2026). Facts only; layout as in
# mongodbatlas-2.16.0.hcl.

provider "random" {
  source      = "hashicorp/random"
  version     = "3.9.0"
  docs        = "https://registry.terraform.io/providers/hashicorp/random/3.9.0/docs"
  docs_source = "https://github.com/hashicorp/terraform-provider-random/tree/v3.9.0/docs"
}

resource "random_password" {
  doc      = "https://registry.terraform.io/providers/hashicorp/random/3.9.0/docs/resources/password"
  required = ["length"]
  optional = [
    "keepers",
    "lower",
    "min_lower",
    "min_numeric",
    "min_special",
    "min_upper",
    "number",
    "numeric",
    "override_special",
    "special",
    "upper",
  ]
}
