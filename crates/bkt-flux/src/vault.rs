//! The Vault folders of `infrastructure/`: [`VaultBootstrap`] (`vault-bootstrap/`, the Job that
//! initialises and configures Vault, its `NetworkPolicy`, and the `ConfigMap` of its scripts) and
//! [`VaultSecrets`] (`vault-secrets/`, the `ClusterSecretStore` External Secrets reads and writes
//! Vault through, and the `PushSecret` that publishes the sample app's DSN).
//!
//! The bootstrap scripts and Vault policies stay hand-written files beside the generated YAML (a
//! `configMapGenerator` reads them); they are compiled in here too, so the Job's name carries
//! the same content hash kustomize gives the generated `ConfigMap` ([`config_map_hash`]): a
//! changed script renders a Job of a new name, which runs it.
//!
//! The bootstrap also configures Vault's OIDC sign-in from the SSO declaration ([`VaultOidc`]):
//! the Job gets the `vault` application's issuer, client ID, redirect URIs and group → policy
//! mapping as environment variables, and its client secret as a file from the Secret `sso-vault`,
//! copied into namespace vault by the folder's `sso-client.yaml`.

use std::collections::BTreeMap;

use bkt_sso::{SecretRef, Sso};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapVolumeSource, Container, EmptyDirVolumeSource, EnvVar,
    PodSecurityContext, PodSpec, PodTemplateSpec, ResourceRequirements, SeccompProfile,
    SecretVolumeSource, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use sha2::{Digest, Sha256};

use crate::kinds::external_secrets::{
    ClusterSecretStore, PushSecret, PushSecretData, PushSecretMatch, PushSecretRemoteRef,
    PushSecretSecret, PushSecretSelector, PushSecretSpec, SecretStoreProvider, SecretStoreRef,
    SecretStoreSpec, ServiceAccountRef, VaultAuth, VaultKubernetesAuth, VaultProvider,
};
use crate::kustomize::{ConfigMapGenerator, GeneratorOptions, Kustomization};
use crate::sso::{self, SecretPath, secret_path};
use crate::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

/// The label every object of the bootstrap carries, and the name of its `ConfigMap`.
const BOOTSTRAP_NAME: &str = "vault-bootstrap";

/// The label key the bootstrap's objects are selected by.
const NAME_LABEL: &str = "app.kubernetes.io/name";

/// The namespace Vault runs in.
const VAULT_NAMESPACE: &str = "vault";

/// The in-cluster address of Vault's active node.
const VAULT_ACTIVE_ADDR: &str = "http://vault-active.vault.svc:8200";

/// The hand-written files the bootstrap's `configMapGenerator` reads, in its order: the three
/// scripts the Job runs and the Vault policies `configure.sh` writes (one per Kubernetes role,
/// one per [`bkt_sso::VaultRole`]).
pub const BOOTSTRAP_FILES: [(&str, &str); 7] = [
    (
        "init.sh",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/init.sh"),
    ),
    (
        "store.sh",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/store.sh"),
    ),
    (
        "configure.sh",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/configure.sh"),
    ),
    (
        "external-secrets.hcl",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/external-secrets.hcl"),
    ),
    (
        "sample-app.hcl",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/sample-app.hcl"),
    ),
    (
        "sso-admin.hcl",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/sso-admin.hcl"),
    ),
    (
        "sso-read.hcl",
        include_str!("../../../gitops/infrastructure/vault-bootstrap/sso-read.hcl"),
    ),
];

/// Where the `configure` container finds the `vault` application's client secret.
const SSO_MOUNT: &str = "/sso";

