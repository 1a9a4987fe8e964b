//! `cargo xtask up ENV` (`make up ENV=<env>`): create the environment on real AWS and hand the
//! cluster to Flux. Re-runnable: every step is an apply of declared state, so a second run changes
//! nothing.
//!
//! preflight → state bucket (`terraform/bootstrap`) → terraform apply `envs/<env>` (printing the
//! DNS delegation to make by hand, if the parent zone is elsewhere) → MongoDB Atlas
//! (`terraform/atlas/<env>`, when the spec says `[atlas] enabled = true`; preflight then requires
//! the Atlas keys; said clearly when skipped) → the first image, if ECR lacks the environment's tag
//! (`generate --print-image-tag`, then `scripts/first-image.sh`) → kubeconfig → `ConfigMap`
//! `flux-system/cluster-vars` from `terraform output -json cluster_vars` → Flux Operator (chart
//! version: `generate --print-pin flux-operator`) + the environment's generated `FluxInstance`
//! (`gitops/clusters/<env>/flux-instance.yaml`: Flux version, repository, branch; Flux then manages
//! it from Git, so a version bump is a merge) → wait for every Kustomization → the GitHub webhook
//! (`lifecycle::webhook`, with `GITHUB_TOKEN`) → URLs.
//!
//! Credentials are never written to disk: AWS access comes from the caller's profile, the
//! kubeconfig calls `aws eks get-token`, and `GITHUB_TOKEN` (private repositories only) goes
//! through a pipe straight into a cluster Secret.
//!
//! Environment: `AWS_REGION`, AWS credentials, optional `GITHUB_TOKEN`, `READY_TIMEOUT` seconds to wait
//! for Flux (default 2400), and the MongoDB Atlas keys when the environment uses Atlas.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::preflight::{self, Action};
use super::{
    ATLAS, BOOTSTRAP, ENVS, Environment, Steps, Tools, create_and_apply, json, logged, text,
};
use crate::process::{Failure, Result, output, run};

/// The Flux Operator's chart (its version is the Rust catalog's pin).
const FLUX_OPERATOR_CHART: &str = "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator";

/// Runs `up` for `env`.
///
/// # Errors
/// A step failed (named), or Flux was not Ready in time.
pub fn run_up(env: &str) -> Result {
    preflight::run(Action::Up, env)?;
    let environment = Environment::open(env)?;
    let ready_timeout = match std::env::var("READY_TIMEOUT") {
        Err(_) => 2400,
        Ok(seconds) if seconds.is_empty() => 2400,
        Ok(seconds) => seconds
            .parse::<u64>()
            .map_err(|_| Failure::usage("READY_TIMEOUT must be a number of seconds"))?,
    };
    let (tools, region) = (&environment.tools, environment.region.as_str());
    // Both pins live in the Rust sources (docs/gitops.md): the operator chart in the catalog, the
    // Flux version in the FluxInstance the generator wrote.
    let instance = tools
        .root()
        .join("gitops/clusters")
        .join(env)
        .join("flux-instance.yaml");
    if !instance.is_file() {
        return Err(Failure::usage(format!(
            "up: {} is missing: run cargo xtask generate",
            instance.display()
        )));
    }
    // Through `cargo xtask generate`: the generator as every other workflow builds it.
    let generated = |args: &[&str]| -> Result<String> {
        let mut command = tools.command(crate::cargo());
        command.args(["xtask", "generate"]).args(args);
        Ok(output(&mut command)?.trim().to_owned())
    };
    let flux_operator = generated(&["--print-pin", "flux-operator"])?;
    let image_tag = generated(&["--env", env, "--print-image-tag"])?;
    let mut steps = Steps::new(10);

    steps.next(&format!("state bucket ({BOOTSTRAP})"));
    logged(
        &mut tools.tf_init(&environment.bootstrap()),
        &environment.work().join("bootstrap-init.log"),
        false,
    )?;
    run(tools.terraform(&environment.bootstrap()).args([
        "apply",
        "-auto-approve",
        "-var",
        &format!("region={region}"),
    ]))?;

    steps.next(&format!("terraform apply {ENVS}/{env}"));
    apply_environment(&environment)?;

    steps.next(&format!("MongoDB Atlas ({ATLAS}/{env})"));
    apply_atlas(&environment)?;

    steps.next("the sample app's first image");
    run(tools
        .script("first-image.sh")
        .arg(env)
        .arg(environment.cluster_var("SAMPLE_APP_IMAGE_REPOSITORY")?)
        .arg(&image_tag))?;

    steps.next(&format!(
        "kubeconfig {}",
        environment.kubeconfig().display()
    ));
    environment.write_kubeconfig(false)?;
    run(tools
        .kubectl()
        .args(["version", "--request-timeout=30s"])
        .stdout(std::process::Stdio::null()))?;

    steps.next("ConfigMap flux-system/cluster-vars from terraform output cluster_vars");
    cluster_vars(&environment)?;
    let repo = environment.cluster_var("GITHUB_REPOSITORY")?;

    steps.next(&format!(
        "Flux Operator {flux_operator} and the FluxInstance gitops/clusters/{env}/flux-instance.yaml"
    ));
    install_flux(tools, &flux_operator, &instance, env, &repo)?;

    steps.next(&format!(
        "wait for every Kustomization to be Ready (up to {ready_timeout}s)"
    ));
    wait_ready(tools, Duration::from_secs(ready_timeout))?;

    steps.next("GitHub webhook for Flux's Receiver");
    super::webhook::register(tools, &repo)?;

    steps.next("URLs");
    let ingresses: Value = json(&output(
        tools.kubectl().args(["get", "ingress", "-A", "-o", "json"]),
    )?)?;
    let hosts: BTreeSet<&str> = ingresses["items"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|item| item["spec"]["rules"].as_array().into_iter().flatten())
        .filter_map(|rule| rule["host"].as_str())
        .collect();
    for host in hosts {
        println!("  https://{host}");
    }
    println!("up: environment {env} is up");
    Ok(())
}

