//! `cargo xtask demo` (`make demo`): the platform's main job with no AWS account.
//!
//! Generates the layout, starts the local AWS API emulator, applies `terraform/bootstrap` and
//! `terraform/envs/dev` to it, writes `build/cluster-vars.json`, renders the GitOps tree with
//! those values (`make render`), runs the verification suite (`make gitops-test`), starts the
//! sample app on a free loopback port with its in-memory store and prints a summary. Interactive:
//! runs until Ctrl-C. `CI=true` or no terminal: one smoke request, then exit. Either way the app
//! and the emulator are stopped on the way out. Scratch output goes to `build/demo/`.
//!
//! The apply is the emulator runs' (`tf_emulator::workdir`, shared with `make tf-emulator` and
//! `make lifecycle-test`). The emulator and the HTTP requests stay external tools
//! (`scripts/emulator.sh`, curl): the first is shared with the test layers, and curl keeps this
//! crate, which compiles before every `make test`, small.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::emulator::Emulator;
use crate::layout::DEV as ENVIRONMENT;
use crate::process::{Failure, Result, make, output, root, run};
use crate::tf_emulator::workdir::Workdir;

/// The demo's scratch folder, the emulator's state and what the app writes.
struct Demo {
    work: PathBuf,
    /// The emulator, once started: stopped when the demo ends.
    emulator: Option<Emulator>,
    started: Instant,
    app: Option<Child>,
}

/// Runs the demo; see the module docs.
///
/// # Errors
/// A step failed; its message names the command and the log to read.
pub fn run_demo(generate: impl FnOnce() -> Result) -> Result {
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&interrupted))
            .map_err(|error| Failure::step(format!("cannot handle signal {signal}: {error}")))?;
    }
    let mut demo = Demo {
        work: root().join("build/demo"),
        emulator: None,
        started: Instant::now(),
        app: None,
    };
    let result = demo.steps(generate, &interrupted);
    demo.stop();
    result
}

impl Demo {
    fn step(&self, what: &str) {
        println!("\ndemo: [{}s] {what}", self.started.elapsed().as_secs());
    }

