//! A work folder where `terraform/bootstrap` and then `terraform/envs/<env>` are applied, with the
//! real S3 backend, to the running AWS API emulator, and destroyed again (what
//! `scripts/tf-emulator-apply.sh` and `tf-emulator-destroy.sh` did; `make tf-emulator`, `make
//! demo` and `make lifecycle-test` share it).
//!
//! The folder receives a copy of `terraform/` (the caller's tree is never touched) with the
//! override files of `tests/overrides/emulator` for what the emulator lacks. Every environment
//! root is meant for its own AWS account; in the one emulator account dev and prod collide (the
//! ECR repository bkt-sample-app, the GitHub OIDC provider), so apply another environment only
//! after destroying the first.
//!
//! Writes: `<work>/state-bucket` (bucket name), `<work>/<env>/outputs.json` (all of the env's
//! outputs), `<work>/<env>/cluster-vars.json` (the `cluster_vars` output as a flat JSON object),
//! the logs of each apply and destroy beside them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::emulator::variable;
use crate::layout::{
    BOOTSTRAP, BUILD, CLUSTER_VARS, DEV, EMULATOR_CHECKS, EMULATOR_OVERRIDES, EMULATOR_TFVARS,
    ENVS, PYTHON, TERRAFORM, emulator_environments, known_environment,
};
use crate::lifecycle::cost::local_endpoint;
use crate::lifecycle::{Tools, logged, tree};
use crate::process::{Failure, Result, output, run};

/// The file naming the state bucket once the bootstrap is applied.
const STATE_BUCKET: &str = "state-bucket";
/// The file naming the emulator the folder's state belongs to.
const ENDPOINT_MARKER: &str = "emulator-endpoint";

/// A work folder bound to one running emulator.
pub struct Workdir {
    work: PathBuf,
    tools: Tools,
    endpoint: String,
    region: String,
}

/// An error for a file or folder that could not be read or written.
fn io(what: &str, path: &Path, error: &std::io::Error) -> Failure {
    Failure::step(format!("cannot {what} {}: {error}", path.display()))
}

impl Workdir {
    /// The folder `work` for the repository at `root`, reaching the emulator through
    /// `variables` (its endpoint, test credentials and region).
    ///
    /// # Errors
    /// The variables name no local endpoint or no region, or the folder cannot be created.
    pub fn open(root: &Path, work: &Path, variables: &[(String, String)]) -> Result<Self> {
        let (endpoint, region) = (
            variable(variables, "AWS_ENDPOINT_URL"),
            variable(variables, "AWS_REGION"),
        );
        if !endpoint.starts_with("http://") || !local_endpoint(&endpoint) {
            return Err(Failure::step(format!(
                "AWS_ENDPOINT_URL must point at the local emulator (got '{endpoint}'); start one \
                 with scripts/emulator.sh start"
            )));
        }
        if region.is_empty() {
            return Err(Failure::step(
                "AWS_REGION is not set; the emulator's env file sets it",
            ));
        }
        std::fs::create_dir_all(work).map_err(|error| io("create", work, &error))?;
        let work = std::path::absolute(work).map_err(|error| io("resolve", work, &error))?;
        let mut tools = Tools::new(root);
        for (name, value) in variables {
            tools.set(name, value);
        }
        Ok(Self {
            work,
            tools,
            endpoint,
            region,
        })
    }

    /// `<work>/terraform/envs/<env>`, the copy's root of `env`.
    pub fn env_dir(&self, env: &str) -> PathBuf {
        self.work.join(ENVS).join(env)
    }

    /// `<work>/<env>`, where the env's outputs and logs go.
    pub fn out(&self, env: &str) -> PathBuf {
        self.work.join(env)
    }

    /// `<work>/<env>/cluster-vars.json`.
    pub fn cluster_vars(&self, env: &str) -> PathBuf {
        self.out(env).join(CLUSTER_VARS)
    }

