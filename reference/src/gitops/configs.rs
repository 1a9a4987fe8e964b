//! `infrastructure/configs/`: what the cluster needs once the controllers run — the default
//! `StorageClass` (`storage/`), the shared ALB's `IngressClass` and its `IngressClassParams` with
//! Vault's Ingress on it (`ingress/`), and Flux's notifications (`flux-notifications/`: the GitHub
//! webhook `Receiver` with its generated token and Ingress, the commit-status `Provider` and
//! `Alert`), and the cluster roles of the SSO groups (`oidc-access/`: one `ClusterRoleBinding`
//! per grant of the `kubernetes` SSO application).

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressClass,
    IngressClassParametersReference, IngressClassSpec, IngressRule, IngressServiceBackend,
    IngressSpec, ServiceBackendPort,
};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleRef, Subject};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::sso;
use crate::cluster_vars::{ClusterVars, Substitution};
use bkt_flux::kinds::aws_load_balancer::{
    IngressClassParams, IngressClassParamsSpec, IngressGroup, Tag,
};
use bkt_flux::kinds::external_secrets::{
    DataFromSourceRef, ExternalSecret, ExternalSecretDataFrom, ExternalSecretSpec,
    ExternalSecretTarget, ExternalSecretTemplate, GeneratorRef, Password, PasswordSpec,
};
use bkt_flux::kinds::{
    Alert, AlertSpec, EventSeverity, LocalObjectReference, Object, ObjectKindReference, Provider,
    ProviderSpec, Receiver, ReceiverSpec,
};
use bkt_flux::kustomize::Kustomization;
use bkt_flux::{GitOpsTree, Manifest, ManifestFile, Result};

/// The annotation naming the security groups the controller attaches to an Ingress's ALB.
const SECURITY_GROUPS: &str = "alb.ingress.kubernetes.io/security-groups";

/// The annotation asking the controller to manage the node/pod rules for those groups.
const MANAGE_BACKEND_RULES: &str = "alb.ingress.kubernetes.io/manage-backend-security-group-rules";

/// One of the platform's two load balancers as the cluster sees it: the `IngressClass` its
/// Ingresses name, the `IngressClassParams` and `IngressGroup` behind it, and the cluster var of its
/// frontend security group (Terraform's network module, input `load_balancers`).
#[derive(Debug, Clone, Copy)]
pub struct Alb {
    /// The `IngressClass` name.
    pub class: &'static str,
    /// The `IngressClassParams` name: the frontend's name in Terraform.
    pub params: &'static str,
    /// The `IngressGroup`: every Ingress of the class shares one ALB.
    pub group: &'static str,
    /// The cluster var holding the frontend security group's ID.
    security_group: fn(ClusterVars<Substitution>) -> Substitution,
}

/// The internet-facing ALB open to every address: the sample app, Authentik (browsers and the
/// EKS control plane fetch its OIDC documents) and Flux's webhook receiver (GitHub calls it).
pub const PUBLIC_ALB: Alb = Alb {
    class: "alb",
    params: crate::environment::PUBLIC_LOAD_BALANCER,
    group: "bkt-public",
    security_group: |vars| vars.alb_public_security_group_id,
};

/// The ALB of the admin UIs (Vault, Headlamp, Grafana, OpenSearch Dashboards), admitting only the
/// environment's `[network] admin_ingress_cidrs`.
pub const ADMIN_ALB: Alb = Alb {
    class: "alb-admin",
    params: crate::environment::ADMIN_LOAD_BALANCER,
    group: "bkt-admin",
    security_group: |vars| vars.alb_admin_security_group_id,
};

