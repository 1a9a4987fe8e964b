//! The lifecycle workflows of a real environment: `preflight`, `up`, `down` (real AWS and a real
//! cluster) and `cost` (a plan on the local AWS API emulator), and what they share: the
//! repository's paths for an environment (written once here), the pinned command-line tools, the
//! numbered steps, and reading the applied environment's `cluster_vars`.
//!
//! The tools stay external programs: `terraform` from PATH, `aws` from `.venv/bin` (put first on
//! PATH for every tool, as the scripts did), kubectl and helm through `scripts/gotool` (pinned in
//! `tools/go.mod`), and the Go commands of `tools/` through `go run`. JSON they print is read
//! with `serde_json`.
//!
//! `XTASK_ROOT`, when set, is the repository these workflows act on instead of this checkout: the
//! down-order test (`xtask/tests/down_order.rs`) points it at a scratch copy whose tools are
//! stand-ins.

pub mod cost;
pub mod down;
pub mod preflight;
pub mod test;
pub mod tree;
pub mod up;
pub mod webhook;

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

pub use crate::layout::{ATLAS, BOOTSTRAP, BUILD, ENVS, environments, known_environment};
use crate::process::{self, Failure, Result, output, run, shown};

/// The repository the workflows act on: `XTASK_ROOT`, else this checkout.
pub fn root() -> PathBuf {
    std::env::var_os("XTASK_ROOT").map_or_else(process::root, PathBuf::from)
}

/// The pinned tools, each run from the repository's root with `.venv/bin` first on PATH and
/// Terraform in automation mode.
pub struct Tools {
    root: PathBuf,
    path: OsString,
    extra: Vec<(OsString, OsString)>,
}

impl Tools {
    /// The tools of the repository at `root`.
    pub fn new(root: &Path) -> Self {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(root.join(".venv/bin")).chain(std::env::split_paths(&inherited));
        Self {
            root: root.to_path_buf(),
            path: std::env::join_paths(dirs).unwrap_or(inherited),
            extra: Vec::new(),
        }
    }

    /// Sets `key=value` for every command made from here on.
    pub fn set(&mut self, key: impl Into<OsString>, value: impl Into<OsString>) {
        self.extra.push((key.into(), value.into()));
    }

    /// The repository's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `program` with the tools' environment.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.root)
            .env("PATH", &self.path)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(self.extra.iter().map(|(k, v)| (k, v)));
        command
    }

    /// `terraform -chdir=<dir>`.
    pub fn terraform(&self, dir: &Path) -> Command {
        let mut command = self.command("terraform");
        command.arg(chdir(dir));
        command
    }

    /// `scripts/tf-init.sh <dir> ARGS` (it finds a provider mirror where there is one).
    pub fn tf_init(&self, dir: &Path) -> Command {
        let mut command = self.script("tf-init.sh");
        command.arg(dir);
        command
    }

    /// The aws CLI pinned in `requirements.txt` (`.venv/bin/aws`).
    pub fn aws(&self) -> Command {
        self.command(self.aws_path())
    }

    /// Where `make setup` installs the aws CLI.
    pub fn aws_path(&self) -> PathBuf {
        self.root.join(".venv/bin/aws")
    }

    /// kubectl, pinned in `tools/go.mod`.
    pub fn kubectl(&self) -> Command {
        self.gotool("kubectl")
    }

    /// helm, pinned in `tools/go.mod`.
    pub fn helm(&self) -> Command {
        self.gotool("helm")
    }

    /// A Go tool pinned in `tools/go.mod`, through `scripts/gotool`.
    pub fn gotool(&self, tool: &str) -> Command {
        let mut command = self.script("gotool");
        command.arg(tool);
        command
    }

    /// `go run ./cmd/teardown` in `tools/`.
    pub fn teardown(&self) -> Command {
        let mut command = self.command("go");
        command
            .current_dir(self.root.join("tools"))
            .args(["run", "./cmd/teardown"]);
        command
    }

    /// One of `scripts/`.
    pub fn script(&self, name: &str) -> Command {
        self.command(self.root.join("scripts").join(name))
    }

    /// Whether `program` (a name looked up on the tools' PATH, or a path) is there to run.
    pub fn found(&self, program: &str) -> bool {
        if program.contains('/') {
            return Path::new(program).is_file();
        }
        std::env::split_paths(&self.path).any(|dir| dir.join(program).is_file())
    }
}

/// `-chdir=<dir>`.
fn chdir(dir: &Path) -> OsString {
    let mut arg = OsString::from("-chdir=");
    arg.push(dir);
    arg
}

/// Numbered, timestamped steps: `==> [3/8] what (12:34:56)`.
pub struct Steps {
    done: usize,
    total: usize,
}

impl Steps {
    /// Steps counting up to `total`.
    pub fn new(total: usize) -> Self {
        Self { done: 0, total }
    }

