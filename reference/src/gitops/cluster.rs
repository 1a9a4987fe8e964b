//! The reference platform's cluster entry `clusters/<env>/`: the chain of Flux Kustomizations
//! (controllers → configs → vault bootstrap and platform → vault secrets → apps, with Vault's
//! OIDC sign-in after the bootstrap and the platform) and the `local` flavour, built from the
//! `bkt_flux::cluster` types.

use bkt_flux::Duration;
use bkt_flux::cluster::{ClusterEntry, EntryFile, Layer, LocalOverlay, LocalRelease, LocalRemoval};
use bkt_flux::kinds::{CrossNamespaceSourceReference, SourceKind};

fn layer(
    name: &str,
    depends_on: &[&str],
    (interval, retry_interval, timeout): (Duration, Duration, Duration),
    path: &str,
    why: Option<&str>,
) -> Layer {
    Layer {
        name: name.to_owned(),
        why: why.map(str::to_owned),
        depends_on: depends_on.iter().map(|name| (*name).to_owned()).collect(),
        interval,
        retry_interval,
        timeout,
        path: path.to_owned(),
    }
}

/// The entry of the environment `environment` (`clusters/<environment>/`), with the local
/// flavour when `local_flavour`.
#[must_use]
pub fn entry(environment: &str, local_flavour: bool) -> ClusterEntry {
    ClusterEntry {
        environment: environment.into(),
        namespace: "flux-system".into(),
        source: CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
        cluster_vars: "cluster-vars".into(),
        files: files(environment),
        local: local_flavour.then(local_overlay),
    }
}

/// The files of an environment's entry: infrastructure, platform, apps.
fn files(environment: &str) -> Vec<EntryFile> {
    let hourly = |timeout| (Duration::hours(1), Duration::minutes(2), timeout);
    vec![
        EntryFile {
            name: "infrastructure.yaml".into(),
            layers: vec![
                layer(
                    "infrastructure-controllers",
                    &[],
                    hourly(Duration::minutes(15)),
                    "./gitops/infrastructure/controllers",
                    Some(
                        "The cluster's reconcile chain. flux-system (created by `make up`) applies this folder;\n\
                             each layer below waits for the previous one to be healthy, because later layers use the\n\
                             CRDs, webhooks and StorageClass that earlier layers install.",
                    ),
                ),
                layer(
                    "infrastructure-configs",
                    &["infrastructure-controllers"],
                    hourly(Duration::minutes(10)),
                    "./gitops/infrastructure/configs",
                    None,
                ),
                layer(
                    "infrastructure-vault-bootstrap",
                    &["infrastructure-configs"],
                    hourly(Duration::minutes(30)),
                    "./gitops/infrastructure/vault-bootstrap",
                    Some(
                        "Initialises and configures Vault's core: KV store, Kubernetes auth, the policies and roles of\n\
                             the tree's clients (a Job; wait: true holds this Kustomization until it has completed). It\n\
                             needs Vault's volumes bound, so it follows infrastructure-configs, and nothing else: people's\n\
                             OIDC sign-in, which needs Authentik, is infrastructure-vault-oidc, so no platform service\n\
                             holds back Vault's init, its KV store or Kubernetes auth.\n\
                             The timeout (30m) is longer than the Job's activeDeadlineSeconds (25 min), so the Job's own\n\
                             limit reports first.",
                    ),
                ),
            ],
        },
        EntryFile {
            name: "platform.yaml".into(),
            layers: vec![
                layer(
                    "platform",
                    &["infrastructure-configs"],
                    hourly(Duration::minutes(20)),
                    "./gitops/platform",
                    Some(
                        "Shared platform services (search, SSO, dashboards, databases) need the ALB, the default\n\
                             StorageClass and the secret generators from infrastructure-configs.",
                    ),
                ),
                layer(
                    "infrastructure-vault-secrets",
                    &["platform", "infrastructure-vault-bootstrap"],
                    hourly(Duration::minutes(5)),
                    "./gitops/infrastructure/vault-secrets",
                    Some(
                        "Objects that read or write Vault: they log in with the roles infrastructure-vault-bootstrap\n\
                             creates, and the PushSecret reads the database secret the platform generates. Only the apps\n\
                             wait for them. Not infrastructure-vault-oidc: these objects and the apps log in with\n\
                             Kubernetes auth, never through OIDC, so people's sign-in failing must not hold them back.",
                    ),
                ),
                layer(
                    "infrastructure-vault-oidc",
                    &["platform", "infrastructure-vault-bootstrap"],
                    hourly(Duration::minutes(25)),
                    "./gitops/infrastructure/vault-oidc",
                    Some(
                        "Configures Vault's OIDC sign-in for people (a Job). It needs Authentik's discovery document\n\
                             and the client secret generated in namespace authentik, so it follows the platform, and an\n\
                             initialised Vault whose root token is in Secrets Manager, so it follows\n\
                             infrastructure-vault-bootstrap. No deadlock: nothing in the platform needs Vault, and nothing\n\
                             depends on this layer. The timeout (25m) is longer than the Job's activeDeadlineSeconds (20\n\
                             min).",
                    ),
                ),
            ],
        },
        EntryFile {
            name: "apps.yaml".into(),
            layers: vec![layer(
                "apps",
                &["infrastructure-vault-secrets"],
                (
                    Duration::minutes(10),
                    Duration::minutes(1),
                    Duration::minutes(10),
                ),
                &format!("./gitops/apps/{environment}"),
                Some(
                    "Application workloads come last: they rely on the database operator, the ALB and a configured\n\
                         Vault (the sample app's database DSN reaches it only through Vault).",
                ),
            )],
        },
    ]
}

