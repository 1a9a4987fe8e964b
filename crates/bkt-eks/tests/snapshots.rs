//! Snapshots of the rendered modules (the text, never a re-serialized value): a change to a
//! model shows up as a reviewable diff of the HCL it writes.

use bkt_core::hcl::{File, Module, to_string};
use bkt_core::name;

fn snapshot(module: &str, files: Vec<(&'static str, File)>) {
    for (path, file) in files {
        insta::assert_snapshot!(format!("{module}__{path}"), file.render());
    }
}

#[test]
fn eks_module() {
    snapshot("eks", bkt_eks::EksModule::default().files().unwrap());
}

#[test]
fn eks_module_call() {
    let spec = bkt_eks::ClusterSpec::builder("acme-dev", ["subnet-aaaa1111", "subnet-bbbb2222"])
        .node_group(
            "spot",
            bkt_eks::NodeGroup::new(["t3.large", "t3a.large"])
                .capacity_type(bkt_eks::CapacityType::Spot)
                .sizes(1, 1, 2),
        )
        .public_access_cidrs(["203.0.113.0/24"])
        .admin_principal_arns(["arn:aws:iam::123456789012:role/platform-admin"])
        .build()
        .unwrap();
    // The identity provider is the root's to add (its issuer is usually a reference).
    let authentik = bkt_eks::IdentityProvider::builder(
        "authentik",
        "https://auth.example.com/application/o/kubernetes/",
        "kubernetes",
    )
    .build()
    .unwrap();
    let inputs = bkt_eks::EksInputs {
        oidc_identity_provider: Some(authentik.to_expr().into()),
        ..spec.inputs()
    };
    let call = Module::new(name!("eks"), "../../modules/eks", inputs);
    insta::assert_snapshot!("eks__module_call", to_string(&call.to_block()));
}

#[test]
fn ecr_module() {
    snapshot("ecr", bkt_eks::EcrModule::default().files().unwrap());
}

#[test]
fn workload_identity_module() {
    snapshot(
        "workload-identity",
        bkt_eks::WorkloadIdentityModule::default().files().unwrap(),
    );
}
