//! The pods a release creates, as data: each chart module's `workloads` function states them
//! from the chart's documented defaults overridden by the typed values, and [`crate::capacity`]
//! places them onto a cluster's node groups.
//!
//! A [`Workload`] is one controller (a `Deployment`, a `StatefulSet` or a `DaemonSet`): its pod
//! count, what one pod requests (what the scheduler reserves: the sum of its containers'
//! requests, or its largest init container's when that is more), and the constraints the
//! scheduler must honour — a *required* pod anti-affinity on `kubernetes.io/hostname`, a node
//! selector, tolerations — and whether it keeps data that a reclaimed node would take with it.
//!
//! ```
//! use bkt_helm::workload::{Requests, Workload};
//!
//! let requests = Requests::parse("server.resources.requests", Some("50m"), Some("128Mi"))?;
//! assert_eq!((requests.cpu_millis, requests.memory_bytes), (50, 128 * 1024 * 1024));
//! let vault = Workload::stateful_set("vault", "vault", 3, requests)
//!     .with_required_hostname_anti_affinity()
//!     .with_data();
//! assert!(vault.stateful && vault.hostname_anti_affinity);
//! # Ok::<(), bkt_helm::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::common::{Quantity, ResourceRequirements};
use crate::{Error, Result};

/// What one pod asks the scheduler to reserve on its node.
///
/// ```
/// use bkt_helm::common::burstable;
/// use bkt_helm::workload::Requests;
///
/// // A container's reservation: its requests (a limit stands in for a missing request).
/// let resources = burstable("250m", "512Mi", "1Gi");
/// let server = Requests::of("server.resources", Some(&resources))?;
/// assert_eq!(server.to_string(), "250m CPU, 512Mi");
/// let sidecar = Requests::parse("sidecar.resources.requests", Some("0.05"), Some("64Mi"))?;
///
/// // A pod's containers add up; three replicas of it, against one node's room.
/// let pod = server.plus(sidecar);
/// assert_eq!(pod.to_string(), "300m CPU, 576Mi");
/// let node = Requests::parse("node", Some("1930m"), Some("7Gi"))?;
/// assert!(pod.times(3).fits_in(node));
/// assert_eq!(pod.times(3).taken_from(node).to_string(), "1030m CPU, 5.3Gi");
///
/// // A quantity that is not one is refused, naming the field.
/// let error = Requests::parse("server.resources.requests", Some("1 core"), None).unwrap_err();
/// assert!(error.to_string().contains("server.resources.requests.cpu"));
/// # Ok::<(), bkt_helm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Requests {
    /// CPU, in millicores (`250m` is 250, `1` is 1000).
    pub cpu_millis: u64,
    /// Memory, in bytes.
    pub memory_bytes: u64,
}

impl Requests {
    /// Nothing: a container without requests reserves nothing.
    pub const ZERO: Self = Self {
        cpu_millis: 0,
        memory_bytes: 0,
    };

    /// The requests of two containers of one pod.
    #[must_use]
    pub fn plus(self, other: Self) -> Self {
        Self {
            cpu_millis: self.cpu_millis.saturating_add(other.cpu_millis),
            memory_bytes: self.memory_bytes.saturating_add(other.memory_bytes),
        }
    }

    /// The larger of each quantity: a pod reserves the most of its init containers (which run
    /// one after the other) and its containers (which run together).
    #[must_use]
    pub fn max(self, other: Self) -> Self {
        Self {
            cpu_millis: self.cpu_millis.max(other.cpu_millis),
            memory_bytes: self.memory_bytes.max(other.memory_bytes),
        }
    }

    /// Whether both quantities of `self` are at most those of `room`.
    #[must_use]
    pub fn fits_in(self, room: Self) -> bool {
        self.cpu_millis <= room.cpu_millis && self.memory_bytes <= room.memory_bytes
    }

    /// `room` less `self`, never below zero.
    #[must_use]
    pub fn taken_from(self, room: Self) -> Self {
        Self {
            cpu_millis: room.cpu_millis.saturating_sub(self.cpu_millis),
            memory_bytes: room.memory_bytes.saturating_sub(self.memory_bytes),
        }
    }

