//! The capacity check's rules, one test each, and the property that a placement it returns is
//! one the scheduler could make (checked pod by pod and against an exhaustive search).

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::workload::{TaintEffect, Toleration, TolerationOperator};

const MI: u64 = 1 << 20;

fn requests(cpu_millis: u64, memory_mib: u64) -> Requests {
    Requests {
        cpu_millis,
        memory_bytes: memory_mib * MI,
    }
}

fn group(name: &str, nodes: u32, on_demand: bool) -> NodeGroup {
    NodeGroup {
        name: name.to_owned(),
        instance_type: "m.test".to_owned(),
        nodes,
        allocatable: requests(2000, 4096),
        max_pods: 10,
        on_demand,
        labels: BTreeMap::from([("pool".to_owned(), name.to_owned())]),
        taints: Vec::new(),
    }
}

fn violations(result: Result<Placement>) -> Vec<Violation> {
    match result {
        Err(Error::Unplaceable(violations)) => violations,
        other => panic!("expected violations, got {other:?}"),
    }
}

#[test]
fn too_few_nodes_for_required_anti_affinity_names_workload_group_and_fix() {
    let vault = Workload::stateful_set("vault", "vault", 3, requests(50, 128))
        .with_required_hostname_anti_affinity();
    let found = violations(place(&[vault], &[group("default", 2, true)]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, Rule::AntiAffinity);
    assert_eq!(
        found[0].to_string(),
        "vault: 3 replicas with required hostname anti-affinity need 3 nodes; node group `default` has 2: run 3 nodes there (the group's desired size) or lower the replicas"
    );
}

#[test]
fn anti_affinity_counts_only_the_nodes_the_selector_admits() {
    let selector = BTreeMap::from([("pool".to_owned(), "data".to_owned())]);
    let vault = Workload::stateful_set("vault", "vault", 3, requests(50, 128))
        .with_required_hostname_anti_affinity()
        .with_node_selector(&selector);
    let groups = [group("default", 5, true), group("data", 2, true)];
    let found = violations(place(std::slice::from_ref(&vault), &groups));
    assert!(
        found[0].message.contains("node group `data` has 2"),
        "{}",
        found[0]
    );
    let groups = [group("default", 5, true), group("data", 3, true)];
    let placement = place(&[vault], &groups).unwrap();
    assert!(placement.pods.iter().all(|(_, group, _)| *group == 1));
}

#[test]
fn stateful_workloads_refuse_spot_only_nodes() {
    let db = Workload::stateful_set("mariadb", "mysql", 1, requests(100, 256)).with_data();
    let found = violations(place(
        std::slice::from_ref(&db),
        &[group("default", 3, false)],
    ));
    assert_eq!(found[0].rule, Rule::OnDemand);
    assert!(found[0].message.contains("ON_DEMAND"), "{}", found[0]);
    assert!(found[0].message.contains("`default`"), "{}", found[0]);
    // With an on-demand group next to it, the pod goes there.
    let groups = [group("default", 3, false), group("data", 1, true)];
    let placement = place(&[db], &groups).unwrap();
    assert_eq!(placement.pods, vec![(0, 1, 0)]);
}

#[test]
fn every_rule_violation_is_reported_at_once() {
    let vault = Workload::stateful_set("vault", "vault", 3, requests(50, 128))
        .with_required_hostname_anti_affinity()
        .with_data();
    let search =
        Workload::stateful_set("opensearch", "opensearch", 1, requests(250, 2048)).with_data();
    let error = place(&[vault, search], &[group("default", 2, false)]).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("vault: 3 replicas with required hostname anti-affinity need 3 nodes; node group `default` has 2"), "{text}");
    assert!(text.contains("\nvault: keeps data"), "{text}");
    assert!(text.contains("\nopensearch: keeps data"), "{text}");
}

#[test]
fn a_pod_larger_than_any_node_names_its_requests() {
    let big = Workload::deployment("prometheus", "monitoring", 1, requests(500, 8192));
    let found = violations(place(&[big], &[group("default", 3, true)]));
    assert_eq!(found[0].rule, Rule::Requests);
    assert!(
        found[0]
            .message
            .starts_with("pod 1 of 1 (500m CPU, 8.0Gi) fits no node"),
        "{}",
        found[0]
    );
}

