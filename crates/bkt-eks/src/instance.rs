//! Facts about the EC2 instance types a node group may use, and what one node offers pods on
//! the EKS-optimized Amazon Linux 2023 AMI (`ami_type = "AL2023_x86_64_STANDARD"`), as the
//! capacity check needs them.
//!
//! - **Max pods** with the VPC CNI (no prefix delegation): ENIs × (IPv4 addresses per ENI − 1)
//!   \+ 2, the formula behind the AMI's `eni-max-pods.txt` (EC2's published ENI limits).
//! - **Allocatable** = capacity − kube-reserved − the hard eviction threshold, as the AMI's
//!   node configuration (`nodeadm`) sets the kubelet; it reserves no system-reserved share.
//!   - kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of the third and
//!     fourth, 0.25 % of every core above four;
//!   - kube-reserved memory: `11 MiB × max pods + 255 MiB`;
//!   - `evictionHard` `memory.available`: 100 MiB.
//!
//!   Capacity is the instance's nominal memory; the kernel's `MemTotal`, which the kubelet
//!   reports, is a few percent below it, so a real node's allocatable memory is that much
//!   lower (a live cluster shows it; the check here is that much optimistic).
//!
//! ```
//! use bkt_eks::instance::InstanceType;
//!
//! let large = InstanceType::find("eks.nodes.instance_types", "t3.large")?;
//! assert_eq!(large.max_pods(), 35);
//! assert_eq!(large.allocatable_cpu_millis(), 1930);
//! assert_eq!(large.allocatable_memory_mib(), 8192 - (11 * 35 + 255) - 100);
//! assert!(InstanceType::find("eks.nodes.instance_types", "z9.huge").is_err());
//! # Ok::<(), bkt_eks::Error>(())
//! ```

use crate::{Error, Result};

/// The node label EKS managed node groups put on every node: `ON_DEMAND` or `SPOT`.
pub const CAPACITY_TYPE_LABEL: &str = "eks.amazonaws.com/capacityType";

/// The node label EKS managed node groups put on every node: the group's name.
pub const NODEGROUP_LABEL: &str = "eks.amazonaws.com/nodegroup";

/// The kubelet's hard eviction threshold on the AMI (`memory.available`), in MiB.
pub const EVICTION_HARD_MEMORY_MIB: u64 = 100;

/// One EC2 instance type's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceType {
    /// Its name (`t3.large`).
    pub name: &'static str,
    /// Virtual CPUs.
    pub vcpus: u64,
    /// Memory, in MiB.
    pub memory_mib: u64,
    /// The most network interfaces it takes.
    pub enis: u64,
    /// The most IPv4 addresses per interface.
    pub ipv4_per_eni: u64,
}

/// Builds a table row.
const fn row(
    name: &'static str,
    vcpus: u64,
    memory_gib: u64,
    enis: u64,
    ipv4_per_eni: u64,
) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib: memory_gib * 1024,
        enis,
        ipv4_per_eni,
    }
}

/// The instance types the check knows: general-purpose x86 types a platform's node groups
/// commonly use (EC2's published vCPU, memory and ENI limits).
pub const INSTANCE_TYPES: &[InstanceType] = &[
    row("t3.medium", 2, 4, 3, 6),
    row("t3.large", 2, 8, 3, 12),
    row("t3.xlarge", 4, 16, 4, 15),
    row("t3.2xlarge", 8, 32, 4, 15),
    row("t3a.medium", 2, 4, 3, 6),
    row("t3a.large", 2, 8, 3, 12),
    row("t3a.xlarge", 4, 16, 4, 15),
    row("t3a.2xlarge", 8, 32, 4, 15),
    row("m5.large", 2, 8, 3, 10),
    row("m5.xlarge", 4, 16, 4, 15),
    row("m5.2xlarge", 8, 32, 4, 15),
    row("m6i.large", 2, 8, 3, 10),
    row("m6i.xlarge", 4, 16, 4, 15),
    row("m6i.2xlarge", 8, 32, 4, 15),
    row("m6a.large", 2, 8, 3, 10),
    row("m6a.xlarge", 4, 16, 4, 15),
    row("m6a.2xlarge", 8, 32, 4, 15),
    row("m7i.large", 2, 8, 3, 10),
    row("m7i.xlarge", 4, 16, 4, 15),
    row("m7i.2xlarge", 8, 32, 4, 15),
];

