//! The platform's Ingresses on the shared load balancers.

use crate::gitops::configs::Alb;
use bkt_flux::compose::ingress;
use bkt_flux::{ManifestFile, Result};

/// An Ingress on `alb`: [`ingress`] with the ALB's class and the annotations every Ingress of
/// that class shares (its frontend security group).
pub(super) fn alb_ingress(
    alb: &Alb,
    name: &str,
    host: &str,
    backend: (&str, i32),
    annotations: &[(&str, &str)],
    why: Option<&str>,
) -> Result<ManifestFile> {
    let shared = alb.annotations();
    let all: Vec<(&str, &str)> = annotations
        .iter()
        .copied()
        .chain(shared.iter().map(|(key, value)| (*key, value.as_str())))
        .collect();
    ingress(name, alb.class, host, backend, &all, why)
}