/// The local flavour: only the apps layer, the sample app without AWS.
fn local_overlay() -> LocalOverlay {
    LocalOverlay {
                name: "local".into(),
                why: "The \"local\" flavour of the dev tree, for the kind e2e run (.github/workflows/e2e.yml,\n\
                      `make e2e-local`). It is the one place that says what a cluster without AWS leaves out;\n\
                      docs/development-workflow.md#end-to-end-on-kind explains each removal.\n\
                      - infrastructure-controllers and -configs: the AWS Load Balancer Controller, external-dns\n  \
                      (Route 53), EBS storage and the ALB IngressClassParams only work on AWS.\n\
                      - platform and infrastructure-vault-bootstrap, -vault-secrets and -vault-oidc: the services\n  \
                      depend on those layers (ALB ingress, EBS volumes, KMS unseal, Secrets Manager), the secret\n  \
                      stores and sign-in on Vault, and they do not fit a CI runner; the apps layer therefore loses\n  \
                      its dependsOn.\n\
                      - sample-app: no Ingress (no ALB), no Vault, no ServiceMonitor CRD, in-memory store; its Helm\n  \
                      test is switched on so helm-controller runs it and reports TestSuccess."
                    .into(),
                kept: "apps".into(),
                releases: vec![LocalRelease {
                    name: "sample-app".into(),
                    test: true,
                    disabled: vec!["ingress".into(), "vault".into(), "serviceMonitor".into()],
                    set: vec![("database.type".into(), "memory".into())],
                }],
                removed: Vec::new(),
            }
}

/// The local flavour of an environment that uses MongoDB Atlas: also without the objects that
/// carry the Atlas DSN (External Secrets, Secrets Manager and Vault are not there; the app runs
/// its in-memory store).
#[must_use]
pub fn local_without_atlas(mut entry: ClusterEntry) -> ClusterEntry {
    if let Some(local) = entry.local.as_mut() {
        local.why.push_str(
            "\n- sample-app's Atlas objects (atlas-database.yaml): External Secrets, Secrets Manager and Vault\n  \
             are not there.",
        );
        local
            .removed
            .extend(super::apps::atlas_object_ids().into_iter().map(
                |(api_version, kind, name, namespace)| LocalRemoval {
                    api_version: api_version.to_owned(),
                    kind: kind.to_owned(),
                    name: name.to_owned(),
                    namespace: Some(namespace.to_owned()),
                },
            ));
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkt_flux::Error;

    fn dev() -> ClusterEntry {
        entry("dev", true)
    }

    #[test]
    fn the_dev_entry_is_valid_and_chained() {
        let entry = dev();
        entry.validate().unwrap();
        let names: Vec<&str> = entry.layers().map(|layer| layer.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "infrastructure-controllers",
                "infrastructure-configs",
                "infrastructure-vault-bootstrap",
                "platform",
                "infrastructure-vault-secrets",
                "infrastructure-vault-oidc",
                "apps"
            ]
        );
    }

    #[test]
    fn vaults_core_waits_for_its_volumes_only_and_no_client_for_oidc_sign_in() {
        let entry = dev();
        let depends_on = |name: &str| -> Vec<String> {
            entry
                .layers()
                .find(|layer| layer.name == name)
                .map(|layer| layer.depends_on.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            depends_on("infrastructure-vault-bootstrap"),
            ["infrastructure-configs"]
        );
        assert_eq!(
            depends_on("infrastructure-vault-oidc"),
            ["platform", "infrastructure-vault-bootstrap"]
        );
        for layer in entry.layers() {
            assert!(
                !layer
                    .depends_on
                    .contains(&"infrastructure-vault-oidc".to_owned()),
                "{} waits for people's sign-in",
                layer.name
            );
        }
    }

    #[test]
    fn bad_names_are_rejected_naming_the_field() {
        let mut entry = dev();
        entry.files[0].layers[0].name = "Infrastructure".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid { field, value, .. } if field == "cluster.layers.name" && value == "Infrastructure"));

        let mut entry = dev();
        entry.files[1].layers[0].name = "apps".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid { reason, .. } if reason.contains("its own name")));

        let mut entry = dev();
        entry.files[0].name = "kustomization.yaml".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid { field, .. } if field == "cluster.files.name"));

        let mut entry = dev();
        if let Some(local) = entry.local.as_mut() {
            local.kept = "missing".into();
        }
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid { field, .. } if field == "cluster.local.kept"));

        let mut entry = dev();
        if let Some(local) = entry.local.as_mut() {
            local.name = "dev".into();
        }
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid { field, .. } if field == "cluster.local.name"));
    }
}
