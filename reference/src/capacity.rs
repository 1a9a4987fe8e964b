//! The reference platform's capacity check: every pod it deploys ([`workloads`]), placed at
//! render onto the node group of the environment's spec ([`node_groups`], the same values that
//! write `terraform/envs/<name>`), by [`bkt_helm::capacity::place`].
//!
//! A node group counts its `desired_size` nodes: the platform runs no cluster autoscaler, so the
//! desired size is what runs (`min_size` only bounds a manual or scheduled scale-down, which
//! `docs/cost.md` describes; the check then holds for the desired size only). Jobs (the Vault
//! bootstrap) run to completion and are not counted.
//!
//! ```
//! let dev = bkt_reference::Environment::named("dev");
//! let placement = bkt_reference::capacity::check(&dev)?;
//! assert_eq!(placement.groups[0].group.name, "default");
//! # Ok::<(), bkt_reference::Error>(())
//! ```

use std::collections::BTreeMap;

use bkt_eks::CapacityType;
use bkt_eks::instance::{ADDON_PODS, CAPACITY_TYPE_LABEL, InstanceType, NODEGROUP_LABEL};
use bkt_helm::capacity::{NodeGroup, Placement, place};
use bkt_helm::charts;
use bkt_helm::workload::{Requests, Workload};

use crate::cluster_vars::ClusterVars;
use crate::environment::Nodes;
use crate::{Environment, Error, Result};

/// The node group's name in the eks module's `node_groups` (`terraform/envs/<name>/eks.tf`).
pub const NODE_GROUP: &str = "default";

/// What the sample chart's Vault agent sidecar (and its pre-populate init container) requests:
/// the `vault.hashicorp.com/agent-requests-*` annotations of
/// `gitops/charts/sample-app/templates/deployment.yaml`.
const SAMPLE_APP_AGENT: (&str, &str) = ("10m", "24Mi");

const MI: u64 = 1 << 20;

/// The environment's node groups as the scheduler sees them: one per group of the spec, with
/// the most binding of its instance types (the smallest allocatable CPU, memory and pod count
/// among them, since any of them may be launched).
///
/// # Errors
/// [`Error::Eks`] naming `eks.nodes.instance_types` for an instance type with no known facts.
pub fn node_groups(environment: &Environment) -> Result<Vec<NodeGroup>> {
    let nodes: &Nodes = &environment.root.nodes;
    let mut types = Vec::new();
    for name in &nodes.instance_types {
        types.push(InstanceType::find("eks.nodes.instance_types", name)?);
    }
    let cpu = types.iter().map(|t| t.allocatable_cpu_millis()).min();
    let memory = types.iter().map(|t| t.allocatable_memory_mib()).min();
    let max_pods = types.iter().map(|t| t.max_pods()).min();
    let (Some(cpu), Some(memory), Some(max_pods)) = (cpu, memory, max_pods) else {
        return Err(Error::invalid(
            "eks.nodes.instance_types",
            "[]",
            "name at least one EC2 instance type (e.g. [\"t3.large\"])",
        ));
    };
    Ok(vec![NodeGroup {
        name: NODE_GROUP.to_owned(),
        instance_type: nodes.instance_types.join("/"),
        nodes: u32::from(nodes.desired_size),
        allocatable: Requests {
            cpu_millis: cpu,
            memory_bytes: memory * MI,
        },
        max_pods: u32::try_from(max_pods).unwrap_or(u32::MAX),
        on_demand: nodes.capacity_type == CapacityType::OnDemand,
        labels: BTreeMap::from([
            (
                CAPACITY_TYPE_LABEL.to_owned(),
                nodes.capacity_type.as_str().to_owned(),
            ),
            (NODEGROUP_LABEL.to_owned(), NODE_GROUP.to_owned()),
        ]),
        taints: Vec::new(),
    }])
}

