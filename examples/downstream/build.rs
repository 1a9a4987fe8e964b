//! Generates this crate's infrastructure into `OUT_DIR` at build time: the VPC module
//! (`network/*.tf`), the root's call of it (`root.tf`), and a Flux HelmRelease with its
//! HelmRepository (`podinfo.yaml`). `src/main.rs` embeds the files with `include_str!`.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use bkt_core::hcl::{Module, to_string};
use bkt_core::name;
use bkt_flux::kinds::{
    CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec, HelmRepository,
    HelmRepositorySpec, SourceKind, Values,
};
use bkt_flux::{Duration, GitOpsTree, Manifest, ManifestFile};
use bkt_network::{NatGatewayMode, NetworkModule, NetworkSpec};

const GENERATOR: &str = "bkt-downstream-example build.rs";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR")?;
    let out = Path::new(&out);

    // The VPC module itself (variables.tf, main.tf, flow-logs.tf, outputs.tf, versions.tf).
    let module = NetworkModule::default().to_tree(GENERATOR)?;
    std::fs::create_dir_all(out.join("network"))?;
    for (path, bytes) in module.files() {
        std::fs::write(out.join("network").join(path), bytes)?;
    }

    // The root's call of it, with a spec validated in Rust before Terraform sees it.
    let spec = NetworkSpec::builder("shop-dev", ["eu-west-1a", "eu-west-1b"])
        .cidr_block("10.20.0.0/16")
        .nat_gateway_mode(NatGatewayMode::Single)
        .build()?;
    let call = Module::new(name!("network"), "./network", spec.to_inputs());
    std::fs::write(out.join("root.tf"), to_string(&call.to_block()))?;

    // A HelmRelease and its HelmRepository, checked as a graph (the source must exist).
    let repository = HelmRepository::new(
        "podinfo",
        HelmRepositorySpec::new(
            Duration::hours(24),
            "https://stefanprodan.github.io/podinfo",
        ),
    );
    let release = HelmRelease::new(
        "podinfo",
        HelmReleaseSpec {
            values: Some(Values::new(&BTreeMap::from([("replicaCount", 2)]))?),
            ..HelmReleaseSpec::new(
                Duration::hours(1),
                HelmChartTemplate::new(
                    "podinfo",
                    "6.9.2",
                    CrossNamespaceSourceReference::new(SourceKind::HelmRepository, "podinfo"),
                ),
            )
        },
    );
    let mut gitops = GitOpsTree::new("gitops", &[]);
    gitops.insert(
        "podinfo.yaml",
        ManifestFile::new([Manifest::new(&repository)?, Manifest::new(&release)?]),
    )?;
    let files = gitops.to_tree(GENERATOR)?;
    let yaml = files
        .get("podinfo.yaml")
        .ok_or("podinfo.yaml was not rendered")?;
    std::fs::write(out.join("podinfo.yaml"), yaml)?;
    Ok(())
}
