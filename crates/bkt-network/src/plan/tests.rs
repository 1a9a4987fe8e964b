//! Rules of the network spec and its subnet plan: each validation names its field, and the plan
//! never overlaps, stays in the VPC and never renumbers a zone.

use proptest::prelude::*;

use super::*;

#[test]
fn dev_plan_matches_the_module_tests() {
    // The same values terraform/modules/network/tests assert for cidrsubnet().
    let spec = NetworkSpec::builder("acme-dev", ["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        .build()
        .unwrap();
    let plan: Vec<(String, String)> = spec
        .subnet_plan()
        .zones()
        .iter()
        .map(|zone| (zone.private.to_string(), zone.public.to_string()))
        .collect();
    assert_eq!(
        plan,
        [
            ("10.0.0.0/20", "10.0.128.0/20"),
            ("10.0.16.0/20", "10.0.144.0/20"),
            ("10.0.32.0/20", "10.0.160.0/20"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

fn field_of(error: &Error) -> &str {
    match error {
        Error::Invalid(bkt_core::Invalid { field, .. }) => field,
        Error::Core(_) => "core",
    }
}

#[test]
fn each_rule_names_its_field() {
    let two = ["eu-west-1a", "eu-west-1b"];
    let cases = [
        (NetworkSpec::builder("Bkt", two), "network.name"),
        (NetworkSpec::builder("ab", two), "network.name"),
        (NetworkSpec::builder("bkt-", two), "network.name"),
        (
            NetworkSpec::builder("acme-dev", two).cidr_block("10.0.0.0/8"),
            "network.cidr_block",
        ),
        (
            NetworkSpec::builder("acme-dev", two).cidr_block("10.0.0.0/24"),
            "network.cidr_block",
        ),
        (
            NetworkSpec::builder("acme-dev", two).cidr_block("fd00::/16"),
            "network.cidr_block",
        ),
        (
            NetworkSpec::builder("acme-dev", two).cidr_block("ten"),
            "network.cidr_block",
        ),
        (
            NetworkSpec::builder("acme-dev", two).cidr_block("10.40.0.1/16"),
            "network.cidr_block",
        ),
        (
            NetworkSpec::builder("acme-dev", ["eu-west-1a"]),
            "network.availability_zones",
        ),
        (
            NetworkSpec::builder("acme-dev", ["a", "a"]),
            "network.availability_zones",
        ),
        (
            NetworkSpec::builder("acme-dev", ["a", "b", "c", "d"]),
            "network.availability_zones",
        ),
        (
            NetworkSpec::builder("acme-dev", two).cluster_name("1x"),
            "network.cluster_name",
        ),
        (
            NetworkSpec::builder("acme-dev", two).flow_log_retention_days(2),
            "network.flow_log_retention_days",
        ),
    ];
    for (builder, field) in cases {
        let error = builder.clone().build().unwrap_err();
        assert_eq!(field_of(&error), field, "{builder:?}: {error}");
        assert!(
            error.to_string().contains("e.g.") || error.to_string().contains("use "),
            "{error}"
        );
    }
}

#[test]
fn a_cidr_with_host_bits_set_is_rejected_with_its_network_address() {
    let error = NetworkSpec::builder("acme-dev", ["eu-west-1a", "eu-west-1b"])
        .cidr_block("10.40.0.1/16")
        .build()
        .unwrap_err();
    let Error::Invalid(bkt_core::Invalid {
        field,
        value,
        reason,
    }) = &error
    else {
        panic!("expected Error::Invalid, got {error:?}");
    };
    assert_eq!(
        (field.as_str(), value.as_str()),
        ("network.cidr_block", "10.40.0.1/16")
    );
    assert!(reason.contains("host bits are set"), "{reason}");
    assert!(reason.contains("use 10.40.0.0/16"), "{reason}");
    assert!(
        error
            .to_string()
            .starts_with("network.cidr_block: \"10.40.0.1/16\" is invalid: host bits are set"),
        "{error}"
    );
}

#[test]
fn retention_error_lists_the_allowed_values() {
    let error = FlowLogRetention::new("days", 2).unwrap_err().to_string();
    assert!(error.contains("1, 3, 5, 7, 14, 30"), "{error}");
    assert!(error.ends_with("3288 or 3653"), "{error}");
}

fn arb_cidr() -> impl Strategy<Value = Cidr> {
    (any::<u32>(), Cidr::MIN_PREFIX..=Cidr::MAX_PREFIX).prop_map(|(addr, prefix)| {
        let net = Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap().trunc();
        Cidr::parse("cidr", &net.to_string()).unwrap()
    })
}

fn arb_zones() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set("[a-z]{2}-[a-z]{4,9}-[1-9][a-f]", MIN_ZONES..=MAX_ZONES)
        .prop_map(|set| set.into_iter().collect())
        .prop_shuffle()
}

proptest! {
    #[test]
    fn subnets_never_overlap_and_stay_inside_the_vpc(cidr in arb_cidr(), zones in arb_zones()) {
        let plan = SubnetPlan::new(cidr, &zones);
        prop_assert_eq!(plan.zones().len(), zones.len());
        let all: Vec<Ipv4Net> = plan.zones().iter().flat_map(|z| [z.private, z.public]).collect();
        for (i, a) in all.iter().enumerate() {
            prop_assert!(cidr.net().trunc().contains(a), "{a} outside {cidr}");
            prop_assert_eq!(a.prefix_len(), cidr.net().prefix_len() + SUBNET_NEWBITS);
            for b in &all[i + 1..] {
                prop_assert!(!a.contains(b) && !b.contains(a), "{a} overlaps {b}");
            }
        }
    }

    #[test]
    fn adding_a_zone_renumbers_none_of_the_others(cidr in arb_cidr(), zones in arb_zones()) {
        let fewer = &zones[..zones.len() - 1];
        let before = SubnetPlan::new(cidr, fewer);
        let after = SubnetPlan::new(cidr, &zones);
        prop_assert_eq!(before.zones(), &after.zones()[..fewer.len()]);
    }

    #[test]
    fn private_subnets_take_the_low_half_public_the_high(cidr in arb_cidr(), zones in arb_zones()) {
        let middle = u32::from(cidr.net().trunc().network())
            + (1u32 << (32 - u32::from(cidr.net().prefix_len()) - 1));
        for zone in SubnetPlan::new(cidr, &zones).zones() {
            prop_assert!(u32::from(zone.private.broadcast()) < middle);
            prop_assert!(u32::from(zone.public.network()) >= middle);
        }
    }

    #[test]
    fn a_cidr_is_accepted_only_as_its_network_address(
        addr in any::<u32>(),
        prefix in Cidr::MIN_PREFIX..=Cidr::MAX_PREFIX,
        network_address in any::<bool>(),
    ) {
        let net = Ipv4Net::new(Ipv4Addr::from(addr), prefix).unwrap();
        let net = if network_address { net.trunc() } else { net };
        let text = net.to_string();
        match Cidr::parse("network.cidr_block", &text) {
            Ok(cidr) => {
                prop_assert_eq!(net.addr(), net.network());
                prop_assert_eq!(cidr.to_string(), text);
            }
            Err(Error::Invalid(bkt_core::Invalid { field, value, reason })) => {
                prop_assert_ne!(net.addr(), net.network());
                prop_assert_eq!(field, "network.cidr_block");
                prop_assert_eq!(value, text);
                let fix = format!("use {}, the network address", net.trunc());
                prop_assert!(reason.contains(&fix), "{}", reason);
            }
            Err(other) => prop_assert!(false, "unexpected error {}", other),
        }
    }

    #[test]
    fn builder_never_panics(name in ".{0,40}", cidr in ".{0,20}", zones in proptest::collection::vec(".{0,12}", 0..5), days in any::<u16>()) {
        let _ = NetworkSpec::builder(name, zones).cidr_block(cidr).flow_log_retention_days(days).build();
    }
}
