//! OpenSearch: the store of the platform's logs, one node for dev.

use std::collections::BTreeMap;

use bkt_sso::{Client, OpenSearch};
use serde::Serialize;

use crate::common::{Enabled, EnvVar, PodSecurityContext, ResourceRequirements, SecurityContext};
use crate::{Chart, Error, Repository, RepositoryKind, Result};

/// The opensearch chart.
pub const CHART: Chart = Chart {
    name: "opensearch",
    version: "3.6.0",
    repository: Repository {
        name: "opensearch",
        url: "https://opensearch-project.github.io/helm-charts/",
        kind: RepositoryKind::Http,
    },
    values_reference: "https://github.com/opensearch-project/helm-charts/blob/main/charts/opensearch/values.yaml",
};

/// The reasons behind the values.
pub const WHY: &[&str] = &[
    "One node for dev: enough for a week of platform logs, small enough for a two-node cluster.",
    "persistence.enableInitChown is off: fsGroup makes the volume writable; the chart's root chown init container would break the restricted Pod Security level.",
    "sysctlInit is off and node.store.allow_mmap is false: mmap is off, so the node's vm.max_map_count does not matter and no privileged sysctl init container is needed; at dev volume niofs is fast enough.",
    "securityConfig: with SSO wired, the security plugin's config.yml and roles_mapping.yml are replaced (each file mounted on its own, dataComplete false, so the demo users stay): ID tokens from Authentik are accepted with their groups as backend roles, and the demo mappings are kept. The plugin reads these files only when it creates its index on first start; later changes need securityadmin.sh (docs/sign-in.md).",
];

/// The data volume.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Persistence {
    /// On.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Its size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The chart's root chown init container: off (fsGroup makes the volume writable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_init_chown: Option<bool>,
}

/// Configuration files of the node.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Config {
    /// `opensearch.yml`, the node's configuration file.
    #[serde(rename = "opensearch.yml", skip_serializing_if = "Option::is_none")]
    pub opensearch_yml: Option<String>,
}

/// The security plugin's configuration files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct SecurityConfig {
    /// The plugin: on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The files.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub config: SecurityConfigFiles,
}

/// The security plugin's files, given as data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct SecurityConfigFiles {
    /// Off: each file is mounted on its own, the others (internal users, roles) stay the
    /// image's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_complete: Option<bool>,
    /// File name → content.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, String>,
}

/// A file's `_meta` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct Meta {
    r#type: &'static str,
    config_version: u32,
}

