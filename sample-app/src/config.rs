//! The service's settings: flags, falling back to environment variables (the chart sets those),
//! falling back to defaults that run with zero setup.

use std::fmt::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::store::Kind;

/// Everything `main` wires together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Listen address, `host:port` or `:port` (all IPv4 interfaces).
    pub addr: String,
    /// The page's message when no message file is set.
    pub message: String,
    /// File holding the page's message, re-read while running (the chart's `ConfigMap`).
    pub message_file: Option<PathBuf>,
    /// Where entries are kept.
    pub database_type: Kind,
    /// File holding the connection string, re-read while running (rendered by the Vault agent).
    pub database_dsn_file: Option<PathBuf>,
    /// Shown on the page.
    pub pod_name: String,
    /// The least severe log level written.
    pub log_level: tracing::Level,
    /// How often the message and connection-string files are re-read.
    pub reload_interval: Duration,
    /// After SIGTERM: how long to keep serving with readiness failing.
    pub shutdown_delay: Duration,
    /// Then: how long in-flight requests get to finish.
    pub shutdown_timeout: Duration,
}

impl Config {
    /// The address to bind: Go's `:port` shorthand means every IPv4 interface.
    #[must_use]
    pub fn bind_addr(&self) -> String {
        if self.addr.starts_with(':') {
            format!("0.0.0.0{}", self.addr)
        } else {
            self.addr.clone()
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve with this configuration.
    Run(Box<Config>),
    /// `--version`: print the build version and exit.
    Version,
    /// `-h`/`--help`: print [`usage`] and exit.
    Help,
}

/// Every problem found in the settings, one per line, each naming the flag and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

struct Flag {
    name: &'static str,
    env: &'static str,
    default: &'static str,
    help: &'static str,
}

const FLAGS: &[Flag] = &[
    Flag {
        name: "addr",
        env: "ADDR",
        default: ":8080",
        help: "address to listen on",
    },
    Flag {
        name: "message",
        env: "MESSAGE",
        default: "Hello from BKT Platform",
        help: "message shown on the page when no message file is set",
    },
    Flag {
        name: "message-file",
        env: "MESSAGE_FILE",
        default: "",
        help: "file holding the page's message, re-read while running (the chart mounts its ConfigMap here)",
    },
    Flag {
        name: "database-type",
        env: "DATABASE_TYPE",
        default: "memory",
        help: "where entries are kept: memory, mysql or mongodb",
    },
    Flag {
        name: "database-dsn-file",
        env: "DATABASE_DSN_FILE",
        default: "",
        help: "file holding the database connection string, re-read while running (the Vault agent renders it)",
    },
    Flag {
        name: "pod-name",
        env: "POD_NAME",
        default: "",
        help: "name shown on the page (default: the host name)",
    },
    Flag {
        name: "log-level",
        env: "LOG_LEVEL",
        default: "info",
        help: "log level: debug, info, warn or error",
    },
    Flag {
        name: "reload-interval",
        env: "RELOAD_INTERVAL",
        default: "5s",
        help: "how often the message and connection-string files are re-read",
    },
    Flag {
        name: "shutdown-delay",
        env: "SHUTDOWN_DELAY",
        default: "0s",
        help: "after SIGTERM, how long to keep serving with readiness failing, so load balancers deregister the pod first",
    },
    Flag {
        name: "shutdown-timeout",
        env: "SHUTDOWN_TIMEOUT",
        default: "20s",
        help: "after the delay, how long in-flight requests get to finish",
    },
];

/// The `--help` text.
#[must_use]
pub fn usage() -> String {
    let mut out = String::from(
        "Usage: sample-app [--flag=value]...\n\nEach flag falls back to its environment variable, then to the default.\n\n",
    );
    for f in FLAGS {
        let default = if f.default.is_empty() {
            String::new()
        } else {
            format!(" (default {:?})", f.default)
        };
        let _ = writeln!(
            out,
            "  --{:<18} {} (env {}){}",
            f.name, f.help, f.env, default
        );
    }
    out.push_str("  --version            print the version and exit\n");
    out
}

/// Reads `args` (without the program name) and the environment through `getenv`.
///
/// # Errors
/// A [`ConfigError`] listing every bad setting: unknown flags, stray arguments, values that do
/// not parse, and combinations that cannot work (a database without its connection-string file).
#[allow(clippy::too_many_lines)] // one flat list of settings reads best in one place
pub fn parse<S: AsRef<str>>(
    args: &[S],
    getenv: impl Fn(&str) -> Option<String>,
) -> Result<Command, ConfigError> {
    let mut problems = Vec::new();
    // Index into FLAGS → (value, where it came from, for messages).
    let mut values: Vec<(String, String)> = FLAGS
        .iter()
        .map(|f| match getenv(f.env).filter(|v| !v.is_empty()) {
            Some(v) => (v, format!("environment variable {}", f.env)),
            None => (f.default.to_owned(), format!("--{}", f.name)),
        })
        .collect();
    let mut show_version = false;
    let mut args = args.iter().map(AsRef::as_ref);
    while let Some(arg) = args.next() {
        // Like Go's flag package: -name and --name, `=value` or the next argument.
        let Some(flag) = arg
            .strip_prefix("--")
            .or_else(|| arg.strip_prefix('-'))
            .filter(|f| !f.is_empty())
        else {
            problems.push(format!(
                "unexpected argument {arg:?}: all settings are --flags; see --help"
            ));
            break;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        match name {
            "h" | "help" => return Ok(Command::Help),
            "version" => match inline {
                None | Some("true") => show_version = true,
                Some("false") => show_version = false,
                Some(v) => {
                    problems.push(format!("--version={v:?}: use --version or --version=false"));
                }
            },
            _ => {
                let Some(index) = FLAGS.iter().position(|f| f.name == name) else {
                    problems.push(format!("unknown flag --{name}; see --help for the flags"));
                    continue;
                };
                match inline
                    .map(str::to_owned)
                    .or_else(|| args.next().map(str::to_owned))
                {
                    Some(v) => values[index] = (v, format!("--{name}")),
                    None => problems.push(format!("flag --{name} needs a value, like --{name}=…")),
                }
            }
        }
    }
    if show_version && problems.is_empty() {
        return Ok(Command::Version);
    }
    let [
        addr,
        message,
        message_file,
        database_type,
        dsn_file,
        pod_name,
        log_level,
        reload,
        delay,
        timeout,
    ] = values
        .try_into()
        .unwrap_or_else(|_| unreachable!("one value per flag"));

    let mut duration = |(value, source): (String, String)| match parse_duration(&value) {
        Ok(nanos) if nanos >= 0 => Some(Duration::from_nanos(
            u64::try_from(nanos).unwrap_or(u64::MAX),
        )),
        Ok(_) => {
            problems.push(format!("{source}={value:?} must not be negative"));
            None
        }
        Err(why) => {
            problems.push(format!(
                "{source}={value:?} is not a duration like 5s or 1m: {why}"
            ));
            None
        }
    };
    let reload_interval = duration(reload);
    let shutdown_delay = duration(delay);
    let shutdown_timeout = duration(timeout);

    let database_type = match database_type.0.trim().to_ascii_lowercase().parse::<Kind>() {
        Ok(kind) => Some(kind),
        Err(e) => {
            problems.push(format!("--database-type: {e}"));
            None
        }
    };
    let database_dsn_file = Some(dsn_file.0)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from);
    if let Some(kind) = database_type
        && kind != Kind::Memory
        && database_dsn_file.is_none()
    {
        problems.push(format!(
            "--database-type={kind} needs --database-dsn-file (env DATABASE_DSN_FILE), the file holding the connection string"
        ));
    }
    let log_level = match log_level.0.to_ascii_lowercase().as_str() {
        "debug" => Some(tracing::Level::DEBUG),
        "info" => Some(tracing::Level::INFO),
        "warn" | "warning" => Some(tracing::Level::WARN),
        "error" => Some(tracing::Level::ERROR),
        _ => {
            problems.push(format!(
                "--log-level {:?}: use debug, info, warn or error",
                log_level.0
            ));
            None
        }
    };
    let addr = addr.0;
    match addr.rsplit_once(':') {
        _ if addr.is_empty() => {
            problems.push("--addr must not be empty; use host:port or :port".to_owned());
        }
        Some((_, port)) if port.parse::<u16>().is_ok() => {}
        _ => problems.push(format!(
            "--addr {addr:?} has no port; use host:port or :port"
        )),
    }
    if reload_interval == Some(Duration::ZERO) {
        problems.push("--reload-interval must be positive, got 0s".to_owned());
    }
    if shutdown_timeout == Some(Duration::ZERO) {
        problems.push("--shutdown-timeout must be positive, got 0s".to_owned());
    }
    if !problems.is_empty() {
        return Err(ConfigError(problems));
    }
    let (
        Some(database_type),
        Some(log_level),
        Some(reload_interval),
        Some(shutdown_delay),
        Some(shutdown_timeout),
    ) = (
        database_type,
        log_level,
        reload_interval,
        shutdown_delay,
        shutdown_timeout,
    )
    else {
        unreachable!("every None above recorded a problem");
    };
    let pod_name = if pod_name.0.is_empty() {
        hostname()
    } else {
        pod_name.0
    };
    Ok(Command::Run(Box::new(Config {
        addr,
        message: message.0,
        message_file: Some(message_file.0)
            .filter(|f| !f.is_empty())
            .map(PathBuf::from),
        database_type,
        database_dsn_file,
        pod_name,
        log_level,
        reload_interval,
        shutdown_delay,
        shutdown_timeout,
    })))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default()
}

/// Parses a duration written as Go writes them (`5s`, `1m30s`, `1.5h`, `100ms`, `-1s`, `0`) into
/// signed nanoseconds.
///
/// # Errors
/// A short reason: a missing unit, an unknown unit, or a value too large.
pub fn parse_duration(text: &str) -> Result<i128, String> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err("empty".to_owned());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(format!("expected a number at {rest:?}"));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| format!("{number:?} is not a number"))?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per_unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "missing unit after {number:?}; use ns, us, ms, s, m or h"
                ));
            }
            unit => return Err(format!("unknown unit {unit:?}; use ns, us, ms, s, m or h")),
        };
        rest = &rest[unit_len..];
        total += value * nanos_per_unit;
    }
    // Durations beyond a few centuries are mistakes, not settings.
    if total > 1e19 {
        return Err("too large".to_owned());
    }
    #[allow(clippy::cast_possible_truncation)] // bounded just above
    let nanos = total.round() as i128;
    Ok(if negative { -nanos } else { nanos })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn run(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        match parse(args, |k| env.get(k).cloned())? {
            Command::Run(c) => Ok(*c),
            other => panic!("parse returned {other:?}, not a configuration"),
        }
    }

    #[test]
    fn defaults_run_with_zero_setup() {
        let c = run(&[], &[]).unwrap();
        assert_eq!(
            (
                c.addr.as_str(),
                c.database_type,
                c.log_level,
                c.reload_interval,
                c.shutdown_timeout,
                c.shutdown_delay
            ),
            (
                ":8080",
                Kind::Memory,
                tracing::Level::INFO,
                Duration::from_secs(5),
                Duration::from_secs(20),
                Duration::ZERO
            )
        );
        assert_eq!(c.message, "Hello from BKT Platform");
        assert_eq!((&c.message_file, &c.database_dsn_file), (&None, &None));
        assert_eq!(c.bind_addr(), "0.0.0.0:8080");
    }

    #[test]
    fn environment_then_flags() {
        let env = [
            ("ADDR", ":9000"),
            ("DATABASE_TYPE", "mysql"),
            ("DATABASE_DSN_FILE", "/vault/secrets/db"),
            ("SHUTDOWN_DELAY", "5s"),
            ("LOG_LEVEL", "debug"),
            ("POD_NAME", "pod-1"),
            ("MESSAGE_FILE", "/config/message"),
        ];
        let c = run(&[], &env).unwrap();
        assert_eq!(c.addr, ":9000");
        assert_eq!(c.database_type, Kind::MySql);
        assert_eq!(
            c.database_dsn_file,
            Some(PathBuf::from("/vault/secrets/db"))
        );
        assert_eq!(c.shutdown_delay, Duration::from_secs(5));
        assert_eq!(c.log_level, tracing::Level::DEBUG);
        assert_eq!(c.pod_name, "pod-1");
        assert_eq!(c.message_file, Some(PathBuf::from("/config/message")));

        let c = run(
            &[
                "--addr",
                "127.0.0.1:1",
                "--database-type=memory",
                "-shutdown-delay=0s",
            ],
            &env,
        )
        .unwrap();
        assert_eq!(
            (c.addr.as_str(), c.database_type, c.shutdown_delay),
            ("127.0.0.1:1", Kind::Memory, Duration::ZERO)
        );
    }

    #[test]
    fn version_and_help() {
        assert_eq!(parse(&["--version"], |_| None), Ok(Command::Version));
        assert_eq!(parse(&["-h"], |_| None), Ok(Command::Help));
        assert!(usage().contains("--shutdown-timeout") && usage().contains("SHUTDOWN_TIMEOUT"));
    }

    #[test]
    fn invalid_settings_name_the_fix() {
        for (args, env, want) in [
            (
                &["--database-type=postgres"][..],
                &[][..],
                "use memory, mysql or mongodb",
            ),
            (
                &["--database-type=mongodb"],
                &[],
                "needs --database-dsn-file",
            ),
            (
                &[],
                &[("SHUTDOWN_DELAY", "5")],
                "environment variable SHUTDOWN_DELAY=\"5\" is not a duration",
            ),
            (&["--log-level=loud"], &[], "debug, info, warn or error"),
            (
                &["--shutdown-delay=-1s"],
                &[],
                "--shutdown-delay=\"-1s\" must not be negative",
            ),
            (
                &["--reload-interval=0s"],
                &[],
                "--reload-interval must be positive",
            ),
            (
                &["--shutdown-timeout=0"],
                &[],
                "--shutdown-timeout must be positive",
            ),
            (&["serve"], &[], "unexpected argument \"serve\""),
            (&["--port=1"], &[], "unknown flag --port"),
            (&["--addr"], &[], "flag --addr needs a value"),
            (
                &["--addr=localhost"],
                &[],
                "--addr \"localhost\" has no port",
            ),
            (&["--version=yes"], &[], "--version=\"yes\""),
        ] {
            let err = run(args, env).unwrap_err().to_string();
            assert!(err.contains(want), "{args:?} {env:?}: {err}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = run(&["--log-level=loud", "--reload-interval=x"], &[]).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
    }

    #[test]
    fn go_durations() {
        for (text, nanos) in [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("1m30s", 90_000_000_000),
            ("1.5h", 5_400_000_000_000),
            ("100ms", 100_000_000),
            ("-1s", -1_000_000_000),
            ("250us", 250_000),
            ("3ns", 3),
        ] {
            assert_eq!(parse_duration(text), Ok(nanos), "{text}");
        }
        for bad in ["", "5", "s", "5x", "1..5s", "-", "5s3"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
    }
}
