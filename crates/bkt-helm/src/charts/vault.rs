//! `HashiCorp` Vault: secrets for the platform and the sample app, HA on raft, auto-unsealed by
//! KMS through the pod's IRSA role.
//!
//! Vault's own server configuration is Vault HCL (not Terraform), kept verbatim as
//! `src/charts/vault/server.hcl` and included as text ([`SERVER_CONFIG`]); its `${AWS_REGION}` and
//! `${VAULT_KMS_KEY_ID}` are Flux substitutions that reach Vault already replaced.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::common::{PodSecurityContext, Resources, SecurityContext, ServiceAccount};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Global {
    /// Plain HTTP inside the cluster: TLS ends at the shared ALB.
    pub tls_disable: bool,
}

/// The security contexts of one workload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct SecurityContexts {
    /// The pod's.
    pub pod: PodSecurityContext,
    /// The container's.
    pub container: SecurityContext,
}

impl SecurityContexts {
    /// Vault's user 100 and group 1000, Pod Security `restricted`.
    #[must_use]
    pub fn vault_user() -> Self {
        Self {
            pod: PodSecurityContext {
                run_as_group: Some(1000),
                ..PodSecurityContext::restricted(Some(100), Some(1000))
            },
            container: SecurityContext::restricted(),
        }
    }
}

/// The agent injector (a mutating webhook that adds the Vault agent to annotated pods).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Injector {
    /// On.
    pub enabled: bool,
    /// Replicas.
    pub replicas: u32,
    /// Resources.
    pub resources: Resources,
    /// Security contexts.
    pub security_context: SecurityContexts,
}

/// The UI service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ui {
    /// On.
    pub enabled: bool,
    /// `ClusterIP`: the shared ALB reaches it through an Ingress.
    pub service_type: String,
}

/// A container image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Image {
    /// The repository.
    pub repository: String,
    /// The tag.
    pub tag: String,
}

/// The server's data volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct DataStorage {
    /// On.
    pub enabled: bool,
    /// Its size (`2Gi`).
    pub size: String,
}

/// The server's `StatefulSet`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSet {
    /// Security contexts.
    pub security_context: SecurityContexts,
}

/// High availability.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Ha {
    /// On.
    pub enabled: bool,
    /// Servers.
    pub replicas: u32,
    /// Integrated (raft) storage.
    pub raft: Raft,
}

/// Integrated (raft) storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Raft {
    /// On.
    pub enabled: bool,
    /// Node ids from the pod names.
    pub set_node_id: bool,
    /// The server configuration ([`SERVER_CONFIG`]).
    pub config: String,
}

/// The Vault server.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Server {
    /// The pinned image ([`SERVER_IMAGE_REPOSITORY`], [`SERVER_IMAGE_TAG`]).
    pub image: Image,
    /// Resources.
    pub resources: Resources,
    /// The IRSA service account (KMS auto-unseal, the init secret).
    pub service_account: ServiceAccount,
    /// Environment variables of the server.
    pub extra_environment_vars: BTreeMap<String, String>,
    /// The data volume.
    pub data_storage: DataStorage,
    /// The `StatefulSet`.
    pub stateful_set: StatefulSet,
    /// High availability.
    pub ha: Ha,
}

/// The platform's values for Vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// The objects' name.
    pub fullname_override: String,
    /// Settings for every component.
    pub global: Global,
    /// The agent injector.
    pub injector: Injector,
    /// The UI.
    pub ui: Ui,
    /// The server.
    pub server: Server,
}

/// The pods these values produce (chart 0.34.1's defaults where the values say nothing): the
/// server `StatefulSet` — `server.ha.replicas` pods in HA mode, else one — whose default
/// `server.affinity` is a *required* pod anti-affinity on `kubernetes.io/hostname` and which
/// keeps Raft data on its volume (`server.dataStorage`); and the agent injector `Deployment`,
/// whose default `injector.affinity` is the same required anti-affinity.
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    let name = if values.fullname_override.is_empty() {
        "vault"
    } else {
        values.fullname_override.as_str()
    };
    let replicas = if values.server.ha.enabled {
        values.server.ha.replicas
    } else {
        1
    };
    let mut server = Workload::stateful_set(
        name,
        namespace,
        replicas,
        Requests::of("server.resources", &values.server.resources)?,
    )
    .with_required_hostname_anti_affinity();
    if values.server.data_storage.enabled {
        server = server.with_data();
    }
    let mut workloads = vec![server];
    if values.injector.enabled {
        workloads.push(
            Workload::deployment(
                &format!("{name}-agent-injector"),
                namespace,
                values.injector.replicas,
                Requests::of("injector.resources", &values.injector.resources)?,
            )
            .with_required_hostname_anti_affinity(),
        );
    }
    Ok(workloads)
}