    /// `times` pods of these requests.
    #[must_use]
    pub fn times(self, times: u64) -> Self {
        Self {
            cpu_millis: self.cpu_millis.saturating_mul(times),
            memory_bytes: self.memory_bytes.saturating_mul(times),
        }
    }

    /// Requests from Kubernetes quantities (`50m`, `128Mi`); an unset one is zero, as the
    /// scheduler counts it.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` (`<field>.cpu`, `<field>.memory`) when a quantity is
    /// not one.
    pub fn parse(field: &str, cpu: Option<&str>, memory: Option<&str>) -> Result<Self> {
        Ok(Self {
            cpu_millis: cpu.map_or(Ok(0), |text| parse_cpu(&format!("{field}.cpu"), text))?,
            memory_bytes: memory
                .map_or(Ok(0), |text| parse_memory(&format!("{field}.memory"), text))?,
        })
    }

    /// What a container with `resources` reserves: its requests, or, for a quantity that has a
    /// limit and no request, the limit (Kubernetes defaults the request to the limit); nothing
    /// for resources left unset.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when a quantity is not one.
    pub fn of(field: &str, resources: Option<&ResourceRequirements>) -> Result<Self> {
        fn quantity<'a>(
            list: Option<&'a BTreeMap<String, Quantity>>,
            name: &str,
        ) -> Option<&'a str> {
            list.and_then(|list| list.get(name)).map(|q| q.0.as_str())
        }
        let requests = resources.and_then(|r| r.requests.as_ref());
        let limits = resources.and_then(|r| r.limits.as_ref());
        let pick = |name: &str| quantity(requests, name).or_else(|| quantity(limits, name));
        Self::parse(&format!("{field}.requests"), pick("cpu"), pick("memory"))
    }
}

impl fmt::Display for Requests {
    /// `250m CPU, 2.0Gi`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m CPU, {}", self.cpu_millis, Memory(self.memory_bytes))
    }
}

/// A memory size shown in the unit that reads best (`64Mi`, `2.0Gi`).
///
/// ```
/// use bkt_helm::workload::Memory;
///
/// assert_eq!(Memory(64 << 20).to_string(), "64Mi");
/// assert_eq!(Memory((3 << 30) / 2).to_string(), "1.5Gi");
/// // Below a mebibyte, rounded up: a request is never shown smaller than it is.
/// assert_eq!(Memory(1).to_string(), "1Mi");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory(pub u64);

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MI: u64 = 1 << 20;
        const GI: u64 = 1 << 30;
        if self.0 >= GI {
            // One decimal, rounded down, from integers only.
            let tenths = self.0 / (GI / 10);
            write!(f, "{}.{}Gi", tenths / 10, tenths % 10)
        } else {
            write!(f, "{}Mi", self.0.div_ceil(MI))
        }
    }
}

