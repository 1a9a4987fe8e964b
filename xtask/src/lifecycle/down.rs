//! `cargo xtask down ENV` (`make down ENV=<env>`): delete the environment without the usual hang
//! on controller-made resources.
//!
//! preflight → destroy the MongoDB Atlas root (`terraform/atlas/<env>`, if the environment uses
//! Atlas; before the environment root, whose state it reads) → suspend Flux → delete Ingresses and
//! `LoadBalancer` Services → `tools/cmd/teardown` (load balancers, target groups, security groups,
//! ENIs, external-dns records, EBS volumes; bounded wait with progress) → uninstall Flux cleanly →
//! terraform destroy → teardown again for what only detached with the nodes → report anything
//! still tagged for the environment, with how to remove it. Every wait is bounded and prints
//! progress. The cluster-side steps need a reachable cluster; when it is gone they are skipped
//! with a note.
//!
//! Environment: `AWS_REGION`, AWS credentials, `TEARDOWN_TIMEOUT` (default 15m), `DESTROY_TIMEOUT`
//! (default 45m), and the MongoDB Atlas keys when `terraform/atlas/<env>` holds state.

use std::process::Command;

use serde_json::Value;

use super::preflight::{self, ATLAS_KEYS, Action};
use super::{ATLAS, ENVS, Environment, Steps, Tools, text};
use crate::process::{Failure, Result, output, run};

/// The tag every resource of the platform carries (`reference/src/environment/render.rs` sets
/// it in each environment root's `local.tags`), with `Environment=<env>`.
const PROJECT_TAG: (&str, &str) = ("Project", "bkt-platform");

/// The Flux kinds suspended before anything is deleted.
const FLUX_KINDS: [&str; 2] = [
    "kustomizations.kustomize.toolkit.fluxcd.io",
    "helmreleases.helm.toolkit.fluxcd.io",
];

/// Runs `down` for `env`.
///
/// # Errors
/// A step failed (named), or something is still tagged for the environment at the end.
pub fn run_down(env: &str) -> Result {
    preflight::run(Action::Down, env)?;
    let environment = Environment::open(env)?;
    let teardown_timeout = duration("TEARDOWN_TIMEOUT", "15m");
    let destroy_timeout = duration("DESTROY_TIMEOUT", "45m");
    let (tools, region) = (&environment.tools, environment.region.as_str());
    let mut steps = Steps::new(8);

    steps.next("read the environment's cluster_vars from its Terraform state");
    environment.init()?;
    let Ok(vars) = environment.cluster_vars() else {
        return Err(Failure::step(format!(
            "down: {ENVS}/{env} has no cluster_vars output: nothing applied, or already destroyed.\n      \
             To look for leftovers of a cluster anyway: cd tools && go run ./cmd/teardown -check \
             -cluster <name> -region {region}"
        )));
    };
    let var = |key: &str| {
        vars.get(key).and_then(text).ok_or_else(|| {
            Failure::step(format!(
                "{ENVS}/{env}'s cluster_vars has no {key}: apply it again"
            ))
        })
    };
    let (cluster, zone) = (var("CLUSTER_NAME")?, var("HOSTED_ZONE_ID")?);
    println!("cluster {cluster}, hosted zone {zone}, region {region}");

    steps.next(&format!(
        "destroy MongoDB Atlas ({ATLAS}/{env}), before {ENVS}/{env}"
    ));
    destroy_atlas(&environment, &destroy_timeout)?;

    steps.next("cluster side: suspend Flux, delete Ingresses and LoadBalancer Services");
    if environment.write_kubeconfig(true).is_ok() && environment.cluster_answers("20s") {
        cluster_side(tools)?;
    } else {
        println!(
            "down: the cluster does not answer; skipping the cluster-side steps (teardown below \
             removes what controllers left)"
        );
    }

    steps.next(&format!(
        "teardown: controller-made AWS resources of {cluster} (up to {teardown_timeout})"
    ));
    // Terraform's own resources are excluded by ID; the state goes through a pipe, never to disk.
    let state = output(tools.terraform(&environment.dir()).args(["show", "-json"]))?;
    super::feed(
        tools
            .teardown()
            .args(cluster_args(&cluster, region, &zone))
            .args([
                "-timeout",
                &teardown_timeout,
                "-allow-attached",
                "-terraform-state",
                "-",
            ]),
        state.as_bytes(),
    )?;

    steps.next("uninstall Flux (its finalizers must not outlive the cluster)");
    uninstall_flux(&environment);

    steps.next(&format!(
        "terraform destroy {ENVS}/{env} (up to {destroy_timeout}; Terraform prints progress)"
    ));
    if bounded(
        tools,
        &destroy_timeout,
        &mut tools.terraform(&environment.dir()),
    )
    .arg("destroy")
    .arg("-auto-approve")
    .status()
    .map_or(true, |status| !status.success())
    {
        eprintln!("down: terraform destroy failed or timed out; leftovers of {cluster}:");
        let _ = run(tools
            .teardown()
            .arg("-check")
            .args(cluster_args(&cluster, region, &zone)));
        return Err(Failure::step(format!(
            "terraform destroy of {ENVS}/{env} did not finish"
        )));
    }

    steps.next("teardown again: volumes and ENIs that detached with the nodes");
    run(tools
        .teardown()
        .args(["-cluster", &cluster, "-region", region, "-timeout", "10m"]))?;

    let (key, value) = PROJECT_TAG;
    steps.next(&format!(
        "anything still tagged for the environment ({key}={value}, Environment={env})"
    ));
    leftovers(&environment)
}