impl Alb {
    /// The annotations every Ingress of the class carries, with the same values: the frontend
    /// security group from Terraform, and no controller-managed node rules (the eks module writes
    /// the one rule). The controller requires an `IngressGroup` to agree on both.
    #[must_use]
    pub fn annotations(&self) -> [(&'static str, String); 2] {
        frontend_annotations(&(self.security_group)(ClusterVars::references()).to_string())
    }
}

/// The annotations of an Ingress on an ALB whose frontend security group is `security_group`
/// (an ID, or the `${VAR}` that Flux substitutes with one).
#[must_use]
pub fn frontend_annotations(security_group: &str) -> [(&'static str, String); 2] {
    [
        (SECURITY_GROUPS, security_group.to_owned()),
        (MANAGE_BACKEND_RULES, "false".to_owned()),
    ]
}

/// The listeners every Ingress on the shared ALB asks for.
const LISTEN_PORTS: &str = r#"[{"HTTP": 80}, {"HTTPS": 443}]"#;

/// `infrastructure/configs/`, with the cluster var references it substitutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configs {
    /// The platform's DNS domain (`${DOMAIN}`): the Ingress hosts.
    pub domain: String,
    /// The ACM certificate of the ALB's HTTPS listener (`${CERTIFICATE_ARN}`).
    pub certificate_arn: String,
    /// The EKS cluster's name (`${CLUSTER_NAME}`): a tag of the ALB.
    pub cluster_name: String,
    /// The environment (`${ENVIRONMENT}`): a tag of the ALB.
    pub environment: String,
    /// `owner/repo` of the GitHub repository (`${GITHUB_REPOSITORY}`): where commit statuses go.
    pub github_repository: String,
    /// The SSO declaration: the groups' cluster roles, and Vault's redirect host.
    pub sso: bkt_sso::Sso,
}

impl Configs {
    /// The folder, relative to the tree.
    pub const FOLDER: &'static str = "infrastructure/configs";

    /// The default `StorageClass` `gp3`.
    #[must_use]
    pub fn storage_class() -> StorageClass {
        StorageClass {
            metadata: ObjectMeta {
                name: Some("gp3".into()),
                annotations: Some(pairs([(
                    "storageclass.kubernetes.io/is-default-class",
                    "true",
                )])),
                ..ObjectMeta::default()
            },
            provisioner: "ebs.csi.aws.com".into(),
            parameters: Some(pairs([
                ("type", "gp3"),
                ("encrypted", "true"),
                ("csi.storage.k8s.io/fstype", "ext4"),
            ])),
            reclaim_policy: Some("Delete".into()),
            volume_binding_mode: Some("WaitForFirstConsumer".into()),
            allow_volume_expansion: Some(true),
            ..StorageClass::default()
        }
    }

    /// An ALB's settings: its group, internet-facing, HTTPS with a TLS 1.3-capable policy, HTTP
    /// redirected, tagged with the cluster and environment.
    #[must_use]
    pub fn ingress_class_params(&self, alb: &Alb) -> IngressClassParams {
        IngressClassParams::new(
            alb.params,
            IngressClassParamsSpec {
                group: Some(IngressGroup {
                    name: alb.group.into(),
                }),
                scheme: Some("internet-facing".into()),
                target_type: Some("ip".into()),
                certificate_arn: vec![self.certificate_arn.clone()],
                ssl_policy: Some("ELBSecurityPolicy-TLS13-1-2-2021-06".into()),
                ssl_redirect_port: Some("443".into()),
                tags: vec![
                    Tag::new("bkt.io/cluster", self.cluster_name.clone()),
                    Tag::new("bkt.io/environment", self.environment.clone()),
                ],
            },
        )
    }

    /// An ALB's `IngressClass`, whose parameters are [`Configs::ingress_class_params`].
    #[must_use]
    pub fn ingress_class(alb: &Alb) -> IngressClass {
        IngressClass {
            metadata: ObjectMeta {
                name: Some(alb.class.into()),
                ..ObjectMeta::default()
            },
            spec: Some(IngressClassSpec {
                controller: Some("ingress.k8s.aws/alb".into()),
                parameters: Some(IngressClassParametersReference {
                    api_group: Some(IngressClassParams::API_GROUP.into()),
                    kind: IngressClassParams::KIND.into(),
                    name: alb.params.into(),
                    ..IngressClassParametersReference::default()
                }),
            }),
        }
    }

    /// Vault's UI and API on the admin ALB, health-checked on `/v1/sys/health`.
    #[must_use]
    pub fn vault_ingress(&self) -> Ingress {
        let mut ingress = alb_ingress(
            &ADMIN_ALB,
            "vault",
            subdomain("vault", &self.domain),
            "/",
            "vault-active",
            8200,
            [
                ("alb.ingress.kubernetes.io/listen-ports", LISTEN_PORTS),
                (
                    "alb.ingress.kubernetes.io/healthcheck-path",
                    "/v1/sys/health",
                ),
            ],
        );
        ingress.metadata.namespace = Some("vault".into());
        ingress
    }