    /// Copies `env`'s `cluster-vars.json` to `build/<env>/`, and [`DEV`]'s to `build/` too, where the
    /// GitOps suite, the security scan, the tools and the docs read them.
    ///
    /// # Errors
    /// A folder or copy could not be made.
    pub fn publish(&self, env: &str) -> Result {
        let vars = self.cluster_vars(env);
        let build = self.tools.root().join(BUILD);
        let mut targets = vec![build.join(env)];
        if env == DEV {
            targets.push(build.clone());
        }
        for dir in targets {
            let to = dir.join(CLUSTER_VARS);
            std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::copy(&vars, &to))
                .map_err(|error| io(&format!("copy {} to", vars.display()), &to, &error))?;
            println!("wrote {}", to.display());
        }
        Ok(())
    }

    /// `emulator_checks.py` with the emulator's variables, from `.venv`.
    pub fn checks(&self) -> Command {
        let mut command = self.tools.command(self.tools.root().join(PYTHON));
        command.arg(self.tools.root().join(EMULATOR_CHECKS));
        command
    }

    /// The tools, with the emulator's variables set.
    pub fn tools(&self) -> &Tools {
        &self.tools
    }

    /// Writes `terraform show -json` of `env`'s copy to `<work>/<env>/state.json`.
    ///
    /// # Errors
    /// Terraform failed or the file cannot be written.
    pub fn show_state(&self, env: &str) -> Result<PathBuf> {
        let state = self.out(env).join("state.json");
        let json = output(
            self.tools
                .terraform(&self.env_dir(env))
                .args(["show", "-json"]),
        )?;
        std::fs::write(&state, json).map_err(|error| io("write", &state, &error))?;
        Ok(state)
    }

    /// Applies the bootstrap (once per folder) and then `env`. A failure the emulator caused
    /// (`AlreadyExists` after its own retry) gets one more try on an emptied emulator.
    ///
    /// # Errors
    /// No such environment, or the apply failed (twice, for `AlreadyExists`).
    pub fn apply(&self, env: &str) -> Result {
        let root = self.tools.root();
        if !known_environment(root, env)
            || !root.join(ENVS).join(env).join(EMULATOR_TFVARS).is_file()
        {
            return Err(Failure::step(format!(
                "tf-emulator apply: no environment '{env}' with an {EMULATOR_TFVARS}: choose one \
                 of: {}",
                emulator_environments(root).join(" ")
            )));
        }
        let out = self.out(env);
        std::fs::create_dir_all(&out).map_err(|error| io("create", &out, &error))?;
        self.prepare()?;

        // moto's development server sometimes resets a connection after it has carried out a
        // create; the SDK then retries, and the second create meets the first one
        // ("AlreadyExists"; seen once, on a KMS alias, in a handful of runs). That is the
        // emulator's fault, not the configuration's, so such a failure gets exactly one more try
        // on an emptied emulator (bootstrap applied anew); any other failure, or the same one
        // twice, fails the run. An earlier environment of this folder must already be destroyed
        // then, as the module docs require.
        let Err(first) = self.bootstrap_then(env) else {
            return Ok(());
        };
        eprintln!("tf-emulator apply: {first}");
        let logs = [self.work.join("bootstrap-apply.log"), out.join("apply.log")]
            .iter()
            .filter_map(|log| std::fs::read_to_string(log).ok())
            .collect::<Vec<_>>()
            .join("\n");
        if !emulator_retried_a_create(&logs) {
            return Err(Failure::step("tf-emulator apply: apply failed (see above)"));
        }
        eprintln!(
            "tf-emulator apply: the emulator answered a retried create with AlreadyExists; \
             emptying it and applying once more"
        );
        let mut reset = Command::new("curl");
        reset
            .args(["-fsS", "-X", "POST"])
            .arg(format!("{}/moto-api/reset", self.endpoint))
            .stdout(Stdio::null());
        run(&mut reset).map_err(|_| {
            Failure::step(format!(
                "tf-emulator apply: could not reset the emulator at {}",
                self.endpoint
            ))
        })?;
        let bootstrap = self.work.join(BOOTSTRAP);
        for stale in [
            self.work.join(STATE_BUCKET),
            bootstrap.join("terraform.tfstate"),
            bootstrap.join("terraform.tfstate.backup"),
            self.env_dir(env).join(".terraform/terraform.tfstate"),
        ] {
            let _ = std::fs::remove_file(stale);
        }
        self.bootstrap_then(env).map_err(|second| {
            eprintln!("tf-emulator apply: {second}");
            Failure::step("tf-emulator apply: apply failed twice (see above)")
        })
    }

    /// The copy of `terraform/` with the overrides, made anew for another emulator and once per
    /// bootstrap.
    fn prepare(&self) -> Result {
        let root = self.tools.root();
        let copy = self.work.join(TERRAFORM);
        let marker = self.work.join(ENDPOINT_MARKER);
        // A folder left by another emulator (a failed run) holds state of resources that are
        // gone: start over.
        let previous = std::fs::read_to_string(&marker).unwrap_or_default();
        if previous.trim_end() != self.endpoint {
            let _ = std::fs::remove_file(self.work.join(STATE_BUCKET));
            if copy.exists() {
                std::fs::remove_dir_all(&copy).map_err(|error| io("remove", &copy, &error))?;
            }
            std::fs::write(&marker, format!("{}\n", self.endpoint))
                .map_err(|error| io("write", &marker, &error))?;
        }
        // The copy is made once per bootstrap: a later environment must not wipe the earlier
        // roots' state.
        if !self.work.join(STATE_BUCKET).is_file() {
            tree::mirror_terraform(root, &copy)
                .map_err(|error| io("copy terraform/ to", &copy, &error))?;
        }
        // EMULATOR GAPS: moto lacks some EKS APIs and evaluates no policy conditions; in this
        // copy only, the overrides (each says which resources and why) take those resources to
        // zero instances. The real module code is unchanged; docs/terraform.md lists what this
        // leaves unproven.
        overlay(&root.join(EMULATOR_OVERRIDES), &copy)
    }

    /// The bootstrap (unless this folder has it), then `env`.
    fn bootstrap_then(&self, env: &str) -> Result {
        self.apply_bootstrap()?;
        self.apply_env(env)
    }

    fn apply_bootstrap(&self) -> Result {
        let start = Instant::now();
        let bucket_file = self.work.join(STATE_BUCKET);
        if bucket_file.is_file() {
            return Ok(());
        }
        let dir = self.work.join(BOOTSTRAP);
        run(self.tools.tf_init(&dir).stdout(Stdio::null()))?;
        let mut apply = self.tools.terraform(&dir);
        apply
            .args(["apply", "-auto-approve", "-no-color", "-var"])
            .arg(format!("region={}", self.region));
        logged(&mut apply, &self.work.join("bootstrap-apply.log"), true)
            .map_err(|failure| Failure::step(format!("bootstrap apply failed: {failure}")))?;
        let bucket = output(
            self.tools
                .terraform(&dir)
                .args(["output", "-raw", "state_bucket"]),
        )?;
        let bucket = bucket.trim();
        std::fs::write(&bucket_file, format!("{bucket}\n"))
            .map_err(|error| io("write", &bucket_file, &error))?;
        println!(
            "bootstrap applied in {}s: state bucket {bucket}",
            start.elapsed().as_secs()
        );
        Ok(())
    }

    fn apply_env(&self, env: &str) -> Result {
        let start = Instant::now();
        let dir = self.env_dir(env);
        let bucket_file = self.work.join(STATE_BUCKET);
        let bucket = std::fs::read_to_string(&bucket_file)
            .map_err(|error| io("read", &bucket_file, &error))?;
        // The emulator answers at an IP address: path-style addressing, and no AWS-only checks.
        // The bucket is the emulator's bootstrap bucket, not the one the root names for its real
        // account.
        let mut init = self.tools.tf_init(&dir);
        init.args([
            "-reconfigure".to_owned(),
            format!("-backend-config=bucket={}", bucket.trim()),
            format!("-backend-config=region={}", self.region),
            "-backend-config=use_path_style=true".to_owned(),
            "-backend-config=skip_credentials_validation=true".to_owned(),
            "-backend-config=skip_requesting_account_id=true".to_owned(),
        ]);
        run(init.stdout(Stdio::null()))?;
        // The parent domain's zone exists in this account (as it would for a team owning
        // example.com), so the apply writes the delegation itself: parent_zone_id.
        let parent = output(self.checks().arg("parent-zone").arg(self.domain(env)?))?;
        let mut apply = self.tools.terraform(&dir);
        apply
            .args(["apply", "-auto-approve", "-no-color"])
            .arg(format!("-var-file={EMULATOR_TFVARS}"))
            .arg("-var")
            .arg(format!("parent_zone_id={}", parent.trim()));
        let out = self.out(env);
        logged(&mut apply, &out.join("apply.log"), true)
            .map_err(|failure| Failure::step(format!("envs/{env} apply failed: {failure}")))?;
        let outputs = output(self.tools.terraform(&dir).args(["output", "-json"]))?;
        let outputs_file = out.join("outputs.json");
        std::fs::write(&outputs_file, &outputs)
            .map_err(|error| io("write", &outputs_file, &error))?;
        let vars = serde_json::from_str::<Value>(&outputs)
            .ok()
            .and_then(|mut outputs| Some(outputs.get_mut("cluster_vars")?.get_mut("value")?.take()))
            .and_then(|value| match value {
                Value::Object(vars) => Some(vars),
                _ => None,
            })
            .ok_or_else(|| {
                Failure::step(format!(
                    "{} has no cluster_vars object: does envs/{env} still output cluster_vars?",
                    outputs_file.display()
                ))
            })?;
        let vars_file = self.cluster_vars(env);
        let text = serde_json::to_string_pretty(&vars)
            .map_err(|error| Failure::step(format!("cannot serialize cluster_vars: {error}")))?;
        std::fs::write(&vars_file, text + "\n").map_err(|error| io("write", &vars_file, &error))?;
        println!(
            "envs/{env} applied in {}s: {} cluster_vars in {}",
            start.elapsed().as_secs(),
            vars.len(),
            vars_file.display()
        );
        Ok(())
    }

    /// The `domain` of `env`'s emulator inputs in the copy.
    fn domain(&self, env: &str) -> Result<String> {
        let file = self.env_dir(env).join(EMULATOR_TFVARS);
        let text = std::fs::read_to_string(&file).map_err(|error| io("read", &file, &error))?;
        tfvars_string(&text, "domain").ok_or_else(|| {
            Failure::step(format!(
                "{} sets no domain = \"...\": the parent zone is made from it",
                file.display()
            ))
        })
    }

    /// Destroys `env` (the bootstrap stays for the next environment), or, without one, every
    /// environment applied here and then the bootstrap. A root never applied or already gone
    /// is skipped. Returns what the stray route table check printed.
    ///
    /// # Errors
    /// The folder holds no copy, or a destroy failed (its log's last lines are printed).
    pub fn destroy(&self, env: Option<&str>) -> Result<String> {
        let copy = self.work.join(TERRAFORM);
        if !copy.is_dir() {
            return Err(Failure::step(format!(
                "tf-emulator destroy: {} not found; pass the folder the apply used",
                copy.display()
            )));
        }
        if let Some(env) = env {
            return self.destroy_env(env);
        }
        let mut report = String::new();
        let mut envs: Vec<PathBuf> = std::fs::read_dir(self.work.join(ENVS))
            .map_err(|error| io("read", &self.work.join(ENVS), &error))?
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.is_dir())
            .collect();
        envs.sort();
        for dir in envs {
            let name = dir.file_name().unwrap_or_default().to_string_lossy();
            report.push_str(&self.destroy_env(&name)?);
        }
        let bucket_file = self.work.join(STATE_BUCKET);
        if let Ok(bucket) = std::fs::read_to_string(&bucket_file) {
            let start = Instant::now();
            // The bucket refuses deletion while it holds state versions (force_destroy is off
            // on purpose).
            run(self.checks().arg("empty-bucket").arg(bucket.trim()))?;
            let mut destroy = self.tools.terraform(&self.work.join(BOOTSTRAP));
            destroy
                .args(["destroy", "-auto-approve", "-no-color", "-var"])
                .arg(format!("region={}", self.region));
            logged(
                &mut destroy,
                &self.work.join("bootstrap-destroy.log"),
                false,
            )
            .map_err(|failure| {
                Failure::step(format!(
                    "tf-emulator destroy: bootstrap destroy failed: {failure}"
                ))
            })?;
            std::fs::remove_file(&bucket_file)
                .map_err(|error| io("remove", &bucket_file, &error))?;
            println!("bootstrap destroyed in {}s", start.elapsed().as_secs());
        }
        Ok(report)
    }

    fn destroy_env(&self, env: &str) -> Result<String> {
        let start = Instant::now();
        let dir = self.env_dir(env);
        let initialised = dir.join(".terraform");
        if !initialised.is_dir() {
            return Ok(String::new());
        }
        let out = self.out(env);
        std::fs::create_dir_all(&out).map_err(|error| io("create", &out, &error))?;
        // A route table the emulator created twice (docs/terraform.md, "When the emulator itself
        // stumbles") is not in the state and would hold the VPC: delete it first, saying so.
        let state = self.show_state(env)?;
        let report = output(self.checks().arg("stray-route-tables").arg(&state))?;
        print!("{report}");
        let mut destroy = self.tools.terraform(&dir);
        destroy
            .args(["destroy", "-auto-approve", "-no-color"])
            .arg(format!("-var-file={EMULATOR_TFVARS}"));
        logged(&mut destroy, &out.join("destroy.log"), false).map_err(|failure| {
            Failure::step(format!(
                "tf-emulator destroy: envs/{env} destroy failed: {failure}"
            ))
        })?;
        // The parent zone the apply created for the delegation (its NS record is gone now).
        run(self
            .checks()
            .arg("parent-zone-delete")
            .arg(self.domain(env)?))?;
        // Initialised no more: a later destroy of the whole folder skips it.
        std::fs::remove_dir_all(&initialised)
            .map_err(|error| io("remove", &initialised, &error))?;
        println!("envs/{env} destroyed in {}s", start.elapsed().as_secs());
        Ok(report)
    }
}