/// What makes `kubectl create` print the object instead of creating it.
const DRY_RUN: [&str; 3] = ["--dry-run=client", "-o", "yaml"];

/// The `ConfigMap` flux-system/cluster-vars: the one place Terraform facts reach the cluster.
fn cluster_vars(environment: &Environment) -> Result {
    let tools = &environment.tools;
    let vars = environment.cluster_vars()?;
    create_and_apply(
        tools,
        tools
            .kubectl()
            .args(["create", "namespace", "flux-system"])
            .args(DRY_RUN),
        b"",
    )?;
    let lines: String = vars
        .iter()
        .filter_map(|(key, value)| Some(format!("{key}={}\n", text(value)?)))
        .collect();
    create_and_apply(
        tools,
        tools
            .kubectl()
            .args(["create", "configmap", "cluster-vars", "-n", "flux-system"])
            .arg("--from-env-file=/dev/stdin")
            .args(DRY_RUN),
        lines.as_bytes(),
    )?;
    Ok(())
}

fn apply_environment(environment: &Environment) -> Result {
    let (tools, dir) = (&environment.tools, environment.dir());
    environment.init()?;
    // The zone (and, with parent_zone_id, its delegation) first: the full apply waits for ACM,
    // which validates only once the parent delegates, so the one manual step must be known
    // before it.
    run(tools.terraform(&dir).args([
        "apply",
        "-auto-approve",
        "-target=module.dns.aws_route53_zone.this",
        "-target=module.dns.aws_route53_record.delegation",
    ]))?;
    let outputs = json(&output(tools.terraform(&dir).args(["output", "-json"]))?)?;
    if let Some(delegation) = outputs["delegation_step"]["value"]
        .as_str()
        .filter(|step| !step.is_empty())
    {
        println!(
            "up: MANUAL STEP (the parent zone is not in this account; set parent_zone_id in \
             terraform.tfvars when it is):"
        );
        println!("    {delegation}");
        println!("    the apply below waits for it up to the dns validation timeout");
    }
    run(tools.terraform(&dir).args(["apply", "-auto-approve"]))
}

fn apply_atlas(environment: &Environment) -> Result {
    let (env, atlas) = (&environment.name, environment.atlas_dir());
    if !atlas.is_dir() {
        println!(
            "up: SKIPPED the Atlas root: environments/{env}.toml does not use Atlas ([atlas] \
             enabled = false), so"
        );
        println!(
            "    there is no {ATLAS}/{env} and the sample app uses the in-cluster MariaDB \
             (docs/atlas.md)"
        );
        return Ok(());
    }
    // preflight has refused to start without the keys: this environment's app reads the DSN
    // written here.
    let org = std::env::var("MONGODB_ATLAS_ORG_ID").unwrap_or_default();
    let bucket = environment.state_bucket()?;
    environment.init_atlas(&bucket)?;
    run(environment
        .tools
        .terraform(&atlas)
        .args(["apply", "-auto-approve"])
        .args(environment.atlas_vars(&org, &bucket)))
}