/// Splits `text` into its number (digits with at most one decimal point) and its suffix.
fn split_quantity(text: &str) -> Option<(u64, u64, u32, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.len() > 9 || fraction.contains('.') {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let scale = u32::try_from(fraction.len()).ok()?;
    let fraction: u64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    Some((whole, fraction, scale, suffix))
}

/// `whole.fraction × unit / divisor`, rounded up, or `None` on overflow.
fn scaled(whole: u64, fraction: u64, scale: u32, unit: u64, divisor: u64) -> Option<u64> {
    let ten = 10_u64.checked_pow(scale)?;
    let total = whole
        .checked_mul(ten)?
        .checked_add(fraction)?
        .checked_mul(unit)?;
    Some(total.div_ceil(ten.checked_mul(divisor)?))
}

/// A CPU quantity in millicores: `250m`, `0.5`, `2`.
///
/// # Errors
/// [`Error::Invalid`] naming `field` when `text` is not a CPU quantity.
///
/// ```
/// use bkt_helm::workload::parse_cpu;
///
/// assert_eq!(parse_cpu("resources.requests.cpu", "250m")?, 250);
/// assert_eq!(parse_cpu("resources.requests.cpu", "1.5")?, 1500);
/// assert!(parse_cpu("resources.requests.cpu", "250Mi").is_err());
/// # Ok::<(), bkt_helm::Error>(())
/// ```
pub fn parse_cpu(field: &str, text: &str) -> Result<u64> {
    let bad = || {
        Error::invalid(
            field,
            text,
            "is not a CPU quantity: use millicores (250m) or cores (0.5, 2)",
        )
    };
    let (whole, fraction, scale, suffix) = split_quantity(text).ok_or_else(bad)?;
    let (unit, divisor) = match suffix {
        "m" => (1, 1),
        "" => (1000, 1),
        _ => return Err(bad()),
    };
    scaled(whole, fraction, scale, unit, divisor).ok_or_else(bad)
}

/// A memory quantity in bytes: `128Mi`, `2Gi`, `1G`, `512Ki`, `1048576`.
///
/// # Errors
/// [`Error::Invalid`] naming `field` when `text` is not a memory quantity.
///
/// ```
/// use bkt_helm::workload::parse_memory;
///
/// assert_eq!(parse_memory("resources.requests.memory", "128Mi")?, 128 << 20);
/// assert_eq!(parse_memory("resources.requests.memory", "1G")?, 1_000_000_000);
/// let error = parse_memory("resources.requests.memory", "128MB").unwrap_err();
/// assert!(error.to_string().contains("resources.requests.memory"));
/// # Ok::<(), bkt_helm::Error>(())
/// ```
pub fn parse_memory(field: &str, text: &str) -> Result<u64> {
    let bad = || {
        Error::invalid(
            field,
            text,
            "is not a memory quantity: use a number with Ki, Mi, Gi, Ti, k, M, G or T (128Mi, 2Gi)",
        )
    };
    let (whole, fraction, scale, suffix) = split_quantity(text).ok_or_else(bad)?;
    let unit: u64 = match suffix {
        "" => 1,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        _ => return Err(bad()),
    };
    scaled(whole, fraction, scale, unit, 1).ok_or_else(bad)
}

/// The controller that owns a workload's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkloadKind {
    /// `replicas` interchangeable pods.
    Deployment,
    /// `replicas` pods with stable names (and, usually, a volume each).
    StatefulSet,
    /// One pod on every node it may run on; `replicas` is not used.
    DaemonSet,
}

impl WorkloadKind {
    /// The Kubernetes kind.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployment => "Deployment",
            Self::StatefulSet => "StatefulSet",
            Self::DaemonSet => "DaemonSet",
        }
    }
}

/// How a toleration matches a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TolerationOperator {
    /// The key is there, whatever its value.
    Exists,
    /// The key has the toleration's value.
    Equal,
}

/// What a taint does to pods that do not tolerate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaintEffect {
    /// They are not scheduled there.
    NoSchedule,
    /// The scheduler avoids the node but may use it.
    PreferNoSchedule,
    /// They are not scheduled there and are evicted.
    NoExecute,
}

/// A node taint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Taint {
    /// Its key.
    pub key: String,
    /// Its value (may be empty).
    pub value: String,
    /// Its effect.
    pub effect: TaintEffect,
}

/// A pod's toleration of taints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Toleration {
    /// The taint key it tolerates; empty with [`TolerationOperator::Exists`]: every taint.
    pub key: String,
    /// How the key's value is compared.
    pub operator: TolerationOperator,
    /// The value [`TolerationOperator::Equal`] wants.
    pub value: String,
    /// The effect it tolerates; `None`: every effect.
    pub effect: Option<TaintEffect>,
}

impl Toleration {
    /// Whether this toleration lets a pod past `taint`.
    #[must_use]
    pub fn tolerates(&self, taint: &Taint) -> bool {
        let key = match self.operator {
            TolerationOperator::Exists => self.key.is_empty() || self.key == taint.key,
            TolerationOperator::Equal => self.key == taint.key && self.value == taint.value,
        };
        key && self.effect.is_none_or(|effect| effect == taint.effect)
    }
}

