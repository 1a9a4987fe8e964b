//! The one place this crate writes Flux substitution syntax: a reference that Flux must leave
//! alone. The repository's text check (`tests/tidy.rs`) lists this file among the writers; every
//! other `${…}` in the tree comes from the platform's cluster-vars contract.

/// A `${NAME}` reference that Flux's substitution leaves for the workload to resolve (an
/// environment variable in a chart's configuration file): written with Flux's escape, `$$`, so
/// [`crate::GitOpsTree`]'s check and Flux itself skip it, and Flux writes `${NAME}`.
#[must_use]
pub fn escaped_reference(name: &str) -> String {
    format!("$${{{name}}}")
}