/// Vault's OIDC sign-in, from the `vault` application of the SSO declaration: what the
/// bootstrap Job passes to `configure.sh`.
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
    /// [`Error::Invalid`] when a granted policy has no file in [`BOOTSTRAP_FILES`] (the group
    /// would sign in to a policy that does not exist).
    pub fn new(sso: &Sso, domain: &str) -> Result<Self> {
        let client = sso::client::<bkt_sso::Vault>(
            sso,
            VaultBootstrap::FOLDER,
            "Job/vault/vault-bootstrap",
            sso::VAULT,
        )?;
        let mut group_policies = Vec::new();
        for (group, role) in client.grants() {
            let policy = role.policy();
            let shipped = BOOTSTRAP_FILES
                .iter()
                .any(|(file, _)| file.strip_suffix(".hcl") == Some(policy));
            if !shipped {
                return Err(Error::invalid(
                    "sso.applications.vault.grants",
                    policy,
                    "no policy file of this name is in infrastructure/vault-bootstrap; write <policy>.hcl                      there and list it in bkt_flux::vault::BOOTSTRAP_FILES",
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

    /// The `configure` container's variables.
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

/// The ten-character suffix kustomize appends to the name of a generated `ConfigMap` with
/// `data`: the first ten hex digits of the SHA-256 of Go's JSON encoding of
/// `{"data": …, "kind": "ConfigMap", "name": ""}` (keys sorted, HTML characters escaped), with
/// `0 1 3 a e` replaced by `g h k m t` (kustomize's `api/hasher`, v0.21). The name is empty:
/// kustomize looks it up as the single field `metadata/name`, which never exists, so the hash
/// depends on the data alone.
#[must_use]
pub fn config_map_hash<'a>(data: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let data: BTreeMap<&str, &str> = data.into_iter().collect();
    let mut json = String::from("{\"data\":{");
    for (index, (key, value)) in data.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        push_go_json_string(&mut json, key);
        json.push(':');
        push_go_json_string(&mut json, value);
    }
    json.push_str("},\"kind\":\"ConfigMap\",\"name\":\"\"}");
    let digest = Sha256::digest(json.as_bytes());
    let mut hash = String::new();
    for byte in digest.iter().take(5) {
        for nibble in [byte >> 4, byte & 0x0f] {
            hash.push(match nibble {
                0 => 'g',
                1 => 'h',
                3 => 'k',
                10 => 'm',
                14 => 't',
                other => char::from_digit(u32::from(other), 16).unwrap_or('?'),
            });
        }
    }
    hash
}

/// Appends `text` as a JSON string the way Go's `encoding/json` writes it (`json.Marshal`:
/// `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u…`, other control characters as `\n`, `\r`,
/// `\t`, `\b`, `\f` or `\u00XX`).
fn push_go_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 || matches!(c, '<' | '>' | '&') => {
                let code = u32::from(c);
                out.push_str("\\u00");
                for shift in [4, 0] {
                    let digit = usize::try_from((code >> shift) & 0x0f).unwrap_or(0);
                    out.push(char::from(HEX.get(digit).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `infrastructure/vault-bootstrap/`: initialises Vault with no manual step and configures it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultBootstrap {
    /// The Secrets Manager secret holding Vault's init output (the cluster var reference).
    pub vault_init_secret_arn: String,
    /// The AWS region (the cluster var reference).
    pub aws_region: String,
    /// The Vault image, the one the vault `HelmRelease` runs.
    pub vault_image: String,
    /// Vault's OIDC sign-in.
    pub oidc: VaultOidc,
}

impl VaultBootstrap {
    /// The folder, relative to the tree.
    pub const FOLDER: &'static str = "infrastructure/vault-bootstrap";

    /// The bootstrap with the given cluster var references, running the Vault image of the
    /// catalog's vault chart, configuring OIDC sign-in as `oidc` says.
    #[must_use]
    pub fn new(
        vault_init_secret_arn: impl Into<String>,
        aws_region: impl Into<String>,
        oidc: VaultOidc,
    ) -> Self {
        let mut vault_image = String::from(bkt_helm::charts::vault::SERVER_IMAGE_REPOSITORY);
        vault_image.push(':');
        vault_image.push_str(bkt_helm::charts::vault::SERVER_IMAGE_TAG);
        Self {
            vault_init_secret_arn: vault_init_secret_arn.into(),
            aws_region: aws_region.into(),
            vault_image,
            oidc,
        }
    }

    /// The Job's name: the `ConfigMap`'s, ending in the same content hash.
    #[must_use]
    pub fn job_name() -> String {
        let mut name = String::from(BOOTSTRAP_NAME);
        name.push('-');
        name.push_str(&config_map_hash(BOOTSTRAP_FILES));
        name
    }

    /// The Job: `init` and `store` as init containers, then `configure`.
    #[must_use]
    pub fn job(&self) -> Job {
        let labels = name_label();
        let vault_addr_0 = "http://vault-0.vault-internal:8200";
        Job {
            metadata: ObjectMeta {
                name: Some(Self::job_name()),
                labels: Some(labels.clone()),
                annotations: Some(BTreeMap::from([(
                    "kustomize.toolkit.fluxcd.io/force".to_owned(),
                    "enabled".to_owned(),
                )])),
                ..ObjectMeta::default()
            },
            spec: Some(JobSpec {
                backoff_limit: Some(4),
                active_deadline_seconds: Some(1500),
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(PodSpec {
                        service_account_name: Some("vault".into()),
                        automount_service_account_token: Some(false),
                        restart_policy: Some("OnFailure".into()),
                        security_context: Some(PodSecurityContext {
                            run_as_non_root: Some(true),
                            run_as_user: Some(65532),
                            run_as_group: Some(65532),
                            seccomp_profile: Some(SeccompProfile {
                                type_: "RuntimeDefault".into(),
                                ..SeccompProfile::default()
                            }),
                            ..PodSecurityContext::default()
                        }),
                        init_containers: Some(vec![
                            container(
                                "init",
                                &self.vault_image,
                                ["/bin/sh", "/scripts/init.sh"],
                                &[
                                    ("VAULT_ADDR", vault_addr_0),
                                    ("BOOTSTRAP_DIR", "/bootstrap"),
                                    ("WAIT_SECONDS", "600"),
                                    ("HOME", "/tmp"),
                                ],
                                "128Mi",
                            ),
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
                            ),
                        ]),
                        containers: vec![self.configure()],
                        volumes: Some(self.volumes()),
                        ..PodSpec::default()
                    }),
                },
                ..JobSpec::default()
            }),
            ..Job::default()
        }
    }

    /// The `configure` container: the common environment, the OIDC settings, and the client
    /// secret mounted read-only.
    fn configure(&self) -> Container {
        let oidc = self.oidc.env();
        let mut env: Vec<(&str, &str)> = vec![
            ("VAULT_ADDR", VAULT_ACTIVE_ADDR),
            ("BOOTSTRAP_DIR", "/bootstrap"),
            ("POLICY_DIR", "/scripts"),
            ("WAIT_SECONDS", "300"),
            ("HOME", "/tmp"),
        ];
        env.extend(oidc.iter().map(|(name, value)| (*name, value.as_str())));
        let mut configure = container(
            "configure",
            &self.vault_image,
            ["/bin/sh", "/scripts/configure.sh"],
            &env,
            "128Mi",
        );
        if let Some(mounts) = configure.volume_mounts.as_mut() {
            mounts.push(VolumeMount {
                name: "sso".into(),
                mount_path: SSO_MOUNT.into(),
                read_only: Some(true),
                ..VolumeMount::default()
            });
        }
        configure
    }

    /// The common volumes, and the `vault` application's client secret: not optional, so the
    /// pod starts only once the Secret has been copied.
    fn volumes(&self) -> Vec<Volume> {
        let mut all = volumes();
        all.push(Volume {
            name: "sso".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(self.oidc.secret().name.clone()),
                ..SecretVolumeSource::default()
            }),
            ..Volume::default()
        });
        all
    }

    /// The Job's egress: the Vault API and AWS APIs.
    #[must_use]
    pub fn network_policy() -> NetworkPolicy {
        let tcp = |port: i32| NetworkPolicyPort {
            protocol: Some("TCP".into()),
            port: Some(IntOrString::Int(port)),
            ..NetworkPolicyPort::default()
        };
        NetworkPolicy {
            metadata: ObjectMeta {
                name: Some("allow-vault-bootstrap".into()),
                ..ObjectMeta::default()
            },
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(selector(BOOTSTRAP_NAME)),
                policy_types: Some(vec!["Egress".into()]),
                egress: Some(vec![
                    NetworkPolicyEgressRule {
                        to: Some(vec![NetworkPolicyPeer {
                            pod_selector: Some(selector("vault")),
                            ..NetworkPolicyPeer::default()
                        }]),
                        ports: Some(vec![tcp(8200)]),
                    },
                    NetworkPolicyEgressRule {
                        to: None,
                        ports: Some(vec![tcp(443)]),
                    },
                ]),
                ..NetworkPolicySpec::default()
            }),
        }
    }

    /// The folder's `kustomization.yaml`: the Job, its policy, and the generated `ConfigMap`.
    #[must_use]
    pub fn kustomization() -> Kustomization {
        Kustomization {
            namespace: Some(VAULT_NAMESPACE.into()),
            config_map_generator: vec![ConfigMapGenerator {
                name: BOOTSTRAP_NAME.into(),
                files: BOOTSTRAP_FILES
                    .iter()
                    .map(|(file, _)| (*file).to_owned())
                    .collect(),
                options: Some(GeneratorOptions {
                    labels: name_label(),
                    annotations: BTreeMap::from([(
                        "kustomize.toolkit.fluxcd.io/substitute".to_owned(),
                        "disabled".to_owned(),
                    )]),
                    ..GeneratorOptions::default()
                }),
                ..ConfigMapGenerator::default()
            }],
            ..Kustomization::of(["sso-client.yaml", "job.yaml", "networkpolicy.yaml"])
        }
    }

    /// Adds the folder's files to `tree`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when a path is taken or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        tree.insert(
            in_folder(Self::FOLDER, "kustomization.yaml"),
            ManifestFile::single(Manifest::new(&Self::kustomization())?.why(KUSTOMIZATION_WHY)),
        )?;
        tree.insert(
            in_folder(Self::FOLDER, "job.yaml"),
            ManifestFile::single(Manifest::new(&self.job())?.why(JOB_WHY)),
        )?;
        tree.insert(
            in_folder(Self::FOLDER, "sso-client.yaml"),
            self.oidc.secret.consumer_file()?,
        )?;
        tree.insert(
            in_folder(Self::FOLDER, "networkpolicy.yaml"),
            ManifestFile::single(Manifest::new(&Self::network_policy())?.why(NETWORK_POLICY_WHY)),
        )?;
        Ok(())
    }
}

