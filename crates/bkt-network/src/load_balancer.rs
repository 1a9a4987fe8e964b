//! The frontend security groups of the load balancers a cluster's controller creates: which
//! IPv4 ranges may reach which listener ports. The network module writes one security group per
//! [`LoadBalancerIngress`] (input `load_balancers`); the AWS Load Balancer Controller attaches it
//! to the load balancer instead of creating an open one of its own.

use std::fmt;
use std::str::FromStr;

use bkt_core::hcl::func::{
    alltrue, can, cidrhost, length, merge, merge_all, regex, split, try_, values,
};
use bkt_core::hcl::{Expr, Field, File, Local, Locals, Output, Resource, Type, Variable};
use bkt_core::{Name, name};
use ipnet::Ipv4Net;

use crate::aws::{SecurityGroup, Vpc, VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule};
use crate::inputs::Inputs;
use crate::{Error, Result};

/// The regular expression the module's `load_balancers` key validation uses: the key becomes
/// part of the group's name.
pub const LOAD_BALANCER_NAME_PATTERN: &str = "^[a-z][a-z0-9-]{0,30}$";

/// An IPv4 source range of any prefix, written as its network address (`203.0.113.0/24`, never
/// `203.0.113.7/24`: AWS stores the network address and Terraform would plan a change forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceCidr(Ipv4Net);

impl SourceCidr {
    /// Every IPv4 address: `0.0.0.0/0`.
    pub const ANYWHERE: SourceCidr =
        SourceCidr(Ipv4Net::new_assert(std::net::Ipv4Addr::UNSPECIFIED, 0));

    /// The range of `prefix` bits (at most 32) that holds `address`, host bits cleared:
    /// `network_of(203.0.113.7, 24)` is `203.0.113.0/24`.
    #[must_use]
    pub const fn network_of(address: std::net::Ipv4Addr, prefix: u8) -> Self {
        let prefix = if prefix > 32 { 32 } else { prefix };
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        Self(Ipv4Net::new_assert(
            std::net::Ipv4Addr::from_bits(address.to_bits() & mask),
            prefix,
        ))
    }

    /// Parses and validates `field` (named in the error).
    ///
    /// # Errors
    /// [`Error::Invalid`] when `text` is not an IPv4 CIDR or has host bits set (the error names
    /// the network address to write instead).
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let net = Ipv4Net::from_str(text)
            .map_err(|_| Error::invalid(field, text, "write an IPv4 CIDR (e.g. 203.0.113.0/24)"))?;
        Ok(Self(crate::plan::network_address(field, text, net)?))
    }

    /// The network.
    #[must_use]
    pub fn net(&self) -> Ipv4Net {
        self.0
    }
}

impl fmt::Display for SourceCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One load balancer's frontend: a name (the key of the module's `load_balancers` input), the
/// ranges allowed in and the listener ports they may reach.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoadBalancerIngress {
    name: String,
    cidr_blocks: Vec<SourceCidr>,
    ports: Vec<u16>,
}

impl LoadBalancerIngress {
    /// The frontend `name` admitting `cidr_blocks` on `ports`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when the name does not match
    /// [`LOAD_BALANCER_NAME_PATTERN`], no range or no port is given, or a port is 0.
    pub fn new(
        field: &str,
        name: &str,
        cidr_blocks: impl IntoIterator<Item = SourceCidr>,
        ports: impl IntoIterator<Item = u16>,
    ) -> Result<Self> {
        let bytes = name.as_bytes();
        let name_ok = (1..=31).contains(&bytes.len())
            && bytes.first().is_some_and(u8::is_ascii_lowercase)
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if !name_ok {
            return Err(Error::invalid(
                field,
                name,
                "name the load balancer with 1-31 lowercase letters, digits and hyphens, starting with a letter (e.g. admin)",
            ));
        }
        let mut cidr_blocks: Vec<SourceCidr> = cidr_blocks.into_iter().collect();
        cidr_blocks.sort_unstable();
        cidr_blocks.dedup();
        if cidr_blocks.is_empty() {
            return Err(Error::invalid(
                field,
                name,
                "list at least one source range; a load balancer nobody may reach needs no security group",
            ));
        }
        let mut ports: Vec<u16> = ports.into_iter().collect();
        ports.sort_unstable();
        ports.dedup();
        if ports.is_empty() || ports.contains(&0) {
            return Err(Error::invalid(
                field,
                name,
                "list the listener ports, each from 1 to 65535 (e.g. 80 and 443)",
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            cidr_blocks,
            ports,
        })
    }

    /// The name: the key in `load_balancers` and the suffix of the group's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The source ranges, sorted.
    #[must_use]
    pub fn cidr_blocks(&self) -> &[SourceCidr] {
        &self.cidr_blocks
    }

    /// The listener ports, sorted.
    #[must_use]
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// The value of the module's `load_balancers` input for `frontends`, keyed by name.
    #[must_use]
    pub fn to_input<'a>(frontends: impl IntoIterator<Item = &'a LoadBalancerIngress>) -> Expr {
        Expr::object(frontends.into_iter().map(|frontend| {
            (
                frontend.name.as_str(),
                Expr::object([
                    (
                        "cidr_blocks",
                        Expr::list(frontend.cidr_blocks.iter().map(ToString::to_string)),
                    ),
                    (
                        "ports",
                        Expr::list(frontend.ports.iter().map(|port| Expr::from(*port))),
                    ),
                ]),
            )
        }))
    }
}

