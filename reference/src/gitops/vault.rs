//! The Vault folders of `infrastructure/`: [`VaultBootstrap`] (`vault-bootstrap/`, the Job that
//! initialises Vault and configures its core — KV store, Kubernetes auth, the policies and roles
//! of the tree's clients — with its `NetworkPolicy` and the `ConfigMap` of its scripts),
//! [`VaultOidcBootstrap`] (`vault-oidc/`, the Job that configures people's OIDC sign-in from the
//! SSO declaration, and the copy of its client secret) and [`VaultSecrets`] (`vault-secrets/`,
//! the `ClusterSecretStore` External Secrets reads and writes Vault through, and the
//! `PushSecret` that publishes the sample app's DSN).
//!
//! The scripts and Vault policies stay hand-written files beside the generated YAML (a
//! `configMapGenerator` reads them); they are compiled in here too, so each Job's name carries
//! the same content hash kustomize gives its generated `ConfigMap` ([`config_map_hash`]): a
//! changed script renders a Job of a new name, which runs it.
//!
//! The two Jobs are apart so that Vault's core waits only for its volumes, never for the
//! platform: the OIDC Job needs Authentik (its discovery document, and the client secret
//! generated in namespace authentik), so its Flux Kustomization follows the platform. It gets
//! the `vault` application's issuer, client ID, redirect URIs and group → policy mapping
//! ([`VaultOidc`]) as environment variables, its client secret as a file from the Secret
//! `sso-vault` (copied into namespace vault by its folder's `sso-client.yaml`), and the root
//! token the way the bootstrap's later runs do: `store.sh` reads it from Secrets Manager.

use std::collections::BTreeMap;

use bkt_sso::{SecretRef, Sso};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    Container, SecretVolumeSource, ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::job::ScriptedPod;
use super::sso::{self, SecretPath, secret_path};
use bkt_flux::kinds::external_secrets::{
    ClusterSecretStore, PushSecret, PushSecretData, PushSecretMatch, PushSecretRemoteRef,
    PushSecretSecret, PushSecretSelector, PushSecretSpec, SecretStoreProvider, SecretStoreRef,
    SecretStoreSpec, ServiceAccountRef, VaultAuth, VaultKubernetesAuth, VaultProvider,
};
use bkt_flux::kustomize::{ConfigMapGenerator, GeneratorOptions, Kustomization};
use bkt_flux::network_policy::{Policy, Rule, app, pods_peer, tcp};
use bkt_flux::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

/// The label key the Jobs' objects are selected by.
const NAME_LABEL: &str = "app.kubernetes.io/name";

/// The namespace Vault runs in.
const VAULT_NAMESPACE: &str = "vault";

/// The service account both Jobs run as: `infrastructure/vault-bootstrap/serviceaccount.yaml`,
/// annotated with the bootstrap IRSA role (never the Vault server's `vault`, which the chart
/// creates and which may use the unseal key only).
pub const SERVICE_ACCOUNT: &str = "vault-bootstrap";

/// The annotation EKS reads a service account's IRSA role from.
const IRSA_ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// The in-cluster address of Vault's active node.
const VAULT_ACTIVE_ADDR: &str = "http://vault-active.vault.svc:8200";

/// Where the `oidc` container finds the `vault` application's client secret.
const SSO_MOUNT: &str = "/sso";

/// Vault's OIDC sign-in, from the `vault` application of the SSO declaration: what the OIDC
/// Job passes to `oidc.sh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultOidc {
    /// The issuer; Vault reads `<issuer>.well-known/openid-configuration`.
    pub discovery_url: String,
    /// The client ID.
    pub client_id: String,
    /// The client secret's way into namespace vault.
    pub secret: SecretPath,
    /// Where Authentik may send the browser back to (the UI and `vault login -method=oidc`).
    pub redirect_uris: Vec<String>,
    /// The scopes requested.
    pub scopes: Vec<String>,
    /// The claim holding the user's groups.
    pub groups_claim: String,
    /// `(group, policy)`: the external identity group of each granted group, with its policy.
    pub group_policies: Vec<(String, String)>,
}