#[test]
fn pods_per_node_stop_at_the_node_maximum() {
    let mut g = group("default", 1, true);
    g.max_pods = 3;
    let daemon = Workload::daemon_set("fluent-bit", "logging", requests(10, 10));
    let fits = Workload::deployment("web", "web", 2, requests(10, 10));
    let placement = place(&[daemon.clone(), fits], std::slice::from_ref(&g)).unwrap();
    assert_eq!(placement.groups[0].pods_per_node, vec![3]);
    let too_many = Workload::deployment("web", "web", 3, requests(10, 10));
    let found = violations(place(&[daemon, too_many], &[g]));
    assert!(found[0].message.starts_with("pod 3 of 3"), "{}", found[0]);
}

#[test]
fn daemon_sets_run_on_every_node_they_tolerate() {
    let mut tainted = group("data", 2, true);
    tainted.taints = vec![Taint {
        key: "dedicated".to_owned(),
        value: "data".to_owned(),
        effect: TaintEffect::NoSchedule,
    }];
    let groups = [group("default", 2, true), tainted];
    let plain = Workload::daemon_set("node-exporter", "monitoring", requests(10, 32));
    let tolerant = Workload::daemon_set("fluent-bit", "logging", requests(20, 64))
        .with_tolerations(vec![Toleration {
            key: String::new(),
            operator: TolerationOperator::Exists,
            value: String::new(),
            effect: None,
        }]);
    let placement = place(&[plain, tolerant], &groups).unwrap();
    let on = |workload| placement.pods.iter().filter(|p| p.0 == workload).count();
    assert_eq!((on(0), on(1)), (2, 4));
    assert_eq!(placement.groups[0].requested, requests(60, 192));
}

#[test]
fn the_summary_shows_requested_against_allocatable() {
    let web = Workload::deployment("web", "web", 2, requests(500, 1024));
    let placement = place(&[web], &[group("default", 2, false)]).unwrap();
    assert_eq!(
        placement.to_string(),
        "  node group `default`: 2 x m.test (SPOT): CPU 1000m of 4000m (25%), memory 2.0Gi of 8.0Gi (25%), pods per node [1, 1] of 10\n"
    );
}

// ---- Property: a placement the check returns is one the scheduler could make. ----

fn arb_group(index: usize) -> impl Strategy<Value = NodeGroup> {
    (
        0_u32..=3,
        200_u64..=2000,
        256_u64..=2048,
        1_u32..=5,
        any::<bool>(),
    )
        .prop_map(move |(nodes, cpu, memory, max_pods, on_demand)| NodeGroup {
            name: format!("g{index}"),
            instance_type: "m.test".to_owned(),
            nodes,
            allocatable: requests(cpu, memory),
            max_pods,
            on_demand,
            labels: BTreeMap::from([("pool".to_owned(), format!("g{index}"))]),
            taints: Vec::new(),
        })
}

fn arb_workload(index: usize) -> impl Strategy<Value = Workload> {
    (
        0_u8..3,
        0_u32..=3,
        10_u64..=800,
        16_u64..=1024,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0_usize..2),
    )
        .prop_map(
            move |(kind, replicas, cpu, memory, anti, stateful, selector)| {
                let name = format!("w{index}");
                let mut workload = match kind {
                    0 => Workload::deployment(&name, "ns", replicas, requests(cpu, memory)),
                    1 => Workload::stateful_set(&name, "ns", replicas, requests(cpu, memory)),
                    _ => Workload::daemon_set(&name, "ns", requests(cpu / 4, memory / 4)),
                };
                workload.hostname_anti_affinity = anti;
                workload.stateful = stateful;
                if let Some(pool) = selector {
                    workload
                        .node_selector
                        .insert("pool".to_owned(), format!("g{pool}"));
                }
                workload
            },
        )
}

fn arb_cluster() -> impl Strategy<Value = (Vec<NodeGroup>, Vec<Workload>)> {
    (
        (arb_group(0), arb_group(1)).prop_map(|(a, b)| vec![a, b]),
        (
            arb_workload(0),
            arb_workload(1),
            arb_workload(2),
            arb_workload(3),
        )
            .prop_map(|(a, b, c, d)| vec![a, b, c, d]),
    )
}

/// The test's own notion of where a pod may go, written from the rules, not from `place`.
fn admits(workload: &Workload, group: &NodeGroup) -> bool {
    workload
        .node_selector
        .iter()
        .all(|(k, v)| group.labels.get(k) == Some(v))
        && (!workload.stateful || group.on_demand)
}

