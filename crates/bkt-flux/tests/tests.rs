//! The integration tests of bkt-flux, in one binary: the graph checks, properties.

mod components;
mod graph;
mod properties;
