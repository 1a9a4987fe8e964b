//! The one source the tree does not generate, named where the tree registers it and where the
//! cluster entry syncs from it.

/// The namespace and name of the `GitRepository` that bootstrap (`make up`, through the Flux
/// Operator's `FluxInstance`) creates for this repository: the one source the tree does not
/// generate.
pub const BOOTSTRAP_SOURCE: (&str, &str) = ("flux-system", "flux-system");
