//! External Secrets Operator kinds, for exactly the fields the tree sets: the `ExternalSecret`,
//! `SecretStore` and `ClusterSecretStore` (`external-secrets.io/v1`; Vault, Kubernetes and AWS
//! providers), the `PushSecret`
//! (`external-secrets.io/v1alpha1`) and the `Password` generator
//! (`generators.external-secrets.io/v1alpha1`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::flux_object;
use crate::Duration;

flux_object! {
    /// A generator of random passwords, read by an [`ExternalSecret`]'s `dataFrom`.
    Password(PasswordSpec) = "generators.external-secrets.io", "v1alpha1", "Password", "passwords", NamespaceResourceScope
}

/// The desired state of a [`Password`] generator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSpec {
    /// The password's length.
    pub length: u32,
    /// How many of its characters are digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digits: Option<u32>,
    /// How many of its characters are symbols.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbols: Option<u32>,
    /// The symbols drawn from; the operator's default set when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol_characters: Option<String>,
    /// Whether upper-case letters are left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_upper: Option<bool>,
    /// Whether a character may repeat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_repeat: Option<bool>,
}

flux_object! {
    /// A Kubernetes Secret kept in sync with a secret store or a generator.
    ///
    /// A Secret with a generated password and a key read from a store, with the [`Password`]
    /// generator it names:
    ///
    /// ```
    /// use bkt_flux::kinds::external_secrets::{
    ///     DataFromSourceRef, ExternalSecret, ExternalSecretData, ExternalSecretDataFrom,
    ///     ExternalSecretSpec, ExternalSecretTarget, GeneratorRef, Password, PasswordSpec,
    ///     RemoteReference, SecretStoreRef,
    /// };
    /// use bkt_flux::{Manifest, ManifestFile};
    ///
    /// let generator = Password::new(
    ///     "grafana-admin",
    ///     PasswordSpec { length: 32, symbols: Some(0), ..PasswordSpec::default() },
    /// );
    /// let secret = ExternalSecret::new(
    ///     "grafana-admin",
    ///     ExternalSecretSpec {
    ///         refresh_policy: Some("CreatedOnce".into()),
    ///         secret_store_ref: Some(SecretStoreRef::cluster("vault")),
    ///         target: Some(ExternalSecretTarget {
    ///             name: Some("grafana-admin".into()),
    ///             ..ExternalSecretTarget::default()
    ///         }),
    ///         data: vec![ExternalSecretData {
    ///             secret_key: "admin-user".into(),
    ///             remote_ref: RemoteReference {
    ///                 key: "grafana/admin".into(),
    ///                 property: Some("user".into()),
    ///             },
    ///         }],
    ///         data_from: vec![ExternalSecretDataFrom {
    ///             source_ref: Some(DataFromSourceRef {
    ///                 generator_ref: Some(GeneratorRef::password("grafana-admin")),
    ///             }),
    ///             extract: None,
    ///         }],
    ///         ..ExternalSecretSpec::default()
    ///     },
    /// );
    /// let yaml = ManifestFile::new([Manifest::new(&generator)?, Manifest::new(&secret)?]).render()?;
    /// assert!(yaml.starts_with(concat!(
    ///     "apiVersion: generators.external-secrets.io/v1alpha1\nkind: Password\n",
    ///     "metadata:\n  name: grafana-admin\nspec:\n  length: 32\n  symbols: 0\n",
    ///     "---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\n",
    /// )));
    /// assert!(yaml.contains("  secretStoreRef:\n    kind: ClusterSecretStore\n    name: vault\n"));
    /// assert!(yaml.ends_with(concat!(
    ///     "  data:\n    - secretKey: admin-user\n      remoteRef:\n        key: grafana/admin\n        property: user\n",
    ///     "  dataFrom:\n    - sourceRef:\n        generatorRef:\n",
    ///     "          apiVersion: generators.external-secrets.io/v1alpha1\n          kind: Password\n          name: grafana-admin\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    ExternalSecret(ExternalSecretSpec) = "external-secrets.io", "v1", "ExternalSecret", "externalsecrets", NamespaceResourceScope
}

/// The desired state of an [`ExternalSecret`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// When the Secret is refreshed: `CreatedOnce`, `Periodic`, `OnChange`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_policy: Option<String>,
    /// How often a `Periodic` Secret is refreshed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<Duration>,
    /// The store the data is read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_store_ref: Option<SecretStoreRef>,
    /// The Secret written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<ExternalSecretTarget>,
    /// Keys read one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ExternalSecretData>,
    /// Sources whose every key is read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_from: Vec<ExternalSecretDataFrom>,
}