fn uninstall_flux(environment: &Environment) {
    let tools = &environment.tools;
    if !environment.cluster_answers("20s") {
        println!("down: cluster unreachable; nothing to uninstall");
        return;
    }
    let _ = run(tools.kubectl().args([
        "delete",
        "fluxinstance",
        "flux",
        "-n",
        "flux-system",
        "--ignore-not-found",
        "--timeout=5m",
    ]));
    let _ = run(tools.helm().args([
        "uninstall",
        "flux-operator",
        "--namespace",
        "flux-system",
        "--ignore-not-found",
        "--wait",
        "--timeout",
        "5m",
    ]));
}

/// A timeout from the environment, as `timeout` reads it (`15m`, `900`, `1h`).
fn duration(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// `command` under `timeout --foreground <limit>`: Terraform gets SIGTERM at the limit and stops
/// cleanly (releasing its state lock), which a kill from here could not give it.
fn bounded(tools: &Tools, limit: &str, command: &mut Command) -> Command {
    let mut wrapped = tools.command("timeout");
    wrapped
        .args(["--foreground", limit])
        .arg(command.get_program())
        .args(command.get_args());
    wrapped
}

/// First: the Atlas root reads the environment root's state (the NAT addresses its access list
/// admits, the secret it writes the DSN into), so it cannot plan its destroy once that is gone,
/// and the cluster it bills for would be left behind. A failure here stops `down` with nothing
/// else touched.
fn destroy_atlas(environment: &Environment, limit: &str) -> Result {
    let (env, atlas) = (&environment.name, environment.atlas_dir());
    if !atlas.is_dir() {
        println!(
            "down: SKIPPED the Atlas root: environments/{env}.toml does not use Atlas (no \
             {ATLAS}/{env})"
        );
        return Ok(());
    }
    let bucket = environment.state_bucket()?;
    environment.init_atlas(&bucket)?;
    let listed = output(environment.tools.terraform(&atlas).args(["state", "list"]))?;
    let resources = listed
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();
    if resources == 0 {
        println!(
            "down: SKIPPED the Atlas root: {ATLAS}/{env} has no state (never applied, or already \
             destroyed)"
        );
        return Ok(());
    }
    let keys: Vec<String> = ATLAS_KEYS
        .iter()
        .filter_map(|key| std::env::var(key).ok().filter(|value| !value.is_empty()))
        .collect();
    let [_, _, org] = keys.as_slice() else {
        return Err(Failure::step(format!(
            "down: {ATLAS}/{env} holds {resources} resources (the Atlas cluster among them), and \
             destroying them\n      needs {public}, {private} and {org_id}: set them and run\n      \
             make down ENV={env} again. Nothing else was touched: {ENVS}/{env} must outlive the \
             Atlas root.",
            public = ATLAS_KEYS[0],
            private = ATLAS_KEYS[1],
            org_id = ATLAS_KEYS[2],
        )));
    };
    let mut destroy = environment.tools.terraform(&atlas);
    destroy
        .args(["destroy", "-auto-approve"])
        .args(environment.atlas_vars(org, &bucket));
    run(&mut bounded(&environment.tools, limit, &mut destroy))
}

/// `namespace name` of each item of `kubectl get <kind> -A -o json` that `keep` accepts.
fn items(tools: &Tools, kind: &str, keep: fn(&Value) -> bool) -> Result<Vec<(String, String)>> {
    let listed =
        output(
            tools
                .kubectl()
                .args(["get", kind, "-A", "-o", "json", "--request-timeout=30s"]),
        )?;
    let list: Value = serde_json::from_str(&listed)
        .map_err(|error| Failure::step(format!("kubectl get {kind} printed no JSON: {error}")))?;
    Ok(list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| keep(item))
        .filter_map(|item| {
            let meta = &item["metadata"];
            Some((
                meta["namespace"].as_str()?.to_owned(),
                meta["name"].as_str()?.to_owned(),
            ))
        })
        .collect())
}