/// One controller's pods: how many, what each requests and where they may run.
///
/// Where a workload may run: its node selector and tolerations against a node's labels and
/// taints.
///
/// ```
/// use std::collections::BTreeMap;
///
/// use bkt_helm::workload::{
///     Requests, Taint, TaintEffect, Toleration, TolerationOperator, Workload, WorkloadKind,
/// };
///
/// let labels = BTreeMap::from([("role".to_owned(), "logging".to_owned())]);
/// let taint = Taint { key: "dedicated".into(), value: "logging".into(), effect: TaintEffect::NoSchedule };
///
/// let collector = Workload::daemon_set("fluent-bit", "logging", Requests::ZERO);
/// assert_eq!(collector.kind.as_str(), "DaemonSet");
/// assert!(collector.may_run_on(&BTreeMap::new(), &[]));
/// assert!(!collector.may_run_on(&labels, std::slice::from_ref(&taint)));
///
/// let collector = collector.with_tolerations(vec![Toleration {
///     key: "dedicated".into(),
///     operator: TolerationOperator::Equal,
///     value: "logging".into(),
///     effect: None,
/// }]);
/// assert!(collector.may_run_on(&labels, std::slice::from_ref(&taint)));
///
/// let search = Workload::stateful_set("opensearch", "logging", 3, Requests::ZERO).with_node_selector(&labels);
/// assert!(!search.may_run_on(&BTreeMap::new(), &[]));
///
/// // A chart's one Deployment is named by `fullnameOverride`, or after the chart when it is empty.
/// let grafana = Workload::chart_deployment("grafana", Some(""), "monitoring", None)?;
/// assert_eq!((grafana[0].name.as_str(), grafana[0].kind), ("grafana", WorkloadKind::Deployment));
/// # Ok::<(), bkt_helm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Workload {
    /// The controller's name (`vault`).
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its pods (ignored for a `DaemonSet`, which runs one per eligible node).
    pub replicas: u32,
    /// What one pod requests.
    pub requests: Requests,
    /// Whether the pods carry a *required* pod anti-affinity on `kubernetes.io/hostname`
    /// against each other: no two on one node.
    pub hostname_anti_affinity: bool,
    /// The node labels a pod's node must carry.
    pub node_selector: BTreeMap<String, String>,
    /// The taints the pods tolerate.
    pub tolerations: Vec<Toleration>,
    /// Whether a pod keeps data a reclaimed node would take with it (a Raft member, a database,
    /// a search index): such pods belong on on-demand capacity.
    pub stateful: bool,
}