    /// Announces the next step.
    pub fn next(&mut self, what: &str) {
        self.done += 1;
        println!("\n==> [{}/{}] {what} ({})", self.done, self.total, clock());
    }
}

/// The time of day in UTC, `HH:MM:SS`.
pub fn clock() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
        % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// An applied (or about to be applied) environment on real AWS: its roots, work folder,
/// kubeconfig and region.
pub struct Environment {
    /// The environment's name.
    pub name: String,
    /// `AWS_REGION`.
    pub region: String,
    /// The tools, with `KUBECONFIG` set to the environment's.
    pub tools: Tools,
}

impl Environment {
    /// Opens `name` of the repository at [`root`], creating its work folder.
    ///
    /// # Errors
    /// `AWS_REGION` is not set, or the work folder cannot be created.
    pub fn open(name: &str) -> Result<Self> {
        let root = root();
        let region = std::env::var("AWS_REGION")
            .ok()
            .filter(|region| !region.is_empty())
            .ok_or_else(|| Failure::usage("AWS_REGION is not set: export AWS_REGION=eu-west-1"))?;
        let mut tools = Tools::new(&root);
        let work = root.join(BUILD).join(name);
        std::fs::create_dir_all(&work)
            .map_err(|error| Failure::step(format!("cannot create {}: {error}", work.display())))?;
        // The kubeconfig holds no secret: it calls `aws eks get-token` for a short-lived token.
        tools.set("KUBECONFIG", work.join("kubeconfig"));
        Ok(Self {
            name: name.to_owned(),
            region,
            tools,
        })
    }

    /// `build/<env>`.
    pub fn work(&self) -> PathBuf {
        self.tools.root().join(BUILD).join(&self.name)
    }

    /// `terraform/envs/<env>`.
    pub fn dir(&self) -> PathBuf {
        self.tools.root().join(ENVS).join(&self.name)
    }

    /// `terraform/atlas/<env>`.
    pub fn atlas_dir(&self) -> PathBuf {
        self.tools.root().join(ATLAS).join(&self.name)
    }

    /// `terraform/bootstrap`.
    pub fn bootstrap(&self) -> PathBuf {
        self.tools.root().join(BOOTSTRAP)
    }

    /// The kubeconfig `up` writes and `down` reads.
    pub fn kubeconfig(&self) -> PathBuf {
        self.work().join("kubeconfig")
    }

    /// The state bucket terraform/bootstrap created.
    ///
    /// # Errors
    /// terraform/bootstrap has no state here.
    pub fn state_bucket(&self) -> Result<String> {
        let mut command = self.tools.terraform(&self.bootstrap());
        command.args(["output", "-raw", "state_bucket"]);
        silent(&mut command)
            .map(|bucket| bucket.trim().to_owned())
            .ok_or_else(|| Failure::step(format!("`{}` failed", shown(&command))))
    }

    /// Initialises `terraform/envs/<env>` on the state bucket.
    ///
    /// # Errors
    /// No state bucket, or `terraform init` failed (the log's last lines are printed).
    pub fn init(&self) -> Result {
        let Ok(bucket) = self.state_bucket() else {
            return Err(Failure::step(format!(
                "no state bucket: {BOOTSTRAP} has no state here. Run 'make up ENV={env}' first, or\n\
                 init {ENVS}/{env} yourself with -backend-config=bucket=<your state bucket>",
                env = self.name
            )));
        };
        self.init_on(&self.dir(), &bucket, "init.log")
    }

    /// The Atlas root's variables (`-var` pairs) for an apply or a destroy: the organisation,
    /// the state bucket it reads the environment root's state from, and the region.
    pub fn atlas_vars(&self, org: &str, bucket: &str) -> [String; 6] {
        [
            "-var".to_owned(),
            format!("atlas_org_id={org}"),
            "-var".to_owned(),
            format!("state_bucket={bucket}"),
            "-var".to_owned(),
            format!("region={}", self.region),
        ]
    }

    /// Initialises `terraform/atlas/<env>` on `bucket` from the registry (the mongodbatlas
    /// provider is in no mirror).
    ///
    /// # Errors
    /// `terraform init` failed (the log's last lines are printed).
    pub fn init_atlas(&self, bucket: &str) -> Result {
        self.init_on(&self.atlas_dir(), bucket, "atlas-init.log")
    }

    fn init_on(&self, dir: &Path, bucket: &str, log: &str) -> Result {
        let mut command = self.tools.tf_init(dir);
        command.args([
            "-reconfigure".to_owned(),
            format!("-backend-config=bucket={bucket}"),
            format!("-backend-config=region={}", self.region),
        ]);
        if dir.starts_with(self.tools.root().join(ATLAS)) {
            command.env("TF_PLUGIN_MIRROR", "none");
        }
        logged(&mut command, &self.work().join(log), false)
    }