    /// One `ClusterRoleBinding` per grant of the `kubernetes` SSO application: the group, as the
    /// API server names it (`oidc:<group>`), bound to its cluster role.
    ///
    /// # Errors
    /// [`bkt_flux::Error::Sso`] when the declaration has no `kubernetes` application of the
    /// Kubernetes kind.
    pub fn oidc_cluster_role_bindings(&self) -> Result<Vec<ClusterRoleBinding>> {
        let client = sso::client::<bkt_sso::Kubernetes>(
            &self.sso,
            OIDC_ACCESS,
            "the ClusterRoleBindings of the SSO groups",
            sso::KUBERNETES,
        )?;
        Ok(client
            .grants()
            .into_iter()
            .map(|(group, role)| {
                let mut name = String::from("oidc-");
                name.push_str(group.as_str());
                ClusterRoleBinding {
                    metadata: ObjectMeta {
                        name: Some(name),
                        ..ObjectMeta::default()
                    },
                    role_ref: RoleRef {
                        api_group: "rbac.authorization.k8s.io".into(),
                        kind: "ClusterRole".into(),
                        name: role.as_str().into(),
                    },
                    subjects: Some(vec![Subject {
                        api_group: Some("rbac.authorization.k8s.io".into()),
                        kind: "Group".into(),
                        name: client.subject(group),
                        namespace: None,
                    }]),
                }
            })
            .collect())
    }

    /// The HMAC token generator of the GitHub webhook.
    #[must_use]
    pub fn webhook_token_generator() -> Password {
        Password::new(
            "webhook-token",
            PasswordSpec {
                length: 40,
                digits: Some(10),
                symbols: Some(0),
                no_upper: Some(false),
                allow_repeat: Some(true),
                ..PasswordSpec::default()
            },
        )
    }

    /// The Secret `github-webhook-token` (key `token`), generated once in the cluster.
    #[must_use]
    pub fn webhook_token() -> ExternalSecret {
        ExternalSecret::new(
            "github-webhook-token",
            ExternalSecretSpec {
                refresh_policy: Some("CreatedOnce".into()),
                target: Some(ExternalSecretTarget {
                    name: Some("github-webhook-token".into()),
                    template: Some(ExternalSecretTemplate {
                        data: pairs([("token", "{{ .password }}")]),
                    }),
                }),
                data_from: vec![ExternalSecretDataFrom {
                    source_ref: Some(DataFromSourceRef {
                        generator_ref: Some(GeneratorRef::password("webhook-token")),
                    }),
                    ..ExternalSecretDataFrom::default()
                }],
                ..ExternalSecretSpec::default()
            },
        )
    }

    /// The `Receiver` that makes Flux fetch the repository on every push.
    #[must_use]
    pub fn receiver() -> Receiver {
        use bkt_flux::kinds::GitRepository;
        Receiver::new(
            "github",
            ReceiverSpec {
                receiver_type: "github".into(),
                events: vec!["ping".into(), "push".into()],
                secret_ref: LocalObjectReference::new("github-webhook-token"),
                resources: vec![ObjectKindReference {
                    api_version: Some(GitRepository::API_VERSION.into()),
                    kind: GitRepository::KIND.into(),
                    name: "flux-system".into(),
                    namespace: None,
                }],
                interval: None,
            },
        )
    }

    /// The webhook's Ingress on the public ALB (GitHub calls it): `/hook/` of
    /// `flux-webhook.<domain>`.
    #[must_use]
    pub fn webhook_ingress(&self) -> Ingress {
        alb_ingress(
            &PUBLIC_ALB,
            "flux-webhook",
            subdomain("flux-webhook", &self.domain),
            "/hook/",
            "webhook-receiver",
            80,
            [
                ("alb.ingress.kubernetes.io/listen-ports", LISTEN_PORTS),
                ("alb.ingress.kubernetes.io/success-codes", "200,404"),
            ],
        )
    }

    /// The commit-status `Provider` of the repository.
    #[must_use]
    pub fn github_provider(&self) -> Provider {
        let mut address = String::from("https://github.com/");
        address.push_str(&self.github_repository);
        Provider::new(
            "github",
            ProviderSpec {
                provider_type: "github".into(),
                address: Some(address),
                secret_ref: Some(LocalObjectReference::new("github-token")),
                ..ProviderSpec::default()
            },
        )
    }

