//! Workspace integration tests, one binary: drift of the committed layout, repository rules,
//! snapshots of rendered output.

#[path = "../examples/generate/disk.rs"]
mod disk;
mod drift;
mod rules;
mod snapshots;
mod tidy;
