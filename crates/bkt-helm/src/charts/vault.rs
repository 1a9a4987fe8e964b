//! `HashiCorp` Vault: secrets for the platform and the sample app, HA on raft, auto-unsealed by
//! KMS through the pod's IRSA role.
//!
//! Vault's own server configuration is Vault HCL (not Terraform), kept verbatim as
//! `src/charts/vault/server.hcl` and included as text ([`SERVER_CONFIG`]); its `${AWS_REGION}` and
//! `${VAULT_KMS_KEY_ID}` are Flux substitutions that reach Vault already replaced.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::common::{
    PodSecurityContext, ResourceRequirements, SecurityContext, ServiceAccount,
    restricted_container, restricted_pod,
};
use crate::{Chart, Repository, RepositoryKind};

/// The vault chart (`HashiCorp`).
pub const CHART: Chart = Chart {
    name: "vault",
    version: "0.34.1",
    repository: Repository {
        name: "hashicorp",
        url: "https://helm.releases.hashicorp.com",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/hashicorp/vault-helm/blob/main/values.yaml",
};

/// The Vault server image. Pinned here, not left to the chart's default, because the bootstrap
/// Job (infrastructure/vault-bootstrap) runs the same image; 2.0.2 or newer: 2.0.1's binary
/// carried the `cap_ipc_lock` file capability, which Pod Security `restricted` (all
/// capabilities dropped) cannot execute.
pub const SERVER_IMAGE_REPOSITORY: &str = "hashicorp/vault";

/// The Vault server image's tag (see [`SERVER_IMAGE_REPOSITORY`]).
pub const SERVER_IMAGE_TAG: &str = "2.0.4";

/// The HA server configuration: raft storage joined through the headless service, and
/// auto-unseal with the KMS key through the pod's IRSA role, so restarts come back unsealed.
pub const SERVER_CONFIG: &str = include_str!("vault/server.hcl");

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "Vault, not OpenBao: the agent injector and the Vault provider of External Secrets are the integrations the sample app and the platform use, and both are maintained against Vault. OpenBao is API-compatible; switching is a chart and image change (docs/gitops.md).",
    "global.tlsDisable: TLS ends at the shared ALB; in the cluster NetworkPolicies limit who reaches 8200.",
    "server.image is pinned here, not left to the chart's default, because the bootstrap Job (infrastructure/vault-bootstrap) runs the same image; tests/conformance/gitops checks they match. 2.0.2 or newer: 2.0.1's binary carried the cap_ipc_lock file capability, which Pod Security restricted (all capabilities dropped) cannot execute.",
    "server.ha.raft.config: raft storage joined through the headless service, and auto-unseal with the KMS key through the pod's IRSA role, so restarts come back unsealed.",
];

/// Settings for every component.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Global {
    /// Plain HTTP inside the cluster: TLS ends at the shared ALB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_disable: Option<bool>,
}

/// The security contexts of one workload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct SecurityContexts {
    /// The pod's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<PodSecurityContext>,
    /// The container's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<SecurityContext>,
}

impl SecurityContexts {
    /// Vault's user 100 and group 1000, Pod Security `restricted`.
    #[must_use]
    pub fn vault_user() -> Self {
        Self {
            pod: Some(PodSecurityContext {
                run_as_group: Some(1000),
                ..restricted_pod(Some(100), Some(1000))
            }),
            container: Some(restricted_container()),
        }
    }
}

/// The agent injector (a mutating webhook that adds the Vault agent to annotated pods).
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Injector {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Security contexts.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub security_context: SecurityContexts,
}

/// The UI service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Ui {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `ClusterIP`: the shared ALB reaches it through an Ingress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
}

/// A container image.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Image {
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// The server's data volume.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DataStorage {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Its size (`2Gi`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
}

/// The server's `StatefulSet`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct StatefulSet {
    /// Security contexts.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub security_context: SecurityContexts,
}

/// High availability.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Ha {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Servers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Integrated (raft) storage.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub raft: Raft,
}

/// Integrated (raft) storage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Raft {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Node ids from the pod names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_node_id: Option<bool>,
    /// The server configuration ([`SERVER_CONFIG`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

/// The Vault server.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Server {
    /// The pinned image ([`SERVER_IMAGE_REPOSITORY`], [`SERVER_IMAGE_TAG`]).
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub image: Image,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The IRSA service account (KMS auto-unseal, the init secret).
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub service_account: ServiceAccount,
    /// Environment variables of the server.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_environment_vars: BTreeMap<String, String>,
    /// The data volume.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub data_storage: DataStorage,
    /// The `StatefulSet`.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub stateful_set: StatefulSet,
    /// High availability.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub ha: Ha,
}

/// The platform's values for Vault.
///
/// ```
/// use bkt_helm::charts::vault::{self, SecurityContexts, Values};
/// use bkt_helm::common::ServiceAccount;
///
/// let mut values = Values::default();
/// values.injector.enabled = Some(false);
/// values.server.ha.enabled = Some(true);
/// values.server.ha.raft.enabled = Some(true);
/// values.server.service_account = ServiceAccount::irsa("vault", "${VAULT_ROLE_ARN}");
/// values.server.stateful_set.security_context = SecurityContexts::vault_user();
/// let yaml = bkt_core::yaml::to_string(&values)?;
/// assert!(yaml.starts_with("injector:\n  enabled: false\n"));
/// assert!(yaml.contains("  ha:\n    enabled: true\n    raft:\n      enabled: true\n"));
///
/// // Three Raft members (the chart's default), never two on one node, each keeping its data;
/// // no injector.
/// let pods = vault::workloads(&values, "vault")?;
/// assert_eq!(pods.len(), 1);
/// assert_eq!((pods[0].replicas, pods[0].hostname_anti_affinity, pods[0].stateful), (3, true, true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname_override: Option<String>,
    /// Settings for every component.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub global: Global,
    /// The agent injector.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub injector: Injector,
    /// The UI.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub ui: Ui,
    /// The server.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub server: Server,
}

/// The pods these values produce (chart 0.34.1's defaults where the values say nothing): the
/// server `StatefulSet` — `server.ha.replicas` pods (default 3) in HA mode (default off), else
/// one — whose default
/// `server.affinity` is a *required* pod anti-affinity on `kubernetes.io/hostname` and which
/// keeps Raft data on its volume (`server.dataStorage`, default on); and the agent injector
/// `Deployment` (default on, one replica), whose default `injector.affinity` is the same
/// required anti-affinity.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    let name = values
        .fullname_override
        .as_deref()
        .filter(|name| !name.is_empty())
        .unwrap_or("vault");
    let replicas = if values.server.ha.enabled.unwrap_or(false) {
        values.server.ha.replicas.unwrap_or(3)
    } else {
        1
    };
    let mut server = Workload::stateful_set(
        name,
        namespace,
        replicas,
        Requests::of("server.resources", values.server.resources.as_ref())?,
    )
    .with_required_hostname_anti_affinity();
    if values.server.data_storage.enabled.unwrap_or(true) {
        server = server.with_data();
    }
    let mut workloads = vec![server];
    if values.injector.enabled.unwrap_or(true) {
        workloads.push(
            Workload::deployment(
                &format!("{name}-agent-injector"),
                namespace,
                values.injector.replicas.unwrap_or(1),
                Requests::of("injector.resources", values.injector.resources.as_ref())?,
            )
            .with_required_hostname_anti_affinity(),
        );
    }
    Ok(workloads)
}
