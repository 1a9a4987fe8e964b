//! The integration tests of bkt-flux, in one binary: the graph checks, properties, and the
//! snapshots of the generated cluster entry.

mod components;
mod configs;
mod controllers;
mod graph;
mod platform;
mod properties;
mod snapshots;
mod sso;
mod vault;
