//! The reference platform's cluster entry `clusters/<env>/`: the chain of Flux Kustomizations
//! (controllers → configs → vault bootstrap and platform → vault secrets → apps, with Vault's
//! OIDC sign-in after the bootstrap and the platform), the cluster's `FluxInstance` and the
//! `local` flavour, built from the `bkt_flux::cluster` types.

use bkt_flux::Duration;
use bkt_flux::cluster::{ClusterEntry, EntryFile, Layer, LocalOverlay, LocalRelease, LocalRemoval};
use bkt_flux::kinds::flux_instance::{
    Cluster, ClusterType, Component, Distribution, FluxInstance, FluxInstanceSpec, Sync,
};
use bkt_flux::kinds::{CrossNamespaceSourceReference, SourceKind};

use crate::Environment;
use crate::gitops::BOOTSTRAP_SOURCE;

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

/// The entry of `environment` (`clusters/<name>/`): its chain, its `FluxInstance`, and the
/// local flavour when the environment asks for it.
#[must_use]
pub fn entry(environment: &Environment) -> ClusterEntry {
    let (namespace, source) = BOOTSTRAP_SOURCE;
    ClusterEntry {
        environment: environment.name().into(),
        namespace: namespace.into(),
        source: CrossNamespaceSourceReference::new(SourceKind::GitRepository, source),
        cluster_vars: "cluster-vars".into(),
        files: files(environment.name()),
        instance: Some(instance(environment)),
        local: environment.local_flavour.then(local_overlay),
    }
}

/// The Secret `make up` writes for the sync's clone: `GITHUB_TOKEN` as the password, or empty
/// (an anonymous clone of a public repository).
pub const PULL_SECRET: &str = "flux-system";

/// The cluster's Flux: upstream Flux [`bkt_flux::kinds::flux_instance::FLUX_VERSION`] with the
/// four controllers the tree uses (sources, Kustomizations, Helm releases, notifications), for
/// EKS, with Flux's own `NetworkPolicy` objects (its namespace has no others), syncing
/// `gitops/clusters/<name>` of the environment's repository and branch into the source every
/// layer applies from.
fn instance(environment: &Environment) -> FluxInstance {
    let (namespace, _) = BOOTSTRAP_SOURCE;
    let mut url = String::from("https://github.com/");
    url.push_str(&environment.repository);
    url.push_str(".git");
    let mut path = String::from("./gitops/clusters/");
    path.push_str(environment.name());
    FluxInstance::named(
        namespace,
        FluxInstanceSpec {
            components: vec![
                Component::SourceController,
                Component::KustomizeController,
                Component::HelmController,
                Component::NotificationController,
            ],
            cluster: Some(Cluster {
                kind: Some(ClusterType::Aws),
                network_policy: true,
                domain: None,
                multitenant: None,
            }),
            sync: Some(Sync {
                pull_secret: Some(PULL_SECRET.to_owned()),
                ..Sync::git_branch(url, &environment.branch, path)
            }),
            ..FluxInstanceSpec::new(Distribution::upstream())
        },
    )
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
        entry(&Environment::named("dev"))
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

    /// The instance syncs this entry into the source every layer reads: what the operator
    /// creates from it is what `gitops/` assumes (docs/twin.md, flux-system).
    #[test]
    fn the_instance_syncs_the_entry_into_the_layers_source() {
        let entry = dev();
        let instance = entry.instance.as_ref().unwrap();
        let sync = instance.spec.sync.as_ref().unwrap();
        assert_eq!(sync.path, "./gitops/clusters/dev");
        assert_eq!(sync.reference, "refs/heads/main");
        assert_eq!(sync.url, "https://github.com/example-org/bkt-platform.git");
        for layer in entry.layers() {
            assert_eq!(entry.kustomization(layer).spec.source_ref, entry.source);
        }
    }

    #[test]
    fn an_instance_that_would_not_sync_this_entry_is_rejected_naming_the_field() {
        let invalid = |change: fn(&mut FluxInstance)| {
            let mut entry = dev();
            change(entry.instance.as_mut().unwrap());
            match entry.validate().unwrap_err() {
                Error::Invalid(bkt_core::Invalid { field, .. }) => field,
                other => panic!("{other}"),
            }
        };
        assert_eq!(
            invalid(|instance| instance.metadata.name = Some("flux-dev".into())),
            "cluster.instance.metadata.name"
        );
        assert_eq!(
            invalid(|instance| instance.metadata.namespace = Some("flux".into())),
            "cluster.instance.metadata.namespace"
        );
        assert_eq!(
            invalid(|instance| instance.spec.sync = None),
            "cluster.instance.spec.sync"
        );
        assert_eq!(
            invalid(|instance| {
                if let Some(sync) = instance.spec.sync.as_mut() {
                    sync.name = Some("fleet".into());
                }
            }),
            "cluster.instance.spec.sync"
        );
        assert_eq!(
            invalid(|instance| {
                if let Some(sync) = instance.spec.sync.as_mut() {
                    sync.path = "./gitops/clusters/prod".into();
                }
            }),
            "cluster.instance.spec.sync.path"
        );
    }

    #[test]
    fn bad_names_are_rejected_naming_the_field() {
        let mut entry = dev();
        entry.files[0].layers[0].name = "Infrastructure".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { field, value, .. }) if field == "cluster.layers.name" && value == "Infrastructure"));

        let mut entry = dev();
        entry.files[1].layers[0].name = "apps".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { reason, .. }) if reason.contains("its own name")));

        let mut entry = dev();
        entry.files[0].name = "kustomization.yaml".into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { field, .. }) if field == "cluster.files.name"));

        let mut entry = dev();
        entry.files[0].name = bkt_flux::cluster::INSTANCE_FILE.into();
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { field, .. }) if field == "cluster.files.name"));

        let mut entry = dev();
        if let Some(local) = entry.local.as_mut() {
            local.kept = "missing".into();
        }
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { field, .. }) if field == "cluster.local.kept"));

        let mut entry = dev();
        if let Some(local) = entry.local.as_mut() {
            local.name = "dev".into();
        }
        assert!(matches!(entry.validate().unwrap_err(),
            Error::Invalid(bkt_core::Invalid { field, .. }) if field == "cluster.local.name"));
    }
}
