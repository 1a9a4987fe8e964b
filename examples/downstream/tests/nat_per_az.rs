//! Snapshot-testing an infrastructure change: the same network with one input changed
//! (`nat_gateway_mode` single → per_az), rendered and compared with the committed snapshot.

use bkt_core::hcl::{Module, to_string};
use bkt_core::name;
use bkt_network::{NatGatewayMode, NetworkSpec};

fn render(mode: NatGatewayMode) -> String {
    let spec = NetworkSpec::builder("shop-dev", ["eu-west-1a", "eu-west-1b"])
        .cidr_block("10.20.0.0/16")
        .nat_gateway_mode(mode)
        .build()
        .expect("a valid spec");
    to_string(&Module::new(name!("network"), "./network", spec.to_inputs()).to_block())
}

#[test]
fn nat_gateway_per_zone() {
    insta::assert_snapshot!(render(NatGatewayMode::PerAz));
}

#[test]
fn the_change_is_one_line() {
    let (single, per_az) = (
        render(NatGatewayMode::Single),
        render(NatGatewayMode::PerAz),
    );
    let changed: Vec<(&str, &str)> = single
        .lines()
        .zip(per_az.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("\"per_az\""));
}