    /// The applied environment's `cluster_vars` output.
    ///
    /// # Errors
    /// No such output (nothing applied), or terraform failed.
    pub fn cluster_vars(&self) -> Result<Map<String, Value>> {
        let mut command = self.tools.terraform(&self.dir());
        command.args(["output", "-json", "cluster_vars"]);
        match serde_json::from_str(&output(&mut command)?) {
            Ok(Value::Object(vars)) => Ok(vars),
            _ => Err(Failure::step(format!(
                "`{}` printed no JSON object",
                shown(&command)
            ))),
        }
    }

    /// One key of `cluster_vars`.
    ///
    /// # Errors
    /// As [`Self::cluster_vars`], or the key is missing or null.
    pub fn cluster_var(&self, key: &str) -> Result<String> {
        let vars = self.cluster_vars()?;
        vars.get(key).and_then(text).ok_or_else(|| {
            Failure::step(format!(
                "{ENVS}/{}'s cluster_vars has no {key}: apply it again",
                self.name
            ))
        })
    }

    /// Writes the kubeconfig of the environment's cluster.
    ///
    /// # Errors
    /// The cluster is not there, or the aws CLI failed.
    pub fn write_kubeconfig(&self, quiet: bool) -> Result {
        let cluster = self.cluster_var("CLUSTER_NAME")?;
        let mut command = self.tools.aws();
        command
            .args([
                "eks",
                "update-kubeconfig",
                "--region",
                &self.region,
                "--name",
            ])
            .arg(cluster)
            .arg("--kubeconfig")
            .arg(self.kubeconfig())
            .stdout(Stdio::null());
        if quiet {
            command.stderr(Stdio::null());
        }
        run(&mut command)
    }

    /// Whether the cluster answers within `timeout` (`kubectl version`).
    pub fn cluster_answers(&self, timeout: &str) -> bool {
        succeeds(
            self.tools
                .kubectl()
                .arg("version")
                .arg(format!("--request-timeout={timeout}")),
        )
    }
}

/// The JSON a tool printed; an error quoting the text when it is none.
///
/// # Errors
/// `text` is not JSON.
pub fn json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|error| Failure::step(format!("no JSON ({error}): {text}")))
}

/// A JSON value as `jq -r` prints it: a string's text, anything else as JSON; none for null.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// What `command` prints on stdout when it exits 0; its stderr discarded (`2>/dev/null`).
pub fn silent(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `command` exits 0, its output discarded.
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs `command` with `input` on its stdin and returns its stdout (stderr to the terminal).
///
/// # Errors
/// The command could not start or exited with a status other than 0.
pub fn piped(command: &mut Command, input: &[u8]) -> Result<String> {
    fed(command.stdout(Stdio::piped()), input)
}

/// Runs `command` with `input` on its stdin and its output on the terminal (a pipe's producer
/// feeding a consumer that reports progress as it goes).
///
/// # Errors
/// The command could not start or exited with a status other than 0.
pub fn feed(command: &mut Command, input: &[u8]) -> Result {
    fed(command.stdout(Stdio::inherit()), input).map(drop)
}

/// Runs `command`, its stdout as already set, with `input` on its stdin.
fn fed(command: &mut Command, input: &[u8]) -> Result<String> {
    let name = shown(command);
    let failed = |error: std::io::Error| Failure::step(format!("could not run `{name}`: {error}"));
    let mut child = command
        .stdin(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(failed)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that stops reading early (it failed) is reported by its status below.
        let _ = stdin.write_all(input);
    }
    let out = child.wait_with_output().map_err(failed)?;
    if !out.status.success() {
        return Err(Failure::step(format!("`{name}` failed ({})", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `kubectl apply -f -` of what `create` prints (a `--dry-run=client -o yaml` object), with
/// `input` on `create`'s stdin.
///
/// # Errors
/// Either command failed.
pub fn create_and_apply(tools: &Tools, create: &mut Command, input: &[u8]) -> Result {
    let object = piped(create, input)?;
    piped(
        tools.kubectl().args(["apply", "-f", "-"]),
        object.as_bytes(),
    )
    .map(|applied| {
        print!("{applied}");
    })
}

/// How many of a failed command's log lines [`logged`] prints, from the end.
const TAIL: usize = 40;

/// Runs `command` with its stdout (and stderr too when `both`) in `log`; on failure prints the
/// log's last [`TAIL`] lines and names the log.
///
/// # Errors
/// The log cannot be written, or the command failed.
pub fn logged(command: &mut Command, log: &Path, both: bool) -> Result {
    let file = File::create(log)
        .map_err(|error| Failure::step(format!("cannot write {}: {error}", log.display())))?;
    if both {
        let copy = file
            .try_clone()
            .map_err(|error| Failure::step(format!("cannot write {}: {error}", log.display())))?;
        command.stderr(copy);
    }
    command.stdout(file);
    run(command).map_err(|failure| {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        eprintln!("{}", lines[lines.len().saturating_sub(TAIL)..].join("\n"));
        Failure::step(format!("{failure}; log: {}", log.display()))
    })
}