/// Every pod the platform runs in an environment: the EKS add-ons, Flux, every chart the tree
/// installs (from the same values functions its releases use), the operator-run databases and
/// the sample app.
///
/// # Errors
/// [`Error::Helm`] naming a resources field whose quantity is not one.
pub fn workloads() -> Result<Vec<Workload>> {
    let vars = ClusterVars::references().map(|_, reference| reference.to_string());
    let mut all: Vec<Workload> = ADDON_PODS
        .iter()
        .map(|pod| {
            let requests = Requests {
                cpu_millis: pod.cpu_millis,
                memory_bytes: pod.memory_mib * MI,
            };
            if pod.daemon_set {
                Workload::daemon_set(pod.name, pod.namespace, requests)
            } else {
                Workload::deployment(pod.name, pod.namespace, pod.replicas, requests)
            }
        })
        .collect();
    all.extend(bkt_flux::runtime::controller_workloads("flux-system"));
    let values = &crate::values::flux_operator::values();
    all.extend(charts::flux_operator::workloads(values, "flux-system")?);
    all.extend(charts::aws_load_balancer_controller::workloads(
        &crate::values::aws_load_balancer_controller::values(
            &vars.cluster_name,
            &vars.aws_region,
            &vars.vpc_id,
            &vars.aws_load_balancer_controller_role_arn,
        ),
        "kube-system",
    )?);
    all.extend(charts::external_dns::workloads(
        &crate::values::external_dns::values(
            &vars.aws_region,
            &vars.external_dns_role_arn,
            &vars.domain,
            &vars.hosted_zone_id,
            &vars.cluster_name,
        ),
        "external-dns",
    )?);
    all.extend(charts::kube_prometheus_stack::workloads(
        &crate::values::kube_prometheus_stack::values(),
        "monitoring",
    )?);
    all.extend(charts::vault::workloads(
        &crate::values::vault::values(&vars.vault_role_arn, &vars.aws_region),
        "vault",
    )?);
    all.extend(charts::external_secrets::workloads(
        &crate::values::external_secrets::values(),
        "external-secrets",
    )?);
    all.extend(charts::cloudnative_pg::workloads(
        &crate::values::cloudnative_pg::values(),
        "cnpg-system",
    )?);
    all.extend(charts::mariadb_operator::workloads(
        &crate::values::mariadb_operator::values(),
        "mariadb-operator",
    )?);
    all.extend(charts::opensearch::workloads(
        &crate::values::opensearch::values(),
        "opensearch",
    )?);
    all.extend(charts::opensearch_dashboards::workloads(
        &crate::values::opensearch_dashboards::values(),
        "opensearch",
    )?);
    all.extend(charts::fluent_bit::workloads(
        &crate::values::fluent_bit::values(),
        "logging",
    )?);
    all.extend(charts::grafana::workloads(
        &crate::values::grafana::values(&vars.domain),
        "grafana",
    )?);
    all.extend(charts::authentik::workloads(
        &crate::values::authentik::values(),
        "authentik",
    )?);
    all.extend(charts::headlamp::workloads(
        &crate::values::headlamp::values(),
        "headlamp",
    )?);
    all.push(crate::gitops::platform::authentik_database().workload("authentik")?);
    all.push(crate::gitops::platform::mariadb_server().workload("mysql")?);
    all.push(sample_app()?);
    Ok(all)
}

/// The sample app's `Deployment`: the chart's default replicas and resources (the base release
/// sets neither, and leaves the HPA off) plus the Vault agent the base release turns on.
fn sample_app() -> Result<Workload> {
    let defaults = crate::sample_app::SampleAppValues::default();
    let resources = &defaults.resources;
    let app = Requests::parse(
        "resources.requests",
        quantity(resources.requests.cpu.as_ref()).or(quantity(resources.limits.cpu.as_ref())),
        quantity(resources.requests.memory.as_ref()).or(quantity(resources.limits.memory.as_ref())),
    )?;
    let (agent_cpu, agent_memory) = SAMPLE_APP_AGENT;
    let agent = Requests::parse("vault agent", Some(agent_cpu), Some(agent_memory))?;
    Ok(Workload::deployment(
        crate::gitops::apps::SAMPLE_APP,
        crate::gitops::apps::SAMPLE_APP,
        defaults.replica_count,
        // The agent's init container runs before the containers; together they take the more.
        app.plus(agent).max(agent),
    ))
}

