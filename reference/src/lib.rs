//! The BKT reference platform: the environments, components, chart values and sign-on of the
//! platform committed in this repository, built only through the public API of the BKT crates
//! (the `bkt-platform` facade), exactly as a user's crate builds its own platform.
//!
//! [`render`] turns a [`PlatformSpec`] into the repository layout (`terraform/`, `gitops/`) as an
//! in-memory [`Tree`]; it performs no I/O. The `generate` example writes the tree to disk and
//! checks a checkout for drift.
//!
//! ```
//! let tree = bkt_reference::render(&bkt_reference::PlatformSpec::default())?;
//! assert!(tree.get("terraform/modules/network/main.tf").is_some());
//! # Ok::<(), bkt_reference::Error>(())
//! ```

pub use bkt_platform::Tree;

/// `docs/embedding.md`'s examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../docs/embedding.md")]
pub struct EmbeddingDoctests;

/// The name every generated file's header gives as its generator.
pub const GENERATOR: &str = "bkt-platform";

/// The command that regenerates the committed layout, printed by every drift report.
pub const REGENERATE: &str = "cargo run --example generate";

/// The folders of the repository whose generated files the tree owns: a file there that
/// carries the generated header but is not in the tree is stale.
pub const GENERATED_ROOTS: [&str; 2] = ["terraform", "gitops"];

/// Where the bootstrap root is written.
pub const BOOTSTRAP_DIR: &str = "terraform/bootstrap";

/// Where an environment's root is written: `terraform/envs/<name>`.
pub const ENV_ROOTS_DIR: &str = "terraform/envs";

/// Where the dev environment root is written.
pub const DEV_ROOT_DIR: &str = "terraform/envs/dev";

/// Where an environment's MongoDB Atlas root is written (`terraform/atlas/<name>`), for an
/// environment whose spec says `[atlas] enabled = true` only: a root of its own, outside
/// tf-check's `terraform/envs/*`, because its providers are not in the offline mirror.
pub const ATLAS_ROOTS_DIR: &str = "terraform/atlas";

/// Where the network module is written.
pub const NETWORK_MODULE_DIR: &str = "terraform/modules/network";

/// Where the dns module (Route 53 zone, ACM certificate) is written.
pub const DNS_MODULE_DIR: &str = "terraform/modules/dns";

/// Where the github-oidc module (GitHub Actions OIDC provider and roles) is written.
pub const GITHUB_OIDC_MODULE_DIR: &str = "terraform/modules/github-oidc";

/// Where the eks module is written.
pub const EKS_MODULE_DIR: &str = "terraform/modules/eks";

/// Where the ecr module is written.
pub const ECR_MODULE_DIR: &str = "terraform/modules/ecr";

/// Where the workload-identity module is written.
pub const WORKLOAD_IDENTITY_MODULE_DIR: &str = "terraform/modules/workload-identity";

/// Everything the platform is made from: the modules' defaults, the shared bootstrap root, and
/// one [`Environment`] per `environments/<name>.toml`. The default holds dev alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSpec {
    /// The network module (its input defaults).
    pub network: bkt_network::NetworkModule,
    /// The dns module (its input defaults).
    pub dns: bkt_network::DnsModule,
    /// The bootstrap root (the state bucket every environment's state lives in).
    pub bootstrap: bootstrap::BootstrapRoot,
    /// The github-oidc module (its input defaults).
    pub github_oidc: bkt_oidc::GithubOidcModule,
    /// The eks module (its input defaults).
    pub eks: bkt_eks::EksModule,
    /// The ecr module (its input defaults).
    pub ecr: bkt_eks::EcrModule,
    /// The workload-identity module.
    pub workload_identity: bkt_eks::WorkloadIdentityModule,
    /// The environments, each rendered into its own root, Atlas root, cluster entry and apps
    /// overlay; their order does not change a byte.
    pub environments: Vec<Environment>,
}

impl Default for PlatformSpec {
    fn default() -> Self {
        Self::with_environments(vec![Environment::named("dev")])
    }
}

impl PlatformSpec {
    /// The reference platform's modules and bootstrap with `environments`.
    #[must_use]
    pub fn with_environments(environments: Vec<Environment>) -> Self {
        Self {
            network: bkt_network::NetworkModule::default(),
            dns: bkt_network::DnsModule::default(),
            bootstrap: bootstrap::BootstrapRoot::default(),
            github_oidc: bkt_oidc::GithubOidcModule::default(),
            eks: bkt_eks::EksModule::default(),
            ecr: bkt_eks::EcrModule::default(),
            workload_identity: bkt_eks::WorkloadIdentityModule::default(),
            environments,
        }
    }

