//! Properties of the spec and the rendered root, over generated inputs: every valid spec renders
//! and passes the documented-arguments check; the access list is never wider than asked; no
//! output exposes the password; no input makes the builder or the renderer panic.

use std::net::Ipv4Addr;

use bkt_atlas::{
    AtlasRoot, AtlasSpec, AtlasSpecBuilder, CLUSTER_NAME_PATTERN, DATABASE_NAME_PATTERN,
    InstanceSize, MIN_ACCESS_PREFIX, ORG_ID_PATTERN, PROJECT_NAME_PATTERN, REGION_PATTERN,
    STATE_BUCKET_PATTERN, STATE_KEY_PATTERN, StateLocation, USERNAME_PATTERN,
};
use hcl::expr::{Expression, TraversalOperator};
use hcl::{Body, Identifier};
use ipnet::Ipv4Net;
use proptest::prelude::*;

use crate::schema::{check_root, documented};

/// A spec builder with every required value: the shape a platform gives it.
fn builder() -> AtlasSpecBuilder {
    AtlasSpec::builder(
        "orders-dev",
        "eu-west-1",
        StateLocation {
            bucket: Some("acme-tfstate-123456789012".to_owned()),
            environment_key: "envs/dev/terraform.tfstate".to_owned(),
            own_key: "atlas/dev/terraform.tfstate".to_owned(),
        },
    )
    .database("orders", "orders")
}

/// First octets of public address blocks (AWS, Google and others), for valid extra ranges.
const PUBLIC_FIRST_OCTETS: [u8; 8] = [3, 13, 18, 34, 35, 52, 54, 99];

fn valid_spec() -> impl Strategy<Value = AtlasSpecBuilder> {
    (
        "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
        "[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?",
        prop_oneof![
            Just("eu-west-1"),
            Just("us-east-1"),
            Just("ap-southeast-2"),
            Just("eu-central-1")
        ],
        proptest::sample::select(InstanceSize::ALL.to_vec()),
        "[a-z][a-z0-9._-]{0,31}",
        "[A-Za-z0-9_-]{1,63}",
        proptest::option::of("[0-9a-f]{24}"),
        proptest::collection::vec(
            (
                proptest::sample::select(PUBLIC_FIRST_OCTETS.to_vec()),
                any::<[u8; 3]>(),
                MIN_ACCESS_PREFIX..=32,
            ),
            0..4,
        ),
    )
        .prop_map(
            |(project, cluster, region, size, user, database, org, cidrs)| {
                let mut builder = builder()
                    .project_name(project)
                    .cluster_name(cluster)
                    .region(region)
                    .instance_size(size.as_str())
                    .database_username(user)
                    .database_name(database);
                if let Some(org) = org {
                    builder = builder.org_id(org);
                }
                let mut seen = Vec::new();
                for (first, [b, c, d], prefix) in cidrs {
                    let net = Ipv4Net::new(Ipv4Addr::new(first, b, c, d), prefix)
                        .unwrap()
                        .trunc();
                    if !seen.contains(&net) {
                        seen.push(net);
                        builder = builder.allow_cidr(net.to_string());
                    }
                }
                builder
            },
        )
}