fn cluster_side(tools: &Tools) -> Result {
    // Suspended first, so Flux does not recreate what is deleted next, and so deleting Flux
    // prunes nothing.
    let _ = run(tools.kubectl().args([
        "annotate",
        "fluxinstance",
        "flux",
        "-n",
        "flux-system",
        "--overwrite",
        "fluxcd.controlplane.io/reconcile=disabled",
        "--request-timeout=30s",
    ]));
    for kind in FLUX_KINDS {
        for (namespace, name) in items(tools, kind, |_| true)? {
            run(tools.kubectl().args([
                "patch",
                kind,
                &name,
                "-n",
                &namespace,
                "--type",
                "merge",
                "-p",
                r#"{"spec":{"suspend":true}}"#,
                "--request-timeout=30s",
            ]))?;
        }
    }
    run(tools.kubectl().args([
        "delete",
        "ingress",
        "-A",
        "--all",
        "--wait=false",
        "--request-timeout=60s",
    ]))?;
    let balancers = items(tools, "svc", |item| {
        item["spec"]["type"].as_str() == Some("LoadBalancer")
    })?;
    for (namespace, name) in balancers {
        run(tools.kubectl().args([
            "delete",
            "svc",
            &name,
            "-n",
            &namespace,
            "--wait=false",
            "--request-timeout=60s",
        ]))?;
    }
    Ok(())
}

/// The tagging API can list a just-deleted resource for a few minutes; `make down` again
/// re-checks.
fn leftovers(environment: &Environment) -> Result {
    let env = &environment.name;
    let (key, value) = PROJECT_TAG;
    let listed = output(environment.tools.aws().args([
        "resourcegroupstaggingapi",
        "get-resources",
        "--region",
        &environment.region,
        "--tag-filters",
        &format!("Key={key},Values={value}"),
        &format!("Key=Environment,Values={env}"),
        "--query",
        "ResourceTagMappingList[].ResourceARN",
        "--output",
        "json",
    ]))?;
    let arns: Vec<String> = match serde_json::from_str(&listed) {
        Ok(Value::Array(arns)) => arns.iter().filter_map(text).collect(),
        Ok(Value::Null) => Vec::new(),
        _ => {
            return Err(Failure::step(format!(
                "aws resourcegroupstaggingapi printed no JSON list: {listed}"
            )));
        }
    };
    if !arns.is_empty() {
        println!(
            "down: still tagged for {env} (delete each with the service's delete command, or \
             re-run make down ENV={env}):"
        );
        for arn in &arns {
            println!("  {arn}");
        }
        return Err(Failure::step(format!(
            "{} resource(s) still tagged for {env}",
            arns.len()
        )));
    }
    println!("down: environment {env} is gone");
    Ok(())
}

/// Teardown's flags naming the cluster, its region and its hosted zone.
fn cluster_args<'a>(cluster: &'a str, region: &'a str, zone: &'a str) -> [&'a str; 6] {
    [
        "-cluster",
        cluster,
        "-region",
        region,
        "-hosted-zone-ids",
        zone,
    ]
}
