//! Integration tests of the Atlas root: snapshots, the documented-arguments check, properties.

mod properties;
mod schema;
mod snapshots;
