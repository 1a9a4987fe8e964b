//! The rendered root against the providers' documented arguments (`data/*.hcl`): every
//! argument, nested attribute and nested block it sets is documented for that kind at the
//! pinned version, every required one is set, and the pinned versions are the documented ones.
//!
//! This is what can be proven without the `mongodbatlas` provider binary, which is not on this
//! machine: `terraform init` and `validate` run only where the registry is reachable.

use std::collections::BTreeMap;
use std::path::Path;

use bkt_atlas::{AtlasRoot, AtlasSpec, AtlasSpecBuilder, StateLocation};
use hcl::expr::{Expression, ObjectKey};
use hcl::{Block, Body};

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

/// The documented arguments of one kind (or of one nested object or block).
#[derive(Debug, Default)]
pub(crate) struct Schema {
    required: Vec<String>,
    optional: Vec<String>,
    attributes: BTreeMap<String, Schema>,
    blocks: BTreeMap<String, Schema>,
    exactly_one_of: Vec<String>,
    min_items: usize,
}

/// Every documented kind, keyed by (`resource` | `data` | `provider` | `backend`, type), and
/// the pinned version of each provider, keyed by its source.
#[derive(Debug, Default)]
pub(crate) struct Documented {
    kinds: BTreeMap<(String, String), Schema>,
    versions: BTreeMap<String, String>,
    docs: BTreeMap<(String, String), String>,
}

fn strings(expr: &Expression) -> Vec<String> {
    match expr {
        Expression::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Expression::String(text) => Some(text.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn string(body: &Body, key: &str) -> Option<String> {
    body.attributes()
        .find(|attribute| attribute.key() == key)
        .and_then(|attribute| match attribute.expr() {
            Expression::String(text) => Some(text.clone()),
            _ => None,
        })
}

fn schema(body: &Body) -> Schema {
    let mut schema = Schema::default();
    for attribute in body.attributes() {
        match attribute.key() {
            "required" => schema.required = strings(attribute.expr()),
            "optional" => schema.optional = strings(attribute.expr()),
            "exactly_one_of" => schema.exactly_one_of = strings(attribute.expr()),
            "min_items" => {
                if let Expression::Number(number) = attribute.expr() {
                    schema.min_items = number.as_u64().unwrap().try_into().unwrap();
                }
            }
            _ => {}
        }
    }
    for block in body.blocks() {
        let label = block.labels()[0].as_str().to_owned();
        let nested = schema_of(block);
        match block.identifier() {
            "attribute" => schema.attributes.insert(label, nested),
            "block" => schema.blocks.insert(label, nested),
            other => panic!("unknown schema block {other}"),
        };
    }
    schema
}

fn schema_of(block: &Block) -> Schema {
    schema(block.body())
}

/// Reads every data file of the crate.
pub(crate) fn documented() -> Documented {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut documented = Documented::default();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let body: Body = hcl::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for block in body.blocks() {
            let mode = block.identifier().to_owned();
            let kind = block.labels()[0].as_str().to_owned();
            if mode == "provider" {
                let source = string(block.body(), "source").unwrap();
                let version = string(block.body(), "version").unwrap();
                let file = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    file.contains(&version),
                    "{file}: names a version other than its provider's {version}"
                );
                documented.versions.insert(source, version);
            }
            if let Some(doc) = string(block.body(), "doc") {
                assert!(
                    doc.starts_with("https://"),
                    "{kind}: doc must be an address"
                );
                documented.docs.insert((mode.clone(), kind.clone()), doc);
            }
            let previous = documented
                .kinds
                .insert((mode.clone(), kind.clone()), schema_of(block));
            assert!(previous.is_none(), "{mode} {kind} documented twice");
        }
    }
    documented
}

/// Meta-arguments Terraform itself owns, allowed on every resource and data source.
const META_ARGUMENTS: [&str; 4] = ["for_each", "count", "depends_on", "provider"];

fn set_keys_of_object(
    object: &hcl::expr::Object<ObjectKey, Expression>,
) -> Vec<(String, &Expression)> {
    object
        .iter()
        .map(|(key, value)| {
            let key = match key {
                ObjectKey::Identifier(ident) => ident.as_str().to_owned(),
                ObjectKey::Expression(Expression::String(text)) => text.clone(),
                other => panic!("computed key {other:?} in a provider argument"),
            };
            (key, value)
        })
        .collect()
}

fn check_arguments(
    path: &str,
    set: &[(String, &Expression)],
    schema: &Schema,
    meta: bool,
    errors: &mut Vec<String>,
) {
    for (key, value) in set {
        if meta && META_ARGUMENTS.contains(&key.as_str()) {
            continue;
        }
        if !schema.required.contains(key) && !schema.optional.contains(key) {
            errors.push(format!("{path}.{key}: not a documented argument"));
            continue;
        }
        if let Some(nested) = schema.attributes.get(key) {
            check_value(&format!("{path}.{key}"), value, nested, errors);
        }
    }
    for required in &schema.required {
        let present = set
            .iter()
            .any(|(key, value)| key == required && !matches!(value, Expression::Null));
        if !present {
            errors.push(format!("{path}.{required}: required, not set"));
        }
    }
    if !schema.exactly_one_of.is_empty() {
        let count = set
            .iter()
            .filter(|(key, _)| schema.exactly_one_of.contains(key))
            .count();
        if count != 1 {
            errors.push(format!(
                "{path}: exactly one of {:?} must be set, {count} are",
                schema.exactly_one_of
            ));
        }
    }
}

/// An object-typed argument: a literal object (or list of them, or a conditional between
/// such values) is checked key by key; any other expression is a reference Terraform
/// resolves, which only the provider can judge.
fn check_value(path: &str, value: &Expression, schema: &Schema, errors: &mut Vec<String>) {
    match value {
        Expression::Object(object) => {
            check_arguments(path, &set_keys_of_object(object), schema, false, errors);
        }
        Expression::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_value(&format!("{path}[{index}]"), item, schema, errors);
            }
        }
        Expression::Conditional(conditional) => {
            check_value(path, &conditional.true_expr, schema, errors);
            check_value(path, &conditional.false_expr, schema, errors);
        }
        Expression::Parenthesis(inner) => check_value(path, inner, schema, errors),
        _ => {}
    }
}

