//! The kustomize components of `infrastructure/components/`: `namespace-baseline` (deny all
//! traffic, then allow DNS and Prometheus scraping) and `egress-https` (egress on 443 for
//! controllers that call the Kubernetes or AWS APIs) — and the typed `Namespace` builder of the
//! folders that include them. Their policies, and the allows those folders add, are built with
//! [`crate::network_policy`].

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::kustomize::Component;
use crate::network_policy::{Policy, Rule, labels, pods_in_namespace, tcp, udp};
use crate::{GitOpsTree, Manifest, ManifestFile, Result};

/// The folder of the `namespace-baseline` component, relative to `gitops/`.
pub const NAMESPACE_BASELINE: &str = "infrastructure/components/namespace-baseline";

/// The folder of the `egress-https` component, relative to `gitops/`.
pub const EGRESS_HTTPS: &str = "infrastructure/components/egress-https";

/// A Pod Security Standard level, as the namespace labels name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PodSecurity {
    /// No restriction (host namespaces, host paths).
    Privileged,
    /// The hardened profile every namespace of ours enforces unless it says why not.
    Restricted,
}

impl PodSecurity {
    /// The label value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Restricted => "restricted",
        }
    }
}

/// A namespace of ours: Pod Security `enforce` at `enforce`, `audit` and `warn` at
/// `restricted` (so anything that drifts from the hardened profile is reported).
///
/// ```
/// use bkt_flux::Manifest;
/// use bkt_flux::components::{PodSecurity, namespace};
///
/// let yaml = Manifest::new(&namespace("fluent-bit", PodSecurity::Privileged))?.render()?;
/// assert!(yaml.contains("    pod-security.kubernetes.io/enforce: privileged\n"));
/// assert!(yaml.contains("    pod-security.kubernetes.io/audit: restricted\n"));
/// assert!(yaml.contains("    pod-security.kubernetes.io/warn: restricted\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[must_use]
pub fn namespace(name: &str, enforce: PodSecurity) -> Namespace {
    let label = |mode: &str| {
        let mut key = String::from("pod-security.kubernetes.io/");
        key.push_str(mode);
        key
    };
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(BTreeMap::from([
                (label("enforce"), enforce.as_str().to_owned()),
                (label("audit"), PodSecurity::Restricted.as_str().to_owned()),
                (label("warn"), PodSecurity::Restricted.as_str().to_owned()),
            ])),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// A kustomize component folder: its `kustomization.yaml` (with the comment saying who
/// includes it and why) and the files it lists.
///
/// The two components this crate ships, added to a tree:
///
/// ```
/// use bkt_flux::GitOpsTree;
/// use bkt_flux::components::{self, EGRESS_HTTPS, NAMESPACE_BASELINE};
///
/// let baseline = components::namespace_baseline()?;
/// assert_eq!(baseline.path, NAMESPACE_BASELINE);
///
/// let mut tree = GitOpsTree::new("gitops", &[]);
/// components::add_to(&mut tree)?;
/// let files = tree.to_tree("my-generator")?;
/// let listing = String::from_utf8_lossy(
///     files.get(&format!("{EGRESS_HTTPS}/kustomization.yaml")).unwrap_or_default(),
/// );
/// assert!(listing.contains("kind: Component\n"));
/// let https = listing.lines().filter_map(|line| line.strip_prefix("  - ")).collect::<Vec<_>>();
/// assert_eq!(https.len(), 1);
/// let policy = String::from_utf8_lossy(
///     files.get(&format!("{EGRESS_HTTPS}/{}", https[0])).unwrap_or_default(),
/// );
/// assert!(policy.contains("  - ports:\n        - port: 443\n          protocol: TCP\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentFolder {
    /// The folder, relative to `gitops/`.
    pub path: String,
    /// Why the component exists: the comment above its `kustomization.yaml`.
    pub why: String,
    /// Its files, in the order the component lists them: file name and document.
    pub files: Vec<(String, Manifest)>,
}

impl ComponentFolder {
    /// Adds the folder's files and its `kustomization.yaml` to `tree`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when a path is taken or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        let path = |file: &str| {
            let mut path = self.path.clone();
            path.push('/');
            path.push_str(file);
            path
        };
        for (name, manifest) in &self.files {
            tree.insert(path(name), ManifestFile::single(manifest.clone()))?;
        }
        let component = Component {
            resources: self.files.iter().map(|(name, _)| name.clone()).collect(),
            ..Component::default()
        };
        tree.insert(
            path("kustomization.yaml"),
            ManifestFile::single(Manifest::new(&component)?.why(self.why.clone())),
        )
    }
}

/// `namespace-baseline`: deny all traffic, then allow DNS and Prometheus scraping.
///
/// # Errors
/// [`crate::Error::Core`] if a document does not serialize.
pub fn namespace_baseline() -> Result<ComponentFolder> {
    let default_deny = Policy::new("default-deny").ingress([]).egress([]);
    let allow_dns = Policy::new("allow-dns").egress([Rule::new(
        [pods_in_namespace(
            "kube-system",
            labels(&[("k8s-app", "kube-dns")]),
        )],
        [udp(53), tcp(53)],
    )]);
    let allow_scrape =
        Policy::new("allow-prometheus-scrape").ingress([Rule::peers([pods_in_namespace(
            "monitoring",
            labels(&[("app.kubernetes.io/name", "prometheus")]),
        )])]);
    Ok(ComponentFolder {
        path: NAMESPACE_BASELINE.to_owned(),
        why: "Every namespace we own includes this component: deny all traffic, then allow only DNS and\nPrometheus scraping. Each component adds its own explicit allows next to its HelmRelease.".to_owned(),
        files: vec![
            ("default-deny.yaml".to_owned(), default_deny.manifest(None)?),
            ("allow-dns.yaml".to_owned(), allow_dns.manifest(None)?),
            (
                "allow-prometheus-scrape.yaml".to_owned(),
                allow_scrape.manifest(Some(
                    "Metrics ports differ per chart; the source (Prometheus only) is what we restrict.",
                ))?,
            ),
        ],
    })
}

/// `egress-https`: egress on TCP 443 to any address.
///
/// # Errors
/// [`crate::Error::Core`] if a document does not serialize.
pub fn egress_https() -> Result<ComponentFolder> {
    let allow = Policy::new("allow-https-egress").egress([Rule::ports([tcp(443)])]);
    Ok(ComponentFolder {
        path: EGRESS_HTTPS.to_owned(),
        why: "For controllers that call the Kubernetes API or AWS APIs (STS, Route 53, ELB, KMS): their\nendpoints are outside any pod selector, so the allow is by port only.".to_owned(),
        files: vec![("allow-https-egress.yaml".to_owned(), allow.manifest(None)?)],
    })
}

/// Adds both components to `tree`.
///
/// # Errors
/// [`crate::Error::Core`] when a path is taken or a document does not serialize.
pub fn add_to(tree: &mut GitOpsTree) -> Result<()> {
    namespace_baseline()?.add_to(tree)?;
    egress_https()?.add_to(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_audit_and_warn_at_restricted_whatever_they_enforce() {
        let labels = namespace("monitoring", PodSecurity::Privileged)
            .metadata
            .labels
            .unwrap_or_default();
        assert_eq!(labels["pod-security.kubernetes.io/enforce"], "privileged");
        assert_eq!(labels["pod-security.kubernetes.io/audit"], "restricted");
        assert_eq!(labels["pod-security.kubernetes.io/warn"], "restricted");
    }
}
