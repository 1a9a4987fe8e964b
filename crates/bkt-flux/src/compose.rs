//! Building blocks of a platform component, as the reference platform composes its own: a
//! Pod Security-labelled namespace, a chart's `HelmRepository` and a `HelmRelease` with
//! remediation and the reasons behind its values, an Ingress on the shared ALB, a folder's
//! `kustomization.yaml` with the namespace baseline, secrets generated once in the cluster
//! (External Secrets `Password` generators) and a Secret copied between namespaces. A
//! component's `NetworkPolicy` allows come from [`crate::network_policy`].
//!
//! Each helper returns typed objects or [`ManifestFile`]s; a component is the files a user
//! inserts into a [`crate::GitOpsTree`] folder, and the tree's graph checks apply to them as to
//! any other file.
//!
//! [`repository`] and [`release`] take a `bkt_helm::Chart` and need the `helm` feature (on by
//! default); every other block is plain Flux and Kubernetes.
//!
//! ```
//! use bkt_flux::compose;
//! use bkt_flux::{Duration, GitOpsTree};
//! use bkt_helm::charts::external_secrets;
//!
//! let chart = &external_secrets::CHART;
//! let mut tree = GitOpsTree::new("gitops", &[]);
//! tree.insert("platform/secrets/namespace.yaml", compose::namespace_file("secrets", None)?)?;
//! tree.insert("platform/secrets/repository.yaml", compose::repository(chart)?)?;
//! let values = external_secrets::Values::default();
//! tree.insert(
//!     "platform/secrets/release.yaml",
//!     compose::release(chart, Duration::minutes(10), &values, &["Why these values."], None)?,
//! )?;
//! tree.insert(
//!     "platform/secrets/kustomization.yaml",
//!     compose::folder_kustomization(
//!         "secrets",
//!         &["namespace.yaml", "repository.yaml", "release.yaml"],
//!         false,
//!         None,
//!     )?,
//! )?;
//! tree.check()?;
//! # Ok::<(), bkt_flux::Error>(())
//! ```

#[cfg(feature = "helm")]
mod chart;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, ServiceBackendPort,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::kinds::external_secrets::{
    CaProvider, DataFromSourceRef, ExternalSecret, ExternalSecretDataFrom, ExternalSecretSpec,
    ExternalSecretTarget, ExternalSecretTemplate, GeneratorRef, KubernetesProvider,
    KubernetesProviderAuth, KubernetesServer, PasswordSpec, RemoteReference, SecretStore,
    SecretStoreProvider, SecretStoreRef, SecretStoreSpec, ServiceAccountRef,
};
use crate::kustomize::Kustomization;
use crate::{Duration, Manifest, ManifestFile, Result};

#[cfg(feature = "helm")]
pub use chart::{release, repository};

/// The kustomize component every platform namespace includes (default-deny, DNS egress).
pub const NAMESPACE_BASELINE: &str = "../../infrastructure/components/namespace-baseline";
/// The kustomize component that allows HTTPS egress (the API server, external endpoints).
pub const EGRESS_HTTPS: &str = "../../infrastructure/components/egress-https";

/// The annotation that makes the ALB listen on both ports (HTTP redirects to HTTPS).
pub const ALB_LISTEN_PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";
/// The ALB's health-check path annotation.
pub const ALB_HEALTHCHECK_PATH: &str = "alb.ingress.kubernetes.io/healthcheck-path";
/// The ALB's accepted health-check status codes.
pub const ALB_SUCCESS_CODES: &str = "alb.ingress.kubernetes.io/success-codes";

/// The label of a `CloudNativePG` cluster's pods.
pub const CNPG_CLUSTER: &str = "cnpg.io/cluster";

/// Comment lines wrap at this width.
pub const WRAP: usize = 98;

