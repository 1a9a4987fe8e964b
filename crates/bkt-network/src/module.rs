//! The network Terraform module: inputs, the VPC and its subnets, NAT, routes, the S3
//! endpoint, flow logs, outputs — as typed values, rendered to `.tf` files.

use bkt_core::hcl::func::{
    can, cidrhost, cidrsubnet, contains, distinct, length, merge, regex, split, tonumber, toset,
    try_,
};
use bkt_core::hcl::{
    Arg, Block, Data, Expr, File, Local, Locals, Output, Resource, Type, Variable,
};
use bkt_core::{Tree, name};

use crate::Result;
use bkt_oidc::aws::{IamRole, IamRolePolicy};
use bkt_oidc::policy::{PolicyDocument, Principal, Statement};

use crate::aws::{
    CloudwatchLogGroup, DefaultSecurityGroup, Eip, FlowLog, InternetGateway, NatGateway, Region,
    Route, RouteTable, RouteTableAssociation, Subnet, Vpc, VpcEndpoint,
};
use crate::inputs::Inputs;
use crate::plan::{Cidr, FlowLogRetention, NatGatewayMode, PRIVATE_OFFSET, SUBNET_NEWBITS};

bkt_core::terraform_kind! {
    /// The inputs of a call of the network module (`module "network" { source = … }`): one field
    /// per variable of [`NetworkModule`], so a root that misspells an input does not compile.
    pub module NetworkInputs => "network" {
        /// Name prefix of every network resource.
        name,
        /// IPv4 CIDR of the VPC.
        cidr_block,
        /// Availability zones to spread subnets over.
        availability_zones,
        /// `single` or `per_az`.
        nat_gateway_mode,
        /// The EKS cluster that will use the subnets.
        cluster_name,
        /// Days CloudWatch keeps VPC flow logs.
        flow_log_retention_days,
        /// Frontend security groups of the load balancers, by name.
        load_balancers,
        /// Tags added to every resource of the module.
        tags,
    }
    /// The outputs of the network module, as typed references (`module.network.vpc_id` …).
    pub ref NetworkOutputs {
        vpc_id,
        vpc_cidr_block,
        private_subnet_ids,
        public_subnet_ids,
        nat_gateway_ids,
        nat_public_ips,
        flow_log_group_name,
        load_balancer_security_group_ids,
    }
}

impl crate::NetworkSpec {
    /// The module call's inputs carrying this spec's values; values equal to the module's
    /// defaults are still written, so the call says what it gets.
    #[must_use]
    pub fn to_inputs(&self) -> NetworkInputs {
        NetworkInputs {
            name: Some(self.name().into()),
            cidr_block: Some(self.cidr_block().to_string().into()),
            availability_zones: Some(
                Expr::list(self.availability_zones().iter().map(String::as_str)).into(),
            ),
            nat_gateway_mode: Some(self.nat_gateway_mode().as_str().into()),
            cluster_name: Some(self.cluster_name().into()),
            flow_log_retention_days: Some(self.flow_log_retention().days().into()),
            load_balancers: None,
            tags: None,
        }
    }
}

