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

run "load_balancer_frontends_admit_only_their_ranges_on_their_ports" {
  command = apply

  variables {
    load_balancers = {
      public = { cidr_blocks = ["0.0.0.0/0"], ports = [80, 443] }
      admin  = { cidr_blocks = ["203.0.113.0/24", "198.51.100.0/24"], ports = [443] }
    }
  }

  assert {
    condition     = toset(keys(aws_security_group.load_balancer)) == toset(["public", "admin"])
    error_message = "one frontend security group per load balancer"
  }
  assert {
    condition     = aws_security_group.load_balancer["admin"].name == "bkt-test-lb-admin" && aws_security_group.load_balancer["admin"].vpc_id == aws_vpc.this.id
    error_message = "the admin group must be named after the network and live in its VPC"
  }
  assert {
    condition = toset([for rule in aws_vpc_security_group_ingress_rule.load_balancer : "${rule.security_group_id} ${rule.cidr_ipv4} ${rule.ip_protocol} ${rule.from_port}-${rule.to_port}"]) == toset([
      "${aws_security_group.load_balancer["public"].id} 0.0.0.0/0 tcp 80-80",
      "${aws_security_group.load_balancer["public"].id} 0.0.0.0/0 tcp 443-443",
      "${aws_security_group.load_balancer["admin"].id} 203.0.113.0/24 tcp 443-443",
      "${aws_security_group.load_balancer["admin"].id} 198.51.100.0/24 tcp 443-443",
    ])
    error_message = "each group must admit exactly its ranges on exactly its ports, and nothing else"
  }
  assert {
    condition     = alltrue([for name, rule in aws_vpc_security_group_egress_rule.load_balancer : rule.security_group_id == aws_security_group.load_balancer[name].id && rule.cidr_ipv4 == "10.0.0.0/16" && rule.ip_protocol == "tcp"])
    error_message = "each group may send TCP only to the VPC's range (its targets)"
  }
  assert {
    condition     = output.load_balancer_security_group_ids == { for name, group in aws_security_group.load_balancer : name => group.id }
    error_message = "load_balancer_security_group_ids must map each name to its group"
  }
}

run "no_load_balancers_writes_no_security_group" {
  command = plan

  assert {
    condition     = length(aws_security_group.load_balancer) == 0 && length(aws_vpc_security_group_ingress_rule.load_balancer) == 0
    error_message = "without load_balancers the module must create no group and no rule"
  }
}

run "rejects_a_load_balancer_source_with_host_bits" {
  command = plan

  variables {
    load_balancers = { admin = { cidr_blocks = ["203.0.113.7/24"], ports = [443] } }
  }

  expect_failures = [var.load_balancers]
}

run "rejects_an_ipv6_load_balancer_source" {
  command = plan

  variables {
    load_balancers = { admin = { cidr_blocks = ["2001:db8::/32"], ports = [443] } }
  }

  expect_failures = [var.load_balancers]
}

run "rejects_a_load_balancer_without_ranges" {
  command = plan

  variables {
    load_balancers = { admin = { cidr_blocks = [], ports = [443] } }
  }

  expect_failures = [var.load_balancers]
}

run "rejects_a_load_balancer_name_that_is_no_label" {
  command = plan

  variables {
    load_balancers = { Admin_UIs = { cidr_blocks = ["203.0.113.0/24"], ports = [443] } }
  }

  expect_failures = [var.load_balancers]
}

run "rejects_a_load_balancer_port_out_of_range" {
  command = plan

  variables {
    load_balancers = { admin = { cidr_blocks = ["203.0.113.0/24"], ports = [0] } }
  }

  expect_failures = [var.load_balancers]
}
