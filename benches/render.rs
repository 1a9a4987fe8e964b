//! Render benchmarks (divan): the whole layout, and each crate's main model.
//!
//! `make bench` runs them; the targets (whole layout ≤ 10 ms, see `docs/benchmarks.md`) are
//! measured here, never asserted. Every input goes through [`divan::black_box`], so the
//! optimizer cannot fold a model built from constants.

use bkt_flux::{GitOpsTree, Manifest};
use bkt_oidc::GitHubRole;
use bkt_oidc::policy::{Operator, PolicyDocument, Statement};
use bkt_platform::Tree;
use bkt_reference::{GENERATOR, PlatformSpec, render};

fn main() {
    divan::main();
}

/// The whole layout, as the generator renders it (every Terraform file, the gitops tree, the
/// JSON fixtures).
#[divan::bench]
fn whole_layout() -> Tree {
    render(divan::black_box(&PlatformSpec::default())).unwrap()
}

/// `bkt_network`: the network module and the dns module.
mod network {
    use super::{GENERATOR, Tree};

    /// The network module's files.
    #[divan::bench]
    fn network_module() -> Tree {
        divan::black_box(bkt_network::NetworkModule::default())
            .to_tree(GENERATOR)
            .unwrap()
    }

    /// The dns module's files.
    #[divan::bench]
    fn dns_module() -> Tree {
        divan::black_box(bkt_network::DnsModule::default())
            .to_tree(GENERATOR)
            .unwrap()
    }
}

/// `bkt_oidc`: the github-oidc module, and one policy document lowered to an `Expr`.
mod oidc {
    use super::{GENERATOR, GitHubRole, Operator, PolicyDocument, Statement, Tree};

    /// The github-oidc module's files.
    #[divan::bench]
    fn github_oidc_module() -> Tree {
        divan::black_box(bkt_oidc::GithubOidcModule::default())
            .to_tree(GENERATOR)
            .unwrap()
    }

    /// A CI role's trust statement plus three permission statements, as
    /// `jsonencode({...})` (the value of a `policy` argument).
    #[divan::bench]
    fn policy_document_to_expr(bencher: divan::Bencher) {
        let role = GitHubRole::builder("bkt-dev-github-ci", "example-org/bkt-platform")
            .branch("main")
            .build()
            .unwrap();
        let document: PolicyDocument = role
            .trust_document(
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            )
            .statement(
                Statement::allow()
                    .sid("LogInToTheRegistry")
                    .unwrap()
                    .action("ecr:GetAuthorizationToken")
                    .resource("*"),
            )
            .statement(
                Statement::allow()
                    .sid("PushImages")
                    .unwrap()
                    .action(vec![
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:CompleteLayerUpload",
                        "ecr:InitiateLayerUpload",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart",
                    ])
                    .resource("arn:aws:ecr:eu-west-1:123456789012:repository/bkt-app"),
            )
            .statement(
                Statement::deny()
                    .sid("OnlyFromTheTeam")
                    .unwrap()
                    .action("*")
                    .resource("*")
                    .condition(
                        Operator::StringNotEquals,
                        "aws:PrincipalTag/team",
                        "platform",
                    )
                    .unwrap(),
            );
        bencher.bench(|| divan::black_box(&document).to_json());
    }
}

/// `bkt_eks`: the eks, ecr and workload-identity modules.
mod eks {
    use super::{GENERATOR, Tree};

    /// The eks module's files.
    #[divan::bench]
    fn eks_module() -> Tree {
        divan::black_box(bkt_eks::EksModule::default())
            .to_tree(GENERATOR)
            .unwrap()
    }

    /// The ecr module's files.
    #[divan::bench]
    fn ecr_module() -> Tree {
        divan::black_box(bkt_eks::EcrModule::default())
            .to_tree(GENERATOR)
            .unwrap()
    }

    /// The workload-identity module's files (the dev platform's instance).
    #[divan::bench]
    fn workload_identity_module(bencher: divan::Bencher) {
        let module = super::PlatformSpec::default().workload_identity;
        bencher.bench(|| divan::black_box(&module).to_tree(GENERATOR).unwrap());
    }
}

/// `bkt_atlas`: the MongoDB Atlas root.
#[divan::bench]
fn atlas_root() -> Tree {
    let state = bkt_atlas::StateLocation {
        bucket: None,
        environment_key: "envs/dev/terraform.tfstate".to_owned(),
        own_key: "atlas/dev/terraform.tfstate".to_owned(),
    };
    let spec = bkt_atlas::AtlasSpec::builder("bkt-dev", "eu-west-1", state)
        .database("sample-app", "sampleapp")
        .build()
        .unwrap();
    bkt_atlas::AtlasRoot::new(divan::black_box(spec))
        .to_tree(GENERATOR)
        .unwrap()
}

/// `bkt_flux`: the whole gitops tree, from the spec to the rendered files.
#[divan::bench]
fn flux_gitops_tree() -> Tree {
    let spec = PlatformSpec::default();
    let environments = spec.checked_environments().unwrap();
    bkt_reference::gitops::tree(divan::black_box(&environments))
        .unwrap()
        .to_tree(GENERATOR)
        .unwrap()
}

/// `bkt_helm`: the sample chart's `values.schema.json`, from the Rust types to the JSON text.
#[divan::bench]
fn helm_sample_chart_schema() -> String {
    bkt_reference::sample_app::values_schema_json().unwrap()
}

/// `bkt_sso`: the SSO declaration built and checked, and its Authentik blueprint written.
#[divan::bench]
fn sso_declaration_and_blueprint() -> String {
    let sso = bkt_reference::sso::sso().unwrap();
    bkt_core::yaml::to_string(&sso.blueprint("${DOMAIN}")).unwrap()
}

/// `bkt_core`: the two writers alone, on inputs built once.
mod core {
    use super::{GitOpsTree, Manifest, PlatformSpec};

    /// The HCL writer on the dev root's files (the models are built once; only `render` is timed).
    #[divan::bench]
    fn hcl_writer_dev_root(bencher: divan::Bencher) {
        let files = bkt_reference::Environment::named("dev")
            .root
            .files()
            .unwrap();
        bencher.bench(|| {
            divan::black_box(&files)
                .iter()
                .map(|(_, file)| file.render().len())
                .sum::<usize>()
        });
    }

    /// Every manifest of the gitops tree, repeated up to 300 documents.
    fn manifests(count: usize) -> Vec<Manifest> {
        let spec = PlatformSpec::default();
        let tree: GitOpsTree =
            bkt_reference::gitops::tree(&spec.checked_environments().unwrap()).unwrap();
        let all: Vec<Manifest> = tree
            .files()
            .flat_map(|(_, file)| file.documents().iter().cloned())
            .collect();
        all.iter().cycle().take(count).cloned().collect()
    }

    /// The YAML writer on 300 Kubernetes/Flux manifests (the gitops tree's, repeated).
    #[divan::bench]
    fn yaml_writer_300_manifests(bencher: divan::Bencher) {
        let manifests = manifests(300);
        bencher.bench(|| {
            divan::black_box(&manifests)
                .iter()
                .map(|manifest| manifest.render().unwrap().len())
                .sum::<usize>()
        });
    }
}
