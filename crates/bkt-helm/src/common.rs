//! Value shapes many charts share: resources, security contexts, environment variables and
//! service accounts, in the Kubernetes field names the charts pass through.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The annotation that gives a service account its IAM role (IRSA).
pub const IRSA_ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// CPU and memory requests and limits of a container.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Resources {
    /// What the scheduler reserves.
    pub requests: ResourceList,
    /// The ceiling.
    pub limits: ResourceList,
}

impl Resources {
    /// The platform's shape: a CPU and memory request, a memory limit and no CPU limit (a CPU
    /// limit only throttles; memory is what must be bounded).
    #[must_use]
    pub fn burstable(cpu: &str, memory: &str, memory_limit: &str) -> Self {
        Self {
            requests: ResourceList {
                cpu: Some(cpu.to_owned()),
                memory: Some(memory.to_owned()),
            },
            limits: ResourceList {
                cpu: None,
                memory: Some(memory_limit.to_owned()),
            },
        }
    }
}

/// Quantities of CPU and memory (`10m`, `64Mi`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct ResourceList {
    /// CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// A pod's security context (the fields the platform sets).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct PodSecurityContext {
    /// Refuse to start a container as root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// The user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// The primary group id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    /// The group that owns mounted volumes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
    /// The seccomp profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<SeccompProfile>,
}

impl PodSecurityContext {
    /// Non-root as `user` (and `fs_group`, when given) with the runtime's default seccomp
    /// profile: what Pod Security `restricted` asks of a pod.
    #[must_use]
    pub fn restricted(user: Option<i64>, fs_group: Option<i64>) -> Self {
        Self {
            run_as_non_root: Some(true),
            run_as_user: user,
            run_as_group: None,
            fs_group,
            seccomp_profile: Some(SeccompProfile::runtime_default()),
        }
    }
}

/// A container's security context (the fields the platform sets).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct SecurityContext {
    /// Whether a process may gain more privileges than its parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// A read-only root filesystem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_root_filesystem: Option<bool>,
    /// Refuse to start as root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// The user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// Linux capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
}

impl SecurityContext {
    /// No privilege escalation and every capability dropped (Pod Security `restricted`).
    #[must_use]
    pub fn restricted() -> Self {
        Self {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities::drop_all()),
            ..Self::default()
        }
    }
}

/// Linux capabilities to drop.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Capabilities {
    /// Dropped capabilities.
    pub drop: Vec<String>,
}

impl Capabilities {
    /// Drop `ALL`.
    #[must_use]
    pub fn drop_all() -> Self {
        Self {
            drop: vec!["ALL".to_owned()],
        }
    }
}

/// A seccomp profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeccompProfile {
    /// `RuntimeDefault`, `Localhost` or `Unconfined`.
    #[serde(rename = "type")]
    pub profile_type: String,
}

impl SeccompProfile {
    /// The container runtime's default profile.
    #[must_use]
    pub fn runtime_default() -> Self {
        Self {
            profile_type: "RuntimeDefault".to_owned(),
        }
    }
}

/// An environment variable: a literal value or a reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// A literal value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value read from elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

impl EnvVar {
    /// `name` set to `value`.
    #[must_use]
    pub fn value(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: Some(value.to_owned()),
            value_from: None,
        }
    }

    /// `name` read from key `key` of Secret `secret`: the secret never appears in values.
    #[must_use]
    pub fn from_secret(name: &str, secret: &str, key: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: KeyRef {
                    name: secret.to_owned(),
                    key: key.to_owned(),
                },
            }),
        }
    }
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvVarSource {
    /// A key of a Secret.
    pub secret_key_ref: KeyRef,
}

/// A key of a named object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct KeyRef {
    /// The object's name.
    pub name: String,
    /// The key.
    pub key: String,
}

/// All keys of a Secret as environment variables (`envFrom`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvFromSource {
    /// The Secret.
    pub secret_ref: NameRef,
}

/// A reference to an object by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct NameRef {
    /// The object's name.
    pub name: String,
}

/// The service account a chart creates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct ServiceAccount {
    /// Whether the chart creates it.
    pub create: bool,
    /// Its name.
    pub name: String,
    /// Its annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl ServiceAccount {
    /// A service account named `name` that assumes the IAM role `role_arn` (IRSA).
    #[must_use]
    pub fn irsa(name: &str, role_arn: &str) -> Self {
        Self {
            create: true,
            name: name.to_owned(),
            annotations: BTreeMap::from([(IRSA_ROLE_ANNOTATION.to_owned(), role_arn.to_owned())]),
        }
    }
}

/// A section that is only switched on or off (`{ enabled: … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Enabled {
    /// On or off.
    pub enabled: bool,
}

impl Enabled {
    /// `{ enabled: true }`.
    pub const ON: Self = Self { enabled: true };
    /// `{ enabled: false }`.
    pub const OFF: Self = Self { enabled: false };
}

/// A section that only creates something or not (`{ create: … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct Create {
    /// Whether the chart creates the object.
    pub create: bool,
}

/// A component of a chart that only gets resources (`{ resources: … }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
pub struct WithResources {
    /// Its resources.
    pub resources: Resources,
}

impl WithResources {
    /// [`Resources::burstable`] of the arguments.
    #[must_use]
    pub fn burstable(cpu: &str, memory: &str, memory_limit: &str) -> Self {
        Self {
            resources: Resources::burstable(cpu, memory, memory_limit),
        }
    }
}