impl Workload {
    fn new(
        name: &str,
        namespace: &str,
        kind: WorkloadKind,
        replicas: u32,
        requests: Requests,
    ) -> Self {
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            kind,
            replicas,
            requests,
            hostname_anti_affinity: false,
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            stateful: false,
        }
    }

    /// The one-pod `Deployment` of a chart whose workload is named `fullname_override`, or
    /// `chart` when that is unset or empty (the `fullnameOverride` convention), requesting
    /// `resources`.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] naming `resources` when a quantity is not one.
    pub fn chart_deployment(
        chart: &str,
        fullname_override: Option<&str>,
        namespace: &str,
        resources: Option<&ResourceRequirements>,
    ) -> Result<Vec<Self>> {
        let name = fullname_override
            .filter(|name| !name.is_empty())
            .unwrap_or(chart);
        Ok(vec![Self::deployment(
            name,
            namespace,
            1,
            Requests::of("resources", resources)?,
        )])
    }

    /// A `Deployment` of `replicas` pods, each requesting `requests`, with no constraint.
    #[must_use]
    pub fn deployment(name: &str, namespace: &str, replicas: u32, requests: Requests) -> Self {
        Self::new(
            name,
            namespace,
            WorkloadKind::Deployment,
            replicas,
            requests,
        )
    }

    /// A `StatefulSet` of `replicas` pods (not yet [`Self::with_data`]).
    #[must_use]
    pub fn stateful_set(name: &str, namespace: &str, replicas: u32, requests: Requests) -> Self {
        Self::new(
            name,
            namespace,
            WorkloadKind::StatefulSet,
            replicas,
            requests,
        )
    }

    /// A `DaemonSet`: one pod on every node it may run on.
    #[must_use]
    pub fn daemon_set(name: &str, namespace: &str, requests: Requests) -> Self {
        Self::new(name, namespace, WorkloadKind::DaemonSet, 0, requests)
    }

    /// With a required pod anti-affinity on `kubernetes.io/hostname`.
    #[must_use]
    pub fn with_required_hostname_anti_affinity(mut self) -> Self {
        self.hostname_anti_affinity = true;
        self
    }

    /// Keeping data that must not go with a reclaimed node.
    #[must_use]
    pub fn with_data(mut self) -> Self {
        self.stateful = true;
        self
    }

    /// With the node selector `selector`.
    #[must_use]
    pub fn with_node_selector(mut self, selector: &BTreeMap<String, String>) -> Self {
        self.node_selector.clone_from(selector);
        self
    }

    /// Tolerating `tolerations`.
    #[must_use]
    pub fn with_tolerations(mut self, tolerations: Vec<Toleration>) -> Self {
        self.tolerations = tolerations;
        self
    }

    /// Whether its pods may run on a node with `labels` and `taints` (selector and
    /// `NoSchedule`/`NoExecute` taints; capacity is [`crate::capacity`]'s business).
    #[must_use]
    pub fn may_run_on(&self, labels: &BTreeMap<String, String>, taints: &[Taint]) -> bool {
        self.node_selector
            .iter()
            .all(|(key, value)| labels.get(key) == Some(value))
            && taints
                .iter()
                .filter(|taint| taint.effect != TaintEffect::PreferNoSchedule)
                .all(|taint| self.tolerations.iter().any(|t| t.tolerates(taint)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_as_kubernetes_reads_them() {
        assert_eq!(parse_cpu("f", "250m"), Ok(250));
        assert_eq!(parse_cpu("f", "0.5"), Ok(500));
        assert_eq!(parse_cpu("f", "2"), Ok(2000));
        assert_eq!(
            parse_cpu("f", "0.0001"),
            Ok(1),
            "rounded up, as the API server does"
        );
        assert_eq!(parse_memory("f", "128Mi"), Ok(134_217_728));
        assert_eq!(parse_memory("f", "1.5Gi"), Ok(1_610_612_736));
        assert_eq!(parse_memory("f", "1G"), Ok(1_000_000_000));
        assert_eq!(parse_memory("f", "512Ki"), Ok(524_288));
        assert_eq!(parse_memory("f", "1048576"), Ok(1_048_576));
    }

    #[test]
    fn a_bad_quantity_names_its_field() {
        for (cpu, memory) in [("1x", "1Mi"), ("", "1Mi"), ("1", "1MB"), ("1", "1..5Gi")] {
            let error = Requests::parse("server.resources.requests", Some(cpu), Some(memory))
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("server.resources.requests.cpu")
                    || error.starts_with("server.resources.requests.memory"),
                "{error}"
            );
            assert!(error.contains("use "), "{error}");
        }
    }

    #[test]
    fn a_limit_without_a_request_is_the_request() {
        let resources = ResourceRequirements {
            limits: Some(BTreeMap::from([
                ("cpu".to_owned(), Quantity("1".to_owned())),
                ("memory".to_owned(), Quantity("1Gi".to_owned())),
            ])),
            ..ResourceRequirements::default()
        };
        assert_eq!(
            Requests::of("r", Some(&resources)),
            Ok(Requests {
                cpu_millis: 1000,
                memory_bytes: 1 << 30
            })
        );
        assert_eq!(
            Requests::of("r", Some(&ResourceRequirements::default())),
            Ok(Requests::ZERO)
        );
        assert_eq!(Requests::of("r", None), Ok(Requests::ZERO));
    }

    #[test]
    fn tolerations_match_taints_by_key_value_and_effect() {
        let taint = Taint {
            key: "dedicated".to_owned(),
            value: "stateful".to_owned(),
            effect: TaintEffect::NoSchedule,
        };
        let pod = Workload::deployment("p", "n", 1, Requests::ZERO);
        assert!(!pod.may_run_on(&BTreeMap::new(), std::slice::from_ref(&taint)));
        let tolerant = pod.clone().with_tolerations(vec![Toleration {
            key: "dedicated".to_owned(),
            operator: TolerationOperator::Equal,
            value: "stateful".to_owned(),
            effect: Some(TaintEffect::NoSchedule),
        }]);
        assert!(tolerant.may_run_on(&BTreeMap::new(), std::slice::from_ref(&taint)));
        let wrong_value = pod.with_tolerations(vec![Toleration {
            key: "dedicated".to_owned(),
            operator: TolerationOperator::Equal,
            value: "web".to_owned(),
            effect: None,
        }]);
        assert!(!wrong_value.may_run_on(&BTreeMap::new(), &[taint]));
    }
}