/// Checks a placement pod by pod against the rules.
fn valid(placement: &Placement, workloads: &[Workload], groups: &[NodeGroup]) -> bool {
    let mut used: BTreeMap<(usize, u32), (u64, u64, u32)> = BTreeMap::new();
    let mut hosts: BTreeMap<(usize, usize, u32), u32> = BTreeMap::new();
    for &(w, g, n) in &placement.pods {
        let (workload, group) = (&workloads[w], &groups[g]);
        if n >= group.nodes || !admits(workload, group) {
            return false;
        }
        let entry = used.entry((g, n)).or_default();
        entry.0 += workload.requests.cpu_millis;
        entry.1 += workload.requests.memory_bytes;
        entry.2 += 1;
        *hosts.entry((w, g, n)).or_default() += 1;
    }
    let fits = used.iter().all(|(&(g, _), &(cpu, memory, pods))| {
        let group = &groups[g];
        cpu <= group.allocatable.cpu_millis
            && memory <= group.allocatable.memory_bytes
            && pods <= group.max_pods
    });
    let spread = hosts.iter().all(|(&(w, _, _), &count)| {
        count == 1
            || !(workloads[w].hostname_anti_affinity
                || workloads[w].kind == WorkloadKind::DaemonSet)
    });
    let counts = workloads.iter().enumerate().all(|(w, workload)| {
        let placed = placement.pods.iter().filter(|p| p.0 == w).count();
        let wanted = if workload.kind == WorkloadKind::DaemonSet {
            groups
                .iter()
                .filter(|g| admits(workload, g))
                .map(|g| g.nodes as usize)
                .sum()
        } else {
            workload.replicas as usize
        };
        placed == wanted
    });
    fits && spread && counts
}

/// One node of the search: group, room left, pod slots left, workloads on it.
type SearchNode = (usize, Requests, u32, Vec<usize>);

/// Places `pods` (workload indexes) from node `from` on, backtracking.
fn search(
    pods: &[usize],
    from: usize,
    workloads: &[Workload],
    groups: &[NodeGroup],
    nodes: &mut [SearchNode],
) -> bool {
    let Some((&pod, rest)) = pods.split_first() else {
        return true;
    };
    let workload = &workloads[pod];
    for i in from..nodes.len() {
        let node = &nodes[i];
        if !admits(workload, &groups[node.0])
            || !workload.requests.fits_in(node.1)
            || node.2 == 0
            || (workload.hostname_anti_affinity && node.3.contains(&pod))
        {
            continue;
        }
        let saved = (nodes[i].1, nodes[i].2);
        nodes[i].1 = workload.requests.taken_from(saved.0);
        nodes[i].2 -= 1;
        nodes[i].3.push(pod);
        // Replicas of one workload are interchangeable: the next one starts here.
        let next_from = if rest.first() == Some(&pod) { i } else { 0 };
        if search(rest, next_from, workloads, groups, nodes) {
            return true;
        }
        nodes[i].3.pop();
        nodes[i].1 = saved.0;
        nodes[i].2 = saved.1;
    }
    false
}

/// Exhaustive search: whether any placement satisfies the rules.
fn feasible(workloads: &[Workload], groups: &[NodeGroup]) -> bool {
    let mut nodes: Vec<SearchNode> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| {
            (0..group.nodes).map(move |_| (g, group.allocatable, group.max_pods, Vec::new()))
        })
        .collect();
    for (w, workload) in workloads.iter().enumerate() {
        if workload.kind != WorkloadKind::DaemonSet {
            continue;
        }
        for node in &mut nodes {
            if admits(workload, &groups[node.0]) {
                if !workload.requests.fits_in(node.1) || node.2 == 0 {
                    return false;
                }
                node.1 = workload.requests.taken_from(node.1);
                node.2 -= 1;
                node.3.push(w);
            }
        }
    }
    let pods: Vec<usize> = workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| w.kind != WorkloadKind::DaemonSet)
        .flat_map(|(i, w)| std::iter::repeat_n(i, w.replicas as usize))
        .collect();
    search(&pods, 0, workloads, groups, &mut nodes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any cluster the check passes has a feasible placement: the one it returns obeys every
    /// rule, pod by pod, and an exhaustive search agrees. Every refusal by rules 1-3 is exact:
    /// no placement exists then.
    #[test]
    fn a_passing_check_has_a_feasible_placement((groups, workloads) in arb_cluster()) {
        match place(&workloads, &groups) {
            Ok(placement) => {
                prop_assert!(valid(&placement, &workloads, &groups), "{placement:?}");
                prop_assert!(feasible(&workloads, &groups));
            }
            Err(Error::Unplaceable(found)) => {
                if found.iter().any(|v| v.rule != Rule::Requests) {
                    prop_assert!(!feasible(&workloads, &groups), "{found:?}");
                }
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}
