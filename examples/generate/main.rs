//! Writes the BKT platform's repository layout, or checks a checkout for drift.
//!
//! ```text
//! cargo run --example generate                 # write the layout into this repository
//! cargo run --example generate -- --out DIR    # write it somewhere else
//! cargo run --example generate -- --check      # write nothing; diff and exit 1 on drift
//! cargo run --example generate -- --set-image-tag SHA   # bump environments/dev.toml, regenerate
//! cargo run --example generate -- --print-image-tag     # print the tag it holds
//! cargo run --example generate -- --spec my.toml        # another platform, from a spec file
//! cargo run --example generate -- --print-default-spec  # the default as a spec file
//! ```
//!
//! The platform spec is the embedded default completed by a spec file: the checkout's
//! `environments/dev.toml` (`bkt_reference::settings`, `bkt_reference::spec`), or `--spec FILE`.
//! Only files whose bytes changed are written; generated files no longer rendered are removed.

mod app;
mod cli;
mod disk;
#[allow(
    dead_code,
    reason = "the workspace tests include this module and use the helpers the binary does not"
)]
mod environment;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let default_out = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args = match cli::parse(std::env::args_os().skip(1), default_out) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("generate: {error}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    ExitCode::from(app::run(&args, &mut out, &mut err))
}
