//! The AWS resource and data source kinds the network module writes, one typed struct each:
//! the fields are the Terraform arguments this crate sets (see the `hashicorp/aws` provider's
//! documentation for their meaning), the reference types carry the attributes it reads.

bkt_core::terraform_kind! {
    /// `aws_vpc`: the virtual network.
    pub resource Vpc => "aws_vpc" {
        /// IPv4 CIDR block of the VPC.
        cidr_block,
        /// Whether the Amazon-provided DNS server answers in the VPC.
        enable_dns_support,
        /// Whether instances get public DNS host names.
        enable_dns_hostnames,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_vpc`.
    pub ref VpcRef { id, arn, cidr_block }
}

bkt_core::terraform_kind! {
    /// `aws_default_security_group`: adopts the VPC's default group (and drops its rules).
    pub resource DefaultSecurityGroup => "aws_default_security_group" {
        /// The VPC whose default group is managed.
        vpc_id,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_default_security_group`.
    pub ref DefaultSecurityGroupRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_security_group`: a group whose rules are separate resources (the
    /// `aws_vpc_security_group_*_rule` kinds), so each rule has its own address and tags.
    pub resource SecurityGroup => "aws_security_group" {
        /// The group's name (unique in the VPC).
        name,
        /// What the group is for; AWS cannot change it later without replacing the group.
        description,
        /// The VPC the group belongs to.
        vpc_id,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_security_group`.
    pub ref SecurityGroupRef { id, arn, name }
}

bkt_core::terraform_kind! {
    /// `aws_vpc_security_group_ingress_rule`: one inbound rule of a security group.
    pub resource VpcSecurityGroupIngressRule => "aws_vpc_security_group_ingress_rule" {
        /// The group the rule belongs to.
        security_group_id,
        /// Why the rule exists.
        description,
        /// The IPv4 source range.
        cidr_ipv4,
        /// The source security group (instead of a range).
        referenced_security_group_id,
        /// `tcp`, `udp`, `icmp` or `-1` (all).
        ip_protocol,
        /// First port of the range.
        from_port,
        /// Last port of the range.
        to_port,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_vpc_security_group_ingress_rule`.
    pub ref VpcSecurityGroupIngressRuleRef { id, arn, security_group_rule_id }
}

bkt_core::terraform_kind! {
    /// `aws_vpc_security_group_egress_rule`: one outbound rule of a security group.
    pub resource VpcSecurityGroupEgressRule => "aws_vpc_security_group_egress_rule" {
        /// The group the rule belongs to.
        security_group_id,
        /// Why the rule exists.
        description,
        /// The IPv4 destination range.
        cidr_ipv4,
        /// The destination security group (instead of a range).
        referenced_security_group_id,
        /// `tcp`, `udp`, `icmp` or `-1` (all).
        ip_protocol,
        /// First port of the range.
        from_port,
        /// Last port of the range.
        to_port,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_vpc_security_group_egress_rule`.
    pub ref VpcSecurityGroupEgressRuleRef { id, arn, security_group_rule_id }
}

bkt_core::terraform_kind! {
    /// `aws_internet_gateway`.
    pub resource InternetGateway => "aws_internet_gateway" {
        /// The VPC it is attached to.
        vpc_id,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_internet_gateway`.
    pub ref InternetGatewayRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_subnet`.
    pub resource Subnet => "aws_subnet" {
        /// The VPC.
        vpc_id,
        /// The zone the subnet lives in.
        availability_zone,
        /// IPv4 CIDR block of the subnet.
        cidr_block,
        /// Whether instances launched here get a public IPv4 address.
        map_public_ip_on_launch,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_subnet`.
    pub ref SubnetRef { id, arn, cidr_block }
}

bkt_core::terraform_kind! {
    /// `aws_eip`: an Elastic IP address.
    pub resource Eip => "aws_eip" {
        /// `vpc` for an address used in a VPC.
        domain,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_eip`.
    pub ref EipRef { id, public_ip }
}

bkt_core::terraform_kind! {
    /// `aws_nat_gateway`.
    pub resource NatGateway => "aws_nat_gateway" {
        /// The Elastic IP it sends from.
        allocation_id,
        /// The public subnet it sits in.
        subnet_id,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_nat_gateway`.
    pub ref NatGatewayRef { id, public_ip }
}

bkt_core::terraform_kind! {
    /// `aws_route_table`.
    pub resource RouteTable => "aws_route_table" {
        /// The VPC.
        vpc_id,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_route_table`.
    pub ref RouteTableRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_route`: one route of a route table.
    pub resource Route => "aws_route" {
        /// The table the route belongs to.
        route_table_id,
        /// The IPv4 destination.
        destination_cidr_block,
        /// Target: an internet gateway.
        gateway_id,
        /// Target: a NAT gateway.
        nat_gateway_id,
    }
    /// Attributes of an `aws_route`.
    pub ref RouteRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_route_table_association`: a subnet using a route table.
    pub resource RouteTableAssociation => "aws_route_table_association" {
        /// The subnet.
        subnet_id,
        /// The route table.
        route_table_id,
    }
    /// Attributes of an `aws_route_table_association`.
    pub ref RouteTableAssociationRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_vpc_endpoint`.
    pub resource VpcEndpoint => "aws_vpc_endpoint" {
        /// The VPC.
        vpc_id,
        /// The service, for example `com.amazonaws.eu-west-1.s3`.
        service_name,
        /// `Gateway` or `Interface`.
        vpc_endpoint_type,
        /// Route tables that get a route to a gateway endpoint.
        route_table_ids,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_vpc_endpoint`.
    pub ref VpcEndpointRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_cloudwatch_log_group`.
    pub resource CloudwatchLogGroup => "aws_cloudwatch_log_group" {
        /// The group's name.
        name,
        /// Days the events are kept.
        retention_in_days,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_cloudwatch_log_group`.
    pub ref CloudwatchLogGroupRef { name, arn }
}

bkt_core::terraform_kind! {
    /// `aws_flow_log`: VPC flow logs.
    pub resource FlowLog => "aws_flow_log" {
        /// The VPC whose traffic is logged.
        vpc_id,
        /// `ACCEPT`, `REJECT` or `ALL`.
        traffic_type,
        /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
        log_destination_type,
        /// ARN of the destination.
        log_destination,
        /// Role the flow-logs service assumes to write.
        iam_role_arn,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_flow_log`.
    pub ref FlowLogRef { id, arn }
}

bkt_core::terraform_kind! {
    /// `aws_region` (data source): the provider's region.
    pub data Region => "aws_region" {}
    /// Attributes of the `aws_region` data source: `id`, the region's name (`eu-west-1`) in both
    /// provider 5.x and 6.x (6.x deprecates `name` for `region`, which 5.x does not have).
    pub ref RegionRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_route53_zone`: a hosted zone (public unless a `vpc` block makes it private).
    pub resource Route53Zone => "aws_route53_zone" {
        /// The zone's domain name, without a trailing dot.
        name,
        /// Free-text comment shown in the console.
        comment,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_route53_zone`.
    pub ref Route53ZoneRef { zone_id, arn, name, name_servers }
}

bkt_core::terraform_kind! {
    /// `aws_route53_zone` (data source): looks up an existing hosted zone.
    pub data Route53ZoneData => "aws_route53_zone" {
        /// The zone's domain name.
        name,
        /// `false` to match only the public zone of that name.
        private_zone,
    }
    /// Attributes of the `aws_route53_zone` data source.
    pub ref Route53ZoneDataRef { zone_id, arn, name, name_servers, private_zone }
}

bkt_core::terraform_kind! {
    /// `aws_route53_record`: one record set of a hosted zone.
    pub resource Route53Record => "aws_route53_record" {
        /// The zone the record belongs to.
        zone_id,
        /// The record's name (relative names are completed with the zone's).
        name,
        /// `A`, `CNAME`, `TXT` …
        r#type,
        /// The values of a non-alias record.
        records,
        /// Seconds resolvers may cache the record.
        ttl,
        /// Take over a record of the same name and type that already exists.
        allow_overwrite,
    }
    /// Attributes of an `aws_route53_record`.
    pub ref Route53RecordRef { id, name, fqdn }
}

bkt_core::terraform_kind! {
    /// `aws_acm_certificate`: a public certificate issued by ACM.
    pub resource AcmCertificate => "aws_acm_certificate" {
        /// The common name; ACM (RFC 5280) limits it to 64 characters.
        domain_name,
        /// Further names the certificate covers (up to 253 characters each).
        subject_alternative_names,
        /// `DNS` or `EMAIL`.
        validation_method,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_acm_certificate`.
    pub ref AcmCertificateRef { id, arn, status, domain_validation_options }
}

bkt_core::terraform_block! {
    /// `timeouts` of an `aws_acm_certificate_validation`: how long `create` waits for issuance.
    pub struct AcmCertificateValidationTimeouts => "timeouts" {
        /// A duration such as `45m`; the provider's default is 75 minutes.
        create,
    }
}

bkt_core::terraform_kind! {
    /// `aws_acm_certificate_validation`: waits until ACM has issued a DNS-validated certificate.
    ///
    /// ACM keeps a certificate `PENDING_VALIDATION` for as long as its validation records cannot
    /// be resolved, which is the case while the registrar or parent zone does not delegate to the
    /// zone holding them; bound the wait with `timeouts`.
    pub resource AcmCertificateValidation => "aws_acm_certificate_validation" {
        /// The certificate to wait for.
        certificate_arn,
        /// FQDNs of the validation records, so the wait starts once they exist.
        validation_record_fqdns,
    }
    blocks {
        /// How long the wait may take.
        timeouts: AcmCertificateValidationTimeouts,
    }
    /// Attributes of an `aws_acm_certificate_validation`.
    pub ref AcmCertificateValidationRef { id, certificate_arn }
}
