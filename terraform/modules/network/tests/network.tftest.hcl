mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1" }
  }
  # The provider validates ARN syntax, so generated random strings will not do.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vpc/bkt-test/flow-logs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/bkt-test-vpc-flow-logs" }
  }
}

variables {
  name               = "bkt-test"
  cluster_name       = "bkt-test"
  availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

run "dev_default_uses_one_shared_nat_gateway" {
  command = plan

  assert {
    condition     = keys(aws_nat_gateway.this) == ["eu-west-1a"]
    error_message = "the default NAT mode must create exactly one NAT gateway, in the first zone"
  }
  assert {
    condition     = length(aws_route.private_nat) == 3
    error_message = "every private route table needs a default route through the NAT gateway"
  }
}

run "per_az_mode_gives_every_zone_its_own_nat_gateway" {
  command = apply

  variables {
    nat_gateway_mode = "per_az"
  }

  assert {
    condition     = toset(keys(aws_nat_gateway.this)) == toset(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    error_message = "per_az must create one NAT gateway per zone"
  }
  assert {
    condition     = alltrue([for zone, gateway in aws_nat_gateway.this : gateway.subnet_id == aws_subnet.public[zone].id])
    error_message = "each NAT gateway must sit in the public subnet of its own zone"
  }
}

run "subnets_are_tagged_for_load_balancer_discovery" {
  command = plan

  assert {
    condition     = alltrue([for subnet in aws_subnet.public : subnet.tags["kubernetes.io/role/elb"] == "1" && subnet.tags["kubernetes.io/cluster/bkt-test"] == "shared"])
    error_message = "public subnets need kubernetes.io/role/elb=1 and the shared cluster tag"
  }
  assert {
    condition     = alltrue([for subnet in aws_subnet.private : subnet.tags["kubernetes.io/role/internal-elb"] == "1" && subnet.tags["kubernetes.io/cluster/bkt-test"] == "shared"])
    error_message = "private subnets need kubernetes.io/role/internal-elb=1 and the shared cluster tag"
  }
  assert {
    condition     = alltrue([for subnet in aws_subnet.private : !contains(keys(subnet.tags), "kubernetes.io/role/elb")])
    error_message = "private subnets must not be candidates for internet-facing load balancers"
  }
}

run "subnets_spread_over_every_zone_without_overlap" {
  command = plan

  assert {
    condition     = toset([for subnet in merge(aws_subnet.public, aws_subnet.private) : subnet.availability_zone]) == toset(var.availability_zones)
    error_message = "subnets must cover every requested zone"
  }
  assert {
    condition     = length(distinct(concat([for s in aws_subnet.public : s.cidr_block], [for s in aws_subnet.private : s.cidr_block]))) == 6
    error_message = "the six subnet CIDRs must be distinct"
  }
  assert {
    condition     = alltrue([for s in concat(values(aws_subnet.public), values(aws_subnet.private)) : cidrsubnet(s.cidr_block, 0, 0) == s.cidr_block && startswith(s.cidr_block, "10.0.")])
    error_message = "subnets must be carved from the VPC range"
  }
}

run "public_subnets_do_not_hand_out_public_ips" {
  command = plan

  assert {
    condition     = alltrue([for subnet in aws_subnet.public : subnet.map_public_ip_on_launch == false])
    error_message = "public subnets must not auto-assign public IPs"
  }
}

run "default_security_group_keeps_no_rules" {
  command = apply

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "the default security group must have no ingress and no egress rules"
  }
}

run "flow_logs_capture_all_traffic_into_a_log_group_with_retention" {
  command = plan

  variables {
    flow_log_retention_days = 14
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "flow logs must capture ALL traffic into CloudWatch Logs"
  }
  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days == 14
    error_message = "the flow log group must use the requested retention"
  }
}

run "s3_gateway_endpoint_serves_every_private_route_table" {
  command = apply

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "the S3 endpoint must be a gateway endpoint for the region's S3 service"
  }
  assert {
    condition     = toset(aws_vpc_endpoint.s3.route_table_ids) == toset([for table in aws_route_table.private : table.id])
    error_message = "the S3 endpoint must be attached to every private route table"
  }
}

run "rejects_an_invalid_name" {
  command = plan
  variables {
    name = "Bad_Name"
  }
  expect_failures = [var.name]
}

run "rejects_a_vpc_cidr_that_is_too_small" {
  command = plan
  variables {
    cidr_block = "10.0.0.0/24"
  }
  expect_failures = [var.cidr_block]
}

run "rejects_a_vpc_cidr_with_host_bits_set" {
  command = plan
  variables {
    cidr_block = "10.40.0.1/16"
  }
  expect_failures = [var.cidr_block]
}

run "accepts_a_vpc_cidr_written_as_its_network_address" {
  command = plan
  variables {
    cidr_block = "10.40.0.0/16"
  }
  assert {
    condition     = aws_vpc.this.cidr_block == "10.40.0.0/16"
    error_message = "a /16 written as its network address must reach the VPC unchanged"
  }
}

run "rejects_a_single_availability_zone" {
  command = plan
  variables {
    availability_zones = ["eu-west-1a"]
  }
  expect_failures = [var.availability_zones]
}

run "rejects_an_unknown_nat_gateway_mode" {
  command = plan
  variables {
    nat_gateway_mode = "none"
  }
  expect_failures = [var.nat_gateway_mode]
}

run "rejects_an_invalid_cluster_name" {
  command = plan
  variables {
    cluster_name = "-cluster"
  }
  expect_failures = [var.cluster_name]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    flow_log_retention_days = 10
  }
  expect_failures = [var.flow_log_retention_days]
}
