# Plans the prod composition with a mock provider, asserting what prod sets apart from dev
# (environments/prod.toml): three zones, a NAT gateway in each, on-demand nodes 3-6, its own domain,
# VPC range and GitHub roles. The real apply runs in make tf-emulator.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000", key_id = "00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }] }]
      certificate_authority = [{ data = "Q0E=" }]
    }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_route53_zone" {
    defaults = { zone_id = "Z0PROD", arn = "arn:aws:route53:::hostedzone/Z0PROD" }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn                       = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
      domain_validation_options = [{ domain_name = "prod.example.com", resource_record_name = "_x.prod.example.com.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." }]
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-prod/vault/init-AbCdEf" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:eu-west-1:123456789012:repository/bkt-sample-app", repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app" }
  }
}

variables {
  github_repository = "example-org/bkt-platform"
}

run "three_zones_with_a_nat_gateway_each" {
  command = plan

  assert {
    condition     = length(module.network.private_subnet_ids) == 3 && length(module.network.public_subnet_ids) == 3
    error_message = "prod must have a private and a public subnet in each of three zones"
  }
  assert {
    condition     = length(module.network.nat_gateway_ids) == 3
    error_message = "prod must run one NAT gateway per zone (nat_gateway_mode per_az)"
  }
}

run "nodes_default_to_on_demand_three_to_six" {
  command = plan

  assert {
    condition     = var.nodes.capacity_type == "ON_DEMAND" && var.nodes.instance_types == tolist(["m6i.xlarge", "m6a.xlarge"])
    error_message = "prod's nodes default to ON_DEMAND m6i.xlarge/m6a.xlarge: stateful services must not be reclaimed"
  }
  assert {
    condition     = var.nodes.min_size == 3 && var.nodes.desired_size == 3 && var.nodes.max_size == 6
    error_message = "prod's node group defaults to min 3, desired 3, max 6"
  }
}

run "domain_and_vpc_range_are_prods_own" {
  command = apply

  assert {
    condition     = output.cluster_vars.DOMAIN == "prod.example.com" && output.cluster_vars.ENVIRONMENT == "prod"
    error_message = "prod's domain defaults to prod.example.com and its cluster vars name the environment prod"
  }
  assert {
    condition     = output.cluster_vars.VPC_CIDR == "10.16.0.0/16" && output.cluster_vars.CLUSTER_NAME == "bkt-prod"
    error_message = "prod's VPC is 10.16.0.0/16 (apart from dev's 10.0.0.0/16) and its cluster is bkt-prod"
  }
}

run "github_roles_trust_only_prods_environments" {
  command = plan

  assert {
    condition = module.github_oidc.role_subjects == {
      "bkt-prod-github-ci"    = "repo:example-org/bkt-platform:ref:refs/heads/main"
      "bkt-prod-github-plan"  = "repo:example-org/bkt-platform:environment:prod-plan"
      "bkt-prod-github-apply" = "repo:example-org/bkt-platform:environment:prod"
    }
    error_message = "prod's plan and apply roles trust only the GitHub environments prod-plan and prod"
  }
}
