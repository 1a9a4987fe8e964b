# Inputs of the offline apply against the local AWS API emulator (make tf-emulator).
# Unlike dev's, this file leaves `nodes` alone: the emulator starts no instances, so prod's own
# on-demand defaults (3 zones' worth of m6i/m6a.xlarge) are what the apply and its checks prove.
region               = "eu-west-1"
domain               = "prod.bkt.example"
create_dns_zone      = true
github_repository    = "example-org/bkt-platform"
github_branch        = "main"
admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admin"]

api_public_access_cidrs = ["203.0.113.0/24"]