impl VaultOidc {
    /// The wiring of the `vault` application of `sso`, its URLs under `domain`.
    ///
    /// # Errors
    /// [`Error::Sso`] when the declaration has no `vault` application of the Vault kind;
    /// [`Error::Invalid`] when a granted policy has no file in [`OIDC_FILES`] (the group would
    /// sign in to a policy that does not exist).
    pub fn new(sso: &Sso, domain: &str) -> Result<Self> {
        let client = sso::client::<bkt_sso::Vault>(
            sso,
            VaultOidcBootstrap::FOLDER,
            "Job/vault/vault-oidc",
            sso::VAULT,
        )?;
        let mut group_policies = Vec::new();
        for (group, role) in client.grants() {
            let policy = role.policy();
            let shipped = OIDC_FILES
                .iter()
                .any(|(path, _)| file_name(path).strip_suffix(".hcl") == Some(policy));
            if !shipped {
                return Err(Error::invalid(
                    "sso.applications.vault.grants",
                    policy,
                    "no policy file of this name is in infrastructure/vault-oidc; write \
                     <policy>.hcl there and list it in bkt_reference::gitops::vault::OIDC_FILES",
                ));
            }
            group_policies.push((group.as_str().to_owned(), policy.to_owned()));
        }
        Ok(Self {
            discovery_url: client.issuer(domain),
            client_id: client.client_id().to_owned(),
            secret: secret_path(&client)?,
            redirect_uris: client.redirect_uris(domain),
            scopes: client
                .scopes()
                .iter()
                .map(|scope| (*scope).to_owned())
                .collect(),
            groups_claim: bkt_sso::GROUPS_CLAIM.to_owned(),
            group_policies,
        })
    }

    /// The `oidc` container's variables.
    fn env(&self) -> Vec<(&'static str, String)> {
        let mut secret_file = String::from(SSO_MOUNT);
        secret_file.push('/');
        secret_file.push_str(self.secret.secret.key);
        let pairs: Vec<String> = self
            .group_policies
            .iter()
            .map(|(group, policy)| [group.as_str(), policy.as_str()].join("="))
            .collect();
        vec![
            ("OIDC_DISCOVERY_URL", self.discovery_url.clone()),
            ("OIDC_CLIENT_ID", self.client_id.clone()),
            ("OIDC_CLIENT_SECRET_FILE", secret_file),
            ("OIDC_REDIRECT_URIS", self.redirect_uris.join(",")),
            ("OIDC_SCOPES", self.scopes.join(",")),
            ("OIDC_GROUPS_CLAIM", self.groups_claim.clone()),
            ("OIDC_GROUP_POLICIES", pairs.join(",")),
        ]
    }

    /// The Secret the Job mounts.
    #[must_use]
    pub fn secret(&self) -> &SecretRef {
        &self.secret.secret
    }
}

/// The AWS CLI image the `store` container runs (an exact version: the conformance suite
/// checks it).
pub const AWS_CLI_IMAGE: &str = "public.ecr.aws/aws-cli/aws-cli:2.36.7";

/// `infrastructure/vault-bootstrap/`: initialises Vault with no manual step and configures its
/// core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultBootstrap {
    /// The Secrets Manager secret holding Vault's init output (the cluster var reference).
    pub vault_init_secret_arn: String,
    /// The IRSA role of [`SERVICE_ACCOUNT`], which may read and write that secret (the cluster
    /// var reference).
    pub role_arn: String,
    /// The AWS region (the cluster var reference).
    pub aws_region: String,
    /// The Vault image, the one the vault `HelmRelease` runs.
    pub vault_image: String,
}

impl VaultBootstrap {
    /// The folder, relative to the tree.
    pub const FOLDER: &'static str = "infrastructure/vault-bootstrap";

