//! The kustomize components of `infrastructure/components/`: `namespace-baseline` (deny all
//! traffic, then allow DNS and Prometheus scraping) and `egress-https` (egress on 443 for
//! controllers that call the Kubernetes or AWS APIs) — and the typed `NetworkPolicy` and
//! `Namespace` builders the folders that include them use for their own allows.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::kustomize::Component;
use crate::{GitOpsTree, Manifest, ManifestFile, Result};

/// The folder of the `namespace-baseline` component, relative to `gitops/`.
pub const NAMESPACE_BASELINE: &str = "infrastructure/components/namespace-baseline";

/// The folder of the `egress-https` component, relative to `gitops/`.
pub const EGRESS_HTTPS: &str = "infrastructure/components/egress-https";

/// The label Kubernetes sets on every namespace to its own name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A label selector matching `pairs` (none: every pod, `{}`).
#[must_use]
pub fn labels(pairs: &[(&str, &str)]) -> LabelSelector {
    LabelSelector {
        match_labels: (!pairs.is_empty()).then(|| {
            pairs
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect()
        }),
        ..LabelSelector::default()
    }
}

/// A TCP port of a rule.
#[must_use]
pub fn tcp(port: i32) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(port)),
        protocol: Some("TCP".to_owned()),
        ..NetworkPolicyPort::default()
    }
}

/// A UDP port of a rule.
#[must_use]
pub fn udp(port: i32) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(port)),
        protocol: Some("UDP".to_owned()),
        ..NetworkPolicyPort::default()
    }
}

/// Every pod of the namespace named `namespace`.
#[must_use]
pub fn namespace_peer(namespace: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(labels(&[(NAMESPACE_NAME_LABEL, namespace)])),
        ..NetworkPolicyPeer::default()
    }
}

/// The pods `selector` matches in the namespace named `namespace`.
#[must_use]
pub fn pods_in_namespace(namespace: &str, selector: LabelSelector) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector),
        ..namespace_peer(namespace)
    }
}

/// The pods `selector` matches in the policy's own namespace.
#[must_use]
pub fn pods_peer(selector: LabelSelector) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector),
        ..NetworkPolicyPeer::default()
    }
}

/// Every pod of every namespace.
#[must_use]
pub fn any_namespace_peer() -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector::default()),
        ..NetworkPolicyPeer::default()
    }
}

/// One allow of a policy: traffic with `peers` (none: any address) on `ports` (none: any port).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rule {
    /// Who the traffic comes from (ingress) or goes to (egress).
    pub peers: Vec<NetworkPolicyPeer>,
    /// The ports allowed.
    pub ports: Vec<NetworkPolicyPort>,
}

impl Rule {
    /// Traffic with `peers` on `ports`.
    #[must_use]
    pub fn new(
        peers: impl IntoIterator<Item = NetworkPolicyPeer>,
        ports: impl IntoIterator<Item = NetworkPolicyPort>,
    ) -> Self {
        Self {
            peers: peers.into_iter().collect(),
            ports: ports.into_iter().collect(),
        }
    }

    /// Traffic on `ports`, whatever the address (what a webhook called by the API server needs).
    #[must_use]
    pub fn ports(ports: impl IntoIterator<Item = NetworkPolicyPort>) -> Self {
        Self::new([], ports)
    }

    /// Traffic with `peers`, on any port.
    #[must_use]
    pub fn peers(peers: impl IntoIterator<Item = NetworkPolicyPeer>) -> Self {
        Self::new(peers, [])
    }

    fn parts(
        &self,
    ) -> (
        Option<Vec<NetworkPolicyPeer>>,
        Option<Vec<NetworkPolicyPort>>,
    ) {
        (
            (!self.peers.is_empty()).then(|| self.peers.clone()),
            (!self.ports.is_empty()).then(|| self.ports.clone()),
        )
    }
}

