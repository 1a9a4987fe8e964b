//! Bad input as a user's tool meets it: whichever crate refuses a value, the error carries the
//! one shared shape, `bkt_core::Invalid`, so a tool reports the field the same way for all.

use bkt_core::Invalid;
use bkt_network::{DnsSpec, NetworkSpec};

/// How a user's tool reports any refused value: one function for every crate's errors.
fn report(invalid: &Invalid) -> String {
    format!("{} (was {:?})", invalid.field, invalid.value)
}

#[test]
fn every_crate_refuses_a_value_with_the_same_shape() {
    let cidr = NetworkSpec::builder("shop-dev", ["eu-west-1a", "eu-west-1b"])
        .cidr_block("10.20.0.1/16")
        .build()
        .unwrap_err();
    let domain = DnsSpec::builder("shop.example.com.").build().unwrap_err();
    let name = bkt_core::Name::new("orders dlq").unwrap_err();
    let (
        bkt_network::Error::Invalid(cidr),
        bkt_network::Error::Invalid(domain),
        bkt_core::Error::Invalid(name),
    ) = (&cidr, &domain, &name)
    else {
        panic!("not validation errors: {cidr}; {domain}; {name}")
    };
    assert_eq!(report(cidr), "network.cidr_block (was \"10.20.0.1/16\")");
    assert_eq!(report(domain), "dns.domain (was \"shop.example.com.\")");
    assert!(report(name).ends_with("(was \"orders dlq\")"), "{}", report(name));
}