    /// The bootstrap with the given cluster var references (the init secret, the region, the
    /// IRSA role of the Jobs' service account), running the Vault image of the catalog's vault
    /// chart.
    #[must_use]
    pub fn new(
        vault_init_secret_arn: impl Into<String>,
        aws_region: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> Self {
        let mut vault_image = String::from(bkt_helm::charts::vault::SERVER_IMAGE_REPOSITORY);
        vault_image.push(':');
        vault_image.push_str(bkt_helm::charts::vault::SERVER_IMAGE_TAG);
        Self {
            vault_init_secret_arn: vault_init_secret_arn.into(),
            role_arn: role_arn.into(),
            aws_region: aws_region.into(),
            vault_image,
        }
    }

    /// The OIDC Job configuring `oidc`, with this bootstrap's secret, region and image.
    #[must_use]
    pub fn with_oidc(&self, oidc: VaultOidc) -> VaultOidcBootstrap {
        VaultOidcBootstrap {
            bootstrap: self.clone(),
            oidc,
        }
    }

    /// The Job's name: the `ConfigMap`'s, ending in the same content hash.
    #[must_use]
    pub fn job_name() -> String {
        BOOTSTRAP.job_name()
    }

    /// The Job: `init` and `store` as init containers, then `configure`.
    #[must_use]
    pub fn job(&self) -> Job {
        ScriptedJob {
            folder: &BOOTSTRAP,
            active_deadline_seconds: 1500,
            init_containers: vec![
                container(
                    "init",
                    &self.vault_image,
                    ["/bin/sh", "/scripts/init.sh"],
                    &[
                        ("VAULT_ADDR", "http://vault-0.vault-internal:8200"),
                        ("BOOTSTRAP_DIR", "/bootstrap"),
                        ("WAIT_SECONDS", "600"),
                        ("HOME", "/tmp"),
                    ],
                    "128Mi",
                ),
                self.store(),
            ],
            container: container(
                "configure",
                &self.vault_image,
                ["/bin/sh", "/scripts/configure.sh"],
                &vault_env(),
                "128Mi",
            ),
            secret: None,
        }
        .job()
    }

    /// The `store` container: after a fresh init it saves the init output to Secrets Manager, on
    /// every later run (and in the OIDC Job) it reads the root token back into the memory volume.
    fn store(&self) -> Container {
        container(
            "store",
            AWS_CLI_IMAGE,
            ["/bin/bash", "/scripts/store.sh"],
            &[
                ("VAULT_INIT_SECRET_ARN", &self.vault_init_secret_arn),
                ("AWS_REGION", &self.aws_region),
                ("BOOTSTRAP_DIR", "/bootstrap"),
                ("HOME", "/tmp"),
            ],
            "256Mi",
        )
    }

    /// The Job's egress: the Vault API and AWS APIs.
    #[must_use]
    pub fn network_policy() -> NetworkPolicy {
        BOOTSTRAP.network_policy()
    }

    /// The service account both Jobs run as, [`SERVICE_ACCOUNT`], with the bootstrap IRSA role.
    /// Its token is not mounted: the Jobs need only the web-identity token EKS projects for the
    /// role.
    #[must_use]
    pub fn service_account(&self) -> ServiceAccount {
        ServiceAccount {
            metadata: ObjectMeta {
                name: Some(SERVICE_ACCOUNT.into()),
                labels: Some(name_label(BOOTSTRAP.name)),
                annotations: Some(BTreeMap::from([(
                    IRSA_ROLE_ANNOTATION.to_owned(),
                    self.role_arn.clone(),
                )])),
                ..ObjectMeta::default()
            },
            automount_service_account_token: Some(false),
            ..ServiceAccount::default()
        }
    }

    /// The folder's `kustomization.yaml`: the service account, the Job, its policy, and the
    /// generated `ConfigMap`.
    #[must_use]
    pub fn kustomization() -> Kustomization {
        BOOTSTRAP.kustomization()
    }

    /// Adds the folder's files to `tree`.
    ///
    /// # Errors
    /// [`bkt_flux::Error::Core`] when a path is taken or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        BOOTSTRAP.add_to(tree, &self.job(), None)?;
        tree.insert(
            in_folder(BOOTSTRAP.folder, "serviceaccount.yaml"),
            ManifestFile::single(
                Manifest::new(&self.service_account())?.why(BOOTSTRAP_SERVICE_ACCOUNT_WHY),
            ),
        )?;
        Ok(())
    }
}

/// `infrastructure/vault-oidc/`: configures Vault's OIDC sign-in for people, once the bootstrap
/// has configured Vault's core and the platform runs Authentik.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultOidcBootstrap {
    /// Where the root token is read from, and the Vault image.
    pub bootstrap: VaultBootstrap,
    /// The sign-in configured.
    pub oidc: VaultOidc,
}

impl VaultOidcBootstrap {
    /// The folder, relative to the tree.
    pub const FOLDER: &'static str = "infrastructure/vault-oidc";

    /// The Job's name: the `ConfigMap`'s, ending in the same content hash.
    #[must_use]
    pub fn job_name() -> String {
        OIDC.job_name()
    }

