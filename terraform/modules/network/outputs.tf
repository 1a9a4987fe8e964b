output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (nodes, internal load balancers), in zone order."
  value       = [for zone in var.availability_zones : aws_subnet.private[zone].id]
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (internet-facing load balancers, NAT), in zone order."
  value       = [for zone in var.availability_zones : aws_subnet.public[zone].id]
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways, keyed by zone."
  value       = { for zone, gateway in aws_nat_gateway.this : zone => gateway.id }
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