/// The defaults of the module's optional inputs; each is validated by its type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NetworkModule {
    /// Default of `cidr_block`.
    pub cidr_block: Cidr,
    /// Default of `nat_gateway_mode`.
    pub nat_gateway_mode: NatGatewayMode,
    /// Default of `flow_log_retention_days`.
    pub flow_log_retention_days: FlowLogRetention,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for NetworkModule {
    fn default() -> Self {
        Self {
            cidr_block: Cidr::DEFAULT,
            nat_gateway_mode: NatGatewayMode::Single,
            flow_log_retention_days: FlowLogRetention::DEFAULT,
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

fn tags_with_name(tags: &Variable, name: Expr) -> Expr {
    merge([tags.reference(), Expr::object([("Name", name)])])
}

fn prefixed(inputs: &Inputs, suffix: &str) -> Expr {
    Expr::template([inputs.name.reference(), suffix.into()])
}

/// The tags of a per-zone resource (`for_each` over the zones): the module's tags and the Name
/// `<name><suffix><zone>`.
fn zone_tags(inputs: &Inputs, suffix: &str) -> Expr {
    tags_with_name(
        &inputs.tags,
        Expr::template([inputs.name.reference(), suffix.into(), Expr::each_key()]),
    )
}

impl NetworkModule {
    fn inputs(&self) -> Inputs {
        let retention_values = FlowLogRetention::ALLOWED
            .iter()
            .map(|days| Expr::from(*days));
        let retention_text = FlowLogRetention::allowed_text();
        let prefix_of = |cidr: Expr| tonumber(split("/", cidr).index(1));
        Inputs {
            name: Variable::new(
                name!("name"),
                "Name prefix of every network resource, usually the cluster name (e.g. acme-dev).",
                Type::String,
            )
            .validate(
                |name| can(regex(crate::plan::NAME_PATTERN, name)),
                "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter (e.g. acme-dev).",
            ),
            cidr_block: Variable::new(
                name!("cidr_block"),
                "IPv4 CIDR of the VPC; a /16 to /20 leaves room for the /4-smaller subnets carved from it.",
                Type::String,
            )
            .default(self.cidr_block.to_string())
            .validate(
                |cidr| {
                    can(cidrhost(cidr.clone(), 0)).and(try_([
                        prefix_of(cidr.clone())
                            .at_least(Cidr::MIN_PREFIX)
                            .and(prefix_of(cidr).at_most(Cidr::MAX_PREFIX)),
                        false.into(),
                    ]))
                },
                "cidr_block must be an IPv4 CIDR with a prefix between /16 and /20 (e.g. 10.0.0.0/16).",
            )
            .validate(
                // The rule of `Cidr::parse`: the address is the range's own network address.
                // A value that is no CIDR at all fails the rule above, not this one.
                |cidr| {
                    try_([
                        cidrhost(cidr.clone(), 0).equals(split("/", cidr).index(0)),
                        true.into(),
                    ])
                },
                "cidr_block must be the network address of its range, with no host bits set (e.g. 10.40.0.0/16, not 10.40.0.1/16).",
            ),
            availability_zones: Variable::new(
                name!("availability_zones"),
                "Availability zones to spread subnets over (2 or 3 distinct zones of the provider's region).",
                Type::List(Box::new(Type::String)),
            )
            .validate(
                |zones| {
                    length(zones.clone())
                        .at_least(crate::plan::MIN_ZONES)
                        .and(length(zones.clone()).at_most(crate::plan::MAX_ZONES))
                        .and(length(distinct(zones.clone())).equals(length(zones)))
                },
                "availability_zones must list 2 or 3 distinct zones (e.g. [\"eu-west-1a\", \"eu-west-1b\"]).",
            ),
            nat_gateway_mode: Variable::new(
                name!("nat_gateway_mode"),
                "\"single\": one NAT gateway shared by all zones (cheap, for dev); \"per_az\": one per zone (survives a zone outage).",
                Type::String,
            )
            .default(self.nat_gateway_mode.as_str())
            .validate(
                |mode| {
                    contains(
                        Expr::list(NatGatewayMode::ALL.iter().map(|mode| mode.as_str())),
                        mode,
                    )
                },
                "nat_gateway_mode must be \"single\" or \"per_az\".",
            ),
            cluster_name: Variable::new(
                name!("cluster_name"),
                "EKS cluster that will use the subnets; tags them kubernetes.io/cluster/<name>=shared for load balancer discovery.",
                Type::String,
            )
            .validate(
                |name| can(regex(crate::plan::CLUSTER_NAME_PATTERN, name)),
                "cluster_name must start with a letter and contain only letters, digits and hyphens (max 100).",
            ),
            flow_log_retention_days: Variable::new(
                name!("flow_log_retention_days"),
                "Days CloudWatch keeps VPC flow logs.",
                Type::Number,
            )
            .default(self.flow_log_retention_days.days())
            .validate(
                |days| contains(Expr::list(retention_values), days),
                format!(
                    "flow_log_retention_days must be a CloudWatch Logs retention value: {retention_text}."
                ),
            ),
            load_balancers: crate::load_balancer::variable(),
            tags: Variable::new(
                name!("tags"),
                "Tags added to every resource of the module.",
                Type::Map(Box::new(Type::String)),
            )
            .default(Expr::object::<&str, Expr>([])),
        }
    }

    /// The module's files, by file name (`main.tf`, `variables.tf` …), without headers.
    ///
    /// # Errors
    /// None today: every value is validated by its type. The `Result` leaves room for models
    /// whose checks can only run once the whole module is assembled.
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let inputs = self.inputs();
        let (mut main, mut flow_logs, mut outputs) = (File::new(), File::new(), File::new());
        let (mut variables, mut versions) = (File::new(), File::new());
        let mut load_balancers = File::new();
        let vpc = self.main(&inputs, &mut main, &mut flow_logs, &mut outputs);
        crate::load_balancer::frontends(&inputs, &vpc, &mut load_balancers, &mut outputs);
        for variable in [
            &inputs.name,
            &inputs.cidr_block,
            &inputs.availability_zones,
            &inputs.nat_gateway_mode,
            &inputs.cluster_name,
            &inputs.flow_log_retention_days,
            &inputs.load_balancers,
            &inputs.tags,
        ] {
            variables.push(variable.to_block());
        }
        versions.push(
            bkt_oidc::aws::aws_settings(&self.required_version, &self.aws_provider_version)
                .to_block(),
        );
        Ok(vec![
            ("main.tf", main),
            ("flow-logs.tf", flow_logs),
            ("load-balancers.tf", load_balancers),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`NetworkModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one module, read top to bottom like its main.tf"
    )]
    fn main(
        &self,
        inputs: &Inputs,
        main: &mut File,
        flow_logs_file: &mut File,
        outputs: &mut File,
    ) -> Resource<Vpc> {
        let var_name = inputs.name.reference();
        let var_cidr = inputs.cidr_block.reference();
        let var_tags = inputs.tags.reference();

        let [
            zones,
            private_cidrs,
            public_cidrs,
            nat_zones,
            nat_for_zone,
            cluster_tag,
        ] = locals(inputs);

        let region = Data::new(name!("current"), Region::default());
        let vpc = Resource::new(
            name!("this"),
            Vpc {
                cidr_block: Some(var_cidr.clone().into()),
                enable_dns_support: Some(true.into()),
                enable_dns_hostnames: Some(true.into()),
                tags: Some(tags_with_name(&inputs.tags, var_name.clone()).into()),
            },
        );
        let default_sg = Resource::new(
            name!("this"),
            DefaultSecurityGroup {
                vpc_id: Some(vpc.get().id().into()),
                tags: Some(
                    tags_with_name(&inputs.tags, prefixed(inputs, "-default-no-rules")).into(),
                ),
            },
        )
        .why("Managing the default security group with no rules removes its allow-all defaults.");
        let igw = Resource::new(
            name!("this"),
            InternetGateway {
                vpc_id: Some(vpc.get().id().into()),
                tags: Some(tags_with_name(&inputs.tags, var_name.clone()).into()),
            },
        );
        let subnet_tags = |role: &str, tier: &str| {
            merge([
                var_tags.clone(),
                cluster_tag.reference(),
                Expr::object([
                    (
                        "Name",
                        Expr::template([var_name.clone(), Expr::from(tier), Expr::each_key()]),
                    ),
                    (role, Expr::from("1")),
                ]),
            ])
        };
        let public_subnets = Resource::new(
            name!("public"),
            Subnet {
                vpc_id: Some(vpc.get().id().into()),
                availability_zone: Some(Expr::each_key().into()),
                cidr_block: Some(Expr::each_value().into()),
                map_public_ip_on_launch: Some(Arg::from(false).why(
                    "Load balancers get their own addresses; nothing launched here needs an automatic public IP.",
                )),
                tags: Some(subnet_tags("kubernetes.io/role/elb", "-public-").into()),
            },
        )
        .for_each(public_cidrs.reference());
        let private_subnets = Resource::new(
            name!("private"),
            Subnet {
                vpc_id: Some(vpc.get().id().into()),
                availability_zone: Some(Expr::each_key().into()),
                cidr_block: Some(Expr::each_value().into()),
                tags: Some(subnet_tags("kubernetes.io/role/internal-elb", "-private-").into()),
                ..Subnet::default()
            },
        )
        .for_each(private_cidrs.reference());
        let eips = Resource::new(
            name!("nat"),
            Eip {
                domain: Some("vpc".into()),
                tags: Some(zone_tags(inputs, "-nat-").into()),
            },
        )
        .for_each(toset(nat_zones.reference()))
        .depends_on(&igw);
        let nat_gateways = Resource::new(
            name!("this"),
            NatGateway {
                allocation_id: Some(eips.at(Expr::each_key()).id().into()),
                subnet_id: Some(public_subnets.at(Expr::each_key()).id().into()),
                tags: Some(zone_tags(inputs, "-").into()),
            },
        )
        .for_each(toset(nat_zones.reference()));
        let routing = routes(
            inputs,
            Routing {
                vpc_id: vpc.get().id(),
                igw_id: igw.get().id(),
                public_subnets: public_subnets.all(),
                private_subnets: private_subnets.all(),
                zones: zones.reference(),
                nat_gateway_id: nat_gateways
                    .at(nat_for_zone.reference().index(Expr::each_key()))
                    .id(),
                region_id: region.get().id(),
            },
        );

        main.push(
            Locals {
                groups: vec![
                    vec![zones.clone()],
                    vec![private_cidrs, public_cidrs],
                    vec![nat_zones, nat_for_zone],
                    vec![cluster_tag],
                ],
            }
            .to_block(),
        );
        main.push(vpc.to_block())
            .push(default_sg.to_block())
            .push(igw.to_block())
            .push(public_subnets.to_block())
            .push(private_subnets.to_block())
            .push(eips.to_block())
            .push(nat_gateways.to_block());
        for block in routing {
            main.push(block);
        }
        main.push(region.to_block());

        self.flow_logs(
            inputs,
            &vpc,
            flow_logs_file,
            outputs,
            &[&public_subnets, &private_subnets],
            &nat_gateways,
        );
        vpc
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the flow-logs file and the outputs, in file order"
    )]
    fn flow_logs(
        &self,
        inputs: &Inputs,
        vpc: &Resource<Vpc>,
        file: &mut File,
        outputs: &mut File,
        subnets: &[&Resource<Subnet>; 2],
        nat_gateways: &Resource<NatGateway>,
    ) {
        let _ = self;
        let var_tags = inputs.tags.reference();
        let var_zones = inputs.availability_zones.reference();
        let log_group = Resource::new(
            name!("flow_logs"),
            CloudwatchLogGroup {
                name: Some(
                    Expr::template([
                        "/aws/vpc/".into(),
                        inputs.name.reference(),
                        "/flow-logs".into(),
                    ])
                    .into(),
                ),
                retention_in_days: Some(inputs.flow_log_retention_days.reference().into()),
                tags: Some(var_tags.clone().into()),
            },
        );
        let role = Resource::new(
            name!("flow_logs"),
            IamRole {
                name: Some(prefixed(inputs, "-vpc-flow-logs").into()),
                assume_role_policy: Some(
                    PolicyDocument::new([Statement::allow()
                        .principal(Principal::service("vpc-flow-logs.amazonaws.com"))
                        .action("sts:AssumeRole")])
                    .to_json()
                    .into(),
                ),
                tags: Some(var_tags.clone().into()),
                ..IamRole::default()
            },
        );
        let flow_log = Resource::new(
            name!("this"),
            FlowLog {
                vpc_id: Some(vpc.get().id().into()),
                traffic_type: Some("ALL".into()),
                log_destination_type: Some("cloud-watch-logs".into()),
                log_destination: Some(log_group.get().arn().into()),
                iam_role_arn: Some(role.get().arn().into()),
                tags: Some(tags_with_name(&inputs.tags, inputs.name.reference()).into()),
            },
        );
        let policy = Resource::new(
            name!("flow_logs"),
            IamRolePolicy {
                name: Some("write-flow-logs".into()),
                role: Some(role.get().id().into()),
                policy: Some(
                    PolicyDocument::new([Statement::allow()
                        .action([
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogStreams",
                        ])
                        .resource(Expr::template([log_group.get().arn(), ":*".into()]))])
                    .to_json()
                    .into(),
                ),
            },
        )
        .why("Scoped to the one log group; the flow-logs service needs nothing else.");
        file.push(log_group.to_block())
            .push(flow_log.to_block())
            .push(role.to_block())
            .push(policy.to_block());

        let [public_subnets, private_subnets] = subnets;
        let zone = name!("zone");
        let ids_in_zone_order = |subnets: &Resource<Subnet>| {
            Expr::for_list(&zone, var_zones.clone(), |zone| subnets.at(zone).id())
        };
        for output in [
            Output::new(name!("vpc_id"), "ID of the VPC.", vpc.get().id()),
            Output::new(
                name!("vpc_cidr_block"),
                "IPv4 CIDR of the VPC.",
                vpc.get().cidr_block(),
            ),
            Output::new(
                name!("private_subnet_ids"),
                "IDs of the private subnets (nodes, internal load balancers), in zone order.",
                ids_in_zone_order(private_subnets),
            ),
            Output::new(
                name!("public_subnet_ids"),
                "IDs of the public subnets (internet-facing load balancers, NAT), in zone order.",
                ids_in_zone_order(public_subnets),
            ),
            Output::new(
                name!("nat_gateway_ids"),
                "IDs of the NAT gateways, keyed by zone.",
                Expr::for_map(
                    (&zone, &name!("gateway")),
                    nat_gateways.all(),
                    |zone, gateway| (zone, gateway.attr(&name!("id"))),
                ),
            ),
            Output::new(
                name!("nat_public_ips"),
                "Public IPv4 addresses the private subnets reach the internet from (for allow-lists such as MongoDB Atlas).",
                Expr::for_list(&name!("gateway"), nat_gateways.all(), |gateway| {
                    gateway.attr(&name!("public_ip"))
                }),
            ),
            Output::new(
                name!("flow_log_group_name"),
                "CloudWatch log group receiving the VPC flow logs.",
                log_group.get().name(),
            ),
        ] {
            outputs.push(output.to_block());
        }
    }
}

/// The locals of `main.tf`: the zones keyed by name, each zone's private and public CIDR, the
/// zones with a NAT gateway and the gateway each zone routes through, and the cluster tag.
fn locals(inputs: &Inputs) -> [Local; 6] {
    let var_zones = inputs.availability_zones.reference();
    let var_cidr = inputs.cidr_block.reference();
    let var_nat_mode = inputs.nat_gateway_mode.reference();
    let single_nat = || var_nat_mode.clone().equals(NatGatewayMode::Single.as_str());
    let first_zone = || var_zones.clone().index(0);

    let zones = Local::new(
        name!("zones"),
        Expr::for_map(
            (&name!("index"), &name!("zone")),
            var_zones.clone(),
            |index, zone| (zone, index),
        ),
    )
    .why("Keyed by zone so adding or removing a zone never renumbers the others.");
    let subnet_cidrs = |local, offset: u32| {
        Local::new(
            local,
            Expr::for_map(
                (&name!("zone"), &name!("index")),
                zones.reference(),
                |zone, index| {
                    let netnum = if offset == 0 {
                        index
                    } else {
                        index.plus(offset)
                    };
                    (zone, cidrsubnet(var_cidr.clone(), SUBNET_NEWBITS, netnum))
                },
            ),
        )
    };
    let private_cidrs = subnet_cidrs(name!("private_cidrs"), 0).why(
        "Private /4-smaller subnets take the low half of the VPC range (nodes and pods live there);\npublic ones are /4-smaller blocks from the upper half (only load balancers and NAT).",
    );
    let public_cidrs = subnet_cidrs(name!("public_cidrs"), PRIVATE_OFFSET);
    let nat_zones = Local::new(
        name!("nat_zones"),
        single_nat().then_else(Expr::list([first_zone()]), var_zones.clone()),
    );
    let nat_for_zone = Local::new(
        name!("nat_for_zone"),
        Expr::for_map_values(&name!("zone"), var_zones.clone(), |zone| {
            (zone.clone(), single_nat().then_else(first_zone(), zone))
        }),
    )
    .why("Private route table of each zone -> the NAT gateway it uses.");
    let cluster_tag = Local::new(
        name!("cluster_tag"),
        Expr::object([(
            Expr::template([
                "kubernetes.io/cluster/".into(),
                inputs.cluster_name.reference(),
            ]),
            Expr::from("shared"),
        )]),
    );
    [
        zones,
        private_cidrs,
        public_cidrs,
        nat_zones,
        nat_for_zone,
        cluster_tag,
    ]
}

/// What the route tables and the S3 endpoint attach to, made by [`NetworkModule`]'s `main`.
struct Routing {
    vpc_id: Expr,
    igw_id: Expr,
    public_subnets: Expr,
    private_subnets: Expr,
    zones: Expr,
    /// The NAT gateway of the zone `each.key` (one per zone, or the single one).
    nat_gateway_id: Expr,
    region_id: Expr,
}

/// The route tables: the public one through the internet gateway, one private table per zone
/// through its NAT gateway, their subnets' associations, and the S3 gateway endpoint on the
/// private tables; as blocks in the order of `main.tf`.
fn routes(inputs: &Inputs, at: Routing) -> Vec<Block> {
    let public_table = Resource::new(
        name!("public"),
        RouteTable {
            vpc_id: Some(at.vpc_id.clone().into()),
            tags: Some(tags_with_name(&inputs.tags, prefixed(inputs, "-public")).into()),
        },
    );
    let public_route = Resource::new(
        name!("public_internet"),
        Route {
            route_table_id: Some(public_table.get().id().into()),
            destination_cidr_block: Some("0.0.0.0/0".into()),
            gateway_id: Some(at.igw_id.into()),
            ..Route::default()
        },
    );
    let each_value_id = || Expr::each_value().attr(&name!("id"));
    let public_associations = Resource::new(
        name!("public"),
        RouteTableAssociation {
            subnet_id: Some(each_value_id().into()),
            route_table_id: Some(public_table.get().id().into()),
        },
    )
    .for_each(at.public_subnets);
    let private_tables = Resource::new(
        name!("private"),
        RouteTable {
            vpc_id: Some(at.vpc_id.clone().into()),
            tags: Some(zone_tags(inputs, "-private-").into()),
        },
    )
    .for_each(at.zones);
    let private_routes = Resource::new(
        name!("private_nat"),
        Route {
            route_table_id: Some(each_value_id().into()),
            destination_cidr_block: Some("0.0.0.0/0".into()),
            nat_gateway_id: Some(at.nat_gateway_id.into()),
            ..Route::default()
        },
    )
    .for_each(private_tables.all());
    let private_associations = Resource::new(
        name!("private"),
        RouteTableAssociation {
            subnet_id: Some(each_value_id().into()),
            route_table_id: Some(private_tables.at(Expr::each_key()).id().into()),
        },
    )
    .for_each(at.private_subnets);
    let s3_endpoint = Resource::new(
        name!("s3"),
        VpcEndpoint {
            vpc_id: Some(at.vpc_id.clone().into()),
            service_name: Some(
                Expr::template(["com.amazonaws.".into(), at.region_id, ".s3".into()]).into(),
            ),
            vpc_endpoint_type: Some("Gateway".into()),
            route_table_ids: Some(
                Expr::for_list(&name!("table"), private_tables.all(), |table| {
                    table.attr(&name!("id"))
                })
                .into(),
            ),
            tags: Some(tags_with_name(&inputs.tags, prefixed(inputs, "-s3")).into()),
        },
    )
    .why("Image pulls from ECR (layers live in S3) skip the NAT gateway and its per-GB charge.");
    vec![
        public_table.to_block(),
        public_route.to_block(),
        public_associations.to_block(),
        private_tables.to_block(),
        private_routes.to_block(),
        private_associations.to_block(),
        s3_endpoint.to_block(),
    ]
}

#[cfg(test)]
mod tests {
    use bkt_core::hcl::Kind;

    use super::*;

    #[test]
    fn module_call_matches_the_module() {
        let files = NetworkModule::default().files().unwrap();
        let file = |name: &str| {
            files
                .iter()
                .find(|(path, _)| *path == name)
                .map(|(_, f)| f.clone())
                .unwrap()
        };
        assert_eq!(
            NetworkInputs::ARGUMENTS,
            file("variables.tf").labels("variable")
        );
        assert_eq!(
            NetworkInputs::ATTRIBUTES,
            file("outputs.tf").labels("output")
        );
    }
}