/// A Secret of one namespace copied into another through External Secrets, read with a service
/// account that may get exactly that one Secret: the copying side (the reader `ServiceAccount`,
/// the namespaced `SecretStore` of the Kubernetes provider, the `ExternalSecret`) and the Role and
/// `RoleBinding` that the Secret's own namespace grants the reader.
///
/// ```
/// use bkt_flux::Manifest;
/// use bkt_flux::compose::SecretCopy;
///
/// let copy = SecretCopy {
///     reader: "db-reader",
///     store: "database",
///     remote_namespace: "database",
///     secret: "wiki-db",
///     target: "wiki-db",
/// };
/// let yaml = copy.files("Reads the database password, and nothing else.", None)?.render()?;
/// assert!(yaml.starts_with("# Reads the database password, and nothing else.\napiVersion: v1\nkind: ServiceAccount\n"));
/// assert!(yaml.contains("kind: SecretStore\n"));
/// assert!(yaml.contains("      remoteNamespace: database\n"));
/// assert!(yaml.ends_with("  dataFrom:\n    - extract:\n        key: wiki-db\n"));
///
/// // The namespace holding the Secret lets exactly that reader get exactly that Secret.
/// let (role, binding) = copy.reader_role("wiki");
/// let role = Manifest::new(&role)?.render()?;
/// assert!(role.contains("  name: read-wiki-db\n"));
/// assert!(role.contains("    resourceNames:\n      - wiki-db\n"));
/// assert!(role.contains("    verbs:\n      - get\n"));
/// let binding = Manifest::new(&binding)?.render()?;
/// assert!(binding.contains("  name: wiki-reads-wiki-db\n"));
/// assert!(binding.contains("    name: db-reader\n    namespace: wiki\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SecretCopy<'a> {
    /// The copying namespace's service account the store reads as.
    pub reader: &'a str,
    /// The `SecretStore`'s name.
    pub store: &'a str,
    /// The namespace that holds the Secret.
    pub remote_namespace: &'a str,
    /// The Secret copied.
    pub secret: &'a str,
    /// The name of the copy (and of its `ExternalSecret`).
    pub target: &'a str,
}

impl SecretCopy<'_> {
    /// The copying side: the reader (with `why` above it), the store and the `ExternalSecret`.
    ///
    /// # Errors
    /// [`crate::Error::Core`] when a document does not serialize.
    pub fn files(
        &self,
        why: &str,
        template: Option<BTreeMap<String, String>>,
    ) -> Result<ManifestFile> {
        let store = SecretStore::new(
            self.store,
            SecretStoreSpec {
                provider: SecretStoreProvider {
                    kubernetes: Some(KubernetesProvider {
                        remote_namespace: self.remote_namespace.to_owned(),
                        server: KubernetesServer {
                            ca_provider: CaProvider::kube_root_ca(),
                        },
                        auth: KubernetesProviderAuth {
                            service_account: ServiceAccountRef {
                                name: self.reader.to_owned(),
                                namespace: None,
                            },
                        },
                    }),
                    ..SecretStoreProvider::default()
                },
            },
        );
        let copy = ExternalSecret::new(
            self.target,
            ExternalSecretSpec {
                refresh_interval: Some(Duration::hours(1)),
                secret_store_ref: Some(SecretStoreRef {
                    kind: SecretStore::KIND_NAME.to_owned(),
                    name: self.store.to_owned(),
                }),
                target: Some(ExternalSecretTarget {
                    name: Some(self.target.to_owned()),
                    template: template.map(|data| ExternalSecretTemplate { data }),
                }),
                data_from: vec![ExternalSecretDataFrom {
                    extract: Some(RemoteReference {
                        key: self.secret.to_owned(),
                        property: None,
                    }),
                    ..ExternalSecretDataFrom::default()
                }],
                ..ExternalSecretSpec::default()
            },
        );
        Ok(ManifestFile::new([
            Manifest::new(&ServiceAccount {
                metadata: named(self.reader),
                ..ServiceAccount::default()
            })?
            .why(why),
            Manifest::new(&store)?,
            Manifest::new(&copy)?,
        ]))
    }

    /// The Secret's side: the Role `read-<secret>` that may `get` exactly that Secret, and its
    /// binding `<copying namespace>-reads-<secret>` to the reader of `namespace`.
    #[must_use]
    pub fn reader_role(&self, namespace: &str) -> (Role, RoleBinding) {
        let mut role_name = String::from("read-");
        role_name.push_str(self.secret);
        let mut binding_name = String::from(namespace);
        binding_name.push_str("-reads-");
        binding_name.push_str(self.secret);
        let binding = RoleBinding {
            metadata: named(&binding_name),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned(),
                kind: "Role".to_owned(),
                name: role_name.clone(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".to_owned(),
                name: self.reader.to_owned(),
                namespace: Some(namespace.to_owned()),
                api_group: None,
            }]),
        };
        let role = Role {
            metadata: named(&role_name),
            rules: Some(vec![PolicyRule {
                api_groups: Some(vec![String::new()]),
                resources: Some(vec!["secrets".to_owned()]),
                resource_names: Some(vec![self.secret.to_owned()]),
                verbs: vec!["get".to_owned()],
                non_resource_urls: None,
            }]),
        };
        (role, binding)
    }
}