    /// The environments sorted by name, after the rules across them: unique names, domains and
    /// cluster names, non-overlapping VPC ranges (environments may be peered or share a transit
    /// gateway later; overlapping ranges would forbid it), one `local` flavour at most.
    ///
    /// # Errors
    /// [`Error::Environments`] naming both environments and what they share.
    pub fn checked_environments(&self) -> Result<Vec<&Environment>> {
        let mut environments: Vec<&Environment> = self.environments.iter().collect();
        environments.sort_by(|a, b| a.name().cmp(b.name()));
        if environments.is_empty() {
            return Err(Error::Environments {
                first: String::new(),
                second: String::new(),
                reason: "no environment: add environments/<name>.toml (generate --print-default-spec prints one)".to_owned(),
            });
        }
        for (index, first) in environments.iter().enumerate() {
            for second in &environments[index + 1..] {
                let clash = |reason: String| Error::Environments {
                    first: first.name().to_owned(),
                    second: second.name().to_owned(),
                    reason,
                };
                let (a, b) = (&first.root, &second.root);
                if a.environment == b.environment {
                    return Err(clash(
                        "two environments of one name: rename one file".to_owned(),
                    ));
                }
                if a.domain == b.domain {
                    return Err(clash(format!(
                        "both use the domain {:?}: give each environment its own (dns.domain), as their records and certificates would collide",
                        a.domain
                    )));
                }
                if a.cluster_name() == b.cluster_name() {
                    return Err(clash(format!(
                        "both name their cluster {:?}: rename one environment",
                        a.cluster_name()
                    )));
                }
                if (&a.state_bucket, a.state_key()) == (&b.state_bucket, b.state_key()) {
                    return Err(clash(
                        "both keep their state in the same object: rename one environment"
                            .to_owned(),
                    ));
                }
                let (x, y) = (a.cidr_block.net(), b.cidr_block.net());
                if x.contains(&y.network()) || y.contains(&x.network()) {
                    return Err(clash(format!(
                        "their VPC ranges {} and {} overlap: give each environment its own range (network.cidr_block), so they can be peered",
                        a.cidr_block, b.cidr_block
                    )));
                }
                if first.local_flavour && second.local_flavour {
                    return Err(clash(
                        "both ask for the local flavour (flux.local_flavour): keep it on one"
                            .to_owned(),
                    ));
                }
            }
        }
        Ok(environments)
    }
}