    /// The Job: `store` as init container (the root token), then `oidc`, which mounts the client
    /// secret.
    #[must_use]
    pub fn job(&self) -> Job {
        let oidc = self.oidc.env();
        let mut env = vault_env();
        env.extend(oidc.iter().map(|(name, value)| (*name, value.as_str())));
        let mut container = container(
            "oidc",
            &self.bootstrap.vault_image,
            ["/bin/sh", "/scripts/oidc.sh"],
            &env,
            "128Mi",
        );
        if let Some(mounts) = container.volume_mounts.as_mut() {
            mounts.push(VolumeMount {
                name: "sso".into(),
                mount_path: SSO_MOUNT.into(),
                read_only: Some(true),
                ..VolumeMount::default()
            });
        }
        ScriptedJob {
            folder: &OIDC,
            active_deadline_seconds: 1200,
            init_containers: vec![self.bootstrap.store()],
            container,
            secret: Some(Volume {
                name: "sso".into(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(self.oidc.secret().name.clone()),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            }),
        }
        .job()
    }

    /// The Job's egress: the Vault API and AWS APIs (Vault itself fetches Authentik's discovery
    /// document).
    #[must_use]
    pub fn network_policy() -> NetworkPolicy {
        OIDC.network_policy()
    }

    /// The folder's `kustomization.yaml`: the client secret's copy, the Job, its policy, and the
    /// generated `ConfigMap`.
    #[must_use]
    pub fn kustomization() -> Kustomization {
        OIDC.kustomization()
    }

    /// Adds the folder's files to `tree`.
    ///
    /// # Errors
    /// [`bkt_flux::Error::Core`] when a path is taken or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        OIDC.add_to(tree, &self.job(), Some(self.oidc.secret.consumer_file()?))
    }
}

/// What both Jobs share: a `ConfigMap` of scripts generated from their folder, run as service
/// account [`SERVICE_ACCOUNT`] (the bootstrap IRSA role), one container after its init containers, a memory
/// volume between them.
struct ScriptedJob<'a> {
    /// The folder: the label, the `ConfigMap` and its files, which the Job's name hashes.
    folder: &'a JobFolder,
    /// How long the Job may run, retries included.
    active_deadline_seconds: i64,
    /// The containers that run first, in order.
    init_containers: Vec<Container>,
    /// The container that runs last.
    container: Container,
    /// A Secret volume besides the common ones: not optional, so the pod starts only once the
    /// Secret exists.
    secret: Option<Volume>,
}

impl ScriptedJob<'_> {
    /// The Job.
    fn job(self) -> Job {
        let mut volumes = volumes(self.folder.name);
        volumes.extend(self.secret);
        ScriptedPod {
            name: self.folder.job_name(),
            labels: name_label(self.folder.name),
            uid: 65532,
            active_deadline_seconds: self.active_deadline_seconds,
            service_account: Some(SERVICE_ACCOUNT.into()),
            init_containers: Some(self.init_containers),
            containers: vec![self.container],
            volumes,
        }
        .job()
    }
}

/// The last segment of `path`: the key kustomize gives the file in a generated `ConfigMap`.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The environment both Vault containers that configure share: the active node, the memory
/// volume with the root token, the policies beside the scripts, and how long to wait.
fn vault_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("VAULT_ADDR", VAULT_ACTIVE_ADDR),
        ("BOOTSTRAP_DIR", "/bootstrap"),
        ("POLICY_DIR", "/scripts"),
        ("WAIT_SECONDS", "300"),
        ("HOME", "/tmp"),
    ]
}

/// A Vault Job's folder: its Job's label, the `ConfigMap` generated from its files, what else it
/// lists, and the comments of its generated files.
struct JobFolder {
    /// The folder, relative to the tree.
    folder: &'static str,
    /// The label of every object, the `ConfigMap`'s name, the Job name's prefix.
    name: &'static str,
    /// The `ConfigMap`'s files, which the Job's name hashes (paths relative to the folder).
    files: &'static [(&'static str, &'static str)],
    /// The folder's files listed before `job.yaml` and `networkpolicy.yaml`.
    resources: &'static [&'static str],
    /// The comments above `kustomization.yaml`, `job.yaml` and `networkpolicy.yaml`.
    whys: [&'static str; 3],
}

