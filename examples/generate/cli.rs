//! The `generate` example's command line: what to do, parsed from the arguments alone (so the
//! workspace tests can check every combination without running the binary).

use std::ffi::OsString;
use std::path::PathBuf;

/// The help text, also printed after a usage error.
pub const USAGE: &str = "usage: generate [--out DIR] [--spec FILE]... [--check]
       generate [--out DIR] [--spec FILE]... [--env NAME] --set-image-tag SHA
       generate [--out DIR] [--spec FILE]... [--env NAME] --print-image-tag
       generate --print-default-spec
       generate --print-pin NAME

  --out DIR              where the layout is written (any folder, an empty one included; default:
                         the repository this example belongs to)
  --spec FILE            an environment's file, named by its stem (prod.toml: prod); repeat it for
                         more. Without --spec, every DIR/environments/*.toml is one environment,
                         or, when DIR has no environments/ folder, every file of this repository's
                         environments/
  --env NAME             the environment --set-image-tag and --print-image-tag act on (default dev)
  --print-default-spec   print an environment's defaults (dev's values) as a complete, commented
                         file to start from, and nothing else
  --check                write nothing; print a unified diff for every changed, missing or stale
                         generated file and exit 1 if there is any
  --set-image-tag SHA    set the sample app's image tag (sample_app.image_tag) in the file of
                         environment NAME to SHA, a full 40-hex commit SHA, keeping the file's
                         comments and layout, then regenerate
  --print-image-tag      print the image tag the file of environment NAME holds, and nothing else
  --print-pin NAME       print the version the Rust sources pin for NAME, and nothing else: flux
                         (the Flux distribution of every FluxInstance) or flux-operator (the Flux
                         Operator chart make up installs)
  -h, --help             show this help

Writing prints, per environment, the capacity its node group has for the platform's pods.

Exit status: 0 done; 1 drift found (--check) or a file could not be read or written;
2 bad arguments, an invalid environment file, environments that clash, or a node group that
cannot run the platform's pods (the capacity check names the workload, the rule and the fix;
nothing is written then).";

/// What the example was asked to do.
#[allow(
    clippy::struct_excessive_bools,
    reason = "one field per command-line switch, as parsed"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// Where the layout is written (and, when it has an `environments/` folder, read from).
    pub out: PathBuf,
    /// Write nothing; report drift.
    pub check: bool,
    /// Set the image tag in the data file, then regenerate.
    pub set_image_tag: Option<String>,
    /// Print the image tag and stop.
    pub print_image_tag: bool,
    /// The environments' files to read instead of a folder's `environments/*.toml`.
    pub spec: Vec<PathBuf>,
    /// The environment the image-tag switches act on.
    pub env: String,
    /// Print the embedded default spec and stop.
    pub print_default_spec: bool,
    /// Print the version pinned for this name and stop.
    pub print_pin: Option<String>,
    /// Print the help and stop.
    pub help: bool,
}

/// Parses the arguments (without the program name); `default_out` is the checkout used
/// without `--out`.
///
/// # Errors
/// An unknown or malformed argument, or two modes at once (`--check`, `--set-image-tag`,
/// `--print-image-tag`, `--print-default-spec` and `--print-pin` exclude each other).
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    default_out: PathBuf,
) -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parsed = Args {
        out: default_out,
        check: false,
        set_image_tag: None,
        print_image_tag: false,
        spec: Vec::new(),
        env: "dev".to_owned(),
        print_default_spec: false,
        print_pin: None,
        help: false,
    };
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => parsed.out = PathBuf::from(parser.value()?),
            Long("check") => parsed.check = true,
            Long("set-image-tag") => parsed.set_image_tag = Some(parser.value()?.string()?),
            Long("print-image-tag") => parsed.print_image_tag = true,
            Long("spec") => parsed.spec.push(PathBuf::from(parser.value()?)),
            Long("env") => parsed.env = parser.value()?.string()?,
            Long("print-default-spec") => parsed.print_default_spec = true,
            Long("print-pin") => parsed.print_pin = Some(parser.value()?.string()?),
            Short('h') | Long("help") => parsed.help = true,
            _ => return Err(arg.unexpected()),
        }
    }
    let modes = [
        (parsed.check, "--check"),
        (parsed.set_image_tag.is_some(), "--set-image-tag"),
        (parsed.print_image_tag, "--print-image-tag"),
        (parsed.print_default_spec, "--print-default-spec"),
        (parsed.print_pin.is_some(), "--print-pin"),
    ];
    let chosen: Vec<&str> = modes
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, flag)| *flag)
        .collect();
    if chosen.len() > 1 {
        return Err(format!(
            "{} exclude each other: pass one of them (--set-image-tag already regenerates)",
            chosen.join(" and ")
        )
        .into());
    }
    Ok(parsed)
}