    fn steps(&mut self, generate: impl FnOnce() -> Result, interrupted: &AtomicBool) -> Result {
        run(&mut make("setup"))?;
        generate()?;
        // A previous demo's emulator, if one was left running, stops before its folder goes.
        let emulator_dir = self.work.join("emulator");
        Emulator::stop(&root(), &emulator_dir)?;
        let _ = std::fs::remove_dir_all(&self.work);
        create_dir(&self.work)?;

        self.step("1/6 start the AWS API emulator");
        let emulator = Emulator::start(&root(), &emulator_dir)?;
        let workdir = Workdir::open(&root(), &self.work, emulator.variables())?;
        self.emulator = Some(emulator);

        self.step(
            "2/6 terraform apply: bootstrap, then envs/dev (with its S3 backend) on the emulator",
        );
        workdir.apply(ENVIRONMENT)?;
        workdir.publish(ENVIRONMENT)?;
        let state = output(
            workdir
                .tools()
                .terraform(&workdir.env_dir(ENVIRONMENT))
                .args(["show", "-json"]),
        )?;

        self.step("3/6 render the GitOps tree with those cluster vars (make render)");
        let rendered = self.logged(&mut make("render"), "render.log")?;
        self.step("4/6 run the verification suite (make gitops-test)");
        let suite = self.logged(&mut make("gitops-test"), "gitops-test.log")?;

        self.step("5/6 start the sample app (in-memory store)");
        let url = self.start_app(interrupted)?;

        self.step("6/6 summary");
        summary(&state, &rendered, &suite)?;
        println!("Sample app: {url}  (health {url}/healthz, API {url}/api/entries)");
        println!(
            "Took {}s. Logs and state: {}",
            self.started.elapsed().as_secs(),
            self.work.display()
        );

        let interactive = std::env::var("CI").as_deref() != Ok("true")
            && std::io::stdin().is_terminal()
            && std::io::stdout().is_terminal();
        if !interactive {
            return smoke(&url);
        }
        println!("demo: running; press Ctrl-C to stop the app and the emulator");
        while !interrupted.load(Ordering::Relaxed) {
            if let Some(app) = &mut self.app
                && let Ok(Some(status)) = app.try_wait()
            {
                return Err(Failure::step(format!("the sample app exited ({status})")));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(())
    }

    /// Runs `command` with its output in `log` under the scratch folder; on failure the log's
    /// last lines are printed. Returns the log's text.
    fn logged(&self, command: &mut Command, log: &str) -> Result<String> {
        let path = self.work.join(log);
        let file = File::create(&path)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|error| Failure::step(format!("cannot write {}: {error}", path.display())))?;
        let status = command.stdout(file.0).stderr(file.1).status();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if status.is_ok_and(|status| status.success()) {
            return Ok(text);
        }
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines[lines.len().saturating_sub(60)..] {
            println!("{line}");
        }
        Err(Failure::step(format!(
            "`{}` failed; its log: {}",
            crate::process::shown(command),
            path.display()
        )))
    }

    /// Builds the app as the tests build it, starts it on a free port and waits until ready.
    fn start_app(&mut self, interrupted: &AtomicBool) -> Result<String> {
        let binary = crate::workspace::build_targets(&[("bin", "sample-app")])?
            .remove("sample-app")
            .unwrap_or_default();
        let copy = self.work.join("sample-app");
        std::fs::copy(&binary, &copy)
            .map_err(|error| Failure::step(format!("cannot copy {}: {error}", binary.display())))?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| Failure::step(format!("no free loopback port: {error}")))?
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let log = self.work.join("sample-app.log");
        let (out, err) = File::create(&log)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|error| Failure::step(format!("cannot write {}: {error}", log.display())))?;
        self.app = Some(
            Command::new(&copy)
                .env("ADDR", format!("127.0.0.1:{port}"))
                .env("DATABASE_TYPE", "memory")
                .env("MESSAGE", "Hello from make demo")
                .stdout(out)
                .stderr(err)
                .spawn()
                .map_err(|error| {
                    Failure::step(format!("cannot start {}: {error}", copy.display()))
                })?,
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && !interrupted.load(Ordering::Relaxed) {
            if curl(&["-sf", "-o", "/dev/null", &format!("{url}/readyz")]).is_ok() {
                return Ok(url);
            }
            if let Some(app) = &mut self.app
                && let Ok(Some(status)) = app.try_wait()
            {
                print!("{}", std::fs::read_to_string(&log).unwrap_or_default());
                return Err(Failure::step(format!("the sample app exited ({status})")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(Failure::step(format!(
            "the sample app did not become ready on {url}; its log: {}",
            log.display()
        )))
    }

    /// Stops the app (SIGTERM, as its platform would) and the emulator.
    fn stop(&mut self) {
        if let Some(mut app) = self.app.take()
            && matches!(app.try_wait(), Ok(None))
        {
            let term = Command::new("kill")
                .args(["-TERM", &app.id().to_string()])
                .status();
            if !term.is_ok_and(|status| status.success()) {
                let _ = app.kill();
            }
            let _ = app.wait();
            println!("demo: sample app stopped");
        }
        self.emulator = None;
    }
}

fn create_dir(dir: &Path) -> Result {
    std::fs::create_dir_all(dir)
        .map_err(|error| Failure::step(format!("cannot create {}: {error}", dir.display())))
}

fn curl(args: &[&str]) -> Result<String> {
    output(Command::new("curl").args(args).stderr(Stdio::null()))
}

/// POST one entry and find it in the list.
fn smoke(url: &str) -> Result {
    let message = "smoke test from make demo";
    let body = serde_json::json!({ "message": message }).to_string();
    let posted = curl(&[
        "-sf",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
        &format!("{url}/api/entries"),
    ])?;
    let listed = curl(&["-sf", &format!("{url}/api/entries")])?;
    if !listed.contains(message) {
        return Err(Failure::step(format!(
            "smoke request failed: the entry is not listed (POST answered: {posted})"
        )));
    }
    println!("demo: smoke request passed (POST + GET /api/entries); non-interactive, stopping");
    Ok(())
}

/// What Terraform created per AWS service, what was rendered per kind (the render tool's own
/// count, read from its log), and the policies' results.
fn summary(state: &str, rendered: &str, suite: &str) -> Result {
    let state: Value = serde_json::from_str(state)
        .map_err(|error| Failure::step(format!("terraform show -json printed no JSON: {error}")))?;
    println!("AWS resources Terraform created on the emulator, per service:");
    let mut services = BTreeMap::<String, usize>::new();
    count_services(&state["values"]["root_module"], &mut services);
    for (service, count) in &services {
        println!("  {service}: {count}");
    }

    println!(
        "Kubernetes objects rendered into build/rendered/{ENVIRONMENT}/ ({ENVIRONMENT}'s cluster vars from the emulator), per kind:"
    );
    for line in environment_section(rendered, &format!("in gitops/clusters/{ENVIRONMENT},")) {
        println!("{line}");
    }

    println!("Policy results on the {ENVIRONMENT} tree (make gitops-test):");
    let prefix = format!("gitops.TestClusterTree/{ENVIRONMENT}/");
    for line in suite.lines() {
        let Some((verdict, rest)) = line.split_once(' ') else {
            continue;
        };
        if matches!(verdict, "PASS" | "FAIL")
            && let Some(check) = rest.strip_prefix(&prefix)
        {
            let check = check.split_whitespace().next().unwrap_or_default();
            println!("  {verdict}  {}", check.replace('_', " "));
        }
        if line.starts_with("DONE") {
            println!("  whole suite: {line}");
        }
    }
    Ok(())
}

/// The EC2 resource types whose state carries no ARN to read the service from.
const EC2_TYPES: &[&str] = &[
    "vpc",
    "subnet",
    "route_table",
    "route",
    "nat_gateway",
    "internet_gateway",
    "eip",
    "default",
    "security_group",
    "flow_log",
    "network_acl",
    "launch_template",
];

/// Counts a module's managed resources (and its children's) per AWS service: the ARN's service
/// where the state has an ARN, else EC2 for the network types, else the type's second word.
fn count_services(module: &Value, services: &mut BTreeMap<String, usize>) {
    for resource in module["resources"].as_array().into_iter().flatten() {
        if resource["mode"] != "managed" {
            continue;
        }
        let kind = resource["type"].as_str().unwrap_or_default();
        let from_arn = resource["values"]["arn"]
            .as_str()
            .and_then(|arn| arn.split(':').nth(2))
            .filter(|service| !service.is_empty());
        let rest = kind.strip_prefix("aws_").unwrap_or(kind);
        let ec2 = EC2_TYPES.iter().any(|ty| {
            rest.strip_prefix(ty)
                .is_some_and(|after| after.is_empty() || after.starts_with('_'))
        });
        let service = match from_arn {
            Some(service) => service,
            None if ec2 => "ec2",
            None => kind.split('_').nth(1).unwrap_or(kind),
        };
        *services.entry(service.to_owned()).or_default() += 1;
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        count_services(child, services);
    }
}

/// The lines the render tool prints under its line for one environment (`render: ... in
/// gitops/clusters/<env> ...`): its objects per kind, indented.
fn environment_section<'a>(log: &'a str, marker: &str) -> Vec<&'a str> {
    log.lines()
        .skip_while(|line| !(line.starts_with("render:") && line.contains(marker)))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_come_from_the_arn_else_the_network_types_else_the_type() {
        let state = serde_json::json!({
            "resources": [
                {"mode": "managed", "type": "aws_s3_bucket", "values": {"arn": "arn:aws:s3:::b"}},
                {"mode": "managed", "type": "aws_route_table_association", "values": {}},
                {"mode": "managed", "type": "aws_routes_custom", "values": {}},
                {"mode": "data", "type": "aws_iam_policy_document", "values": {}},
            ],
            "child_modules": [
                {"resources": [{"mode": "managed", "type": "aws_eks_cluster",
                                "values": {"arn": "arn:aws:eks:eu-west-1:1:cluster/c"}}]}
            ]
        });
        let mut services = BTreeMap::new();
        count_services(&state, &mut services);
        let listed: Vec<(&str, usize)> = services.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(listed, [("ec2", 1), ("eks", 1), ("routes", 1), ("s3", 1)]);
    }

    #[test]
    fn the_kinds_are_those_under_the_environments_render_line() {
        let log = "render: cluster vars from a; 7 Kustomizations in gitops/clusters/dev, 9 objects\n\
                   \x20 Namespace   2\n\x20 Service   1\n\
                   render: cluster vars from b; 7 Kustomizations in gitops/clusters/prod, 9 objects\n\
                   \x20 Namespace   9\n";
        assert_eq!(
            environment_section(log, "in gitops/clusters/dev,"),
            ["  Namespace   2", "  Service   1"]
        );
        assert_eq!(
            environment_section(log, "in gitops/clusters/prod,"),
            ["  Namespace   9"]
        );
        assert!(environment_section(log, "in gitops/clusters/qa,").is_empty());
    }
}
