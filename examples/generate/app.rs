//! The `generate` example's work once its arguments are parsed, writing to any output: `main`
//! runs it on the process's streams, the workspace tests in-process on buffers.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bkt_platform::drift::{self, Drift};
use bkt_platform::{Report, Tree};
use bkt_reference::settings::{ENVIRONMENTS_DIR, Settings};
use bkt_reference::{Environment, PlatformSpec, REGENERATE};

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

/// Whether `out` is a checkout of this repository: it holds the conformance suite that the
/// repository's own fixtures feed. A user's layout (an empty folder, another repository) does not,
/// and gets none of them.
fn holds_the_conformance_suite(out: &Path) -> bool {
    out.join(CONFORMANCE_SUITE).is_file()
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

/// The repository this example belongs to: where the committed layout and the reference
/// platform's environments live.
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layout of `spec`; with `repository`, also this repository's own files (the test
/// fixtures), which go only into this repository.
///
/// # Errors
/// The render's first error.
pub fn layout(spec: &PlatformSpec, repository: bool) -> Result<Tree, bkt_reference::Error> {
    let mut tree = bkt_reference::render(spec)?;
    if repository {
        tree.extend(bkt_reference::repository_files(spec)?)?;
    }
    Ok(tree)
}

/// The conformance suite's module file, relative to a checkout of this repository.
const CONFORMANCE_SUITE: &str = "tests/conformance/go.mod";

/// The environments' files: `--spec` files, else the output folder's `environments/`, else the
/// repository's.
fn environment_files(args: &cli::Args) -> Result<Vec<PathBuf>, environment::Failure> {
    if !args.spec.is_empty() {
        return Ok(args.spec.clone());
    }
    let local = args.out.join(ENVIRONMENTS_DIR);
    let dir = if local.is_dir() {
        local
    } else {
        repository().join(ENVIRONMENTS_DIR)
    };
    environment::files(&dir)
}

/// Every environment's file and settings, and the image-tag change.
type Loaded = (Vec<(PathBuf, Settings)>, Option<environment::TagChange>);

/// Every environment's file and settings, and the image-tag change asked for (validated, not
/// yet written, and already in the settings returned).
fn load_settings(args: &cli::Args, out: &mut impl Write) -> Result<Loaded, environment::Failure> {
    let mut loaded = Vec::new();
    for path in environment_files(args)? {
        let settings = environment::read_file(&path)?;
        loaded.push((path, settings));
    }
    let Some(tag) = &args.set_image_tag else {
        return Ok((loaded, None));
    };
    let Some((path, settings)) = loaded
        .iter_mut()
        .find(|(path, _)| environment::name_of(path) == args.env)
    else {
        return Err(environment::Failure::Missing(
            PathBuf::from(ENVIRONMENTS_DIR).join(format!("{}.toml", args.env)),
        ));
    };
    let change = environment::set_image_tag_in(path, tag)?;
    say!(out, "{}", change.summary());
    settings.clone_from(&change.edit.settings);
    Ok((loaded, Some(change)))
}

/// The versions scripts and workflows read from the Rust sources instead of pinning their own:
/// `cargo xtask up` installs the Flux Operator chart, `.github/workflows/e2e.yml` the Flux CLI
/// of the distribution every `FluxInstance` runs.
fn pin(name: &str) -> Option<&'static str> {
    match name {
        "flux" => Some(bkt_platform::flux::kinds::flux_instance::FLUX_VERSION),
        "flux-operator" => Some(bkt_platform::helm::charts::flux_operator::CHART.version),
        _ => None,
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
                say!(err, "generate: {}", Report(&error));
                1
            }
        };
    }
    if let Some(name) = &args.print_pin {
        return if let Some(version) = pin(name) {
            say!(out, "{version}");
            0
        } else {
            say!(
                err,
                "generate: no pin {name:?}: name flux (the Flux distribution) or flux-operator (its chart)"
            );
            2
        };
    }
    let started = Instant::now();
    // The environment files make the spec; a bad one stops everything before anything is written.
    let (settings, tag_change) = match load_settings(args, out) {
        Ok(loaded) => loaded,
        Err(failure) => {
            say!(err, "generate: {failure}");
            return failure.exit_code();
        }
    };
    if args.print_image_tag {
        let found = settings
            .iter()
            .find(|(path, _)| environment::name_of(path) == args.env);
        if let Some((_, settings)) = found {
            say!(out, "{}", settings.sample_app.image_tag);
            return 0;
        }
        say!(
            err,
            "generate: no environment {:?} (environments/{0}.toml)",
            args.env
        );
        return 2;
    }
    let mut environments = Vec::new();
    for (path, settings) in settings {
        match Environment::from_settings(&environment::name_of(&path), settings) {
            Ok(environment) => environments.push(environment),
            Err(error) => {
                say!(err, "generate: {}: {}", path.display(), Report(&error));
                return 2;
            }
        }
    }
    let spec = PlatformSpec::with_environments(environments);
    let tree = match layout(&spec, holds_the_conformance_suite(&args.out)) {
        Ok(tree) => tree,
        Err(error) => {
            say!(
                err,
                "generate: the platform spec is invalid: {}",
                Report(&error)
            );
            return 2;
        }
    };
    let capacity = match capacity_summary(&spec) {
        Ok(summary) => summary,
        Err(error) => {
            say!(
                err,
                "generate: the platform spec is invalid: {}",
                Report(&error)
            );
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
        return report_check(&drifts, out, err);
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
    said!(out, "{capacity}");
    0
}

/// `--check`: 0 when every generated file is up to date; otherwise each drift's diff on `out`,
/// the list on `err` with how to regenerate, and 1.
fn report_check(drifts: &[Drift], out: &mut impl Write, err: &mut impl Write) -> u8 {
    if drifts.is_empty() {
        say!(out, "check: every generated file is up to date");
        return 0;
    }
    for drift in drifts {
        said!(out, "{}", unified_diff(drift));
    }
    say!(
        err,
        "check: {} generated file(s) out of date:",
        drifts.len()
    );
    for drift in drifts {
        let what = match drift {
            Drift::Missing { .. } => "missing",
            Drift::Changed { .. } => "changed",
            Drift::Stale { .. } => "stale (no longer generated)",
        };
        say!(err, "  {} ({what})", drift.path());
    }
    say!(err, "regenerate with: {REGENERATE}");
    1
}

/// Every environment's capacity, as the render checked it: per node group, the pods' requests
/// against the nodes' allocatable CPU and memory, and the pods on each node against its maximum.
///
/// # Errors
/// The check's error (the render already passed it, so never in practice).
pub fn capacity_summary(spec: &PlatformSpec) -> Result<String, bkt_reference::Error> {
    use std::fmt::Write as _;
    let mut summary = String::new();
    for environment in spec.checked_environments()? {
        let placement = bkt_reference::capacity::check(environment)?;
        let _ = write!(
            summary,
            "capacity of {} (desired size; requests against allocatable after the EKS AMI's reserve):\n{placement}",
            environment.name()
        );
    }
    Ok(summary)
}
