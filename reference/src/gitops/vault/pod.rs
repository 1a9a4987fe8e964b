//! The parts of a Vault Job's pod: its containers and volumes.

use crate::gitops::job::{empty_dir_volume, restricted_container, scripts_volume};
use k8s_openapi::api::core::v1::{Container, EnvVar, ResourceRequirements, Volume, VolumeMount};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// One container of a Vault Job: its command, environment, resources, the restricted security
/// context, and the three volumes mounted.
pub(super) fn container<const N: usize>(
    name: &str,
    image: &str,
    command: [&str; N],
    env: &[(&str, &str)],
    memory_limit: &str,
) -> Container {
    let quantity = |text: &str| Quantity(text.to_owned());
    let mount = |name: &str, path: &str, read_only: bool| VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: read_only.then_some(true),
        ..VolumeMount::default()
    };
    Container {
        name: name.into(),
        image: Some(image.into()),
        command: Some(command.iter().map(|part| (*part).to_owned()).collect()),
        env: Some(
            env.iter()
                .map(|(name, value)| EnvVar {
                    name: (*name).to_owned(),
                    value: Some((*value).to_owned()),
                    ..EnvVar::default()
                })
                .collect(),
        ),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_owned(), quantity("10m")),
                ("memory".to_owned(), quantity("64Mi")),
            ])),
            limits: Some(BTreeMap::from([(
                "memory".to_owned(),
                quantity(memory_limit),
            )])),
            ..ResourceRequirements::default()
        }),
        security_context: Some(restricted_container()),
        volume_mounts: Some(vec![
            mount("scripts", "/scripts", true),
            mount("bootstrap", "/bootstrap", false),
            mount("tmp", "/tmp", false),
        ]),
        ..Container::default()
    }
}

/// The scripts' `ConfigMap` `name`, the memory volume of the init output and root token, and
/// `/tmp`.
pub(super) fn volumes(name: &str) -> Vec<Volume> {
    vec![
        scripts_volume(name),
        empty_dir_volume("bootstrap", "1Mi", true),
        empty_dir_volume("tmp", "64Mi", false),
    ]
}