/// A sample-chart quantity as text.
fn quantity(quantity: Option<&crate::sample_app::Quantity>) -> Option<&str> {
    quantity.map(|q| q.0.as_str())
}

/// Places every pod of [`workloads`] onto the environment's [`node_groups`].
///
/// # Errors
/// [`Error::Capacity`] naming the environment and, for each workload that cannot run, the rule
/// it breaks and the fix; or an error of [`node_groups`] or [`workloads`].
pub fn check(environment: &Environment) -> Result<Placement> {
    let groups = node_groups(environment)?;
    place(&workloads()?, &groups).map_err(|error| match error {
        bkt_helm::Error::Unplaceable(_) => Error::Capacity {
            environment: environment.name().to_owned(),
            message: error.to_string(),
        },
        other => Error::Helm(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings;

    /// Dev's node group as `environments/dev.toml` left it before the capacity check: two SPOT
    /// nodes.
    fn dev_before_the_check() -> Environment {
        let mut dev = Environment::named("dev");
        dev.root.nodes = Nodes {
            instance_types: vec!["t3.large".to_owned(), "t3a.large".to_owned()],
            capacity_type: CapacityType::Spot,
            min_size: 2,
            desired_size: 2,
            max_size: 4,
        };
        dev
    }

    fn committed(name: &str) -> Environment {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(settings::ENVIRONMENTS_DIR)
            .join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        Environment::from_settings(name, settings::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn the_old_dev_node_group_fails_with_the_vault_error() {
        let error = check(&dev_before_the_check()).unwrap_err().to_string();
        assert!(
            error.starts_with("environment \"dev\": its node group cannot run the platform (one line per workload that cannot run)\nvault: 3 replicas with required hostname anti-affinity need 3 nodes; node group `default` has 2"),
            "{error}"
        );
        for stateful in [
            "vault",
            "opensearch-cluster-master",
            "mariadb",
            "authentik-db",
        ] {
            assert!(
                error.contains(&format!(
                    "\n{stateful}: keeps data and may only run on ON_DEMAND capacity"
                )),
                "{stateful}: {error}"
            );
        }
        // The file that holds them is refused with the same message.
        let text = format!(
            "[sample_app]\nimage_tag = \"{}\"\n[eks.nodes]\ncapacity_type = \"SPOT\"\nmin_size = 2\ndesired_size = 2\n",
            "0".repeat(40)
        );
        let refused = Environment::from_settings("dev", settings::parse(&text).unwrap())
            .unwrap_err()
            .to_string();
        assert_eq!(refused, error);
    }

    #[test]
    fn the_committed_dev_and_prod_pass() {
        for name in ["dev", "prod"] {
            let environment = committed(name);
            let placement = check(&environment).unwrap();
            let group = &placement.groups[0];
            assert!(group.group.on_demand, "{name}");
            assert!(group.group.nodes >= 3, "{name}");
        }
    }

    #[test]
    fn every_release_of_the_tree_has_its_pods_counted() {
        let names: Vec<String> = workloads().unwrap().into_iter().map(|w| w.name).collect();
        for expected in [
            "vault",
            "vault-agent-injector",
            "opensearch-cluster-master",
            "opensearch-dashboards",
            "fluent-bit",
            "grafana",
            "authentik-server",
            "authentik-worker",
            "authentik-db",
            "mariadb",
            "headlamp",
            "sample-app",
            "coredns",
            "kustomize-controller",
            "prometheus-node-exporter",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} missing: {names:?}"
            );
        }
    }

    #[test]
    fn an_instance_type_without_facts_names_the_field() {
        let mut dev = Environment::named("dev");
        dev.root.nodes.instance_types = vec!["x9.mega".to_owned()];
        let error = check(&dev).unwrap_err().to_string();
        assert!(
            error.contains("eks.nodes.instance_types: \"x9.mega\" is invalid"),
            "{error}"
        );
    }
}