impl InstanceType {
    /// The facts of instance type `name`; `field` is where it was given.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when the type is not in [`INSTANCE_TYPES`].
    pub fn find(field: &str, name: &str) -> Result<&'static Self> {
        INSTANCE_TYPES
            .iter()
            .find(|known| known.name == name)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    name,
                    format!(
                        "is not an instance type the capacity check knows: use one of {} (or add its vCPUs, memory and ENI limits to bkt_eks::instance::INSTANCE_TYPES)",
                        INSTANCE_TYPES
                            .iter()
                            .map(|known| known.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    /// The most pods one node runs: `ENIs × (IPv4 per ENI − 1) + 2`.
    #[must_use]
    pub fn max_pods(&self) -> u64 {
        self.enis * self.ipv4_per_eni.saturating_sub(1) + 2
    }

    /// CPU the kubelet reserves for Kubernetes' own daemons, in millicores.
    #[must_use]
    pub fn kube_reserved_cpu_millis(&self) -> u64 {
        // Per core: 60 m for the first, 10 m for the second, 5 m for the third and fourth,
        // 2.5 m for each further core (in tenths of a millicore, then rounded down).
        let tenths: u64 = (1..=self.vcpus)
            .map(|core| match core {
                1 => 600,
                2 => 100,
                3 | 4 => 50,
                _ => 25,
            })
            .sum();
        tenths / 10
    }

    /// Memory the kubelet reserves for Kubernetes' own daemons, in MiB.
    #[must_use]
    pub fn kube_reserved_memory_mib(&self) -> u64 {
        11 * self.max_pods() + 255
    }

    /// CPU pods may request on one node, in millicores.
    #[must_use]
    pub fn allocatable_cpu_millis(&self) -> u64 {
        (self.vcpus * 1000).saturating_sub(self.kube_reserved_cpu_millis())
    }

    /// Memory pods may request on one node, in MiB.
    #[must_use]
    pub fn allocatable_memory_mib(&self) -> u64 {
        self.memory_mib
            .saturating_sub(self.kube_reserved_memory_mib())
            .saturating_sub(EVICTION_HARD_MEMORY_MIB)
    }
}

/// One pod an EKS add-on runs (the add-ons the eks module installs), as the capacity check
/// counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddonPod {
    /// The workload's name.
    pub name: &'static str,
    /// Its namespace.
    pub namespace: &'static str,
    /// `true`: a `DaemonSet` (one pod per node); `false`: a `Deployment` of `replicas`.
    pub daemon_set: bool,
    /// Pods of a `Deployment`.
    pub replicas: u32,
    /// One pod's CPU request, in millicores (its containers together).
    pub cpu_millis: u64,
    /// One pod's memory request, in MiB (its containers together).
    pub memory_mib: u64,
}

/// The pods of the add-ons the eks module installs (`vpc-cni`, `kube-proxy`, `coredns`,
/// `aws-ebs-csi-driver`) with their default configuration's requests: `aws-node` 25 m for each
/// of its two containers; `kube-proxy` 100 m; `coredns` two replicas of 100 m and 70 MiB;
/// the EBS CSI controller two replicas of five containers at 10 m and 40 MiB each, its node
/// `DaemonSet` three containers at 10 m and 40 MiB each.
pub const ADDON_PODS: &[AddonPod] = &[
    AddonPod {
        name: "aws-node",
        namespace: "kube-system",
        daemon_set: true,
        replicas: 0,
        cpu_millis: 50,
        memory_mib: 0,
    },
    AddonPod {
        name: "kube-proxy",
        namespace: "kube-system",
        daemon_set: true,
        replicas: 0,
        cpu_millis: 100,
        memory_mib: 0,
    },
    AddonPod {
        name: "ebs-csi-node",
        namespace: "kube-system",
        daemon_set: true,
        replicas: 0,
        cpu_millis: 30,
        memory_mib: 120,
    },
    AddonPod {
        name: "coredns",
        namespace: "kube-system",
        daemon_set: false,
        replicas: 2,
        cpu_millis: 100,
        memory_mib: 70,
    },
    AddonPod {
        name: "ebs-csi-controller",
        namespace: "kube-system",
        daemon_set: false,
        replicas: 2,
        cpu_millis: 50,
        memory_mib: 200,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_pods_match_the_published_eni_max_pods_values() {
        // eni-max-pods.txt of the EKS AMI.
        for (name, published) in [
            ("t3.medium", 17),
            ("t3.large", 35),
            ("t3.xlarge", 58),
            ("m5.large", 29),
            ("m6i.large", 29),
            ("m6i.xlarge", 58),
            ("m6a.xlarge", 58),
            ("m6i.2xlarge", 58),
        ] {
            let found = InstanceType::find("f", name).unwrap();
            assert_eq!(found.max_pods(), published, "{name}");
        }
    }

    #[test]
    fn kube_reserved_cpu_follows_the_per_core_steps() {
        let cpu = |name| {
            InstanceType::find("f", name)
                .unwrap()
                .kube_reserved_cpu_millis()
        };
        assert_eq!(cpu("t3.large"), 70);
        assert_eq!(cpu("m6i.xlarge"), 80);
        assert_eq!(cpu("m6i.2xlarge"), 90);
    }

    #[test]
    fn an_unknown_instance_type_names_the_field_and_the_known_ones() {
        let error = InstanceType::find("eks.nodes.instance_types", "t2.nano")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("eks.nodes.instance_types: \"t2.nano\" is invalid"),
            "{error}"
        );
        assert!(error.contains("t3.large"), "{error}");
    }
}