/// `length` characters with `digits` digits, letters of both cases, no symbols, repeats
/// allowed.
#[must_use]
pub fn alphanumeric(length: u32, digits: u32) -> PasswordSpec {
    PasswordSpec {
        length,
        digits: Some(digits),
        symbols: Some(0),
        symbol_characters: None,
        no_upper: Some(false),
        allow_repeat: Some(true),
    }
}

/// The Secret `target` written once from the `Password` generator `generator`, its keys
/// templated from the generated `{{ .password }}`.
///
/// With [`alphanumeric`] for the generator and [`template`] for the keys:
///
/// ```
/// use bkt_flux::compose::{GENERATED_PASSWORD, alphanumeric, generated_once, template};
/// use bkt_flux::kinds::external_secrets::{ExternalSecret, Password};
/// use bkt_flux::{Manifest, ManifestFile};
///
/// let generator = Password::new("wiki-db", alphanumeric(24, 6));
/// let secret = ExternalSecret::new(
///     "wiki-db",
///     generated_once("wiki-db", template([("password", GENERATED_PASSWORD)]), "wiki-db"),
/// );
/// let yaml = ManifestFile::new([Manifest::new(&generator)?, Manifest::new(&secret)?]).render()?;
/// assert!(yaml.contains("  length: 24\n  digits: 6\n  symbols: 0\n"));
/// assert!(yaml.contains("  refreshPolicy: CreatedOnce\n"));
/// assert!(yaml.contains("      data:\n        password: \"{{ .password }}\"\n"));
/// assert!(yaml.contains("          kind: Password\n          name: wiki-db\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[must_use]
pub fn generated_once(
    target: &str,
    template: BTreeMap<String, String>,
    generator: &str,
) -> ExternalSecretSpec {
    ExternalSecretSpec {
        refresh_policy: Some("CreatedOnce".to_owned()),
        target: Some(ExternalSecretTarget {
            name: Some(target.to_owned()),
            template: Some(ExternalSecretTemplate { data: template }),
        }),
        data_from: vec![ExternalSecretDataFrom {
            source_ref: Some(DataFromSourceRef {
                generator_ref: Some(GeneratorRef::password(generator)),
            }),
            ..ExternalSecretDataFrom::default()
        }],
        ..ExternalSecretSpec::default()
    }
}

/// The generator's output in an `ExternalSecret` template.
pub const GENERATED_PASSWORD: &str = "{{ .password }}";

/// An `ExternalSecret` template of `(key, template)` pairs.
#[must_use]
pub fn template<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// `name.` in front of `domain`.
#[must_use]
pub fn host(name: &str, domain: &str) -> String {
    let mut host = String::from(name);
    host.push('.');
    host.push_str(domain);
    host
}

/// Metadata with only a name (the folder's kustomization sets the namespace).
#[must_use]
pub fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

/// The namespace `name` at Pod Security `restricted` (audit and warn always; enforce too
/// unless `why_privileged` says why it is `privileged`).
///
/// ```
/// let yaml = bkt_flux::compose::namespace_file("logging", Some("Fluent Bit reads the nodes' log files."))?
///     .render()?;
/// assert!(yaml.starts_with("# Fluent Bit reads the nodes' log files.\napiVersion: v1\nkind: Namespace\n"));
/// assert!(yaml.contains("    pod-security.kubernetes.io/enforce: privileged\n"));
/// assert!(yaml.contains("    pod-security.kubernetes.io/warn: restricted\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::Core`] when a document does not serialize.
pub fn namespace_file(name: &str, why_privileged: Option<&str>) -> Result<ManifestFile> {
    let enforce = if why_privileged.is_some() {
        "privileged"
    } else {
        "restricted"
    };
    let object = Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(BTreeMap::from([
                (
                    "pod-security.kubernetes.io/enforce".to_owned(),
                    enforce.to_owned(),
                ),
                (
                    "pod-security.kubernetes.io/audit".to_owned(),
                    "restricted".to_owned(),
                ),
                (
                    "pod-security.kubernetes.io/warn".to_owned(),
                    "restricted".to_owned(),
                ),
            ])),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let manifest = Manifest::new(&object)?;
    Ok(ManifestFile::single(match why_privileged {
        Some(why) => manifest.why(why),
        None => manifest,
    }))
}

/// `text` broken into lines of at most [`WRAP`] characters (a longer word stays whole).
#[must_use]
pub fn wrap(text: &str) -> String {
    wrap_to(text, WRAP)
}

