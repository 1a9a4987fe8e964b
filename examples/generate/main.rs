//! Writes the BKT platform's repository layout, or checks a checkout for drift.
//!
//! ```text
//! cargo run --example generate                 # write the layout into this repository
//! cargo run --example generate -- --out DIR    # write it somewhere else
//! cargo run --example generate -- --check      # write nothing; diff and exit 1 on drift
//! cargo run --example generate -- --set-image-tag SHA   # bump environments/dev.toml, regenerate
//! cargo run --example generate -- --print-image-tag     # print the tag it holds
//! ```
//!
//! The platform spec is the embedded default completed by the checkout's data file,
//! `environments/dev.toml` (`bkt_platform::settings`). Only files whose bytes changed are
//! written; generated files no longer rendered are removed.

mod cli;
mod disk;
mod environment;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use bkt_platform::drift::{self, Drift};
use bkt_platform::settings::Settings;
use bkt_platform::{PlatformSpec, REGENERATE};

fn unified_diff(drift: &Drift) -> String {
    let (old, new) = match drift {
        Drift::Missing { expected, .. } => (&[][..], expected.as_slice()),
        Drift::Changed {
            expected, actual, ..
        } => (actual.as_slice(), expected.as_slice()),
        Drift::Stale { actual, .. } => (actual.as_slice(), &[][..]),
    };
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let path = drift.path();
    similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

fn kind_of(path: &str) -> &str {
    Path::new(path)
        .extension()
        .and_then(|ext| ext.to_str())
        .unwrap_or("other")
}

fn write(
    root: &Path,
    tag_change: Option<&environment::TagChange>,
    drifts: &[Drift],
) -> std::io::Result<()> {
    // The data file first: the generated files follow from it.
    if let Some(change) = tag_change {
        change.write()?;
    }
    for drift in drifts {
        let path = root.join(drift.path());
        match drift {
            Drift::Missing { expected, .. } | Drift::Changed { expected, .. } => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, expected)?;
            }
            Drift::Stale { .. } => fs::remove_file(&path)?,
        }
    }
    Ok(())
}

/// The checkout's settings, and the image-tag change asked for (validated, not yet written).
fn load_settings(
    args: &cli::Args,
) -> Result<(Settings, Option<environment::TagChange>), environment::Failure> {
    match &args.set_image_tag {
        Some(tag) => {
            let change = environment::set_image_tag(&args.out, tag)?;
            println!("{}", change.summary());
            Ok((change.edit.settings.clone(), Some(change)))
        }
        None => Ok((environment::read(&args.out)?, None)),
    }
}

fn main() -> ExitCode {
    let default_out = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args = match cli::parse(std::env::args_os().skip(1), default_out) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("generate: {error}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    // The data file completes the spec; a bad one stops everything before anything is written.
    let (settings, tag_change) = match load_settings(&args) {
        Ok(loaded) => loaded,
        Err(failure) => {
            eprintln!("generate: {failure}");
            return ExitCode::from(failure.exit_code());
        }
    };
    if args.print_image_tag {
        println!("{}", settings.sample_app.image_tag);
        return ExitCode::SUCCESS;
    }
    let spec = PlatformSpec {
        settings,
        ..PlatformSpec::default()
    };
    let tree = match bkt_platform::render(&spec) {
        Ok(tree) => tree,
        Err(error) => {
            eprintln!("generate: the platform spec is invalid: {error}");
            return ExitCode::from(2);
        }
    };
    let rendered = started.elapsed();
    let on_disk = match disk::read_generated(&args.out, &tree) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("generate: reading {}: {error}", args.out.display());
            return ExitCode::FAILURE;
        }
    };
    let drifts = drift::compare(&tree, &on_disk);

    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, _) in tree.files() {
        *kinds.entry(kind_of(path)).or_default() += 1;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(kind, count)| format!("{count} .{kind}"))
        .collect();
    println!(
        "rendered {} files ({}) in {:.1} ms",
        tree.len(),
        kinds.join(", "),
        rendered.as_secs_f64() * 1000.0
    );

    if args.check {
        if drifts.is_empty() {
            println!("check: every generated file is up to date");
            return ExitCode::SUCCESS;
        }
        for drift in &drifts {
            print!("{}", unified_diff(drift));
        }
        eprintln!("check: {} generated file(s) out of date:", drifts.len());
        for drift in &drifts {
            let what = match drift {
                Drift::Missing { .. } => "missing",
                Drift::Changed { .. } => "changed",
                Drift::Stale { .. } => "stale (no longer generated)",
            };
            eprintln!("  {} ({what})", drift.path());
        }
        eprintln!("regenerate with: {REGENERATE}");
        return ExitCode::FAILURE;
    }

    if let Err(error) = write(&args.out, tag_change.as_ref(), &drifts) {
        eprintln!("generate: writing {}: {error}", args.out.display());
        return ExitCode::FAILURE;
    }
    let count = |wanted: fn(&Drift) -> bool| drifts.iter().filter(|d| wanted(d)).count();
    println!(
        "wrote {} changed and {} new, removed {} stale, {} unchanged in {} ({:.1} ms in all)",
        count(|d| matches!(d, Drift::Changed { .. })),
        count(|d| matches!(d, Drift::Missing { .. })),
        count(|d| matches!(d, Drift::Stale { .. })),
        drift::expected_files(&tree)
            .len()
            .saturating_sub(count(|d| !matches!(d, Drift::Stale { .. }))),
        args.out.display(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}