    /// The `Alert` that reports every Kustomization's reconcile results as commit statuses.
    #[must_use]
    pub fn github_status() -> Alert {
        Alert::new(
            "github-status",
            AlertSpec {
                provider_ref: LocalObjectReference::new("github"),
                event_severity: Some(EventSeverity::Info),
                event_sources: vec![ObjectKindReference {
                    kind: "Kustomization".into(),
                    name: "*".into(),
                    ..ObjectKindReference::default()
                }],
                ..AlertSpec::default()
            },
        )
    }

    /// Adds the folder's files to `tree`.
    ///
    /// # Errors
    /// [`bkt_flux::Error::Core`] when a path is taken or a document does not serialize;
    /// [`bkt_flux::Error::Sso`] when the declaration lacks the `kubernetes` or `vault` application,
    /// or Vault's Ingress serves another host than its redirect URIs go to.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        let vault_ui = ManifestFile::single(Manifest::new(&self.vault_ingress())?.why(
            "Vault's UI and API on the shared ALB. It lives here rather than in the Vault release because\n\
             the IngressClass it names is created in this layer. The health check path\n\
             /v1/sys/health: standby and sealed nodes answer 429/503; the ALB should send traffic to the\n\
             active node only.",
        ));
        sso::consumer::<bkt_sso::Vault>(
            &self.sso,
            &self.domain,
            (VAULT_INGRESS, "Ingress/vault/vault"),
            sso::VAULT,
            &vault_ui,
        )?;
        let mut insert = |path: &str, file: ManifestFile| {
            let mut full = String::from(Self::FOLDER);
            full.push('/');
            full.push_str(path);
            tree.insert(full, file)
        };
        insert(
            "kustomization.yaml",
            ManifestFile::single(Manifest::new(&Kustomization::of([
                "storage",
                "ingress",
                "flux-notifications",
                "oidc-access",
            ]))?),
        )?;

        insert(
            "storage/kustomization.yaml",
            ManifestFile::single(Manifest::new(&Kustomization::of(["gp3.yaml"]))?),
        )?;
        insert(
            "storage/gp3.yaml",
            ManifestFile::single(Manifest::new(&Self::storage_class())?.why(
                "The EBS CSI driver runs as an EKS add-on (Terraform). EKS's own gp2 class is not the default,\n\
                 so every claim without a class lands here: gp3, encrypted at rest, bound in the pod's zone.",
            )),
        )?;

        insert(
            "ingress/kustomization.yaml",
            ManifestFile::single(Manifest::new(&Kustomization::of([
                "alb.yaml",
                "vault-ui.yaml",
            ]))?),
        )?;
        insert(
            "ingress/alb.yaml",
            ManifestFile::new([
                Manifest::new(&self.ingress_class_params(&PUBLIC_ALB))?.why(
                    "Two internet-facing ALBs, because one ALB cannot admit different sources per host: class \"alb\"\n\
                     (group bkt-public, open to every address) for the sample app, Authentik and Flux's webhook, and\n\
                     class \"alb-admin\" (group bkt-admin) for Vault, Headlamp, Grafana and OpenSearch Dashboards,\n\
                     admitting only [network] admin_ingress_cidrs. Each Ingress names its ALB's frontend security\n\
                     group from Terraform (annotation security-groups). HTTPS only with a TLS 1.3-capable policy;\n\
                     HTTP requests are redirected to 443.",
                ),
                Manifest::new(&Self::ingress_class(&PUBLIC_ALB))?,
                Manifest::new(&self.ingress_class_params(&ADMIN_ALB))?,
                Manifest::new(&Self::ingress_class(&ADMIN_ALB))?,
            ]),
        )?;
        insert("ingress/vault-ui.yaml", vault_ui)?;

        let mut notifications = Kustomization::of(["receiver.yaml", "github-status.yaml"]);
        notifications.namespace = Some("flux-system".into());
        insert(
            "flux-notifications/kustomization.yaml",
            ManifestFile::single(Manifest::new(&notifications)?.why(
                "flux-system is created by `flux install` (make up), which also gives it Pod Security labels and\n\
                 NetworkPolicies that admit webhook traffic to notification-controller; see docs/gitops.md.",
            )),
        )?;
        insert(
            "flux-notifications/receiver.yaml",
            ManifestFile::new([
                Manifest::new(&Self::webhook_token_generator())?.why(
                    "GitHub calls this on every push, so Flux fetches the new commit in seconds instead of waiting\n\
                     for the next poll. The HMAC token is generated in the cluster once and never stored in Git;\n\
                     after `make up`, `flux get receivers` shows the URL to register as the repository webhook.",
                ),
                Manifest::new(&Self::webhook_token())?,
                Manifest::new(&Self::receiver())?,
                Manifest::new(&self.webhook_ingress())?.why(
                    "Success codes 200,404: the receiver answers only on /hook/<digest>; a 404 on / still proves\n\
                     it is serving.",
                ),
            ]),
        )?;
        insert(
            "flux-notifications/github-status.yaml",
            ManifestFile::new([
                Manifest::new(&self.github_provider())?.why(
                    "Reconcile results appear as commit statuses on GitHub. The token (fine-grained, \"commit\n\
                     statuses: write\" on this repository only) is the Secret github-token (key token) that `make up`\n\
                     creates from the environment variable GITHUB_TOKEN; it never passes through Git or Vault.",
                ),
                Manifest::new(&Self::github_status())?,
            ]),
        )?;
        self.add_oidc_access(tree)
    }

    /// Adds `oidc-access/`: the SSO groups' `ClusterRoleBindings`.
    fn add_oidc_access(&self, tree: &mut GitOpsTree) -> Result<()> {
        let bindings = self
            .oidc_cluster_role_bindings()?
            .iter()
            .map(Manifest::new)
            .collect::<Result<Vec<_>>>()?;
        let insert = |tree: &mut GitOpsTree, file: &str, documents: ManifestFile| {
            let mut path = String::from(OIDC_ACCESS);
            path.push('/');
            path.push_str(file);
            tree.insert(path, documents)
        };
        insert(
            tree,
            "kustomization.yaml",
            ManifestFile::single(Manifest::new(&Kustomization::of([
                "cluster-role-bindings.yaml",
            ]))?),
        )?;
        let mut bindings = bindings.into_iter();
        let mut file = ManifestFile::new(bindings.next().map(|first| {
            first.why(
                "Who may do what in the cluster after signing in through SSO (application kubernetes of\n\
                 the declaration in crate bkt-sso). The EKS OIDC identity provider (terraform/modules/eks)\n\
                 prefixes the groups of the ID token with oidc:, so no SSO group can pose as an IAM-mapped or\n\
                 built-in (system:) group; these bindings name the prefixed groups.",
            )
        }));
        for binding in bindings {
            file.push(binding);
        }
        insert(tree, "cluster-role-bindings.yaml", file)
    }
}