fn check_body(path: &str, body: &Body, schema: &Schema, meta: bool, errors: &mut Vec<String>) {
    let set: Vec<(String, &Expression)> = body
        .attributes()
        .map(|attribute| (attribute.key().to_owned(), attribute.expr()))
        .collect();
    check_arguments(path, &set, schema, meta, errors);
    for block in body.blocks() {
        let ident = block.identifier();
        if meta && ident == "lifecycle" {
            continue;
        }
        match schema.blocks.get(ident) {
            Some(nested) => check_body(
                &format!("{path}.{ident}"),
                block.body(),
                nested,
                false,
                errors,
            ),
            None => errors.push(format!("{path}.{ident}: not a documented block")),
        }
    }
    for (ident, nested) in &schema.blocks {
        let count = body
            .blocks()
            .filter(|block| block.identifier() == ident)
            .count();
        if count < nested.min_items {
            errors.push(format!(
                "{path}.{ident}: at least {} block(s) required, {count} set",
                nested.min_items
            ));
        }
    }
}

fn kind<'a>(
    documented: &'a Documented,
    mode: &str,
    name: &str,
    errors: &mut Vec<String>,
) -> Option<&'a Schema> {
    let schema = documented.kinds.get(&(mode.to_owned(), name.to_owned()));
    if schema.is_none() {
        errors.push(format!(
            "{mode} {name}: not in data/*.hcl; add its documented arguments"
        ));
    }
    schema
}

/// Checks every file of a rendered root; returns what is wrong, one line each.
pub(crate) fn check_root(root: &AtlasRoot, documented: &Documented) -> Vec<String> {
    let tree = root.to_tree("bkt-platform").unwrap();
    let mut errors = Vec::new();
    for (file, bytes) in tree.files() {
        let body: Body = hcl::parse(std::str::from_utf8(bytes).unwrap()).unwrap();
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels().iter().map(hcl::BlockLabel::as_str).collect();
            match (block.identifier(), labels.as_slice()) {
                (mode @ ("resource" | "data"), [kind_name, name]) => {
                    if let Some(schema) = kind(documented, mode, kind_name, &mut errors) {
                        let path = format!("{file}: {mode}.{kind_name}.{name}");
                        check_body(&path, block.body(), schema, true, &mut errors);
                    }
                }
                ("provider", [provider]) => {
                    if let Some(schema) = kind(documented, "provider", provider, &mut errors) {
                        check_body(
                            &format!("{file}: provider.{provider}"),
                            block.body(),
                            schema,
                            false,
                            &mut errors,
                        );
                    }
                }
                ("terraform", []) => check_settings(file, block.body(), documented, &mut errors),
                ("variable" | "output" | "locals", _) => {}
                (other, _) => errors.push(format!("{file}: unexpected block {other}")),
            }
        }
    }
    errors
}