/// A reference to a `SecretStore` or `ClusterSecretStore`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecretStoreRef {
    /// `SecretStore` or `ClusterSecretStore`.
    pub kind: String,
    /// The store's name.
    pub name: String,
}

impl SecretStoreRef {
    /// A reference to the `ClusterSecretStore` `name`.
    #[must_use]
    pub fn cluster(name: impl Into<String>) -> Self {
        Self {
            kind: ClusterSecretStore::KIND_NAME.to_owned(),
            name: name.into(),
        }
    }
}

/// The Secret an [`ExternalSecret`] writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretTarget {
    /// The Secret's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How the Secret's keys are made from the data read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<ExternalSecretTemplate>,
}

/// The template of the Secret an [`ExternalSecret`] writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExternalSecretTemplate {
    /// Each key of the Secret and its Go template over the data read.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, String>,
}

/// One key an [`ExternalSecret`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretData {
    /// The key in the Secret written.
    pub secret_key: String,
    /// Where the value is read.
    pub remote_ref: RemoteReference,
}

/// A key (and property) in the secret store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteReference {
    /// The key in the store.
    pub key: String,
    /// The property of that key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}

/// A source an [`ExternalSecret`] reads every key of.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretDataFrom {
    /// A generator (or store) read instead of the `ExternalSecret`'s store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<DataFromSourceRef>,
    /// Every property of one key of the `ExternalSecret`'s store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extract: Option<RemoteReference>,
}

/// The generator a `dataFrom` entry reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataFromSourceRef {
    /// The generator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator_ref: Option<GeneratorRef>,
}

/// A reference to a generator object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorRef {
    /// The generator's `apiVersion`.
    pub api_version: String,
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
}

impl GeneratorRef {
    /// A reference to the [`Password`] generator `name`.
    #[must_use]
    pub fn password(name: impl Into<String>) -> Self {
        use k8s_openapi::Resource;
        Self {
            api_version: Password::API_VERSION.to_owned(),
            kind: Password::KIND.to_owned(),
            name: name.into(),
        }
    }
}

flux_object! {
    /// A secret store every namespace may read through.
    ///
    /// A store backed by Vault's Kubernetes auth, and one backed by AWS Secrets Manager:
    ///
    /// ```
    /// use bkt_flux::kinds::external_secrets::{
    ///     AwsAuth, AwsJwtAuth, AwsProvider, ClusterSecretStore, SecretStoreProvider,
    ///     SecretStoreSpec, ServiceAccountRef, VaultAuth, VaultKubernetesAuth, VaultProvider,
    /// };
    /// use bkt_flux::Manifest;
    ///
    /// let vault = ClusterSecretStore::new(
    ///     "vault",
    ///     SecretStoreSpec {
    ///         provider: SecretStoreProvider {
    ///             vault: Some(VaultProvider {
    ///                 server: "http://vault.vault:8200".into(),
    ///                 path: Some("secret".into()),
    ///                 version: Some("v2".into()),
    ///                 auth: VaultAuth {
    ///                     kubernetes: Some(VaultKubernetesAuth {
    ///                         mount_path: "kubernetes".into(),
    ///                         role: "external-secrets".into(),
    ///                         service_account_ref: None,
    ///                     }),
    ///                 },
    ///             }),
    ///             ..SecretStoreProvider::default()
    ///         },
    ///     },
    /// );
    /// assert!(Manifest::new(&vault)?.render()?.ends_with(concat!(
    ///     "spec:\n  provider:\n    vault:\n      server: http://vault.vault:8200\n",
    ///     "      path: secret\n      version: v2\n",
    ///     "      auth:\n        kubernetes:\n          mountPath: kubernetes\n          role: external-secrets\n",
    /// )));
    ///
    /// let aws = ClusterSecretStore::new(
    ///     "aws",
    ///     SecretStoreSpec {
    ///         provider: SecretStoreProvider {
    ///             aws: Some(AwsProvider {
    ///                 service: "SecretsManager".into(),
    ///                 region: "eu-west-1".into(),
    ///                 auth: Some(AwsAuth {
    ///                     jwt: Some(AwsJwtAuth {
    ///                         service_account_ref: ServiceAccountRef {
    ///                             name: "external-secrets".into(),
    ///                             namespace: Some("external-secrets".into()),
    ///                         },
    ///                     }),
    ///                 }),
    ///             }),
    ///             ..SecretStoreProvider::default()
    ///         },
    ///     },
    /// );
    /// assert!(Manifest::new(&aws)?.render()?.contains(
    ///     "    aws:\n      service: SecretsManager\n      region: eu-west-1\n"
    /// ));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    ClusterSecretStore(SecretStoreSpec) = "external-secrets.io", "v1", "ClusterSecretStore", "clustersecretstores", ClusterResourceScope
}

