//! Whether a cluster's node groups can run its workloads: [`place`] puts every pod of every
//! [`Workload`] onto a node, as the scheduler would have to, and either returns the
//! [`Placement`] (with a per-group summary) or the [`Violation`]s, each naming the workload, the
//! rule it breaks and the fix.
//!
//! The rules, in the order they are checked:
//! 1. **Required hostname anti-affinity**: a workload with `n` replicas and a required pod
//!    anti-affinity on `kubernetes.io/hostname` needs `n` nodes it may run on.
//! 2. **Stateful on on-demand capacity**: a workload that keeps data ([`Workload::stateful`])
//!    runs only on on-demand nodes, so a Spot reclaim never takes a Raft member or a database's
//!    only replica with it.
//! 3. **Selectors and taints**: every workload has a node it may run on.
//! 4. **Requests and pod slots**: `DaemonSet` pods go on every node they may run on, then every
//!    other pod goes on a node where its CPU and memory requests fit what is left of the node's
//!    allocatable, and the node's pod count stays within its maximum (the ENI limit on EKS).
//!
//! Rules 1–3 are exact. Rule 4 places pods greedily (most constrained workloads first, each pod
//! on the eligible node with the most memory left): when it finds a placement, the placement is
//! valid; a cluster it refuses could in rare packings still fit, so the check errs on the side
//! of more capacity.
//!
//! ```
//! use std::collections::BTreeMap;
//! use bkt_helm::capacity::{NodeGroup, place};
//! use bkt_helm::workload::{Requests, Workload};
//!
//! let node = Requests { cpu_millis: 1930, memory_bytes: 7 << 30 };
//! let group = NodeGroup {
//!     name: "default".to_owned(),
//!     instance_type: "t3.large".to_owned(),
//!     nodes: 2,
//!     allocatable: node,
//!     max_pods: 35,
//!     on_demand: true,
//!     labels: BTreeMap::new(),
//!     taints: Vec::new(),
//! };
//! let pod = Requests { cpu_millis: 50, memory_bytes: 128 << 20 };
//! let vault = Workload::stateful_set("vault", "vault", 3, pod)
//!     .with_required_hostname_anti_affinity()
//!     .with_data();
//! let error = place(&[vault], &[group]).unwrap_err();
//! assert!(error.to_string().contains(
//!     "vault: 3 replicas with required hostname anti-affinity need 3 nodes; node group `default` has 2"
//! ));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::workload::{Memory, Requests, Taint, Workload, WorkloadKind};
use crate::{Error, Result};

mod violation;

pub use violation::{Rule, Violation};

/// A group of identical nodes, as the scheduler sees them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeGroup {
    /// The group's name (`default`).
    pub name: String,
    /// Its instance type, as shown in the summary (`t3.large`; the binding one when the
    /// group allows several).
    pub instance_type: String,
    /// How many nodes run.
    pub nodes: u32,
    /// What one node offers pods (its allocatable CPU and memory).
    pub allocatable: Requests,
    /// The most pods one node runs.
    pub max_pods: u32,
    /// Whether the nodes are on-demand (not Spot) capacity.
    pub on_demand: bool,
    /// The labels every node carries.
    pub labels: BTreeMap<String, String>,
    /// The taints every node carries.
    pub taints: Vec<Taint>,
}

/// What one node group runs once every pod is placed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupUsage {
    /// The group.
    pub group: NodeGroup,
    /// The requests of the pods placed on it, all nodes together.
    pub requested: Requests,
    /// Pods on each node, in node order.
    pub pods_per_node: Vec<u32>,
}

impl GroupUsage {
    /// The group's allocatable, all nodes together.
    #[must_use]
    pub fn allocatable(&self) -> Requests {
        self.group.allocatable.times(u64::from(self.group.nodes))
    }
}

/// Where each pod goes: the node groups' usage and every pod's node.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Placement {
    /// Per node group, in the order given.
    pub groups: Vec<GroupUsage>,
    /// Every pod: (workload index, group index, node index within the group).
    pub pods: Vec<(usize, usize, u32)>,
}

/// Percent of `part` in `whole`, rounded down (0 when `whole` is 0).
fn percent(part: u64, whole: u64) -> u64 {
    part.saturating_mul(100).checked_div(whole).unwrap_or(0)
}

impl fmt::Display for Placement {
    /// One line per node group: requested against allocatable CPU and memory, and pods on the
    /// busiest node against the node's maximum.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for usage in &self.groups {
            let group = &usage.group;
            let (requested, allocatable) = (usage.requested, usage.allocatable());
            writeln!(
                f,
                "  node group `{}`: {} x {} ({}): CPU {}m of {}m ({}%), memory {} of {} ({}%), pods per node {:?} of {}",
                group.name,
                group.nodes,
                group.instance_type,
                if group.on_demand { "ON_DEMAND" } else { "SPOT" },
                requested.cpu_millis,
                allocatable.cpu_millis,
                percent(requested.cpu_millis, allocatable.cpu_millis),
                Memory(requested.memory_bytes),
                Memory(allocatable.memory_bytes),
                percent(requested.memory_bytes, allocatable.memory_bytes),
                usage.pods_per_node,
                group.max_pods,
            )?;
        }
        Ok(())
    }
}