/// The regular expression a source range of the module must match before its network address is
/// compared: dotted IPv4 and a prefix (`cidrhost` alone also accepts IPv6).
const IPV4_CIDR_PATTERN: &str = "^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$";

/// `alltrue([for frontend in values(frontends) : alltrue([for item in frontend.<field> : rule]))])`.
fn every_item(frontends: Expr, field: &Name, rule: impl FnOnce(Expr) -> Expr) -> Expr {
    alltrue(Expr::for_list(
        &name!("frontend"),
        values(frontends),
        |frontend| alltrue(Expr::for_list(&name!("item"), frontend.attr(field), rule)),
    ))
}

/// The module's `load_balancers` input, validated by the rules of [`LoadBalancerIngress::new`]
/// and [`SourceCidr::parse`].
pub(crate) fn variable() -> Variable {
    Variable::new(
        name!("load_balancers"),
        "Frontend security groups of the load balancers the cluster's controller creates, by name: the IPv4 ranges allowed in and the listener ports they may reach. Each group may send TCP to the VPC's range, where its targets are; empty writes no group.",
        Type::Map(Box::new(Type::Object(vec![
            Field::required(name!("cidr_blocks"), Type::List(Box::new(Type::String))),
            Field::required(name!("ports"), Type::List(Box::new(Type::Number))),
        ]))),
    )
    .default(Expr::object::<&str, Expr>([]))
    .validate(
        |frontends| {
            alltrue(Expr::for_list_entries(
                (&name!("name"), &name!("frontend")),
                frontends,
                |name, frontend| {
                    can(regex(LOAD_BALANCER_NAME_PATTERN, name))
                        .and(length(frontend.clone().attr(&name!("cidr_blocks"))).at_least(1))
                        .and(length(frontend.attr(&name!("ports"))).at_least(1))
                },
            ))
        },
        "load_balancers: each key must be 1-31 lowercase letters, digits and hyphens starting with a letter (e.g. admin), with at least one range in cidr_blocks and one port in ports.",
    )
    .validate(
        |frontends| {
            every_item(frontends, &name!("cidr_blocks"), |cidr| {
                can(regex(IPV4_CIDR_PATTERN, cidr.clone())).and(try_([
                    cidrhost(cidr.clone(), 0).equals(split("/", cidr).index(0)),
                    false.into(),
                ]))
            })
        },
        "load_balancers: cidr_blocks must be IPv4 CIDRs written as their network address, with no host bits set (e.g. 203.0.113.0/24, not 203.0.113.7/24).",
    )
    .validate(
        |frontends| {
            every_item(frontends, &name!("ports"), |port| {
                port.clone().at_least(1).and(port.at_most(65535))
            })
        },
        "load_balancers: ports must be listener ports from 1 to 65535 (e.g. 80, 443).",
    )
}

/// The local of every ingress rule: one per frontend, range and port, keyed by all three.
fn ingress_rules(var_frontends: Expr) -> Local {
    Local::new(
        name!("load_balancer_ingress"),
        merge_all(Expr::for_list_entries(
            (&name!("name"), &name!("frontend")),
            var_frontends,
            |frontend_name, frontend| {
                merge_all(Expr::for_list(
                    &name!("cidr"),
                    frontend.clone().attr(&name!("cidr_blocks")),
                    |cidr| {
                        Expr::for_map_values(
                            &name!("port"),
                            frontend.attr(&name!("ports")),
                            |port| {
                                (
                                    Expr::template([
                                        frontend_name.clone(),
                                        " ".into(),
                                        cidr.clone(),
                                        " ".into(),
                                        port.clone(),
                                    ]),
                                    Expr::object([
                                        ("load_balancer", frontend_name),
                                        ("cidr", cidr),
                                        ("port", port),
                                    ]),
                                )
                            },
                        )
                    },
                ))
            },
        )),
    )
    .why("One rule per frontend, range and port, keyed by all three: adding a range never replaces\nanother's rule.")
}

