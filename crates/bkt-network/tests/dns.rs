//! The dns module's files (their bytes are terraform/modules/dns, guarded by the drift test), and
//! its typed call:
//! the inputs a root can set are exactly the module's variables, the outputs it can read
//! exactly the module's outputs.

use bkt_core::hcl::{Kind, Module, to_string};
use bkt_core::name;
use bkt_network::{DnsInputs, DnsModule, DnsSpec};

const FILES: [&str; 5] = [
    "main.tf",
    "certificate.tf",
    "variables.tf",
    "outputs.tf",
    "versions.tf",
];

#[test]
fn dns_module_files() {
    // The bytes are those of terraform/modules/dns, which the drift test guards.
    let tree = DnsModule::default().to_tree("bkt-platform").unwrap();
    let files: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    let mut expected = FILES.to_vec();
    expected.sort_unstable();
    assert_eq!(files, expected, "a file was added or removed");
}

/// The second label of every `<keyword> "<label>"` line of a rendered file.
/// The first label of every `<keyword>` block of the module's file `file`.
fn labels(file: &str, keyword: &str) -> Vec<String> {
    DnsModule::default()
        .files()
        .unwrap()
        .into_iter()
        .find(|(name, _)| *name == file)
        .map_or_else(
            || panic!("{file} is not rendered"),
            |(_, rendered)| rendered.labels(keyword),
        )
}

#[test]
fn module_call_inputs_are_the_module_variables() {
    let every_input = DnsInputs {
        domain: Some("dev.example.com".into()),
        create_zone: Some(true.into()),
        validation_timeout: Some("45m".into()),
        parent_zone_id: Some("Z0PARENT".into()),
        tags: Some("t".into()),
    };
    let inputs: Vec<String> = every_input
        .arguments()
        .into_iter()
        .map(|(name, _)| name.to_owned())
        .collect();
    assert_eq!(inputs, labels("variables.tf", "variable"));
}

#[test]
fn module_call_outputs_are_the_module_outputs() {
    let call = Module::new(name!("dns"), "../../modules/dns", DnsInputs::default());
    let outputs = call.get();
    let read: Vec<String> = [
        outputs.zone_id(),
        outputs.zone_arn(),
        outputs.name_servers(),
        outputs.delegation_step(),
        outputs.certificate_arn(),
    ]
    .into_iter()
    .map(|expr| {
        let text = to_string(&bkt_core::hcl::Output::new(name!("x"), "", expr).to_block());
        let value = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("value       = module.dns."))
            .unwrap_or_else(|| panic!("no module reference in {text}"));
        value.to_owned()
    })
    .collect();
    assert_eq!(read, labels("outputs.tf", "output"));
}

#[test]
fn a_spec_becomes_a_typed_module_call() {
    let spec = DnsSpec::builder("dev.example.com")
        .create_zone(false)
        .validation_timeout("20m")
        .tag("team", "platform")
        .build()
        .unwrap();
    let call = Module::new(name!("dns"), "../../modules/dns", spec.to_inputs());
    assert_eq!(
        to_string(&call.to_block()),
        r#"module "dns" {
  source = "../../modules/dns"

  domain             = "dev.example.com"
  create_zone        = false
  validation_timeout = "20m"

  tags = { team = "platform" }
}
"#
    );
}