/// Copies every file under `overrides` to the same relative path under `copy`.
fn overlay(overrides: &Path, copy: &Path) -> Result {
    let entries = std::fs::read_dir(overrides).map_err(|error| io("read", overrides, &error))?;
    for entry in entries.flatten() {
        let (from, to) = (entry.path(), copy.join(entry.file_name()));
        if from.is_dir() {
            overlay(&from, &to)?;
        } else {
            std::fs::copy(&from, &to).map_err(|error| io("copy the override to", &to, &error))?;
        }
    }
    Ok(())
}

/// Whether an apply's log shows the emulator meeting its own retried create.
pub fn emulator_retried_a_create(log: &str) -> bool {
    // EntityAlreadyExists (IAM) contains AlreadyExists.
    log.contains("AlreadyExists") || log.contains("already exists")
}

/// The string value of `name = "value"` in a tfvars text (one assignment a line).
fn tfvars_string(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
        let value = value.trim_start().strip_prefix('"')?.strip_suffix('"')?;
        Some(value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::{emulator_retried_a_create, tfvars_string};

    #[test]
    fn only_an_emulator_duplicate_counts_as_retried_create() {
        let kms = "Error: creating KMS Alias (alias/bkt-dev-eks): operation error KMS: \
                   CreateAlias, https response error StatusCode: 400, AlreadyExistsException";
        assert!(emulator_retried_a_create(kms));
        assert!(emulator_retried_a_create(
            "api error EntityAlreadyExists: Role with name bkt-dev-node already exists."
        ));
        assert!(!emulator_retried_a_create(
            "Error: creating EC2 VPC: InvalidParameterValue: invalid CIDR block 10.0.0.0/33"
        ));
        assert!(!emulator_retried_a_create(""));
    }

    #[test]
    fn the_domain_is_read_from_its_assignment_only() {
        let text = "# domain = \"commented.example.com\"\nregion = \"eu-west-1\"\n\
                    domain_suffix = \"no\"\ndomain = \"dev.example.com\"\n";
        assert_eq!(
            tfvars_string(text, "domain").as_deref(),
            Some("dev.example.com")
        );
        assert_eq!(tfvars_string("region = \"x\"\n", "domain"), None);
    }
}