impl ClusterSecretStore {
    /// Its kind, as references name it.
    pub const KIND_NAME: &'static str = "ClusterSecretStore";
}

/// The desired state of a [`ClusterSecretStore`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecretStoreSpec {
    /// The backend.
    pub provider: SecretStoreProvider,
}

/// The backend of a secret store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecretStoreProvider {
    /// `HashiCorp` Vault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vault: Option<VaultProvider>,
    /// Secrets of a namespace of this cluster, read through the API server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<KubernetesProvider>,
    /// AWS Secrets Manager or Parameter Store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsProvider>,
}

/// An AWS backend: Secrets Manager (`service: SecretsManager`) or Parameter Store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AwsProvider {
    /// `SecretsManager` or `ParameterStore`.
    pub service: String,
    /// The AWS region of the secrets.
    pub region: String,
    /// How the operator gets AWS credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<AwsAuth>,
}

/// How External Secrets gets AWS credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AwsAuth {
    /// A service account's token exchanged for its IAM role (IRSA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<AwsJwtAuth>,
}

/// IRSA: the operator requests a token of the service account and assumes the role its
/// `eks.amazonaws.com/role-arn` annotation names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsJwtAuth {
    /// The service account (of the store's namespace, for a `SecretStore`).
    pub service_account_ref: ServiceAccountRef,
}

/// A Vault KV backend.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VaultProvider {
    /// Vault's address.
    pub server: String,
    /// The KV mount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The KV version: `v1` or `v2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// How the operator logs in.
    pub auth: VaultAuth,
}

/// How External Secrets logs in to Vault.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VaultAuth {
    /// Vault's Kubernetes auth method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<VaultKubernetesAuth>,
}

/// Vault's Kubernetes auth: a role and the service account whose token is presented.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultKubernetesAuth {
    /// Where the auth method is mounted.
    pub mount_path: String,
    /// The Vault role.
    pub role: String,
    /// The service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_ref: Option<ServiceAccountRef>,
}

/// A service account, in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceAccountRef {
    /// Its name.
    pub name: String,
    /// Its namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

flux_object! {
    /// Writes keys of a Kubernetes Secret to secret stores.
    ///
    /// ```
    /// use bkt_flux::kinds::external_secrets::{
    ///     PushSecret, PushSecretData, PushSecretMatch, PushSecretRemoteRef, PushSecretSecret,
    ///     PushSecretSelector, PushSecretSpec, SecretStoreRef,
    /// };
    /// use bkt_flux::Manifest;
    ///
    /// let push = PushSecret::new(
    ///     "grafana-admin",
    ///     PushSecretSpec {
    ///         secret_store_refs: vec![SecretStoreRef::cluster("vault")],
    ///         selector: PushSecretSelector {
    ///             secret: PushSecretSecret { name: "grafana-admin".into() },
    ///         },
    ///         data: vec![PushSecretData {
    ///             matching: PushSecretMatch {
    ///                 secret_key: "password".into(),
    ///                 remote_ref: PushSecretRemoteRef {
    ///                     remote_key: "grafana/admin".into(),
    ///                     property: Some("password".into()),
    ///                 },
    ///             },
    ///         }],
    ///         ..PushSecretSpec::default()
    ///     },
    /// );
    /// assert!(Manifest::new(&push)?.render()?.ends_with(concat!(
    ///     "  selector:\n    secret:\n      name: grafana-admin\n",
    ///     "  data:\n    - match:\n        secretKey: password\n",
    ///     "        remoteRef:\n          remoteKey: grafana/admin\n          property: password\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    PushSecret(PushSecretSpec) = "external-secrets.io", "v1alpha1", "PushSecret", "pushsecrets", NamespaceResourceScope
}

/// The desired state of a [`PushSecret`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSecretSpec {
    /// How often the keys are pushed again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<Duration>,
    /// The stores written.
    pub secret_store_refs: Vec<SecretStoreRef>,
    /// The Secret read.
    pub selector: PushSecretSelector,
    /// The keys pushed and where.
    pub data: Vec<PushSecretData>,
}

