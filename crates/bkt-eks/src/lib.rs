//! A typed model of the EKS side of the BKT platform, rendered as Terraform modules. Each module
//! comes with a spec that enforces in Rust the rules its `validation` blocks enforce in
//! Terraform, and with a module-call kind for roots:
//!
//! - [`EksModule`] (`terraform/modules/eks`; spec [`ClusterSpec`], call [`EksInputs`]): the
//!   cluster with KMS envelope encryption of Secrets, API authentication through access entries,
//!   the STANDARD support policy, a private endpoint that is always on, managed node groups built
//!   from a launch template that requires `IMDSv2` with a hop limit of 1, the IRSA OIDC provider,
//!   the pinned core add-ons and, optionally, an OIDC identity provider whose ID tokens the API
//!   server accepts ([`IdentityProvider`]).
//! - [`EcrModule`] (`terraform/modules/ecr`; spec [`EcrSpec`], call [`EcrInputs`]):
//!   repositories with immutable tags, scan on push, KMS encryption and a lifecycle policy.
//! - [`WorkloadIdentityModule`] (`terraform/modules/workload-identity`; spec
//!   [`WorkloadIdentitySpec`], call [`WorkloadIdentityInputs`]): one IRSA role per platform
//!   controller (AWS Load Balancer Controller, external-dns, Vault), Vault's unseal key and its
//!   init secret.
//!
//! [`instance`] holds the node facts a capacity check needs: per instance type its vCPUs,
//! memory, ENI max pods and allocatable on the AL2023 EKS AMI, and the add-ons' pods.
//!
//! The KMS key each of them needs is one model, [`kms::Key`]. Policies and trust documents are
//! [`bkt_oidc::policy`] values.
//!
//! ```
//! use bkt_eks::{ClusterSpec, EksModule, NodeGroup};
//!
//! let spec = ClusterSpec::builder("acme-dev", ["subnet-aaaa1111", "subnet-bbbb2222"])
//!     .node_group("default", NodeGroup::new(["t3.large"]))
//!     .build()?;
//! assert_eq!(spec.role_names()[0], "acme-dev-cluster");
//!
//! let tree = EksModule::default().to_tree("my-generator")?;
//! let main = std::str::from_utf8(tree.get("main.tf").unwrap()).unwrap();
//! assert!(main.contains("support_type = \"STANDARD\""));
//! # Ok::<(), bkt_eks::Error>(())
//! ```

pub mod aws;
pub mod cluster;
pub mod ecr;
pub mod instance;
pub mod kms;
mod ordered_map;
mod rules;
pub mod workload_identity;

pub use cluster::{
    AddonVersions, CapacityType, ClusterSpec, ClusterSpecBuilder, EksInputs, EksModule, EksOutputs,
    IdentityProvider, IdentityProviderBuilder, IssuerUrl, KubernetesVersion, LogType, NodeGroup,
    Release, SUPPORT_TABLE, SUPPORT_TABLE_CHECKED,
};
pub use ecr::{EcrInputs, EcrModule, EcrOutputs, EcrSpec, Repository};
pub use rules::{MAX_IAM_ROLE_NAME, check_iam_role_name};
pub use workload_identity::{
    Controller, WorkloadIdentityInputs, WorkloadIdentityModule, WorkloadIdentityOutputs,
    WorkloadIdentitySpec,
};

/// What went wrong, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// A policy document was rejected.
    #[error(transparent)]
    Policy(#[from] bkt_oidc::Error),
    /// An error from the shared core (a name or a file tree).
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
}

impl Error {
    fn invalid(field: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Self::Invalid(bkt_core::Invalid::new(field, value, reason))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