/// One node while pods are being placed.
struct Node {
    group: usize,
    index: u32,
    free: Requests,
    pods: u32,
    workloads: BTreeSet<usize>,
}

/// `` node group `a` has 2 `` or `` node groups `a`, `b` have 3 in all ``.
fn groups_have(names: &[&str], count: usize) -> String {
    match names {
        [] => format!("no node group has a node it may run on ({count})"),
        [one] => format!("node group `{one}` has {count}"),
        many => format!(
            "node groups {} have {count} in all",
            many.iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Places every pod of `workloads` onto the nodes of `groups`.
///
/// # Errors
/// [`Error::Unplaceable`] with every violation of rules 1–3 (module docs), or else the first
/// pod that fits no node.
///
/// A placement that fits, with its summary; and a Spot-only cluster refusing a stateful
/// workload:
///
/// ```
/// use std::collections::BTreeMap;
///
/// use bkt_helm::capacity::{NodeGroup, Rule, place};
/// use bkt_helm::workload::{Requests, Workload};
/// use bkt_helm::Error;
///
/// let group = |on_demand: bool| NodeGroup {
///     name: "default".to_owned(),
///     instance_type: "t3.large".to_owned(),
///     nodes: 3,
///     allocatable: Requests { cpu_millis: 1930, memory_bytes: 7 << 30 },
///     max_pods: 35,
///     on_demand,
///     labels: BTreeMap::new(),
///     taints: Vec::new(),
/// };
/// let pod = Requests { cpu_millis: 100, memory_bytes: 256 << 20 };
/// let vault = Workload::stateful_set("vault", "vault", 3, pod)
///     .with_required_hostname_anti_affinity()
///     .with_data();
/// let grafana = Workload::deployment("grafana", "monitoring", 1, pod);
///
/// let placement = place(&[vault.clone(), grafana.clone()], &[group(true)])?;
/// assert_eq!(placement.groups[0].requested, pod.times(4));
/// assert_eq!(
///     placement.to_string(),
///     "  node group `default`: 3 x t3.large (ON_DEMAND): CPU 400m of 5790m (6%), memory 1.0Gi of 21.0Gi (4%), pods per node [2, 1, 1] of 35\n"
/// );
///
/// match place(&[vault, grafana], &[group(false)]) {
///     Err(Error::Unplaceable(violations)) => {
///         assert_eq!(violations.len(), 1);
///         assert_eq!((violations[0].workload.as_str(), violations[0].rule), ("vault", Rule::OnDemand));
///     }
///     other => panic!("expected the stateful rule, got {other:?}"),
/// }
/// # Ok::<(), bkt_helm::Error>(())
/// ```
#[allow(
    clippy::too_many_lines,
    reason = "the rules in the order the module documents them"
)]
pub fn place(workloads: &[Workload], groups: &[NodeGroup]) -> Result<Placement> {
    let mut nodes: Vec<Node> = groups
        .iter()
        .enumerate()
        .flat_map(|(group, g)| {
            (0..g.nodes).map(move |index| Node {
                group,
                index,
                free: g.allocatable,
                pods: 0,
                workloads: BTreeSet::new(),
            })
        })
        .collect();
    let may_use = |workload: &Workload, group: &NodeGroup| {
        workload.may_run_on(&group.labels, &group.taints) && (!workload.stateful || group.on_demand)
    };

    let mut violations = Vec::new();
    for workload in workloads
        .iter()
        .filter(|w| w.hostname_anti_affinity && w.kind != WorkloadKind::DaemonSet)
    {
        let usable: Vec<&NodeGroup> = groups
            .iter()
            .filter(|g| workload.may_run_on(&g.labels, &g.taints))
            .collect();
        let count: usize = usable.iter().map(|g| g.nodes as usize).sum();
        if count < workload.replicas as usize {
            let names: Vec<&str> = usable.iter().map(|g| g.name.as_str()).collect();
            violations.push(Violation {
                workload: workload.name.clone(),
                rule: Rule::AntiAffinity,
                message: format!(
                    "{} replicas with required hostname anti-affinity need {} nodes; {}: run {} nodes there (the group's desired size) or lower the replicas",
                    workload.replicas,
                    workload.replicas,
                    groups_have(&names, count),
                    workload.replicas,
                ),
            });
        }
    }
    for workload in workloads
        .iter()
        .filter(|w| w.stateful && w.kind != WorkloadKind::DaemonSet && w.replicas > 0)
    {
        let selected: Vec<&NodeGroup> = groups
            .iter()
            .filter(|g| g.nodes > 0 && workload.may_run_on(&g.labels, &g.taints))
            .collect();
        if !selected.is_empty() && !selected.iter().any(|g| g.on_demand) {
            violations.push(Violation {
                workload: workload.name.clone(),
                rule: Rule::OnDemand,
                message: format!(
                    "keeps data and may only run on ON_DEMAND capacity, but the nodes it may use are SPOT (node group{} {}): make a group it may use ON_DEMAND, or add an ON_DEMAND group and select it",
                    if selected.len() == 1 { "" } else { "s" },
                    selected
                        .iter()
                        .map(|g| format!("`{}`", g.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    for workload in workloads {
        let any = groups
            .iter()
            .any(|g| g.nodes > 0 && workload.may_run_on(&g.labels, &g.taints));
        if !any && workload.kind != WorkloadKind::DaemonSet && workload.replicas > 0 {
            violations.push(Violation {
                workload: workload.name.clone(),
                rule: Rule::Selector,
                message: format!(
                    "no node matches its node selector {:?} and tolerations: label a node group so, or change the selector",
                    workload.node_selector
                ),
            });
        }
    }
    if !violations.is_empty() {
        return Err(Error::Unplaceable(violations));
    }

    let mut pods = Vec::new();
    // DaemonSets first: they take their share of every node they may run on.
    for (index, workload) in workloads.iter().enumerate() {
        if workload.kind != WorkloadKind::DaemonSet {
            continue;
        }
        for node in &mut nodes {
            let group = &groups[node.group];
            if !may_use(workload, group) {
                continue;
            }
            if !workload.requests.fits_in(node.free) || node.pods >= group.max_pods {
                return Err(Error::Unplaceable(vec![Violation {
                    workload: workload.name.clone(),
                    rule: Rule::Requests,
                    message: format!(
                        "its DaemonSet pod ({}) does not fit node {} of node group `{}` ({} x {}): {} left and {} of {} pods; use a larger instance type or lower the requests",
                        workload.requests,
                        node.index,
                        group.name,
                        group.nodes,
                        group.instance_type,
                        node.free,
                        node.pods,
                        group.max_pods
                    ),
                }]));
            }
            node.free = workload.requests.taken_from(node.free);
            node.pods += 1;
            pods.push((index, node.group, node.index));
        }
    }

    // The most constrained first: anti-affinity, stateful, then the largest requests.
    let mut order: Vec<usize> = (0..workloads.len())
        .filter(|&i| workloads[i].kind != WorkloadKind::DaemonSet)
        .collect();
    order.sort_by_key(|&i| {
        let w = &workloads[i];
        (
            !w.hostname_anti_affinity,
            !w.stateful,
            std::cmp::Reverse(w.requests.memory_bytes),
            std::cmp::Reverse(w.requests.cpu_millis),
            i,
        )
    });
    for index in order {
        let workload = &workloads[index];
        for replica in 0..workload.replicas {
            let best = nodes
                .iter_mut()
                .filter(|node| {
                    let group = &groups[node.group];
                    may_use(workload, group)
                        && workload.requests.fits_in(node.free)
                        && node.pods < group.max_pods
                        && !(workload.hostname_anti_affinity && node.workloads.contains(&index))
                })
                .max_by_key(|node| {
                    (
                        node.free.memory_bytes,
                        node.free.cpu_millis,
                        std::cmp::Reverse((node.group, node.index)),
                    )
                });
            let Some(node) = best else {
                let usable: Vec<&NodeGroup> = groups
                    .iter()
                    .filter(|g| g.nodes > 0 && may_use(workload, g))
                    .collect();
                let most = nodes
                    .iter()
                    .filter(|n| may_use(workload, &groups[n.group]))
                    .map(|n| n.free)
                    .max_by_key(|free| (free.memory_bytes, free.cpu_millis))
                    .unwrap_or(Requests::ZERO);
                return Err(Error::Unplaceable(vec![Violation {
                    workload: workload.name.clone(),
                    rule: Rule::Requests,
                    message: format!(
                        "pod {} of {} ({}) fits no node: the nodes it may use ({}) have at most {} left after the other pods, or no pod slot; add nodes (the group's desired size), use a larger instance type or lower the requests",
                        replica + 1,
                        workload.replicas,
                        workload.requests,
                        usable
                            .iter()
                            .map(|g| format!("`{}`: {} x {}", g.name, g.nodes, g.instance_type))
                            .collect::<Vec<_>>()
                            .join(", "),
                        most
                    ),
                }]));
            };
            node.free = workload.requests.taken_from(node.free);
            node.pods += 1;
            node.workloads.insert(index);
            pods.push((index, node.group, node.index));
        }
    }

    let usage = groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let mine: Vec<&Node> = nodes.iter().filter(|n| n.group == index).collect();
            let total = group.allocatable.times(u64::from(group.nodes));
            let free = mine
                .iter()
                .fold(Requests::ZERO, |sum, node| sum.plus(node.free));
            GroupUsage {
                group: group.clone(),
                requested: free.taken_from(total),
                pods_per_node: mine.iter().map(|n| n.pods).collect(),
            }
        })
        .collect();
    Ok(Placement {
        groups: usage,
        pods,
    })
}

#[cfg(test)]
mod tests;
