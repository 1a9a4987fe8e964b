//! The pods Flux itself runs in a cluster, as [`bkt_helm::workload::Workload`]s for the
//! capacity check: the four controllers a `FluxInstance` (or `flux install`) deploys, one
//! replica each, with the requests of their upstream manifests (`config/manager/deployment.yaml`
//! of each controller: source-controller 50m CPU and 64Mi, the others 100m CPU and 64Mi).

use bkt_helm::workload::{Requests, Workload};

const MI: u64 = 1 << 20;

/// The controllers and their requests (millicores, MiB).
const CONTROLLERS: [(&str, u64, u64); 4] = [
    ("source-controller", 50, 64),
    ("kustomize-controller", 100, 64),
    ("helm-controller", 100, 64),
    ("notification-controller", 100, 64),
];

/// Flux's controllers in `namespace` (`flux-system`).
///
/// ```
/// use bkt_helm::workload::Requests;
///
/// let flux = bkt_flux::runtime::controller_workloads("flux-system");
/// let total = flux.iter().fold(Requests::default(), |sum, pods| sum.plus(pods.requests));
/// assert_eq!(flux.len(), 4);
/// assert_eq!((total.cpu_millis, total.memory_bytes), (350, 256 << 20));
/// ```
#[must_use]
pub fn controller_workloads(namespace: &str) -> Vec<Workload> {
    CONTROLLERS
        .iter()
        .map(|&(name, cpu_millis, memory_mib)| {
            Workload::deployment(
                name,
                namespace,
                1,
                Requests {
                    cpu_millis,
                    memory_bytes: memory_mib * MI,
                },
            )
        })
        .collect()
}
