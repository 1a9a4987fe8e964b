//! BKT Platform: typed infrastructure models for GitOps developer platforms on AWS, in one
//! facade over the workspace's crates.
//!
//! Each crate is re-exported under a short name ([`core`], [`network`], [`eks`], [`oidc`],
//! [`atlas`], [`flux`], [`helm`], [`sso`]); [`drift`] compares a rendered [`Tree`] with a
//! checkout. The facade holds no platform of its own: a platform (its environments, components,
//! chart values and sign-on) is data a user builds through this API — the repository's reference
//! platform (`reference/`, the `bkt-reference` crate) is one such user.
//!
//! Features: `terraform` ([`network`], [`oidc`], [`eks`], [`atlas`]: HCL only), `flux` ([`flux`]
//! alone: its kinds and tree, k8s-openapi and the YAML writer) and `kubernetes` (`flux` with its
//! `helm` and `sso` features, and [`helm`], [`sso`]); `terraform` and `kubernetes` are on by
//! default. A Terraform-only build turns the defaults off and compiles no YAML or Kubernetes
//! dependency; a Flux-only build (`features = ["flux"]`) compiles no chart catalog, JSON Schema
//! derive or SSO model.
//!
//! ```
//! use bkt_platform::core::{FileKind, Tree};
//!
//! let mut tree = Tree::new("my-generator");
//! tree.insert("notes/hello.json", FileKind::Json, "{}\n")?;
//! assert!(tree.get("notes/hello.json").is_some());
//! # Ok::<(), bkt_platform::core::Error>(())
//! ```

#[cfg(feature = "terraform")]
#[doc(inline)]
pub use bkt_atlas as atlas;
#[doc(inline)]
pub use bkt_core as core;
#[doc(inline)]
pub use bkt_core::Report;
#[doc(inline)]
pub use bkt_core::Tree;
#[cfg(feature = "terraform")]
#[doc(inline)]
pub use bkt_eks as eks;
#[cfg(feature = "flux")]
#[doc(inline)]
pub use bkt_flux as flux;
#[cfg(feature = "kubernetes")]
#[doc(inline)]
pub use bkt_helm as helm;
#[cfg(feature = "terraform")]
#[doc(inline)]
pub use bkt_network as network;
#[cfg(feature = "terraform")]
#[doc(inline)]
pub use bkt_oidc as oidc;
#[cfg(feature = "kubernetes")]
#[doc(inline)]
pub use bkt_sso as sso;

/// The Terraform version every module and root requires.
pub const TERRAFORM_VERSION: &str = ">= 1.11.0";

/// The exact `hashicorp/aws` provider version roots pin (modules require at least it).
// renovate: datasource=terraform-provider depName=hashicorp/aws
pub const AWS_PROVIDER_VERSION: &str = "5.100.0";

pub mod drift;