/// `config.yml` of the security plugin.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct PluginConfig {
    _meta: Meta,
    config: PluginConfigBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct PluginConfigBody {
    dynamic: Dynamic,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct Dynamic {
    http: DynamicHttp,
    authc: Authc,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct DynamicHttp {
    anonymous_auth_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct Authc {
    basic_internal_auth_domain: AuthDomain,
    openid_auth_domain: AuthDomain,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct AuthDomain {
    description: &'static str,
    http_enabled: bool,
    transport_enabled: bool,
    order: u32,
    http_authenticator: HttpAuthenticator,
    authentication_backend: Backend,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct HttpAuthenticator {
    r#type: &'static str,
    challenge: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<OpenIdConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct OpenIdConfig {
    subject_key: &'static str,
    roles_key: &'static str,
    openid_connect_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct Backend {
    r#type: &'static str,
}

/// One role's mapping in `roles_mapping.yml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
struct RoleMapping {
    reserved: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    backend_roles: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    users: Vec<String>,
}

/// `roles_mapping.yml` of the security plugin.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct RolesMapping {
    _meta: Meta,
    #[serde(flatten)]
    roles: BTreeMap<&'static str, RoleMapping>,
}

/// The demo configuration's mappings that the platform keeps: the admin user (backend role
/// `admin`) has everything, the Dashboards' server user its own role.
fn demo_mappings() -> BTreeMap<&'static str, RoleMapping> {
    let backend = |roles: &[&str]| RoleMapping {
        backend_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        ..RoleMapping::default()
    };
    BTreeMap::from([
        ("all_access", backend(&["admin"])),
        ("readall", backend(&["readall"])),
        ("kibana_user", backend(&["kibanauser"])),
        (
            "kibana_server",
            RoleMapping {
                reserved: true,
                users: vec!["kibanaserver".to_owned()],
                ..RoleMapping::default()
            },
        ),
        (
            "own_index",
            RoleMapping {
                users: vec!["*".to_owned()],
                ..RoleMapping::default()
            },
        ),
    ])
}

fn yaml<T: Serialize>(what: &str, value: &T) -> Result<String> {
    bkt_core::yaml::to_string(value).map_err(|e| Error::Yaml {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

/// The platform's values for OpenSearch.
///
/// ```
/// use bkt_helm::charts::opensearch::{self, Values};
/// use bkt_helm::common::Enabled;
///
/// let mut values = Values::default();
/// values.single_node = Some(true);
/// values.replicas = Some(1);
/// values.persistence.size = Some("20Gi".into());
/// values.sysctl_init = Enabled::OFF;
/// assert_eq!(
///     bkt_core::yaml::to_string(&values)?,
///     "singleNode: true\nreplicas: 1\npersistence:\n  size: 20Gi\nsysctlInit:\n  enabled: false\n"
/// );
///
/// // One node, keeping its index on its volume (persistence is the chart's default).
/// let pods = opensearch::workloads(&values, "logging")?;
/// assert_eq!((pods[0].replicas, pods[0].stateful), (1, true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// One node, no cluster formation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single_node: Option<bool>,
    /// Nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// The JVM's heap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opensearch_java_opts: Option<String>,
    /// Resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The data volume.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub persistence: Persistence,
    /// The privileged sysctl init container: off, mmap is off.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub sysctl_init: Enabled,
    /// Configuration files.
    #[serde(skip_serializing_if = "crate::common::is_unset")]
    pub config: Config,
    /// Environment: the initial admin password from its Secret.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_envs: Vec<EnvVar>,
    /// The pod's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_security_context: Option<PodSecurityContext>,
    /// The container's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// The security plugin's configuration: replaced when SSO is wired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_config: Option<SecurityConfig>,
}

impl Values {
    /// Accepts ID tokens of the SSO application `sso` (the Dashboards pass them on): an
    /// `OpenID` authentication domain after the internal users, with the token's `groups` as
    /// backend roles, mapped to the security plugin's roles as the declaration grants.
    ///
    /// # Errors
    /// [`Error::Yaml`] if a file cannot be written (never for these types).
    pub fn with_sso(mut self, domain: &str, sso: &Client<'_, OpenSearch>) -> Result<Self> {
        let config = PluginConfig {
            _meta: Meta {
                r#type: "config",
                config_version: 2,
            },
            config: PluginConfigBody {
                dynamic: Dynamic {
                    http: DynamicHttp {
                        anonymous_auth_enabled: false,
                    },
                    authc: Authc {
                        basic_internal_auth_domain: AuthDomain {
                            description: "Internal users (admin, the Dashboards' server user)",
                            http_enabled: true,
                            transport_enabled: true,
                            order: 0,
                            // No challenge: the Dashboards offer both sign-in methods.
                            http_authenticator: HttpAuthenticator {
                                r#type: "basic",
                                challenge: false,
                                config: None,
                            },
                            authentication_backend: Backend { r#type: "intern" },
                        },
                        openid_auth_domain: AuthDomain {
                            description: "ID tokens from Authentik; groups are backend roles",
                            http_enabled: true,
                            transport_enabled: false,
                            order: 1,
                            http_authenticator: HttpAuthenticator {
                                r#type: "openid",
                                challenge: false,
                                config: Some(OpenIdConfig {
                                    subject_key: "preferred_username",
                                    roles_key: bkt_sso::GROUPS_CLAIM,
                                    openid_connect_url: sso.discovery_url(domain),
                                }),
                            },
                            authentication_backend: Backend { r#type: "noop" },
                        },
                    },
                },
            },
        };
        let mut mappings = demo_mappings();
        for (group, role) in sso.grants() {
            for security_role in role.security_roles() {
                mappings
                    .entry(security_role)
                    .or_default()
                    .backend_roles
                    .push(group.to_string());
            }
        }
        let roles_mapping = RolesMapping {
            _meta: Meta {
                r#type: "rolesmapping",
                config_version: 2,
            },
            roles: mappings,
        };
        self.security_config = Some(SecurityConfig {
            enabled: Some(true),
            config: SecurityConfigFiles {
                data_complete: Some(false),
                data: BTreeMap::from([
                    ("config.yml".to_owned(), yaml("config.yml", &config)?),
                    (
                        "roles_mapping.yml".to_owned(),
                        yaml("roles_mapping.yml", &roles_mapping)?,
                    ),
                ]),
            },
        });
        Ok(self)
    }
}

/// The pods these values produce: the `StatefulSet` of `replicas` nodes (default 3; chart
/// 3.6.0's default `antiAffinity: soft` is a preferred anti-affinity, which constrains nothing),
/// keeping its index on its volume when `persistence.enabled` (default on).
///
/// # Errors
/// [`crate::Error::Invalid`] naming the resources field whose quantity is not one.
pub fn workloads(
    values: &Values,
    namespace: &str,
) -> crate::Result<Vec<crate::workload::Workload>> {
    use crate::workload::{Requests, Workload};
    let mut node = Workload::stateful_set(
        "opensearch-cluster-master",
        namespace,
        values.replicas.unwrap_or(3),
        Requests::of("resources", values.resources.as_ref())?,
    );
    if values.persistence.enabled.unwrap_or(true) {
        node = node.with_data();
    }
    Ok(vec![node])
}