/// The folder of the SSO groups' `ClusterRoleBindings`, relative to the tree.
const OIDC_ACCESS: &str = "infrastructure/configs/oidc-access";
/// The folder of Vault's Ingress, relative to the tree.
const VAULT_INGRESS: &str = "infrastructure/configs/ingress";

/// An Ingress on `alb` (its class and annotations) routing the `path` prefix of `host` to port
/// `port` of service `service`.
fn alb_ingress<const N: usize>(
    alb: &Alb,
    name: &str,
    host: String,
    path: &str,
    service: &str,
    port: i32,
    annotations: [(&str, &str); N],
) -> Ingress {
    Ingress {
        metadata: ObjectMeta {
            name: Some(name.into()),
            annotations: Some(
                pairs(annotations)
                    .into_iter()
                    .chain(
                        alb.annotations()
                            .map(|(key, value)| (key.to_owned(), value)),
                    )
                    .collect(),
            ),
            ..ObjectMeta::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: Some(alb.class.into()),
            rules: Some(vec![IngressRule {
                host: Some(host),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some(path.into()),
                        path_type: "Prefix".into(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: service.into(),
                                port: Some(ServiceBackendPort {
                                    number: Some(port),
                                    ..ServiceBackendPort::default()
                                }),
                            }),
                            ..IngressBackend::default()
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

/// `<name>.<domain>`.
fn subdomain(name: &str, domain: &str) -> String {
    let mut host = String::from(name);
    host.push('.');
    host.push_str(domain);
    host
}

/// A string map of `entries`.
fn pairs<const N: usize>(entries: [(&str, &str); N]) -> BTreeMap<String, String> {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}