fn check_settings(file: &str, body: &Body, documented: &Documented, errors: &mut Vec<String>) {
    for block in body.blocks() {
        match block.identifier() {
            "required_providers" => {
                for attribute in block.body().attributes() {
                    let Expression::Object(object) = attribute.expr() else {
                        errors.push(format!("{file}: {} is not an object", attribute.key()));
                        continue;
                    };
                    let field = |name: &str| {
                        set_keys_of_object(object).into_iter().find_map(
                            |(key, value)| match value {
                                Expression::String(text) if key == name => Some(text.clone()),
                                _ => None,
                            },
                        )
                    };
                    let (source, version) = (field("source").unwrap(), field("version").unwrap());
                    match documented.versions.get(&source) {
                        Some(documented) if *documented == version => {}
                        Some(documented) => errors.push(format!(
                            "{file}: {source} pinned to {version}, documented for {documented}"
                        )),
                        None => errors.push(format!("{file}: {source} has no data file")),
                    }
                }
            }
            "backend" => {
                let backend = block.labels()[0].as_str();
                if let Some(schema) = kind(documented, "backend", backend, errors) {
                    check_body(
                        &format!("{file}: backend.{backend}"),
                        block.body(),
                        schema,
                        false,
                        errors,
                    );
                }
            }
            other => errors.push(format!("{file}: unexpected terraform block {other}")),
        }
    }
}

#[test]
fn the_default_root_sets_only_documented_arguments_and_every_required_one() {
    let documented = documented();
    let errors = check_root(&AtlasRoot::new(builder().build().unwrap()), &documented);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn a_root_with_every_option_sets_only_documented_arguments() {
    let spec = builder()
        .instance_size("M30")
        .org_id("5f1d6c3e2a9b8c7d6e5f4a3b")
        .allow_cidr("34.240.0.10/32")
        .allow_cidr("52.16.0.0/24")
        .build()
        .unwrap();
    let errors = check_root(&AtlasRoot::new(spec), &documented());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_kind_of_the_root_has_a_documentation_address() {
    let documented = documented();
    for (mode, kind) in [
        ("resource", "mongodbatlas_project"),
        ("resource", "mongodbatlas_advanced_cluster"),
        ("resource", "mongodbatlas_project_ip_access_list"),
        ("resource", "mongodbatlas_database_user"),
        ("resource", "random_password"),
        ("resource", "aws_secretsmanager_secret_version"),
        ("data", "terraform_remote_state"),
        ("backend", "s3"),
    ] {
        let doc = &documented.docs[&(mode.to_owned(), kind.to_owned())];
        assert!(
            doc.contains("registry.terraform.io") || doc.contains("developer.hashicorp.com"),
            "{kind}: {doc}"
        );
    }
    assert_eq!(
        documented.versions["mongodb/mongodbatlas"],
        bkt_atlas::MONGODBATLAS_VERSION
    );
    assert_eq!(
        documented.versions["hashicorp/random"],
        bkt_atlas::RANDOM_VERSION
    );
    assert_eq!(documented.versions["hashicorp/aws"], bkt_atlas::AWS_VERSION);
}

/// The checker itself: each kind of mistake it exists to catch is caught.
#[test]
fn the_check_catches_undocumented_missing_and_conflicting_arguments() {
    let documented = documented();
    let check = |text: &str| {
        let body: Body = hcl::parse(text).unwrap();
        let block = body.blocks().next().unwrap();
        let labels: Vec<&str> = block.labels().iter().map(hcl::BlockLabel::as_str).collect();
        let schema = &documented.kinds[&("resource".to_owned(), labels[0].to_owned())];
        let mut errors = Vec::new();
        check_body("t", block.body(), schema, true, &mut errors);
        errors
    };
    let misspelt =
        check("resource \"mongodbatlas_project\" \"p\" {\n  name = \"a\"\n  org = \"b\"\n}\n");
    assert_eq!(
        misspelt,
        [
            "t.org: not a documented argument",
            "t.org_id: required, not set"
        ]
    );
    let nested = check(
        "resource \"mongodbatlas_advanced_cluster\" \"c\" {\n  project_id = \"p\"\n  name = \"c\"\n  cluster_type = \"REPLICASET\"\n  replication_specs = [{ region_configs = [{ provider_name = \"AWS\", region_name = \"EU_WEST_1\", electable_specs = true ? null : { node_count = 3, size = \"M10\" } }] }]\n}\n",
    );
    assert_eq!(
        nested,
        [
            "t.replication_specs[0].region_configs[0].electable_specs.size: not a documented argument",
            "t.replication_specs[0].region_configs[0].electable_specs.instance_size: required, not set",
            "t.replication_specs[0].region_configs[0].priority: required, not set",
        ]
    );
    let both = check(
        "resource \"mongodbatlas_project_ip_access_list\" \"a\" {\n  project_id = \"p\"\n  ip_address = \"1.2.3.4\"\n  cidr_block = \"1.2.3.4/32\"\n}\n",
    );
    assert_eq!(both.len(), 1, "{both:?}");
    assert!(both[0].contains("exactly one of"));
    let no_roles = check(
        "resource \"mongodbatlas_database_user\" \"u\" {\n  project_id = \"p\"\n  username = \"u\"\n  auth_database_name = \"admin\"\n  grants {\n  }\n}\n",
    );
    assert_eq!(
        no_roles,
        [
            "t.grants: not a documented block",
            "t.roles: at least 1 block(s) required, 0 set"
        ]
    );
}