/// The Secret a [`PushSecret`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushSecretSelector {
    /// The Secret, by name.
    pub secret: PushSecretSecret,
}

/// A Secret of the [`PushSecret`]'s namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushSecretSecret {
    /// Its name.
    pub name: String,
}

/// One key a [`PushSecret`] writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushSecretData {
    /// The key and where it goes.
    #[serde(rename = "match")]
    pub matching: PushSecretMatch,
}

/// A key of the Secret and its place in the store.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSecretMatch {
    /// The key in the Secret.
    pub secret_key: String,
    /// Where it is written.
    pub remote_ref: PushSecretRemoteRef,
}

/// Where a [`PushSecret`] writes a key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSecretRemoteRef {
    /// The key in the store.
    pub remote_key: String,
    /// The property of that key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}

flux_object! {
    /// A secret store of one namespace, read by that namespace's `ExternalSecret`s.
    ///
    /// A store that reads Secrets of another namespace through the Kubernetes provider:
    ///
    /// ```
    /// use bkt_flux::kinds::external_secrets::{
    ///     CaProvider, KubernetesProvider, KubernetesProviderAuth, KubernetesServer,
    ///     SecretStore, SecretStoreProvider, SecretStoreRef, SecretStoreSpec, ServiceAccountRef,
    /// };
    /// use bkt_flux::Manifest;
    ///
    /// let store = SecretStore::new(
    ///     "database",
    ///     SecretStoreSpec {
    ///         provider: SecretStoreProvider {
    ///             kubernetes: Some(KubernetesProvider {
    ///                 remote_namespace: "database".into(),
    ///                 server: KubernetesServer { ca_provider: CaProvider::kube_root_ca() },
    ///                 auth: KubernetesProviderAuth {
    ///                     service_account: ServiceAccountRef {
    ///                         name: "secret-reader".into(),
    ///                         namespace: None,
    ///                     },
    ///                 },
    ///             }),
    ///             ..SecretStoreProvider::default()
    ///         },
    ///     },
    /// )
    /// .in_namespace("grafana");
    /// assert!(Manifest::new(&store)?.render()?.ends_with(concat!(
    ///     "    kubernetes:\n      remoteNamespace: database\n",
    ///     "      server:\n        caProvider:\n          type: ConfigMap\n          name: kube-root-ca.crt\n          key: ca.crt\n",
    ///     "      auth:\n        serviceAccount:\n          name: secret-reader\n",
    /// )));
    /// assert_eq!(SecretStoreRef::namespaced("database").kind, "SecretStore");
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    SecretStore(SecretStoreSpec) = "external-secrets.io", "v1", "SecretStore", "secretstores", NamespaceResourceScope
}

impl SecretStore {
    /// Its kind, as references name it.
    pub const KIND_NAME: &'static str = "SecretStore";
}

impl SecretStoreRef {
    /// A reference to the `SecretStore` `name` of the referring object's namespace.
    #[must_use]
    pub fn namespaced(name: impl Into<String>) -> Self {
        Self {
            kind: SecretStore::KIND_NAME.to_owned(),
            name: name.into(),
        }
    }
}

/// Secrets of another namespace of this cluster, read through the API server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesProvider {
    /// The namespace read from.
    pub remote_namespace: String,
    /// How the API server is trusted.
    pub server: KubernetesServer,
    /// Who reads.
    pub auth: KubernetesProviderAuth,
}

/// The API server as a [`KubernetesProvider`] reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesServer {
    /// Where the CA certificate is.
    pub ca_provider: CaProvider,
}

/// A CA certificate in a `ConfigMap` or Secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaProvider {
    /// `ConfigMap` or `Secret`.
    #[serde(rename = "type")]
    pub provider_type: String,
    /// Its name.
    pub name: String,
    /// The key holding the certificate.
    pub key: String,
}

impl CaProvider {
    /// The cluster's own CA, which every namespace holds as `kube-root-ca.crt`.
    #[must_use]
    pub fn kube_root_ca() -> Self {
        Self {
            provider_type: "ConfigMap".to_owned(),
            name: "kube-root-ca.crt".to_owned(),
            key: "ca.crt".to_owned(),
        }
    }
}

/// How a [`KubernetesProvider`] authenticates to the API server.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesProviderAuth {
    /// As a service account of the store's namespace.
    pub service_account: ServiceAccountRef,
}