/// A `NetworkPolicy`: the pods it selects and, per direction it governs, what it allows (a
/// governed direction without rules denies it).
///
/// ```
/// use bkt_flux::components::{Policy, Rule, labels, namespace_peer, tcp};
///
/// let policy = Policy::new("allow-ingress-controller")
///     .selecting(labels(&[("app.kubernetes.io/name", "grafana")]))
///     .ingress([Rule::new([namespace_peer("ingress")], [tcp(3000)])])
///     .egress([]);
/// assert_eq!(
///     policy.manifest(Some("Only the ingress controller reaches Grafana."))?.render()?,
///     concat!(
///         "# Only the ingress controller reaches Grafana.\n",
///         "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n",
///         "metadata:\n  name: allow-ingress-controller\n",
///         "spec:\n",
///         "  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress\n",
///         "      ports:\n        - port: 3000\n          protocol: TCP\n",
///         "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: grafana\n",
///         // Egress is governed with no rule: every egress is denied.
///         "  policyTypes:\n    - Ingress\n    - Egress\n",
///     )
/// );
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    /// The policy's name.
    pub name: String,
    /// The pods it applies to (`{}`: every pod of the namespace).
    pub pod_selector: LabelSelector,
    /// Ingress allows, when the policy governs ingress.
    pub ingress: Option<Vec<Rule>>,
    /// Egress allows, when the policy governs egress.
    pub egress: Option<Vec<Rule>>,
}

impl Policy {
    /// A policy named `name` over every pod of the namespace, governing nothing yet.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The same policy over the pods `selector` matches.
    #[must_use]
    pub fn selecting(mut self, selector: LabelSelector) -> Self {
        self.pod_selector = selector;
        self
    }

    /// The same policy governing ingress, allowing `rules` (none: deny all ingress).
    #[must_use]
    pub fn ingress(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.ingress = Some(rules.into_iter().collect());
        self
    }

    /// The same policy governing egress, allowing `rules` (none: deny all egress).
    #[must_use]
    pub fn egress(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.egress = Some(rules.into_iter().collect());
        self
    }

    /// The Kubernetes object.
    #[must_use]
    pub fn to_object(&self) -> NetworkPolicy {
        let mut policy_types = Vec::new();
        if self.ingress.is_some() {
            policy_types.push("Ingress".to_owned());
        }
        if self.egress.is_some() {
            policy_types.push("Egress".to_owned());
        }
        let ingress = self
            .ingress
            .as_ref()
            .filter(|rules| !rules.is_empty())
            .map(|rules| {
                rules
                    .iter()
                    .map(|rule| {
                        let (from, ports) = rule.parts();
                        NetworkPolicyIngressRule { from, ports }
                    })
                    .collect()
            });
        let egress = self
            .egress
            .as_ref()
            .filter(|rules| !rules.is_empty())
            .map(|rules| {
                rules
                    .iter()
                    .map(|rule| {
                        let (to, ports) = rule.parts();
                        NetworkPolicyEgressRule { ports, to }
                    })
                    .collect()
            });
        NetworkPolicy {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                ..ObjectMeta::default()
            },
            spec: Some(NetworkPolicySpec {
                egress,
                ingress,
                pod_selector: Some(self.pod_selector.clone()),
                policy_types: Some(policy_types),
            }),
        }
    }

    /// The policy as a document, with `why` above it when given.
    ///
    /// # Errors
    /// [`crate::Error::Core`] if the object does not serialize.
    pub fn manifest(&self, why: Option<&str>) -> Result<Manifest> {
        let manifest = Manifest::new(&self.to_object())?;
        Ok(match why {
            Some(why) => manifest.why(why),
            None => manifest,
        })
    }
}

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
    fn a_governed_direction_without_rules_denies_it() {
        let policy = Policy::new("default-deny")
            .ingress([])
            .egress([])
            .to_object();
        let spec = policy.spec.unwrap_or_default();
        assert_eq!(
            spec.policy_types,
            Some(vec!["Ingress".to_owned(), "Egress".to_owned()])
        );
        assert_eq!((spec.ingress, spec.egress), (None, None));
        assert_eq!(spec.pod_selector, Some(LabelSelector::default()));
    }

    #[test]
    fn a_rule_leaves_out_what_it_does_not_restrict() {
        let policy = Policy::new("p")
            .egress([
                Rule::ports([tcp(443)]),
                Rule::peers([namespace_peer("vault")]),
            ])
            .to_object();
        let egress = policy.spec.unwrap_or_default().egress.unwrap_or_default();
        assert_eq!(egress[0].to, None);
        assert_eq!(egress[0].ports.as_ref().map(Vec::len), Some(1));
        assert_eq!(egress[1].ports, None);
        assert_eq!(
            egress[1]
                .to
                .as_ref()
                .and_then(|to| to[0].namespace_selector.clone()),
            Some(labels(&[(NAMESPACE_NAME_LABEL, "vault")]))
        );
    }

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