/// `infrastructure/vault-bootstrap/`.
const BOOTSTRAP: JobFolder = JobFolder {
    folder: VaultBootstrap::FOLDER,
    name: "vault-bootstrap",
    files: &BOOTSTRAP_FILES,
    resources: &["serviceaccount.yaml"],
    whys: [
        BOOTSTRAP_KUSTOMIZATION_WHY,
        BOOTSTRAP_JOB_WHY,
        BOOTSTRAP_NETWORK_POLICY_WHY,
    ],
};

/// `infrastructure/vault-oidc/`.
const OIDC: JobFolder = JobFolder {
    folder: VaultOidcBootstrap::FOLDER,
    name: "vault-oidc",
    files: &OIDC_FILES,
    resources: &["sso-client.yaml"],
    whys: [
        OIDC_KUSTOMIZATION_WHY,
        OIDC_JOB_WHY,
        OIDC_NETWORK_POLICY_WHY,
    ],
};

impl JobFolder {
    /// `name-<hash>`: the name of the `ConfigMap` kustomize generates from the files (each keyed
    /// by its file name), and of the Job that runs it.
    fn job_name(&self) -> String {
        let mut job = String::from(self.name);
        job.push('-');
        job.push_str(&config_map_hash(
            self.files
                .iter()
                .map(|(path, content)| (file_name(path), *content)),
        ));
        job
    }

    /// The Job's egress: the Vault API and AWS APIs.
    fn network_policy(&self) -> NetworkPolicy {
        Policy::new(["allow-", self.name].concat())
            .selecting(app(self.name))
            .egress([
                Rule::new([pods_peer(app("vault"))], [tcp(8200)]),
                Rule::ports([tcp(443)]),
            ])
            .to_object()
    }

    /// The folder's `kustomization.yaml`: the resources, the Job and its policy, and the
    /// generated `ConfigMap`, which Flux must not substitute.
    fn kustomization(&self) -> Kustomization {
        let mut listed: Vec<&str> = self.resources.to_vec();
        listed.extend(["job.yaml", "networkpolicy.yaml"]);
        Kustomization {
            namespace: Some(VAULT_NAMESPACE.into()),
            config_map_generator: vec![ConfigMapGenerator {
                name: self.name.into(),
                files: self
                    .files
                    .iter()
                    .map(|(path, _)| (*path).to_owned())
                    .collect(),
                options: Some(GeneratorOptions {
                    labels: name_label(self.name),
                    annotations: BTreeMap::from([(
                        "kustomize.toolkit.fluxcd.io/substitute".to_owned(),
                        "disabled".to_owned(),
                    )]),
                    ..GeneratorOptions::default()
                }),
                ..ConfigMapGenerator::default()
            }],
            ..Kustomization::of(listed)
        }
    }

    /// Adds the folder to `tree`: `kustomization.yaml`, `job.yaml` (`job`), `networkpolicy.yaml`,
    /// and `sso-client.yaml` when given.
    fn add_to(
        &self,
        tree: &mut GitOpsTree,
        job: &Job,
        sso_client: Option<ManifestFile>,
    ) -> Result<()> {
        let [kustomization, job_why, policy] = self.whys;
        let documents = [
            (
                "kustomization.yaml",
                Manifest::new(&self.kustomization())?.why(kustomization),
            ),
            ("job.yaml", Manifest::new(job)?.why(job_why)),
            (
                "networkpolicy.yaml",
                Manifest::new(&self.network_policy())?.why(policy),
            ),
        ];
        for (file, document) in documents {
            tree.insert(in_folder(self.folder, file), ManifestFile::single(document))?;
        }
        if let Some(sso_client) = sso_client {
            tree.insert(in_folder(self.folder, "sso-client.yaml"), sso_client)?;
        }
        Ok(())
    }
}

/// `app.kubernetes.io/name: <name>`.
fn name_label(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(NAME_LABEL.to_owned(), name.to_owned())])
}

/// `folder/file`.
fn in_folder(folder: &str, file: &str) -> String {
    let mut path = String::from(folder);
    path.push('/');
    path.push_str(file);
    path
}

/// `infrastructure/vault-secrets/`: everything that reads or writes Vault through External
/// Secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VaultSecrets;

impl VaultSecrets {
    /// The folder, relative to the tree.
    pub const FOLDER: &'static str = "infrastructure/vault-secrets";

