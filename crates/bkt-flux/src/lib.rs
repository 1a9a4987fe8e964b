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
//!   its local flavour.
//!
//! Library code enables no k8s-openapi version feature; the binary that renders picks one.

pub mod cluster;
mod duration;
mod error;
pub mod kinds;
pub mod kustomize;
mod manifest;
mod tree;

pub use duration::Duration;
pub use error::{Error, Result};
pub use manifest::{Manifest, ManifestFile};
pub use tree::GitOpsTree;
