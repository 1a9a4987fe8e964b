//! Typed Helm for the BKT platform: the charts it deploys and the values it gives them.
//!
//! - [`catalog`]: every upstream chart the platform installs, as a [`Chart`] — its
//!   [`Repository`] (HTTP or OCI), chart name and exact pinned version — with a typed values
//!   struct per chart ([`charts`]) in which a default means unset. Anything a typed struct
//!   does not model goes through one explicit escape hatch, [`WithExtra`], which never drops a
//!   key and refuses a key that a typed field already sets; a value the struct does model is
//!   overridden at any depth with [`WithExtra::set`], whose path is checked against the type.
//! - [`workload`] and [`capacity`]: the pods each chart's values produce (every chart module has a
//!   `workloads` function), and a check that places them onto a cluster's node groups.
//!
//! The `HelmRelease` objects that install these charts are Flux kinds and live in `bkt-flux`;
//! this crate describes charts and values, and the platform builds releases from both.
//!
//! The crate holds no platform's values: a platform builds each chart's typed values itself (the
//! repository's reference platform does so in `reference/src/values/`). Flux substitutions
//! (`${CLUSTER_NAME}`) are plain strings here, so the caller passes the references of its
//! cluster-vars contract.
//!
//! ```
//! use bkt_helm::charts::external_secrets;
//! use bkt_helm::{RepositoryKind, WithExtra};
//!
//! let chart = &external_secrets::CHART;
//! assert_eq!((chart.name, chart.version), ("external-secrets", "2.9.0"));
//! assert_eq!(chart.repository.kind, RepositoryKind::Http);
//!
//! // Typed values, plus one key the struct does not model; a typed key cannot be overridden.
//! let mut typed = external_secrets::Values::default();
//! typed.install_crds = Some(true);
//! let values = WithExtra::new(typed.clone()).extra("replicaCount", 2)?;
//! assert!(WithExtra::new(typed).extra("installCRDs", false).is_err());
//! let json = serde_json::to_value(&values).map_err(|e| bkt_helm::Error::Json {
//!     what: "values".into(),
//!     message: e.to_string(),
//! })?;
//! assert_eq!(json["replicaCount"], 2);
//! assert_eq!(json["installCRDs"], true);
//! # Ok::<(), bkt_helm::Error>(())
//! ```

pub mod capacity;
pub mod catalog;
mod chart;
pub mod charts;
pub mod common;
mod error;
mod extra;
mod values_path;
pub mod workload;

pub use catalog::{CATALOG, Chart, Repository, RepositoryKind};
pub use error::{Error, Result};
pub use extra::WithExtra;

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
