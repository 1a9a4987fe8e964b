//! The `generate` example's work once its arguments are parsed, writing to any output: `main`
//! runs it on the process's streams, the workspace tests in-process on buffers.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use bkt_platform::drift::{self, Drift};
use bkt_reference::settings::Settings;
use bkt_reference::{PlatformSpec, REGENERATE};

use crate::{cli, disk, environment};

/// `writeln!` whose failure (a closed stdout) is ignored: the exit status still says it all.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// `write!` likewise.
macro_rules! said {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

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

/// The spec file's settings, and the image-tag change asked for (validated, not yet written).
fn load_settings(
    args: &cli::Args,
    out: &mut impl Write,
) -> Result<(Settings, Option<environment::TagChange>), environment::Failure> {
    match (&args.set_image_tag, &args.spec) {
        (Some(tag), spec) => {
            let change = match spec {
                Some(file) => environment::set_image_tag_in(file, tag)?,
                None => environment::set_image_tag(&args.out, tag)?,
            };
            say!(out, "{}", change.summary());
            Ok((change.edit.settings.clone(), Some(change)))
        }
        (None, Some(file)) => Ok((environment::read_file(file)?, None)),
        (None, None) => Ok((environment::read(&args.out)?, None)),
    }
}

/// Everything after the arguments are parsed: what `generate` does, writing its report to
/// `out` and its errors to `err`; returns the exit status (0 done, 1 drift or I/O, 2 bad input).
#[allow(
    clippy::too_many_lines,
    reason = "the example's one flow, read top to bottom: load, render, compare, report or write"
)]
pub fn run(args: &cli::Args, out: &mut impl Write, err: &mut impl Write) -> u8 {
    if args.help {
        say!(out, "{}", cli::USAGE);
        return 0;
    }
    if args.print_default_spec {
        return match bkt_reference::spec::default_spec_text() {
            Ok(text) => {
                said!(out, "{text}");
                0
            }
            Err(error) => {
                say!(err, "generate: {error}");
                1
            }
        };
    }
    let started = Instant::now();
    // The data file completes the spec; a bad one stops everything before anything is written.
    let (settings, tag_change) = match load_settings(args, out) {
        Ok(loaded) => loaded,
        Err(failure) => {
            say!(err, "generate: {failure}");
            return failure.exit_code();
        }
    };
    if args.print_image_tag {
        say!(out, "{}", settings.sample_app.image_tag);
        return 0;
    }
    let spec_file = args
        .spec
        .clone()
        .unwrap_or_else(|| environment::path(&args.out));
    let spec = match PlatformSpec::from_settings(settings) {
        Ok(spec) => spec,
        Err(error) => {
            say!(err, "generate: {}: {error}", spec_file.display());
            return 2;
        }
    };
    let tree = match bkt_reference::render(&spec) {
        Ok(tree) => tree,
        Err(error) => {
            say!(err, "generate: the platform spec is invalid: {error}");
            return 2;
        }
    };
    let rendered = started.elapsed();
    let on_disk = match disk::read_generated(&args.out, &tree) {
        Ok(files) => files,
        Err(error) => {
            say!(err, "generate: reading {}: {error}", args.out.display());
            return 1;
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
    say!(
        out,
        "rendered {} files ({}) in {:.1} ms",
        tree.len(),
        kinds.join(", "),
        rendered.as_secs_f64() * 1000.0
    );

    if args.check {
        if drifts.is_empty() {
            say!(out, "check: every generated file is up to date");
            return 0;
        }
        for drift in &drifts {
            said!(out, "{}", unified_diff(drift));
        }
        say!(
            err,
            "check: {} generated file(s) out of date:",
            drifts.len()
        );
        for drift in &drifts {
            let what = match drift {
                Drift::Missing { .. } => "missing",
                Drift::Changed { .. } => "changed",
                Drift::Stale { .. } => "stale (no longer generated)",
            };
            say!(err, "  {} ({what})", drift.path());
        }
        say!(err, "regenerate with: {REGENERATE}");
        return 1;
    }

    if let Err(error) = write(&args.out, tag_change.as_ref(), &drifts) {
        say!(err, "generate: writing {}: {error}", args.out.display());
        return 1;
    }
    let count = |wanted: fn(&Drift) -> bool| drifts.iter().filter(|d| wanted(d)).count();
    say!(
        out,
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
    0
}
