# Inputs of the offline apply against the local AWS API emulator (make tf-emulator).
region               = "eu-west-1"
domain               = "dev.bkt.example"
create_dns_zone      = true
github_repository    = "example-org/bkt-platform"
github_branch        = "main"
admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admin"]

api_public_access_cidrs = ["203.0.113.0/24"]

nodes = {
  instance_types = ["t3.large"]
  capacity_type  = "SPOT"
  min_size       = 1
  desired_size   = 1
  max_size       = 2
}