/// `load-balancers.tf`: a security group per frontend, its ingress rule per range and port, its
/// egress to the VPC; and the output of the groups' IDs.
pub(crate) fn frontends(inputs: &Inputs, vpc: &Resource<Vpc>, file: &mut File, outputs: &mut File) {
    let var_name = inputs.name.reference();
    let var_frontends = inputs.load_balancers.reference();
    let each_value = |field: Name| Expr::each_value().attr(&field);
    let rules = ingress_rules(var_frontends.clone());
    let groups = Resource::new(
        name!("load_balancer"),
        SecurityGroup {
            name: Some(
                Expr::template([var_name.clone(), "-lb-".into(), Expr::each_key()]).into(),
            ),
            description: Some(
                Expr::template(["Frontend of load balancer ".into(), Expr::each_key()]).into(),
            ),
            vpc_id: Some(vpc.get().id().into()),
            tags: Some(
                merge([
                    inputs.tags.reference(),
                    Expr::object([(
                        "Name",
                        Expr::template([var_name, "-lb-".into(), Expr::each_key()]),
                    )]),
                ])
                .into(),
            ),
        },
    )
    .for_each(var_frontends)
    .why("The AWS Load Balancer Controller attaches these (Ingress annotation\nalb.ingress.kubernetes.io/security-groups) instead of creating groups open to 0.0.0.0/0.");
    let ingress = Resource::new(
        name!("load_balancer"),
        VpcSecurityGroupIngressRule {
            security_group_id: Some(groups.at(each_value(name!("load_balancer"))).id().into()),
            description: Some(
                Expr::template(["Listener port ".into(), each_value(name!("port"))]).into(),
            ),
            cidr_ipv4: Some(each_value(name!("cidr")).into()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(each_value(name!("port")).into()),
            to_port: Some(each_value(name!("port")).into()),
            tags: Some(inputs.tags.reference().into()),
            ..VpcSecurityGroupIngressRule::default()
        },
    )
    .for_each(rules.reference());
    let egress = Resource::new(
        name!("load_balancer"),
        VpcSecurityGroupEgressRule {
            security_group_id: Some(groups.at(Expr::each_key()).id().into()),
            description: Some(
                "To the targets (pods, target type ip) and their health checks, in the VPC".into(),
            ),
            cidr_ipv4: Some(inputs.cidr_block.reference().into()),
            ip_protocol: Some("tcp".into()),
            from_port: Some(0.into()),
            to_port: Some(65535.into()),
            tags: Some(inputs.tags.reference().into()),
            ..VpcSecurityGroupEgressRule::default()
        },
    )
    .for_each(groups.all())
    .why("Terraform removes AWS's default allow-all egress rule of a new group; this is its only one.");
    file.push(
        Locals {
            groups: vec![vec![rules]],
        }
        .to_block(),
    )
    .push(groups.to_block())
    .push(ingress.to_block())
    .push(egress.to_block());
    outputs.push(
        Output::new(
            name!("load_balancer_security_group_ids"),
            "IDs of the load balancers' frontend security groups, by name: the value of each load balancer's alb.ingress.kubernetes.io/security-groups annotation.",
            Expr::for_map(
                (&name!("name"), &name!("group")),
                groups.all(),
                |name, group| (name, group.attr(&name!("id"))),
            ),
        )
        .to_block(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_range_with_host_bits_names_its_network_address() {
        let error = SourceCidr::parse("admin_cidrs[0]", "203.0.113.7/24").unwrap_err();
        assert_eq!(
            error.to_string(),
            "admin_cidrs[0]: \"203.0.113.7/24\" is invalid: host bits are set after the /24 prefix; use 203.0.113.0/24, the network address of this range"
        );
        let error = SourceCidr::parse("admin_cidrs[0]", "office").unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("write an IPv4 CIDR (e.g. 203.0.113.0/24)")
        );
        assert_eq!(SourceCidr::ANYWHERE.to_string(), "0.0.0.0/0");
        let address = std::net::Ipv4Addr::new(203, 0, 113, 7);
        assert_eq!(
            SourceCidr::network_of(address, 24).to_string(),
            "203.0.113.0/24"
        );
        assert_eq!(
            SourceCidr::network_of(address, 40).to_string(),
            "203.0.113.7/32"
        );
        assert_eq!(
            SourceCidr::parse("x", "198.51.100.7/32")
                .unwrap()
                .to_string(),
            "198.51.100.7/32"
        );
    }

    #[test]
    fn a_frontend_needs_a_name_a_range_and_ports() {
        let office = SourceCidr::parse("x", "203.0.113.0/24").unwrap();
        let error = LoadBalancerIngress::new("lb", "Admin", [office], [443]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("lb: \"Admin\" is invalid: name the load balancer")
        );
        let error = LoadBalancerIngress::new("lb", "admin", [], [443]).unwrap_err();
        assert!(error.to_string().contains("list at least one source range"));
        let error = LoadBalancerIngress::new("lb", "admin", [office], [0, 443]).unwrap_err();
        assert!(error.to_string().contains("each from 1 to 65535"));
        let error = LoadBalancerIngress::new("lb", "admin", [office], []).unwrap_err();
        assert!(error.to_string().contains("list the listener ports"));
    }

    #[test]
    fn the_input_is_keyed_by_name_with_sorted_unique_values() {
        let cidr = |text| SourceCidr::parse("x", text).unwrap();
        let admin = LoadBalancerIngress::new(
            "lb",
            "admin",
            [
                cidr("203.0.113.0/24"),
                cidr("198.51.100.0/24"),
                cidr("203.0.113.0/24"),
            ],
            [443, 80, 443],
        )
        .unwrap();
        let mut file = bkt_core::hcl::File::new();
        file.push(
            Locals {
                groups: vec![vec![Local::new(
                    name!("load_balancers"),
                    LoadBalancerIngress::to_input([&admin]),
                )]],
            }
            .to_block(),
        );
        insta::assert_snapshot!(file.render());
    }
}