/// What went wrong while rendering the platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the platform spec failed validation.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// The network model was rejected.
    #[error(transparent)]
    Network(#[from] bkt_network::Error),
    /// The Atlas model was rejected.
    #[error(transparent)]
    Atlas(#[from] bkt_atlas::Error),
    /// The github-oidc model or a policy document was rejected.
    #[error(transparent)]
    Oidc(#[from] bkt_oidc::Error),
    /// The eks, ecr or workload-identity model was rejected.
    #[error(transparent)]
    Eks(#[from] bkt_eks::Error),
    /// A chart's values or the sample chart's schema was rejected.
    #[error(transparent)]
    Helm(#[from] bkt_helm::Error),
    /// The SSO declaration or a consumer's wiring to it is invalid.
    #[error(transparent)]
    Sso(#[from] bkt_sso::Error),
    /// A Flux model or the GitOps tree's graph checks rejected the tree (boxed: its errors
    /// name object, file, field and value, and would make every `Result` of this crate large).
    #[error(transparent)]
    Flux(Box<bkt_flux::Error>),
    /// A settings data file is not TOML.
    #[error("line {line}, column {column}: {message}")]
    SettingsSyntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// A setting of a data file is missing, unknown or invalid.
    #[error("{field}: {message}")]
    Setting {
        /// Dotted path of the setting, for example `sample_app.image_tag`.
        field: String,
        /// What is wrong and the expected form.
        message: String,
    },
    /// A JSON file could not be serialized.
    #[error("JSON serialization of {what} failed: {message}")]
    Json {
        /// The file.
        what: String,
        /// The serializer's message.
        message: String,
    },
    /// The tree could not be assembled.
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
    /// An environment's node groups cannot run the platform's workloads.
    #[error(
        "environment {environment:?}: its node group cannot run the platform (one line per workload that cannot run)\n{message}"
    )]
    Capacity {
        /// The environment, by name.
        environment: String,
        /// One line per workload that cannot run: the workload, the rule it breaks, the fix.
        message: String,
    },
    /// Two environments break a rule across environments.
    #[error("environments {first:?} and {second:?}: {reason}")]
    Environments {
        /// The first environment, by name.
        first: String,
        /// The second environment, by name.
        second: String,
        /// What they share and how to fix it.
        reason: String,
    },
}

impl Error {
    pub(crate) fn invalid(
        field: &str,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid(bkt_core::Invalid::new(field, value, reason))
    }
}

impl From<bkt_flux::Error> for Error {
    fn from(error: bkt_flux::Error) -> Self {
        Self::Flux(Box::new(error))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Renders the whole layout. The same spec gives the same bytes, always.
///
/// # Errors
/// The first model error, naming the field and the fix.
pub fn render(spec: &PlatformSpec) -> Result<Tree> {
    let environments = spec.checked_environments()?;
    let mut tree = Tree::new(GENERATOR);
    tree.extend_under(NETWORK_MODULE_DIR, spec.network.to_tree(GENERATOR)?)?;
    tree.extend_under(DNS_MODULE_DIR, spec.dns.to_tree(GENERATOR)?)?;
    tree.extend_under(BOOTSTRAP_DIR, spec.bootstrap.to_tree(GENERATOR)?)?;
    for environment in &environments {
        capacity::check(environment)?;
        let name = environment.name();
        tree.extend_under(
            &format!("{ENV_ROOTS_DIR}/{name}"),
            environment.root.to_tree(GENERATOR)?,
        )?;
        if environment.root.atlas {
            tree.extend_under(
                &format!("{ATLAS_ROOTS_DIR}/{name}"),
                atlas_root(environment)?.to_tree(GENERATOR)?,
            )?;
        }
    }
    tree.extend_under(GITHUB_OIDC_MODULE_DIR, spec.github_oidc.to_tree(GENERATOR)?)?;
    tree.extend_under(EKS_MODULE_DIR, spec.eks.to_tree(GENERATOR)?)?;
    tree.extend_under(ECR_MODULE_DIR, spec.ecr.to_tree(GENERATOR)?)?;
    tree.extend_under(
        WORKLOAD_IDENTITY_MODULE_DIR,
        spec.workload_identity.to_tree(GENERATOR)?,
    )?;
    tree.insert(
        sample_app::SCHEMA_PATH,
        bkt_core::FileKind::Json,
        &sample_app::values_schema_json()?,
    )?;
    let gitops = gitops::tree(&environments)?;
    check_network_policy_enforcement(&environments, &gitops)?;
    tree.extend_under(gitops::GITOPS_DIR, gitops.to_tree(GENERATOR)?)?;
    tree.extend(sources::tree()?)?;
    Ok(tree)
}

/// A `NetworkPolicy` in the tree has an effect only where vpc-cni enforces it: an environment
/// with enforcement off would run every namespace open while its policies claim otherwise.
fn check_network_policy_enforcement(
    environments: &[&Environment],
    gitops: &bkt_flux::GitOpsTree,
) -> Result<()> {
    let Some(unenforced) = environments.iter().find(|e| !e.root.network_policy) else {
        return Ok(());
    };
    let policies = gitops
        .files()
        .flat_map(|(path, file)| file.documents().iter().map(move |doc| (path, doc)))
        .filter(|(_, doc)| {
            doc.object()
                .get("kind")
                .and_then(bkt_core::yaml::ValueRef::as_str)
                == Some("NetworkPolicy")
        })
        .collect::<Vec<_>>();
    match policies.first() {
        None => Ok(()),
        Some((path, _)) => Err(Error::Invalid(bkt_core::Invalid {
            field: format!("environments.{}.network_policy", unenforced.name()),
            value: "false".to_owned(),
            reason: format!(
                "the tree ships {} NetworkPolicies (the first in gitops/{path}), which vpc-cni enforces only with network_policy on: turn it on, or remove the policies",
                policies.len()
            ),
        })),
    }
}

/// The files of this repository that are not part of the layout a user's checkout needs: the
/// conformance suite's fixtures of the cluster vars ([`cluster_vars::FIXTURE_PATH`], every key,
/// and one per environment of `spec` that does not use Atlas, without the Atlas keys). The
/// generator writes them only into this repository.
///
/// # Errors
/// [`Error::Json`] if a fixture cannot be written.
pub fn repository_files(spec: &PlatformSpec) -> Result<Tree> {
    let mut tree = Tree::new(GENERATOR);
    tree.insert(
        cluster_vars::FIXTURE_PATH,
        bkt_core::FileKind::Json,
        &cluster_vars::fixture_json(true)?,
    )?;
    for environment in spec.environments.iter().filter(|e| !e.root.atlas) {
        tree.insert(
            &cluster_vars::fixture_path(environment.name()),
            bkt_core::FileKind::Json,
            &cluster_vars::fixture_json(false)?,
        )?;
    }
    Ok(tree)
}

/// An environment's Atlas root: project and cluster named like its EKS cluster, in its region,
/// its state beside the environment's.
fn atlas_root(environment: &Environment) -> Result<bkt_atlas::AtlasRoot> {
    let root = &environment.root;
    let state = bkt_atlas::StateLocation {
        bucket: root.state_bucket.clone(),
        environment_key: root.state_key(),
        own_key: format!("atlas/{}/terraform.tfstate", root.environment),
    };
    let spec = bkt_atlas::AtlasSpec::builder(root.cluster_name(), root.region.clone(), state)
        .database("sample-app", "sampleapp")
        .build()?;
    Ok(bkt_atlas::AtlasRoot::new(spec))
}

pub mod bootstrap;
pub mod capacity;
pub mod cluster_vars;
pub mod environment;
pub mod gitops;
mod policies;
pub mod sample_app;
pub mod settings;
pub mod sources;
pub mod spec;

pub use spec::Environment;
pub mod sso;
mod substitution;
pub mod values;
