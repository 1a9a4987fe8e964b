//! Terraform's escape hatches as a user meets them — built through the public API, judged by
//! Terraform itself (`fmt`, `validate`, and `apply` for `.tfvars`): a raw expression, any
//! function, `depends_on`, the `provider` meta-argument, `moved`, `import`, `dynamic` and a
//! `.tfvars` file. Terraform and the AWS provider are installed by the project's setup (the
//! provider from the machine's mirror when there is one, `TF_PLUGIN_MIRROR`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bkt_core::hcl::{
    Address, Dynamic, Expr, File, Import, Module, Moved, Output as TfOutput, Provider,
    RequiredProvider, Resource, Settings, Tfvars, Type, Variable, to_string,
};
use bkt_core::name;

bkt_core::terraform_kind! {
    /// Terraform's built-in `terraform_data` resource: proofs without a provider.
    resource TerraformData => "terraform_data" {
        /// Any value.
        input,
    }
    /// Its attributes.
    pub ref TerraformDataRef { output }
}

bkt_core::terraform_kind! {
    /// A module input kind with no inputs.
    module Empty => "empty" {}
    /// No outputs.
    pub ref EmptyOutputs {}
}

bkt_core::terraform_kind! {
    /// The AWS provider.
    provider Aws => "aws" {
        /// The region.
        region,
    }
    /// Nothing to read.
    pub ref AwsRef {}
}

bkt_core::terraform_block! {
    /// One ingress rule of a security group.
    struct Ingress => "ingress" {
        /// First port.
        from_port,
        /// Last port.
        to_port,
        /// Protocol.
        protocol,
        /// Source ranges.
        cidr_blocks,
    }
}

bkt_core::terraform_kind! {
    /// A security group, with its inline rules.
    resource SecurityGroup => "aws_security_group" {
        /// The group's name.
        name,
    }
    repeated {
        /// Inline ingress rules.
        ingress: Ingress,
    }
    /// Its attributes.
    pub ref SecurityGroupRef { id }
}

bkt_core::terraform_kind! {
    /// An S3 bucket.
    resource Bucket => "aws_s3_bucket" {
        /// The bucket's name.
        bucket,
    }
    /// Its attributes.
    pub ref BucketRef { arn }
}

/// A scratch root folder, removed when dropped.
struct Root(PathBuf);

