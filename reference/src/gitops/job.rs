//! The one shape of the reference platform's scripted Jobs (the Vault bootstrap and OIDC Jobs,
//! the logs' setup Job): scripts from a generated `ConfigMap`, Pod Security `restricted`, no
//! service-account token, restarts inside the pod, forced replacement when the template changes.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapVolumeSource, Container, EmptyDirVolumeSource, PodSecurityContext,
    PodSpec, PodTemplateSpec, SeccompProfile, SecurityContext, Volume,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// A scripted Job's parts; [`ScriptedPod::job`] assembles the rest.
pub(crate) struct ScriptedPod {
    /// The Job's name (usually ending in its scripts' content hash).
    pub name: String,
    /// The labels of the Job and its pod.
    pub labels: BTreeMap<String, String>,
    /// The user and group the pod runs as (non-root).
    pub uid: i64,
    /// How long the Job may run, retries included.
    pub active_deadline_seconds: i64,
    /// The pod's service account, when it needs an identity (an IRSA role).
    pub service_account: Option<String>,
    /// Containers that run first, in order.
    pub init_containers: Option<Vec<Container>>,
    /// The containers.
    pub containers: Vec<Container>,
    /// The pod's volumes.
    pub volumes: Vec<Volume>,
}

impl ScriptedPod {
    /// The Job: four retries, `OnFailure` restarts, `kustomize.toolkit.fluxcd.io/force` so a
    /// changed pod template replaces it instead of failing on an immutable field.
    pub(crate) fn job(self) -> Job {
        Job {
            metadata: ObjectMeta {
                name: Some(self.name),
                labels: Some(self.labels.clone()),
                annotations: Some(BTreeMap::from([(
                    "kustomize.toolkit.fluxcd.io/force".to_owned(),
                    "enabled".to_owned(),
                )])),
                ..ObjectMeta::default()
            },
            spec: Some(JobSpec {
                backoff_limit: Some(4),
                active_deadline_seconds: Some(self.active_deadline_seconds),
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(self.labels),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(PodSpec {
                        service_account_name: self.service_account,
                        automount_service_account_token: Some(false),
                        restart_policy: Some("OnFailure".into()),
                        security_context: Some(PodSecurityContext {
                            run_as_non_root: Some(true),
                            run_as_user: Some(self.uid),
                            run_as_group: Some(self.uid),
                            seccomp_profile: Some(SeccompProfile {
                                type_: "RuntimeDefault".into(),
                                ..SeccompProfile::default()
                            }),
                            ..PodSecurityContext::default()
                        }),
                        init_containers: self.init_containers,
                        containers: self.containers,
                        volumes: Some(self.volumes),
                        ..PodSpec::default()
                    }),
                },
                ..JobSpec::default()
            }),
            ..Job::default()
        }
    }
}

/// Volume `scripts`: the generated `ConfigMap` `config_map`.
pub(crate) fn scripts_volume(config_map: &str) -> Volume {
    Volume {
        name: "scripts".into(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map.into(),
            ..ConfigMapVolumeSource::default()
        }),
        ..Volume::default()
    }
}

/// An `emptyDir` volume `name` of at most `size`, in memory when `memory` (nothing in it touches
/// a disk) or on the node's disk otherwise.
pub(crate) fn empty_dir_volume(name: &str, size: &str, memory: bool) -> Volume {
    Volume {
        name: name.into(),
        empty_dir: Some(EmptyDirVolumeSource {
            medium: memory.then(|| "Memory".into()),
            size_limit: Some(Quantity(size.to_owned())),
        }),
        ..Volume::default()
    }
}

/// A scripted Job's container context for Pod Security `restricted`: no privilege escalation, a
/// read-only root filesystem, every capability dropped.
pub(crate) fn restricted_container() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            ..Capabilities::default()
        }),
        ..SecurityContext::default()
    }
}
