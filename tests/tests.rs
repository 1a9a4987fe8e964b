//! Workspace integration tests, one binary: drift of the committed layout and repository rules,
//! the generator run in-process.

#[path = "../examples/generate/app.rs"]
mod app;
#[path = "../examples/generate/cli.rs"]
mod cli;
#[path = "../examples/generate/disk.rs"]
mod disk;
mod drift;
#[path = "../examples/generate/environment.rs"]
mod environment;
mod image_tag;
mod package;
mod release_flow;
mod rendered;
mod renovate;
mod round_trip;
mod rules;
mod spec_file;
mod sso;
mod tidy;