/// `text` broken at word boundaries into lines of at most `width` characters; a word longer
/// than `width` stays whole on a line of its own. The one comment wrapper of the crate.
///
/// ```
/// use bkt_flux::compose::wrap_to;
///
/// assert_eq!(wrap_to("aa bb cc", 5), "aa bb\ncc");
/// assert_eq!(wrap_to("averylongword b", 4), "averylongword\nb");
/// assert_eq!(wrap_to("", 4), "");
/// ```
#[must_use]
pub fn wrap_to(text: &str, width: usize) -> String {
    let mut wrapped = String::new();
    let mut line_length = 0;
    for word in text.split_whitespace() {
        if line_length > 0 && line_length + 1 + word.len() > width {
            wrapped.push('\n');
            line_length = 0;
        } else if line_length > 0 {
            wrapped.push(' ');
            line_length += 1;
        }
        wrapped.push_str(word);
        line_length += word.len();
    }
    wrapped
}

/// An Ingress of ingress class `class`: `host`, every path to `service`'s `port`, listening on
/// HTTP and HTTPS, with extra ALB `annotations`; `why` explains an annotation.
///
/// ```
/// use bkt_flux::compose::{self, ALB_HEALTHCHECK_PATH};
///
/// let yaml = compose::ingress(
///     "grafana",
///     "alb",
///     &compose::host("grafana", "${DOMAIN}"),
///     ("grafana", 80),
///     &[(ALB_HEALTHCHECK_PATH, "/api/health")],
///     Some("Grafana answers its health check without a login."),
/// )?
/// .render()?;
/// assert!(yaml.starts_with("# Grafana answers its health check without a login.\n"));
/// assert!(yaml.contains("    alb.ingress.kubernetes.io/healthcheck-path: /api/health\n"));
/// assert!(yaml.contains("  ingressClassName: alb\n"));
/// assert!(yaml.contains("    - host: grafana.${DOMAIN}\n"));
/// assert!(yaml.contains("                name: grafana\n                port:\n                  number: 80\n"));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::Core`] when a document does not serialize.
pub fn ingress(
    name: &str,
    class: &str,
    host: &str,
    (service, port): (&str, i32),
    annotations: &[(&str, &str)],
    why: Option<&str>,
) -> Result<ManifestFile> {
    let mut all = BTreeMap::from([(
        ALB_LISTEN_PORTS.to_owned(),
        r#"[{"HTTP": 80}, {"HTTPS": 443}]"#.to_owned(),
    )]);
    all.extend(
        annotations
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned())),
    );
    let object = Ingress {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            annotations: Some(all),
            ..ObjectMeta::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: Some(class.to_owned()),
            rules: Some(vec![IngressRule {
                host: Some(host.to_owned()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some("/".to_owned()),
                        path_type: "Prefix".to_owned(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: service.to_owned(),
                                port: Some(ServiceBackendPort {
                                    number: Some(port),
                                    name: None,
                                }),
                            }),
                            resource: None,
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    };
    let manifest = Manifest::new(&object)?;
    Ok(ManifestFile::single(match why {
        Some(why) => manifest.why(why),
        None => manifest,
    }))
}

/// A component folder's `kustomization.yaml`: everything in `namespace`, the baseline
/// component, and HTTPS egress when the component needs it.
///
/// ```
/// let yaml = bkt_flux::compose::folder_kustomization(
///     "grafana",
///     &["namespace.yaml", "release.yaml"],
///     true,
///     Some("Grafana calls the identity provider over HTTPS."),
/// )?
/// .render()?;
/// assert!(yaml.starts_with("# Grafana calls the identity provider over HTTPS.\n"));
/// assert!(yaml.ends_with(concat!(
///     "namespace: grafana\nresources:\n  - namespace.yaml\n  - release.yaml\n",
///     "components:\n  - ../../infrastructure/components/namespace-baseline\n",
///     "  - ../../infrastructure/components/egress-https\n",
/// )));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
///
/// # Errors
/// [`crate::Error::Core`] when a document does not serialize.
pub fn folder_kustomization(
    namespace: &str,
    resources: &[&str],
    egress_https: bool,
    why: Option<&str>,
) -> Result<ManifestFile> {
    let mut components = vec![NAMESPACE_BASELINE.to_owned()];
    if egress_https {
        components.push(EGRESS_HTTPS.to_owned());
    }
    let file = Kustomization {
        namespace: Some(namespace.to_owned()),
        components,
        ..Kustomization::of(resources.iter().copied())
    };
    let manifest = Manifest::new(&file)?;
    Ok(ManifestFile::single(match why {
        Some(why) => manifest.why(why),
        None => manifest,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_wrap_at_the_width() {
        let text = wrap(&"word ".repeat(40));
        assert!(text.lines().all(|line| line.len() <= WRAP));
        assert_eq!(text.split_whitespace().count(), 40);
    }
}