/// Why the bootstrap folder is its own Flux Kustomization, and why its `ConfigMap` is generated.
const KUSTOMIZATION_WHY: &str = "\
Initialises and configures Vault with no manual step (docs/gitops.md, section Vault bootstrap).
Its own Flux Kustomization: after infrastructure-configs (Vault's volumes need the default
StorageClass) and the platform (Authentik serves OIDC sign-in, and namespace authentik generates
the client secret that sso-client.yaml copies here as sso-vault), before
infrastructure-vault-secrets (which logs in with the roles made here).

configMapGenerator vault-bootstrap: the generated name carries a hash of these files; the Job's
name carries the same hash (tests/conformance/gitops checks it), so editing a script or policy
runs a new Job. Its annotation kustomize.toolkit.fluxcd.io/substitute: disabled, because shell
variables in the scripts are not cluster vars.";

/// Why the Job looks the way it does.
const JOB_WHY: &str = "\
Initialises Vault on the first run and (re)applies its configuration on every new revision of
the scripts: the name ends in the hash of the generated ConfigMap, so a script change makes a
new Job (and prune removes the old one). ttlSecondsAfterFinished stays unset: the finished Job
must remain for Flux's health check (wait: true) to see it Complete.

- kustomize.toolkit.fluxcd.io/force: enabled, because a Job's pod template is immutable: a new
  Vault image recreates the Job instead of failing.