fn files(root: &AtlasRoot) -> Vec<(String, Body)> {
    root.to_tree("bkt-platform")
        .unwrap()
        .files()
        .map(|(path, bytes)| {
            (
                path.to_owned(),
                hcl::parse(std::str::from_utf8(bytes).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Every `a.b.c` path an expression reads, as text.
fn traversals(expr: &Expression, out: &mut Vec<String>) {
    match expr {
        Expression::Variable(variable) => out.push(variable.as_str().to_owned()),
        Expression::Traversal(traversal) => {
            let mut path = Vec::new();
            traversals(&traversal.expr, &mut path);
            let mut text = path.pop().unwrap_or_default();
            for operator in &traversal.operators {
                match operator {
                    TraversalOperator::GetAttr(name) => {
                        text.push('.');
                        text.push_str(name.as_str());
                    }
                    TraversalOperator::Index(index) => traversals(index, out),
                    _ => {}
                }
            }
            out.extend(path);
            out.push(text);
        }
        Expression::Array(items) => items.iter().for_each(|item| traversals(item, out)),
        Expression::Object(object) => object.values().for_each(|value| traversals(value, out)),
        Expression::FuncCall(call) => call.args.iter().for_each(|arg| traversals(arg, out)),
        Expression::Parenthesis(inner) => traversals(inner, out),
        Expression::Conditional(conditional) => {
            traversals(&conditional.cond_expr, out);
            traversals(&conditional.true_expr, out);
            traversals(&conditional.false_expr, out);
        }
        Expression::TemplateExpr(template) => {
            // An interpolation reads whatever it names; check the raw text for the names.
            out.push(template.to_string());
        }
        Expression::ForExpr(for_expr) => traversals(&for_expr.collection_expr, out),
        Expression::Operation(operation) => match operation.as_ref() {
            hcl::expr::Operation::Unary(unary) => traversals(&unary.expr, out),
            hcl::expr::Operation::Binary(binary) => {
                traversals(&binary.lhs_expr, out);
                traversals(&binary.rhs_expr, out);
            }
        },
        _ => {}
    }
}

/// What carries the password: the generated value, the user's copy, the secret's value, and
/// the locals built from them (none today; listed so one added later is caught).
const SECRET_PATHS: [&str; 3] = [
    "random_password",
    "mongodbatlas_database_user.app.password",
    "aws_secretsmanager_secret_version.mongodb.secret_string",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any valid spec renders, deterministically, and sets only documented arguments.
    #[test]
    fn every_valid_spec_renders_and_matches_the_documented_schema(builder in valid_spec()) {
        let spec = builder.build().map_err(|error| TestCaseError::fail(error.to_string()))?;
        let root = AtlasRoot::new(spec);
        prop_assert_eq!(root.to_tree("g").unwrap(), root.to_tree("g").unwrap());
        let errors = check_root(&root, &documented());
        prop_assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    /// The access list is the NAT addresses, one address per entry, plus the spec's ranges,
    /// each a public /24 or narrower: never 0.0.0.0/0.
    #[test]
    fn the_access_list_is_never_wider_than_asked(builder in valid_spec()) {
        let spec = builder.build().unwrap();
        let asked: Vec<String> = spec.additional_access().iter().map(ToString::to_string).collect();
        for (path, body) in files(&AtlasRoot::new(spec)) {
            for block in body.blocks().filter(|block| block.identifier() == "resource") {
                if block.labels()[0].as_str() != "mongodbatlas_project_ip_access_list" {
                    continue;
                }
                let name = block.labels()[1].as_str();
                let attribute = |key: &str| block.body().attributes().find(|a| a.key() == key).map(|a| a.expr().clone());
                match name {
                    "nat" => {
                        // One address each (a /32), never a range.
                        prop_assert!(attribute("cidr_block").is_none(), "{path}");
                        prop_assert_eq!(attribute("ip_address"), Some(Expression::Traversal(Box::new(
                            hcl::Traversal::new(Expression::Variable(hcl::Variable::unchecked("each")), [TraversalOperator::GetAttr(Identifier::unchecked("value"))])
                        ))));
                    }
                    "additional" => prop_assert!(attribute("ip_address").is_none(), "{path}"),
                    other => prop_assert!(false, "{path}: unexpected access list {other}"),
                }
            }
            for block in body.blocks().filter(|block| block.identifier() == "locals") {
                let Some(listed) = block.body().attributes().find(|a| a.key() == "additional_access") else { continue };
                let Expression::Array(items) = listed.expr() else { panic!("{path}: additional_access is not a list") };
                let mut rendered = Vec::new();
                for item in items {
                    let Expression::String(text) = item else { panic!("{path}: {item:?} is not a literal") };
                    let net: Ipv4Net = text.parse().unwrap();
                    prop_assert!(net.prefix_len() >= MIN_ACCESS_PREFIX, "{text}");
                    prop_assert!(net.prefix_len() > 0 && !net.addr().is_unspecified(), "{text}");
                    rendered.push(text.clone());
                }
                prop_assert_eq!(&rendered, &asked);
            }
        }
    }

    /// No output reads the password or anything holding it, so none needs `sensitive`.
    #[test]
    fn no_output_exposes_the_password(builder in valid_spec()) {
        for (path, body) in files(&AtlasRoot::new(builder.build().unwrap())) {
            for block in body.blocks().filter(|block| block.identifier() == "output") {
                let value = block.body().attributes().find(|a| a.key() == "value").unwrap();
                let mut read = Vec::new();
                traversals(value.expr(), &mut read);
                for secret in SECRET_PATHS {
                    prop_assert!(
                        read.iter().all(|text| !text.contains(secret)),
                        "{path}: output {} reads {secret}: {read:?}", block.labels()[0].as_str()
                    );
                }
                prop_assert!(block.body().attributes().all(|a| a.key() != "sensitive"));
            }
        }
    }

    /// Any text in any field: the builder answers Ok or an error naming an `atlas.` field, and
    /// whatever builds also renders.
    #[test]
    fn no_input_panics(
        texts in proptest::collection::vec(any::<String>(), 9),
        cidrs in proptest::collection::vec(prop_oneof![any::<String>(), "[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}"], 0..3),
    ) {
        let mut builder = builder()
            .project_name(texts[0].clone())
            .cluster_name(texts[1].clone())
            .region(texts[2].clone())
            .instance_size(texts[3].clone())
            .database_username(texts[4].clone())
            .database_name(texts[5].clone())
            .org_id(texts[6].clone())
            .state_bucket(texts[7].clone())
            .state_key(texts[8].clone());
        for cidr in cidrs {
            builder = builder.allow_cidr(cidr);
        }
        match builder.build() {
            Ok(spec) => prop_assert!(AtlasRoot::new(spec).to_tree("g").is_ok()),
            Err(error) => prop_assert!(error.to_string().starts_with("atlas."), "{error}"),
        }
    }

    /// Any CIDR the builder accepts is public, a /24 or narrower, and its network address.
    #[test]
    fn accepted_ranges_are_never_wide(address in any::<[u8; 4]>(), prefix in 0u8..=32) {
        let text = format!("{}/{prefix}", Ipv4Addr::from(address));
        if let Ok(spec) = builder().allow_cidr(text.clone()).build() {
            let net = spec.additional_access()[0].net();
            prop_assert!(net.prefix_len() >= MIN_ACCESS_PREFIX, "{text}");
            prop_assert_eq!(net.network(), net.addr());
            prop_assert!(!net.addr().is_private() && !net.addr().is_unspecified(), "{text}");
        }
    }
}

/// Each field with a pattern: its setter and the pattern of the root's validation block.
type Setter = fn(AtlasSpecBuilder, String) -> AtlasSpecBuilder;
const PATTERNS: [(&str, Setter, &str); 8] = [
    (
        "project_name",
        AtlasSpecBuilder::project_name,
        PROJECT_NAME_PATTERN,
    ),
    (
        "cluster_name",
        AtlasSpecBuilder::cluster_name,
        CLUSTER_NAME_PATTERN,
    ),
    ("region", AtlasSpecBuilder::region, REGION_PATTERN),
    (
        "database_username",
        AtlasSpecBuilder::database_username,
        USERNAME_PATTERN,
    ),
    (
        "database_name",
        AtlasSpecBuilder::database_name,
        DATABASE_NAME_PATTERN,
    ),
    ("org_id", AtlasSpecBuilder::org_id, ORG_ID_PATTERN),
    (
        "state_bucket",
        AtlasSpecBuilder::state_bucket,
        STATE_BUCKET_PATTERN,
    ),
    ("state_key", AtlasSpecBuilder::state_key, STATE_KEY_PATTERN),
];

/// Text near the rules' edges: the characters they allow and a few they do not, at lengths
/// around their limits.
fn near_valid() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._/ :-]{0,70}",
        "[a-z0-9.-]{0,66}",
        "[a-z]{1,3}(-[a-z]{0,6}){0,3}-[0-9]{0,2}",
        "[0-9a-fA-F]{22,26}",
        "[a-zA-Z0-9._/-]{0,12}[.]tfstate",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Validation twice, from one rule: the Rust rule accepts exactly what the root's
    /// validation pattern accepts.
    #[test]
    fn rust_rules_accept_exactly_what_the_terraform_validations_accept(text in near_valid()) {
        for (field, set, pattern) in PATTERNS {
            let terraform = regex::Regex::new(pattern).unwrap().is_match(&text);
            // The cluster is named apart, so the project's rule is tested alone.
            let rust = set(builder().cluster_name("orders-dev"), text.clone()).build().is_ok();
            prop_assert_eq!(rust, terraform, "{} {:?} (pattern {})", field, text, pattern);
        }
        let listed = InstanceSize::ALL.iter().any(|size| size.as_str() == text);
        prop_assert_eq!(builder().instance_size(text.clone()).build().is_ok(), listed);
    }
}

#[test]
fn the_secret_check_catches_an_output_that_reads_the_password() {
    let body: Body = hcl::parse(
        "output \"leak\" {\n  value = { dsn = \"x${random_password.database_user.result}\" }\n}\n",
    )
    .unwrap();
    let value = body
        .blocks()
        .next()
        .unwrap()
        .body()
        .attributes()
        .next()
        .unwrap();
    let mut read = Vec::new();
    traversals(value.expr(), &mut read);
    assert!(
        read.iter().any(|text| text.contains("random_password")),
        "{read:?}"
    );
}
