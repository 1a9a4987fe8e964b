//! Typed Flux for the BKT crates: the Flux API kinds, kustomize files, manifests that keep their
//! "why" comments, and a GitOps tree checked as a graph when it renders.
//!
//! - [`kinds`]: `Kustomization`, `GitRepository`, `OCIRepository`, `HelmRepository`,
//!   `HelmRelease`, `Receiver`, `Provider`, `Alert` as serde types mirroring the CRDs at their
//!   newest GA versions, with typed [`Duration`]s and references; `HelmRelease` values take any
//!   `Serialize` type ([`kinds::Values`]) and reach the YAML unchanged.
//! - [`kustomize`]: a folder's `kustomization.yaml`, components, and patches made from typed
//!   values.
//! - [`Manifest`] / [`ManifestFile`]: one document with the comment above it; a file of them,
//!   written through `bkt_core::yaml` (YAML 1.1-safe, `apiVersion`/`kind`/`metadata` first).
//! - [`GitOpsTree`]: the files under `gitops/`, rendered into a [`bkt_core::Tree`] only after
//!   the graph checks pass (sources resolve, `dependsOn` is acyclic and complete, paths exist,
//!   every `${VAR}` is a cluster var, no Secret data in Git).
//! - [`cluster`]: the cluster entry `clusters/<env>/`: the chain of Flux Kustomizations, and
//!   its local flavour; [`controllers`]: a controller's folder (namespace, source, release,
//!   policies); [`components`]: the namespace baseline and HTTPS egress components.
//! - [`compose`]: the building blocks of a platform component (namespace, chart source, release,
//!   Ingress, folder kustomization, generated and copied secrets).
//! - [`network_policy`]: the one `NetworkPolicy` builder ([`network_policy::Policy`] of
//!   [`network_policy::Rule`]s) and its selector, peer and port helpers.
//!
//! Features (both on by default): `helm` is the chart catalog's side — [`controllers`],
//! [`runtime`], [`compose::repository`] and [`compose::release`], the `workload()` of the
//! `MariaDB` and `CloudNativePG` kinds, and [`Error::Helm`] — and `sso` is [`Error::Sso`] and the
//! conversion from `bkt_sso::Error`. A Flux-only user (kinds, kustomize files, the checked tree,
//! the cluster entry, the composition blocks without a chart) turns them off with
//! `default-features = false` and compiles neither bkt-helm, its JSON Schema derive nor bkt-sso.
//!
//! The crate holds no platform's data: a platform (the repository's reference platform, in
//! `reference/`, among them) builds its tree from these types and passes its own names.
//!
//! Library code enables no k8s-openapi version feature; the binary that renders picks one.
//!
//! A `HelmRelease` with typed values, in a tree whose render checks it:
//!
//! ```
//! use bkt_flux::kinds::{
//!     CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec,
//!     HelmRepository, HelmRepositorySpec, SourceKind, Strategy, StrategyName, Upgrade, Values,
//! };
//! use bkt_flux::{Duration, GitOpsTree, Manifest, ManifestFile};
//!
//! #[derive(serde::Serialize)]
//! struct Server {
//!     replicas: u32,
//!     domain: String,
//! }
//!
//! let release = HelmRelease::new(
//!     "vault",
//!     HelmReleaseSpec {
//!         timeout: Some(Duration::minutes(10)),
//!         upgrade: Some(Upgrade {
//!             strategy: Some(Strategy {
//!                 name: StrategyName::RetryOnFailure,
//!                 retry_interval: Some(Duration::minutes(2)),
//!             }),
//!             ..Upgrade::default()
//!         }),
//!         values: Some(Values::new(&Server { replicas: 3, domain: "vault.${DOMAIN}".into() })?),
//!         ..HelmReleaseSpec::new(
//!             Duration::hours(1),
//!             HelmChartTemplate::new(
//!                 "vault",
//!                 "0.34.1",
//!                 CrossNamespaceSourceReference::new(SourceKind::HelmRepository, "hashicorp"),
//!             ),
//!         )
//!     },
//! );
//! let repository = HelmRepository::new(
//!     "hashicorp",
//!     HelmRepositorySpec::new(Duration::hours(24), "https://helm.releases.hashicorp.com"),
//! );
//!
//! let mut tree = GitOpsTree::new("gitops", &["DOMAIN"]);
//! tree.insert(
//!     "infrastructure/vault/release.yaml",
//!     ManifestFile::new([Manifest::new(&repository)?, Manifest::new(&release)?]),
//! )?;
//! let files = tree.to_tree("my-generator")?;
//! let text = String::from_utf8_lossy(
//!     files.get("infrastructure/vault/release.yaml").unwrap_or_default(),
//! );
//! assert!(text.contains("    strategy:\n      name: RetryOnFailure\n      retryInterval: 2m\n"));
//! assert!(text.contains("  values:\n    replicas: 3\n    domain: vault.${DOMAIN}\n"));
//!
//! // The same release with a variable the cluster does not provide fails to render.
//! let mut tree = GitOpsTree::new("gitops", &[]);
//! tree.insert("release.yaml", ManifestFile::new([Manifest::new(&repository)?, Manifest::new(&release)?]))?;
//! assert!(matches!(
//!     tree.to_tree("my-generator"),
//!     Err(bkt_flux::Error::UnknownVariable { variable, .. }) if variable == "DOMAIN"
//! ));
//! # Ok::<(), bkt_flux::Error>(())
//! ```

pub mod cluster;
pub mod components;
pub mod compose;
#[cfg(feature = "helm")]
pub mod controllers;
mod duration;
mod error;
mod escape;
pub mod kinds;
pub mod kustomize;
mod manifest;
pub mod network_policy;
#[cfg(feature = "helm")]
pub mod runtime;
mod tree;

pub use duration::Duration;
pub use error::{Error, Result};
pub use escape::escaped_reference;
pub use manifest::{Manifest, ManifestFile};
pub use tree::GitOpsTree;

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
