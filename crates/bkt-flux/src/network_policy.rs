//! The one typed builder of Kubernetes `NetworkPolicy` objects: a [`Policy`] selects pods and,
//! per direction it governs, lists [`Rule`]s; the selector ([`labels`], [`app`]), peer
//! ([`pods_peer`], [`namespace_peer`], [`pods_in_namespace`], [`any_namespace_peer`]) and port
//! ([`tcp`], [`udp`]) helpers make the parts.
//!
//! The kustomize components ([`crate::components`]), a controller's allows
//! ([`crate::controllers`], `helm` feature) and a platform's own components all build their
//! policies here; the builder needs neither the `helm` nor the `sso` feature.
//!
//! A rule leaves out what it does not restrict (no peers: any address; no ports: any port), and a
//! governed direction without rules renders no rule list, which denies that direction.

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::{Manifest, Result};

/// The label that names an app (`app.kubernetes.io/name`), which [`app`] selects on.
pub const APP_NAME: &str = "app.kubernetes.io/name";

/// The label Kubernetes sets on every namespace to its own name, which [`namespace_peer`]
/// selects on.
pub const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// A label selector matching every pair of `pairs` (none: every pod, `{}`).
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

/// The pods of the app `name`: the selector of [`APP_NAME`]` = name`.
#[must_use]
pub fn app(name: &str) -> LabelSelector {
    labels(&[(APP_NAME, name)])
}

/// A TCP port of a rule.
#[must_use]
pub fn tcp(port: i32) -> NetworkPolicyPort {
    port_of("TCP", port)
}

/// A UDP port of a rule.
#[must_use]
pub fn udp(port: i32) -> NetworkPolicyPort {
    port_of("UDP", port)
}

fn port_of(protocol: &str, port: i32) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(port)),
        protocol: Some(protocol.to_owned()),
        ..NetworkPolicyPort::default()
    }
}

/// A peer: every pod of the namespace named `namespace`.
#[must_use]
pub fn namespace_peer(namespace: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(labels(&[(NAMESPACE_NAME, namespace)])),
        ..NetworkPolicyPeer::default()
    }
}

/// A peer: the pods `selector` matches in the namespace named `namespace`.
#[must_use]
pub fn pods_in_namespace(namespace: &str, selector: LabelSelector) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector),
        ..namespace_peer(namespace)
    }
}

/// A peer: the pods `selector` matches in the policy's own namespace.
#[must_use]
pub fn pods_peer(selector: LabelSelector) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector),
        ..NetworkPolicyPeer::default()
    }
}

/// A peer: every pod of every namespace.
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

    /// Traffic on `ports`, whatever the address (what a webhook called by the API server, or a
    /// load balancer outside the pod network, needs).
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
/// use bkt_flux::network_policy::{Policy, Rule, app, namespace_peer, pods_peer, tcp};
///
/// let policy = Policy::new("allow-wiki")
///     .selecting(app("wiki"))
///     .ingress([Rule::new([namespace_peer("ingress")], [tcp(3000)])])
///     .egress([Rule::new([pods_peer(app("postgres"))], [tcp(5432)])]);
/// assert_eq!(
///     policy.manifest(Some("Only the ingress controller reaches the wiki."))?.render()?,
///     concat!(
///         "# Only the ingress controller reaches the wiki.\n",
///         "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n",
///         "metadata:\n  name: allow-wiki\n",
///         "spec:\n",
///         "  egress:\n    - ports:\n        - port: 5432\n          protocol: TCP\n",
///         "      to:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: postgres\n",
///         "  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress\n",
///         "      ports:\n        - port: 3000\n          protocol: TCP\n",
///         "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: wiki\n",
///         "  policyTypes:\n    - Ingress\n    - Egress\n",
///     )
/// );
///
/// // Egress governed with no rule: every egress is denied, and no rule list is written.
/// let isolated = Policy::new("isolated").selecting(app("wiki")).egress([]);
/// assert!(isolated.manifest(None)?.render()?.ends_with(concat!(
///     "spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: wiki\n",
///     "  policyTypes:\n    - Egress\n",
/// )));
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
        let rules = |rules: &Option<Vec<Rule>>| {
            rules
                .as_ref()
                .filter(|rules| !rules.is_empty())
                .map(|rules| rules.iter().map(Rule::parts).collect::<Vec<_>>())
        };
        let ingress = rules(&self.ingress).map(|rules| {
            rules
                .into_iter()
                .map(|(from, ports)| NetworkPolicyIngressRule { from, ports })
                .collect()
        });
        let egress = rules(&self.egress).map(|rules| {
            rules
                .into_iter()
                .map(|(to, ports)| NetworkPolicyEgressRule { ports, to })
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
            Some(labels(&[(NAMESPACE_NAME, "vault")]))
        );
    }
}