- activeDeadlineSeconds: init waits up to 10 min for vault-0, configure up to 5 min for the
  active node.
- serviceAccountName vault: it carries the Vault IRSA role (cluster var VAULT_ROLE_ARN), the
  only role that may read and write the init secret and use the KMS key that encrypts it.
- automountServiceAccountToken: false, because only the IRSA web-identity token is needed,
  which EKS mounts separately.
- restartPolicy: OnFailure restarts a failed container inside the same pod, so the recovery
  keys in the memory volume survive until store.sh has saved them.
- Containers init and configure run the same image the vault HelmRelease runs
  (tests/conformance/gitops checks it). init's VAULT_ADDR is the headless service, which
  resolves vault-0 before it is ready (publishNotReadyAddresses).
- Volume bootstrap is a memory emptyDir: recovery keys and the root token never touch a disk in
  the cluster.";

/// Why the bootstrap's `NetworkPolicy` admits what it admits.
const NETWORK_POLICY_WHY: &str = "\
The bootstrap Job talks to the Vault API and to AWS (STS for its IRSA role, Secrets Manager);
namespace vault denies everything else (namespace-baseline). AWS API endpoints have no fixed
addresses to select, so for them the port (443) is the limit.";

/// One bootstrap container: its command, environment, resources, the restricted security
/// context, and the three volumes mounted.
fn container<const N: usize>(
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
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                ..Capabilities::default()
            }),
            ..SecurityContext::default()
        }),
        volume_mounts: Some(vec![
            mount("scripts", "/scripts", true),
            mount("bootstrap", "/bootstrap", false),
            mount("tmp", "/tmp", false),
        ]),
        ..Container::default()
    }
}

/// The scripts' `ConfigMap`, the memory volume of the init output and root token, and `/tmp`.
fn volumes() -> Vec<Volume> {
    vec![
        Volume {
            name: "scripts".into(),
            config_map: Some(ConfigMapVolumeSource {
                name: BOOTSTRAP_NAME.into(),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        },
        Volume {
            name: "bootstrap".into(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: Some("Memory".into()),
                size_limit: Some(Quantity("1Mi".into())),
            }),
            ..Volume::default()
        },
        Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource {
                medium: None,
                size_limit: Some(Quantity("64Mi".into())),
            }),
            ..Volume::default()
        },
    ]
}

/// `app.kubernetes.io/name: vault-bootstrap`.
fn name_label() -> BTreeMap<String, String> {
    BTreeMap::from([(NAME_LABEL.to_owned(), BOOTSTRAP_NAME.to_owned())])
}

/// A selector of the pods labelled `app.kubernetes.io/name: <name>`.
fn selector(name: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(NAME_LABEL.to_owned(), name.to_owned())])),
        ..LabelSelector::default()
    }
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
    /// [`crate::Error::Core`] when a path is taken or a document does not serialize.
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
        assert_eq!(VaultBootstrap::job_name(), "vault-bootstrap-g64htft48d");
    }

    #[test]
    fn go_escapes_html_characters() {
        let mut out = String::new();
        push_go_json_string(&mut out, "a<b>&\"\\\n\u{1}\u{2028}");
        assert_eq!(out, "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028\"");
    }
}