fn install_flux(
    tools: &Tools,
    version: &str,
    instance: &std::path::Path,
    env: &str,
    repo: &str,
) -> Result {
    run(tools.helm().args([
        "upgrade",
        "--install",
        "flux-operator",
        FLUX_OPERATOR_CHART,
        "--version",
        version,
        "--namespace",
        "flux-system",
        "--wait",
        "--timeout",
        "10m",
    ]))?;
    // The instance's sync clones with the Secret flux-system: GITHUB_TOKEN for a private
    // repository, or no data at all (an anonymous clone of a public one).
    let secret = |name: &str| {
        let mut command = tools.kubectl();
        command.args(["create", "secret", "generic", name, "-n", "flux-system"]);
        command
    };
    match std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
    {
        Some(token) => {
            create_and_apply(
                tools,
                secret("flux-system")
                    .args([
                        "--from-literal=username=git",
                        "--from-file=password=/dev/stdin",
                    ])
                    .args(DRY_RUN),
                token.as_bytes(),
            )?;
            // The commit-status Provider (gitops/infrastructure/configs/flux-notifications) reads
            // this Secret.
            create_and_apply(
                tools,
                secret("github-token")
                    .arg("--from-file=token=/dev/stdin")
                    .args(DRY_RUN),
                token.as_bytes(),
            )?;
        }
        None => create_and_apply(tools, secret("flux-system").args(DRY_RUN), b"")?,
    }
    // The instance names the repository it syncs ([flux] repository of environments/<env>.toml);
    // the root's github_repository (commit statuses, the webhook, the CI roles' trust) must be
    // the same.
    let synced = output(
        tools
            .kubectl()
            .args(["create", "--dry-run=client", "-f"])
            .arg(instance)
            .args(["-o", "jsonpath={.spec.sync.url} {.spec.sync.ref}"]),
    )?;
    // What `$(...)` did in the script: the trailing newline is not part of the branch.
    let synced = synced.trim();
    let (url, reference) = synced.split_once(' ').unwrap_or((synced, ""));
    if url != format!("https://github.com/{repo}.git") {
        return Err(Failure::step(format!(
            "up: {} syncs {url}, but terraform's github_repository is {repo}:\n    \
             set [flux] repository = \"{repo}\" in environments/{env}.toml, regenerate, commit \
             and push",
            instance.display()
        )));
    }
    println!(
        "up: Flux syncs {repo} {reference}; it applies this file from there too, so push it first"
    );
    run(tools.kubectl().args(["apply", "-f"]).arg(instance))
}

/// Waits until every Kustomization is Ready, printing their states every 20 seconds.
fn wait_ready(tools: &Tools, limit: Duration) -> Result {
    let kind = "kustomizations.kustomize.toolkit.fluxcd.io";
    let deadline = Instant::now() + limit;
    loop {
        let states: Vec<(String, String)> =
            super::silent(
                tools
                    .kubectl()
                    .args(["get", kind, "-n", "flux-system", "-o", "json"]),
            )
            .and_then(|listed| serde_json::from_str::<Value>(&listed).ok())
            .map(|list| {
                list["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|item| (name_of(item), ready_of(item)))
                    .collect()
            })
            .unwrap_or_default();
        let shown: Vec<String> = states
            .iter()
            .map(|(name, ready)| format!("{name}={ready}"))
            .collect();
        println!("  {} {}", super::clock(), shown.join(" "));
        if !states.is_empty() && states.iter().all(|(_, ready)| ready == "True") {
            return Ok(());
        }
        if Instant::now() > deadline {
            eprintln!(
                "up: not Ready after {}s; the controllers say:",
                limit.as_secs()
            );
            let _ = run(tools.kubectl().args([
                "get",
                "kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io",
                "-A",
            ]));
            return Err(Failure::step(format!(
                "Flux was not Ready within {}s",
                limit.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_secs(20));
    }
}

fn name_of(item: &Value) -> String {
    item["metadata"]["name"].as_str().unwrap_or("?").to_owned()
}

/// The status of an object's Ready condition, `Unknown` without one.
fn ready_of(item: &Value) -> String {
    item["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|condition| condition["type"] == "Ready")
        .and_then(|condition| condition["status"].as_str())
        .unwrap_or("Unknown")
        .to_owned()
}
