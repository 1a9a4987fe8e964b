//! Value shapes many charts share. The Kubernetes ones (resources, security contexts,
//! environment variables) are k8s-openapi's own types, re-exported here with the constructors the
//! platform uses; the chart-level ones (a service account the chart creates, an on/off switch)
//! are this crate's.
//!
//! Every value a chart gives a default for is an `Option` here (or a section that is left out
//! when nothing in it is set), so a default value renders nothing: the chart's own default
//! applies. Values are built by changing a default:
//!
//! ```
//! use bkt_helm::common::{ServiceAccount, burstable};
//!
//! let resources = burstable("10m", "64Mi", "128Mi");
//! let mut account = ServiceAccount::default();
//! account.name = Some("controller".to_owned());
//! let json = serde_json::to_value(&account).map_err(|e| e.to_string())?;
//! assert_eq!(json, serde_json::json!({ "name": "controller" }));
//! assert_eq!(resources.requests.unwrap_or_default()["cpu"].0, "10m");
//! # Ok::<(), String>(())
//! ```

use std::collections::BTreeMap;

pub use k8s_openapi::api::core::v1::{
    Capabilities, EnvFromSource, EnvVar, EnvVarSource, PodSecurityContext, ResourceRequirements,
    SeccompProfile, SecretEnvSource, SecretKeySelector, SecurityContext,
};
pub use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::Serialize;

/// The annotation that gives a service account its IAM role (IRSA).
pub const IRSA_ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// Whether a value is its type's default: a section with nothing set in it, which the chart
/// values leave out (a Helm chart merges an empty map and a missing key alike).
pub(crate) fn is_unset<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// The platform's shape of a container's resources: a CPU and memory request, a memory limit
/// and no CPU limit (a CPU limit only throttles; memory is what must be bounded).
///
/// ```
/// let resources = bkt_helm::common::burstable("50m", "128Mi", "256Mi");
/// let limits = resources.limits.unwrap_or_default();
/// assert_eq!(limits["memory"].0, "256Mi");
/// assert!(!limits.contains_key("cpu"));
/// ```
#[must_use]
pub fn burstable(cpu: &str, memory: &str, memory_limit: &str) -> ResourceRequirements {
    ResourceRequirements {
        requests: Some(BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])),
        limits: Some(BTreeMap::from([(
            "memory".to_owned(),
            Quantity(memory_limit.to_owned()),
        )])),
        ..ResourceRequirements::default()
    }
}

/// A pod security context that is non-root as `user` (and `fs_group`, when given) with the
/// runtime's default seccomp profile: what Pod Security `restricted` asks of a pod.
///
/// ```
/// let context = bkt_helm::common::restricted_pod(Some(1000), None);
/// assert_eq!((context.run_as_non_root, context.run_as_user), (Some(true), Some(1000)));
/// ```
#[must_use]
pub fn restricted_pod(user: Option<i64>, fs_group: Option<i64>) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: user,
        fs_group,
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_owned(),
            ..SeccompProfile::default()
        }),
        ..PodSecurityContext::default()
    }
}

/// A container security context with no privilege escalation and every capability dropped
/// (Pod Security `restricted`).
///
/// ```
/// let context = bkt_helm::common::restricted_container();
/// assert_eq!(context.allow_privilege_escalation, Some(false));
/// ```
#[must_use]
pub fn restricted_container() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    }
}

/// An environment variable `name` set to `value`.
///
/// ```
/// let variable = bkt_helm::common::env_value("LOG_LEVEL", "info");
/// assert_eq!(variable.value.as_deref(), Some("info"));
/// ```
#[must_use]
pub fn env_value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        ..EnvVar::default()
    }
}

/// An environment variable `name` read from key `key` of Secret `secret`: the secret never
/// appears in values.
///
/// ```
/// let variable = bkt_helm::common::env_from_secret("TOKEN", "api", "token");
/// assert!(variable.value.is_none());
/// ```
#[must_use]
pub fn env_from_secret(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value_from: Some(secret_key(secret, key)),
        ..EnvVar::default()
    }
}

/// A value read from key `key` of Secret `secret`.
///
/// ```
/// let source = bkt_helm::common::secret_key("api", "token");
/// assert_eq!(source.secret_key_ref.map(|r| r.name).as_deref(), Some("api"));
/// ```
#[must_use]
pub fn secret_key(secret: &str, key: &str) -> EnvVarSource {
    EnvVarSource {
        secret_key_ref: Some(SecretKeySelector {
            name: secret.to_owned(),
            key: key.to_owned(),
            ..SecretKeySelector::default()
        }),
        ..EnvVarSource::default()
    }
}

/// Every key of Secret `secret` as an environment variable (an `envFrom` item).
///
/// ```
/// let source = bkt_helm::common::all_keys_of_secret("credentials");
/// assert_eq!(source.secret_ref.map(|r| r.name).as_deref(), Some("credentials"));
/// ```
#[must_use]
pub fn all_keys_of_secret(secret: &str) -> EnvFromSource {
    EnvFromSource {
        secret_ref: Some(SecretEnvSource {
            name: secret.to_owned(),
            ..SecretEnvSource::default()
        }),
        ..EnvFromSource::default()
    }
}

/// The service account a chart creates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct ServiceAccount {
    /// Whether the chart creates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<bool>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl ServiceAccount {
    /// A service account named `name` that the chart creates and that assumes the IAM role
    /// `role_arn` (IRSA).
    ///
    /// ```
    /// let account = bkt_helm::common::ServiceAccount::irsa("vault", "arn:aws:iam::1:role/v");
    /// assert_eq!(
    ///     bkt_core::yaml::to_string(&account)?,
    ///     "create: true\nname: vault\nannotations:\n  eks.amazonaws.com/role-arn: arn:aws:iam::1:role/v\n"
    /// );
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    #[must_use]
    pub fn irsa(name: &str, role_arn: &str) -> Self {
        Self {
            create: Some(true),
            name: Some(name.to_owned()),
            annotations: BTreeMap::from([(IRSA_ROLE_ANNOTATION.to_owned(), role_arn.to_owned())]),
        }
    }
}

/// A section that is only switched on or off (`{ enabled: … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Enabled {
    /// On or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

impl Enabled {
    /// `{ enabled: true }`.
    pub const ON: Self = Self {
        enabled: Some(true),
    };
    /// `{ enabled: false }`.
    pub const OFF: Self = Self {
        enabled: Some(false),
    };
}

/// A section that only creates something or not (`{ create: … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Create {
    /// Whether the chart creates the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create: Option<bool>,
}

impl Create {
    /// `{ create: true }`.
    pub const YES: Self = Self { create: Some(true) };
    /// `{ create: false }`.
    pub const NO: Self = Self {
        create: Some(false),
    };
}

/// A component of a chart that only gets resources (`{ resources: … }`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct WithResources {
    /// Its resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

impl WithResources {
    /// [`burstable`] of the arguments.
    ///
    /// ```
    /// let webhook = bkt_helm::common::WithResources::burstable("10m", "32Mi", "64Mi");
    /// assert_eq!(
    ///     bkt_core::yaml::to_string(&webhook)?,
    ///     "resources:\n  limits:\n    memory: 64Mi\n  requests:\n    cpu: 10m\n    memory: 32Mi\n"
    /// );
    /// # Ok::<(), bkt_core::Error>(())
    /// ```
    #[must_use]
    pub fn burstable(cpu: &str, memory: &str, memory_limit: &str) -> Self {
        Self {
            resources: Some(burstable(cpu, memory, memory_limit)),
        }
    }
}