    /// The store: Vault's KV v2 mount `secret`, logged in to as role `external-secrets` with the
    /// operator's own service account.
    #[must_use]
    // `SecretStoreProvider` has one field per provider kind; the others stay unset, whichever
    // kinds it lists.
    #[allow(clippy::needless_update)]
    pub fn cluster_secret_store() -> ClusterSecretStore {
        ClusterSecretStore::new(
            "vault",
            SecretStoreSpec {
                provider: SecretStoreProvider {
                    vault: Some(VaultProvider {
                        server: VAULT_ACTIVE_ADDR.into(),
                        path: Some("secret".into()),
                        version: Some("v2".into()),
                        auth: VaultAuth {
                            kubernetes: Some(VaultKubernetesAuth {
                                mount_path: "kubernetes".into(),
                                role: "external-secrets".into(),
                                service_account_ref: Some(ServiceAccountRef {
                                    name: "external-secrets".into(),
                                    namespace: Some("external-secrets".into()),
                                }),
                            }),
                        },
                    }),
                    ..SecretStoreProvider::default()
                },
            },
        )
    }

    /// The `PushSecret` of the sample app's DSN, from the Secret `mysql/sample-app-db` to Vault
    /// key `sample-app/database`, property `dsn`.
    #[must_use]
    pub fn sample_app_database() -> PushSecret {
        PushSecret::new(
            "sample-app-db",
            PushSecretSpec {
                refresh_interval: Some(Duration::hours(1)),
                secret_store_refs: vec![SecretStoreRef::cluster("vault")],
                selector: PushSecretSelector {
                    secret: PushSecretSecret {
                        name: "sample-app-db".into(),
                    },
                },
                data: vec![PushSecretData {
                    matching: PushSecretMatch {
                        secret_key: "dsn".into(),
                        remote_ref: PushSecretRemoteRef {
                            remote_key: "sample-app/database".into(),
                            property: Some("dsn".into()),
                        },
                    },
                }],
            },
        )
        .in_namespace("mysql")
    }

    /// Adds the folder's files to `tree`.
    ///
    /// # Errors
    /// [`bkt_flux::Error::Core`] when a path is taken or a document does not serialize.
    pub fn add_to(self, tree: &mut GitOpsTree) -> Result<()> {
        tree.insert(
            in_folder(Self::FOLDER, "kustomization.yaml"),
            ManifestFile::single(
                Manifest::new(&Kustomization::of([
                    "cluster-secret-store.yaml",
                    "sample-app-database.yaml",
                ]))?
                .why(
                    "Everything that reads or writes Vault through External Secrets. It is its own Flux\n\
                     Kustomization, after the platform and the Vault bootstrap Job (infrastructure/vault-bootstrap),\n\
                     so that waiting for Vault holds back only what needs Vault (the apps), never the platform.",
                ),
            ),
        )?;
        tree.insert(
            in_folder(Self::FOLDER, "cluster-secret-store.yaml"),
            ManifestFile::single(Manifest::new(&Self::cluster_secret_store())?.why(
                "External Secrets reads and writes Vault's KV store with its own Kubernetes identity. The role\n\
                 external-secrets and its policy are made by the bootstrap Job (infrastructure/vault-bootstrap).",
            )),
        )?;
        tree.insert(
            in_folder(Self::FOLDER, "sample-app-database.yaml"),
            ManifestFile::single(Manifest::new(&Self::sample_app_database())?.why(
                "Publishes the DSN of the sample app's generated database user (platform/mysql) to Vault, the\n\
                 only place the app reads it from.",
            )),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_kustomizes() {
        // kustomize's own test vector (api/hasher: TestConfigMapHash, "one key").
        assert_eq!(config_map_hash([("one", "")]), "9g67k2htb6");
        // What kustomize names the ConfigMap of today's scripts (build/rendered).
        assert_eq!(VaultBootstrap::job_name(), "vault-bootstrap-fgkcgk696m");
    }
}

mod hash;
mod pod;
mod why;

pub use hash::config_map_hash;
use pod::{container, volumes};
use why::{
    BOOTSTRAP_JOB_WHY, BOOTSTRAP_KUSTOMIZATION_WHY, BOOTSTRAP_NETWORK_POLICY_WHY,
    BOOTSTRAP_SERVICE_ACCOUNT_WHY, OIDC_JOB_WHY, OIDC_KUSTOMIZATION_WHY, OIDC_NETWORK_POLICY_WHY,
};
mod scripts;
pub use scripts::{BOOTSTRAP_FILES, OIDC_FILES};