impl Root {
    fn new(case: &str, files: &[(&str, String)]) -> Self {
        let dir = std::env::temp_dir().join(format!("bkt-core-{case}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Self(dir)
    }

    fn terraform(&self, args: &[&str]) -> Output {
        Command::new("terraform")
            .arg(format!("-chdir={}", self.0.display()))
            .args(args)
            .output()
            .expect("terraform must be on PATH (make setup checks it)")
    }

    /// `terraform init` (from the provider mirror when the machine has one), then `args`: the
    /// verdict and what Terraform printed.
    /// A root Terraform refuses to initialise fails here, with what init printed.
    fn run(&self, args: &[&str]) -> (bool, String) {
        let mut init = vec!["init", "-backend=false", "-input=false", "-no-color"];
        let mirror = plugin_mirror().map(|dir| format!("-plugin-dir={}", dir.display()));
        init.extend(mirror.as_deref());
        let done = self.terraform(&init);
        if !done.status.success() {
            return (false, String::from_utf8_lossy(&done.stderr).into_owned());
        }
        let done = self.terraform(args);
        let said = String::from_utf8_lossy(&done.stderr).into_owned()
            + &String::from_utf8_lossy(&done.stdout);
        (done.status.success(), said)
    }

    /// `terraform output -json`, parsed.
    fn outputs(&self) -> serde_json::Value {
        let done = self.terraform(&["output", "-json"]);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        serde_json::from_slice(&done.stdout).unwrap()
    }

    fn validates(&self) -> (bool, String) {
        self.run(&["validate", "-no-color"])
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The provider mirror of an offline machine: `TF_PLUGIN_MIRROR` (`none`: the registry), or the
/// first folder of scripts/tf-init.sh's list that holds the AWS provider.
fn plugin_mirror() -> Option<PathBuf> {
    match std::env::var("TF_PLUGIN_MIRROR") {
        Ok(dir) if dir == "none" => None,
        Ok(dir) => Some(PathBuf::from(dir)),
        Err(_) => [
            "/opt/tf-plugins",
            "/usr/share/terraform/plugins",
            "/usr/local/share/terraform/plugins",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|dir| dir.join("registry.terraform.io/hashicorp/aws").is_dir()),
    }
}

/// `terraform fmt` would leave `text` unchanged.
fn formatted(text: &str) -> bool {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = Root::new(&format!("fmt-{call}"), &[("main.tf", text.to_owned())]);
    Command::new("terraform")
        .args(["fmt", "-check"])
        .arg(Path::new(&root.0).join("main.tf"))
        .status()
        .expect("terraform must be on PATH")
        .success()
}

/// A root whose one output is `value`.
fn output_root(value: Expr) -> [(&'static str, String); 1] {
    let output = TfOutput::new(name!("result"), "The result.", value);
    [("main.tf", to_string(&output.to_block()))]
}

fn aws_settings() -> String {
    let settings = Settings {
        required_version: ">= 1.11.0".to_owned(),
        required_providers: vec![RequiredProvider {
            name: name!("aws"),
            source: "hashicorp/aws".to_owned(),
            version: ">= 5.100.0".to_owned(),
        }],
        backend: None,
    };
    to_string(&settings.to_block())
}

/// The escape hatch for functions the typed helpers lack: a built-in validates, a name Terraform
/// does not know is refused by `terraform validate` (so the first check can fail), and a name
/// that is not one is refused before any HCL is written.
#[test]
fn any_terraform_function_can_be_called() {
    let upper = Expr::function("upper", ["bkt".into()]).unwrap();
    let (ok, said) = Root::new("function", &output_root(upper)).validates();
    assert!(ok, "{said}");
    let unknown = Expr::function("no_such_function", ["bkt".into()]).unwrap();
    let (ok, said) = Root::new("unknown-function", &output_root(unknown)).validates();
    assert!(!ok && said.contains("no_such_function"), "{said}");
    for bad in [
        "Upper",
        "upper case",
        "provider::aws",
        "provider::AWS::arn_parse",
        "",
    ] {
        let error = Expr::function(bad, []).unwrap_err();
        assert!(
            error.to_string().starts_with("function: "),
            "{bad}: {error}"
        );
    }
}

/// `depends_on` on a resource and on a module call, as `terraform validate` reads them.
#[test]
fn depends_on_names_resources_and_module_calls() {
    let first = Resource::new(name!("first"), TerraformData::default());
    let child = Module::new(name!("child"), "./child", Empty::default()).depends_on(&first);
    let last = Resource::new(
        name!("last"),
        TerraformData {
            input: Some("done".into()),
        },
    )
    .depends_on(&first)
    .depends_on(&child);
    let text = to_string(&last.to_block());
    assert!(
        text.contains("depends_on = [terraform_data.first, module.child]"),
        "{text}"
    );
    let mut file = File::new();
    file.push(first.to_block())
        .push(child.to_block())
        .push(last.to_block());
    let (ok, said) = Root::new(
        "depends",
        &[("main.tf", file.render()), ("child/main.tf", String::new())],
    )
    .validates();
    assert!(ok, "{said}");
}

/// A raw expression: parsed (a syntax error names `expression`), printed as `terraform fmt`
/// writes it, and read by `terraform validate`, which refuses a name that does not exist.
#[test]
fn a_raw_expression_is_parsed_printed_as_fmt_writes_it_and_validated() {
    let text = "[for zone in var.zones : upper(zone) if zone != \"\"][*]";
    let expr = Expr::parse(text).unwrap();
    let zones = Variable::new(name!("zones"), "Zones.", Type::List(Box::new(Type::String)))
        .default(Expr::list(["a", "b"]));
    let output = TfOutput::new(name!("result"), "The result.", expr);
    let mut file = File::new();
    file.push(zones.to_block()).push(output.to_block());
    assert!(formatted(&file.render()), "{}", file.render());
    let (ok, said) = Root::new("raw", &[("main.tf", file.render())]).validates();
    assert!(ok, "{said}");

    let unknown = Expr::parse("var.no_such_variable[0]").unwrap();
    let (ok, said) = Root::new("raw-unknown", &output_root(unknown)).validates();
    assert!(!ok && said.contains("no_such_variable"), "{said}");

    let error = Expr::parse("var.zones[").unwrap_err().to_string();
    assert!(
        error.starts_with("expression: \"var.zones[\" is invalid: it is not one HCL expression"),
        "{error}"
    );
}

/// The `provider` meta-argument on a resource and a module call: an aliased configuration
/// validates; naming one the root does not declare is refused by `terraform validate`.
#[test]
fn the_provider_meta_argument_names_an_aliased_configuration() {
    let default = Provider::new(Aws {
        region: Some("eu-west-1".into()),
    });
    let us_east = Provider::new(Aws {
        region: Some("us-east-1".into()),
    })
    .alias(name!("us_east_1"));
    let bucket = Resource::new(
        name!("logs"),
        Bucket {
            bucket: Some("bkt-logs".into()),
        },
    )
    .provider(&us_east);
    let child =
        Module::new(name!("child"), "./child", Empty::default()).provider(&default, &us_east);
    let text = to_string(&bucket.to_block()) + &to_string(&child.to_block());
    assert!(text.contains("provider = aws.us_east_1"), "{text}");
    assert!(
        text.contains("providers = { aws = aws.us_east_1 }"),
        "{text}"
    );
    assert!(formatted(&text), "{text}");

    let root = |providers: &[&Provider<Aws>]| {
        let mut file = File::new();
        for provider in providers {
            file.push(provider.to_block());
        }
        file.push(bucket.to_block()).push(child.to_block());
        [
            ("versions.tf", aws_settings()),
            ("main.tf", file.render()),
            ("child/main.tf", aws_settings()),
        ]
    };
    let (ok, said) = Root::new("provider", &root(&[&default, &us_east])).validates();
    assert!(ok, "{said}");
    let (ok, said) = Root::new("provider-missing", &root(&[&default])).validates();
    assert!(!ok && said.contains("us_east_1"), "{said}");
}

/// `moved` and `import`, as `terraform validate` reads them; an address that is not one is
/// refused before any HCL is written, naming `address`.
#[test]
fn moved_and_import_blocks_are_read_by_terraform() {
    let renamed = Resource::new(name!("renamed"), TerraformData::default());
    let bucket = Resource::new(
        name!("state"),
        Bucket {
            bucket: Some("bkt-state".into()),
        },
    );
    let moved = Moved::new(
        Address::parse("terraform_data.old").unwrap(),
        Address::of(&renamed),
    )
    .unwrap();
    let import = Import::new(&bucket, "bkt-state");
    let mut file = File::new();
    file.push(
        Provider::new(Aws {
            region: Some("eu-west-1".into()),
        })
        .to_block(),
    )
    .push(renamed.to_block())
    .push(bucket.to_block())
    .push(moved.to_block())
    .push(import.to_block());
    let text = file.render();
    assert!(
        text.contains("moved {\n  from = terraform_data.old\n  to   = terraform_data.renamed\n}"),
        "{text}"
    );
    assert!(
        text.contains("import {\n  to = aws_s3_bucket.state\n  id = \"bkt-state\"\n}"),
        "{text}"
    );
    assert!(formatted(&text), "{text}");
    let (ok, said) = Root::new(
        "moved",
        &[("versions.tf", aws_settings()), ("main.tf", text)],
    )
    .validates();
    assert!(ok, "{said}");

    // Terraform refuses a move between a resource and a module call; the typed address parses.
    let wrong = Moved::new(
        Address::of(&renamed),
        Address::parse("module.elsewhere").unwrap(),
    )
    .unwrap();
    let mut file = File::new();
    file.push(renamed.to_block()).push(wrong.to_block());
    let (ok, said) = Root::new("moved-wrong", &[("main.tf", file.render())]).validates();
    assert!(!ok, "{said}");

    for good in [
        "aws_vpc.main",
        "aws_subnet.private[\"a\"]",
        "data.aws_region.current",
        "module.net",
        "module.net[0].aws_vpc.this",
    ] {
        assert!(Address::parse(good).is_ok(), "{good}");
    }
    for bad in [
        "aws_vpc",
        "aws_vpc.main.id",
        "var.x[",
        "module",
        "data.aws_region",
        "upper(x)",
        "aws_vpc.main[0][1]",
    ] {
        let error = Address::parse(bad).unwrap_err().to_string();
        assert!(error.starts_with("address: "), "{bad}: {error}");
    }
    assert!(
        Moved::new(Address::of(&renamed), Address::of(&renamed))
            .unwrap_err()
            .to_string()
            .starts_with("moved.to: ")
    );
}

/// A `dynamic` block of a modelled nested block type, built from the element: `terraform fmt`
/// leaves it, `terraform validate` reads it; a block type the kind does not model is refused.
#[test]
fn a_dynamic_block_repeats_a_modelled_nested_block() {
    let rules = Variable::new(
        name!("rules"),
        "Ingress rules.",
        Type::List(Box::new(Type::Object(vec![
            bkt_core::hcl::Field::required(name!("port"), Type::Number),
            bkt_core::hcl::Field::required(name!("cidr"), Type::String),
        ]))),
    )
    .default(Expr::list(Vec::<Expr>::new()));
    let group = Resource::new(
        name!("web"),
        SecurityGroup {
            name: Some("web".into()),
            ..SecurityGroup::default()
        },
    )
    .dynamic(Dynamic::new(rules.reference(), |rule| Ingress {
        from_port: Some(rule.clone().attr(&name!("port")).into()),
        to_port: Some(rule.clone().attr(&name!("port")).into()),
        protocol: Some("tcp".into()),
        cidr_blocks: Some(Expr::list([rule.attr(&name!("cidr"))]).into()),
        why: None,
    }))
    .unwrap();
    let mut file = File::new();
    file.push(
        Provider::new(Aws {
            region: Some("eu-west-1".into()),
        })
        .to_block(),
    )
    .push(rules.to_block())
    .push(group.to_block());
    let text = file.render();
    assert!(text.contains("dynamic \"ingress\" {\n    for_each = var.rules\n\n    content {\n      from_port   = ingress.value.port\n"), "{text}");
    assert!(formatted(&text), "{text}");
    let (ok, said) = Root::new(
        "dynamic",
        &[("versions.tf", aws_settings()), ("main.tf", text)],
    )
    .validates();
    assert!(ok, "{said}");

    let error = Resource::new(name!("b"), Bucket::default())
        .dynamic(Dynamic::new(rules.reference(), |_| Ingress::default()))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "dynamic: \"ingress\" is invalid: aws_s3_bucket models no nested block `ingress`"
        ),
        "{error}"
    );
}

/// A `.tfvars` file from typed variables: `terraform apply -var-file` reads every value back
/// through the root's outputs; a value Terraform would refuse, or would drop unread, is an error
/// naming the variable and the path inside it.
#[test]
fn a_tfvars_file_is_read_back_by_terraform() {
    let region = Variable::new(name!("region"), "Region.", Type::String);
    let nodes = Variable::new(
        name!("nodes"),
        "Node group.",
        Type::Object(vec![
            bkt_core::hcl::Field::required(name!("min_size"), Type::Number),
            bkt_core::hcl::Field::optional(name!("types"), Type::List(Box::new(Type::String))),
        ]),
    );
    let mut vars = Tfvars::new();
    vars.set(&region, "eu-west-1").unwrap();
    vars.set(
        &nodes,
        Expr::object([
            ("min_size", Expr::from(2)),
            ("types", Expr::list(["t3.large"])),
        ]),
    )
    .unwrap();
    let mut file = File::new();
    file.push(region.to_block()).push(nodes.to_block());
    for variable in [&region, &nodes] {
        file.push(
            TfOutput::new(variable.name().clone(), "Read back.", variable.reference()).to_block(),
        );
    }
    assert!(formatted(&vars.render()), "{}", vars.render());
    let root = Root::new(
        "tfvars",
        &[("main.tf", file.render()), ("values.tfvars", vars.render())],
    );
    let (ok, said) = root.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var-file=values.tfvars",
    ]);
    assert!(ok, "{said}");
    let outputs = root.outputs();
    assert_eq!(outputs["region"]["value"], "eu-west-1");
    assert_eq!(outputs["nodes"]["value"]["min_size"], 2);
    assert_eq!(outputs["nodes"]["value"]["types"][0], "t3.large");

    let refused = |variable: &Variable, value: Expr| {
        Tfvars::new().set(variable, value).unwrap_err().to_string()
    };
    assert!(refused(&region, region.reference()).starts_with(
        "tfvars.region: \"var.region\" is invalid: a .tfvars file holds literal values only"
    ));
    assert!(refused(&region, Expr::list(["a"])).contains("expected a string"));
    assert!(
        refused(&nodes, Expr::object([("min_size", Expr::from("two"))]))
            .starts_with("tfvars.nodes.min_size: ")
    );
    assert!(
        refused(
            &nodes,
            Expr::object([("min_size", Expr::from(1)), ("max", Expr::from(3))])
        )
        .contains("the type has no attribute `max`")
    );
    assert!(
        refused(&nodes, Expr::object([("types", Expr::list(["a"]))]))
            .starts_with("tfvars.nodes.min_size: ")
    );
    let mut twice = Tfvars::new();
    twice.set(&region, "a").unwrap();
    assert!(twice.set(&region, "b").is_err());
}
