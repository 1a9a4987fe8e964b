//! The platform layer `platform/`: the services the platform runs for its users, one folder per
//! component (OpenSearch, Fluent Bit, Grafana, Authentik, Headlamp, the shared `MariaDB`), each
//! with its Pod Security-labelled namespace, `NetworkPolicies`, chart source and release (chart
//! and values from the `bkt_helm` catalog), Ingress on the shared ALB, and secrets generated in
//! the cluster (External Secrets `Password` generators; no Secret with data is ever written).
//!
//! The whole folder is one Flux path (the `platform` Kustomization of the cluster entry).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, NetworkPolicy, NetworkPolicyEgressRule,
    NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
    ServiceBackendPort,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use bkt_helm::Chart;
use bkt_helm::charts;
use bkt_helm::common::{PodSecurityContext, Resources, SecurityContext};
use bkt_sso::Sso;

use crate::kinds::cnpg::{Bootstrap, InitDb, PostgresCluster, PostgresClusterSpec, Storage};
use crate::kinds::external_secrets::{
    CaProvider, DataFromSourceRef, ExternalSecret, ExternalSecretDataFrom, ExternalSecretSpec,
    ExternalSecretTarget, ExternalSecretTemplate, GeneratorRef, KubernetesProvider,
    KubernetesProviderAuth, KubernetesServer, Password, PasswordSpec, RemoteReference, SecretStore,
    SecretStoreProvider, SecretStoreRef, SecretStoreSpec, ServiceAccountRef,
};
use crate::kinds::mariadb::{
    DatabaseSpec, GrantSpec, MariaDb, MariaDbDatabase, MariaDbGrant, MariaDbSpec, MariaDbUser,
    SecretKeyRef, UserSpec,
};
use crate::kinds::{
    CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec, HelmRepository,
    HelmRepositorySpec, Install, InstallRemediation, LocalObjectReference,
    NamespacedObjectReference, SourceKind, Upgrade, UpgradeRemediation, Values,
};
use crate::kustomize::Kustomization;
use crate::sso::{self, secret_path};
use crate::{Duration, GitOpsTree, Manifest, ManifestFile, Result};

/// The folder of the layer, relative to the tree.
pub const FOLDER: &str = "platform";

/// The kustomize component every platform namespace includes (default-deny, DNS egress).
const NAMESPACE_BASELINE: &str = "../../infrastructure/components/namespace-baseline";
/// The kustomize component that allows HTTPS egress (the API server, external endpoints).
const EGRESS_HTTPS: &str = "../../infrastructure/components/egress-https";

/// The annotation that makes the ALB listen on both ports (HTTP redirects to HTTPS).
const ALB_LISTEN_PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";
/// The ALB's health-check path annotation.
const ALB_HEALTHCHECK_PATH: &str = "alb.ingress.kubernetes.io/healthcheck-path";
/// The ALB's accepted health-check status codes.
const ALB_SUCCESS_CODES: &str = "alb.ingress.kubernetes.io/success-codes";
/// The shared ALB's ingress class.
const ALB_CLASS: &str = "alb";

/// The label that names an app (`app.kubernetes.io/name`).
const APP_NAME: &str = "app.kubernetes.io/name";
/// The label every namespace carries with its own name.
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";
/// The label of a `CloudNativePG` cluster's pods.
const CNPG_CLUSTER: &str = "cnpg.io/cluster";

/// Comment lines wrap at this width.
const WRAP: usize = 98;

/// One component of the layer: a folder of `platform/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Component {
    /// OpenSearch and its Dashboards: the log store and its UI.
    Opensearch,
    /// Fluent Bit: ships container logs to OpenSearch.
    Logging,
    /// Grafana: dashboards over Prometheus.
    Grafana,
    /// Authentik: single sign-on.
    Authentik,
    /// Headlamp: the Kubernetes UI.
    Headlamp,
    /// The shared `MariaDB` (the sample app's database).
    Mysql,
}

impl Component {
    /// Every component, in the order the layer's `kustomization.yaml` lists them.
    pub const ALL: [Self; 6] = [
        Self::Opensearch,
        Self::Logging,
        Self::Grafana,
        Self::Authentik,
        Self::Headlamp,
        Self::Mysql,
    ];

    /// The component's folder (and namespace).
    #[must_use]
    pub fn folder(self) -> &'static str {
        match self {
            Self::Opensearch => "opensearch",
            Self::Logging => "logging",
            Self::Grafana => "grafana",
            Self::Authentik => "authentik",
            Self::Headlamp => "headlamp",
            Self::Mysql => "mysql",
        }
    }
}

/// The platform layer: its components and the cluster facts they use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// The DNS zone the UIs are served under (`${DOMAIN}`, substituted by Flux).
    pub domain: String,
    /// The components generated; the layer's own `kustomization.yaml` is generated once all
    /// of them are.
    pub components: Vec<Component>,
    /// The SSO declaration: Authentik's blueprint and client secrets, and the consumers
    /// (Grafana, Headlamp, OpenSearch) wired to it.
    pub sso: Sso,
}

impl Platform {
    /// The dev layer, every component generated; `domain` is the cluster-vars reference of the
    /// DNS zone, `sso` the platform's SSO declaration.
    #[must_use]
    pub fn dev(domain: impl std::fmt::Display, sso: Sso) -> Self {
        Self {
            domain: domain.to_string(),
            components: Component::ALL.to_vec(),
            sso,
        }
    }

    /// Adds the components' files (and, when every component is generated, the layer's
    /// `kustomization.yaml`) to `tree` under [`FOLDER`].
    ///
    /// # Errors
    /// A path already taken, a document that does not serialize, or a consumer whose SSO
    /// wiring is broken (see [`Platform::files`]).
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        for component in &self.components {
            for (file, documents) in self.files(*component)? {
                tree.insert(path([FOLDER, component.folder(), file]), documents)?;
            }
        }
        if Component::ALL
            .iter()
            .all(|component| self.components.contains(component))
        {
            let listing = Kustomization::of(Component::ALL.map(Component::folder));
            tree.insert(
                path([FOLDER, "kustomization.yaml"]),
                ManifestFile::single(Manifest::new(&listing)?),
            )?;
        }
        Ok(())
    }

    /// The files of one component's folder, by name.
    ///
    /// # Errors
    /// A document that does not serialize; [`crate::Error::Sso`] naming the folder when a
    /// consumer (Grafana, Headlamp, OpenSearch) is wired to an application the declaration
    /// lacks, or its Ingress serves another host than its redirect URIs go to;
    /// [`crate::Error::Invalid`] when a declared application has no consumer.
    pub fn files(&self, component: Component) -> Result<Vec<(&'static str, ManifestFile)>> {
        match component {
            Component::Opensearch => opensearch(&self.domain, &self.sso),
            Component::Logging => logging(),
            Component::Grafana => grafana(&self.domain, &self.sso),
            Component::Authentik => authentik(&self.domain, &self.sso),
            Component::Headlamp => headlamp(&self.domain, &self.sso),
            Component::Mysql => mysql(),
        }
    }
}

/// `parts` joined with `/`.
fn path<const N: usize>(parts: [&str; N]) -> String {
    parts.join("/")
}

fn authentik(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    let chart = &charts::authentik::CHART;
    let database = PostgresCluster::new(
        "authentik-db",
        PostgresClusterSpec {
            instances: 1,
            storage: Storage {
                size: "5Gi".to_owned(),
            },
            bootstrap: Bootstrap {
                initdb: InitDb {
                    database: "authentik".to_owned(),
                    owner: "authentik".to_owned(),
                },
            },
            resources: Resources::burstable("50m", "256Mi", "512Mi"),
        },
    );
    let secrets = authentik_secrets()?;
    let server = app("authentik");
    let db = labels(CNPG_CLUSTER, "authentik-db");
    let policies = ManifestFile::new([
        Manifest::new(&network_policy(
            "allow-authentik-server",
            server.clone(),
            vec![ingress_rule(vec![], &[9000])],
            Some(vec![egress_rule(vec![pods(db.clone())], &[5432])]),
        ))?
        .why(
            "The ALB reaches the server; server and worker use PostgreSQL; the operator (cnpg-system)\n\
             manages the database pods; external HTTPS egress covers identity providers and outposts.",
        ),
        Manifest::new(&network_policy(
            "allow-authentik-db",
            db,
            vec![
                ingress_rule(vec![pods(server)], &[5432]),
                ingress_rule(vec![namespace("cnpg-system")], &[8000]),
            ],
            Some(vec![]),
        ))?,
    ]);
    let mut files = vec![
        ("namespace.yaml", namespace_file("authentik", None)?),
        ("repository.yaml", repository(chart)?),
        (
            "database.yaml",
            ManifestFile::single(Manifest::new(&database)?.why(
                "Authentik's PostgreSQL, run by CloudNativePG. The operator generates the owner's password into\n\
                 the Secret authentik-db-app; nothing about it is in Git.",
            )),
        ),
        ("secrets.yaml", secrets),
    ];
    files.extend(sso::authentik_files(sso, domain)?);
    files.extend([
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(15),
                &charts::authentik::Values::dev().with_sso(sso),
                charts::authentik::WHY,
                None,
            )?,
        ),
        (
            "ingress.yaml",
            ingress(
                "authentik",
                &host("auth", domain),
                ("authentik-server", 80),
                &[(ALB_HEALTHCHECK_PATH, "/-/health/live/")],
                None,
            )?,
        ),
        ("networkpolicy.yaml", policies),
        (
            "kustomization.yaml",
            folder_kustomization(
                "authentik",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "database.yaml",
                    "secrets.yaml",
                    "blueprints.yaml",
                    "sso-clients.yaml",
                    "release.yaml",
                    "ingress.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                None,
            )?,
        ),
    ]);
    Ok(files)
}

fn grafana(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    const FOLDER_OF: &str = "platform/grafana";
    let chart = &charts::grafana::CHART;
    let ingress_file = ingress(
        "grafana",
        &host("grafana", domain),
        ("grafana", 80),
        &[(ALB_HEALTHCHECK_PATH, "/api/health")],
        None,
    )?;
    let client = sso::consumer::<bkt_sso::Grafana>(
        sso,
        domain,
        (FOLDER_OF, "HelmRelease/grafana/grafana"),
        sso::GRAFANA,
        &ingress_file,
    )?;
    let credentials = ManifestFile::new([
        Manifest::new(&Password::new("grafana-admin", alphanumeric(32, 6)))?,
        Manifest::new(&ExternalSecret::new(
            "grafana-admin",
            generated_once(
                "grafana-admin",
                template([
                    ("admin-user", "admin"),
                    ("admin-password", GENERATED_PASSWORD),
                ]),
                "grafana-admin",
            ),
        ))?,
    ]);
    let policy = network_policy(
        "allow-grafana",
        app("grafana"),
        vec![ingress_rule(vec![], &[3000])],
        Some(vec![egress_rule(
            vec![namespace("monitoring")],
            &[9090, 9093],
        )]),
    );
    Ok(vec![
        ("namespace.yaml", namespace_file("grafana", None)?),
        ("repository.yaml", repository(chart)?),
        ("admin-credentials.yaml", credentials),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(10),
                &charts::grafana::Values::dev(domain).with_sso(domain, &client),
                charts::grafana::WHY,
                None,
            )?,
        ),
        ("sso-client.yaml", secret_path(&client)?.consumer_file()?),
        ("ingress.yaml", ingress_file),
        (
            "networkpolicy.yaml",
            ManifestFile::single(Manifest::new(&policy)?.why(
                "The ALB reaches the UI; Grafana queries Prometheus and Alertmanager, and its sidecars watch\n\
                 ConfigMaps through the API server (allow-https-egress).",
            )),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "grafana",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "admin-credentials.yaml",
                    "sso-client.yaml",
                    "release.yaml",
                    "ingress.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                None,
            )?,
        ),
    ])
}

fn headlamp(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    const FOLDER_OF: &str = "platform/headlamp";
    let chart = &charts::headlamp::CHART;
    let ingress_file = ingress(
        "headlamp",
        &host("headlamp", domain),
        ("headlamp", 80),
        &[],
        None,
    )?;
    let client = sso::consumer::<bkt_sso::Kubernetes>(
        sso,
        domain,
        (FOLDER_OF, "HelmRelease/headlamp/headlamp"),
        sso::KUBERNETES,
        &ingress_file,
    )?;
    let policy = NetworkPolicy {
        metadata: named("allow-alb"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(app("headlamp")),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![ingress_rule(vec![], &[4466])]),
            egress: None,
        }),
    };
    Ok(vec![
        ("namespace.yaml", namespace_file("headlamp", None)?),
        ("repository.yaml", repository(chart)?),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(5),
                &charts::headlamp::Values::dev().with_sso(domain, &client),
                charts::headlamp::WHY,
                None,
            )?,
        ),
        (
            "sso-client.yaml",
            secret_path(&client)?.consumer_file_with(headlamp_oidc_secret(domain, &client))?,
        ),
        ("ingress.yaml", ingress_file),
        (
            "networkpolicy.yaml",
            ManifestFile::single(Manifest::new(&policy)?),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "headlamp",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "sso-client.yaml",
                    "release.yaml",
                    "ingress.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                None,
            )?,
        ),
    ])
}

/// The keys of Headlamp's copy of its client secret: the chart reads all its OIDC settings from
/// that one Secret, so the copy is templated with the settings next to the secret.
fn headlamp_oidc_secret(
    domain: &str,
    client: &bkt_sso::Client<'_, bkt_sso::Kubernetes>,
) -> BTreeMap<String, String> {
    let secret = client.secret();
    let mut value = String::from("{{ index . \"");
    value.push_str(secret.key);
    value.push_str("\" }}");
    let mut data: BTreeMap<String, String> = charts::headlamp::oidc_environment(domain, client)
        .into_iter()
        .map(|(key, setting)| (key.to_owned(), setting))
        .collect();
    data.insert(
        charts::headlamp::CLIENT_SECRET_VARIABLE.to_owned(),
        value.clone(),
    );
    data.insert(secret.key.to_owned(), value);
    data
}

fn logging() -> Result<Vec<(&'static str, ManifestFile)>> {
    let chart = &charts::fluent_bit::CHART;
    let credentials = opensearch_credentials();
    let policy = network_policy_egress_only(
        "allow-opensearch",
        vec![egress_rule(vec![namespace("opensearch")], &[9200])],
    );
    Ok(vec![
        (
            "namespace.yaml",
            namespace_file(
                "logging",
                Some(
                    "enforce is privileged because Fluent Bit reads container logs from the node through hostPath\n\
                     mounts (/var/log); audit and warn stay at restricted so any other workload here is reported.",
                ),
            )?,
        ),
        ("repository.yaml", repository(chart)?),
        (
            "credentials.yaml",
            credentials.files(
                "Copies OpenSearch's generated admin credentials into this namespace, read with a service\n\
                 account that may get exactly that one Secret (Role in platform/opensearch).",
                None,
            )?,
        ),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(10),
                &charts::fluent_bit::Values::dev(),
                charts::fluent_bit::WHY,
                None,
            )?,
        ),
        (
            "networkpolicy.yaml",
            ManifestFile::single(Manifest::new(&policy)?),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "logging",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "credentials.yaml",
                    "release.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                Some(
                    "Fluent Bit sits next to OpenSearch in the platform layer, not in infrastructure/controllers;\n\
                     its output credentials are OpenSearch's generated admin password, which exists only once this\n\
                     layer runs (docs/gitops.md).",
                ),
            )?,
        ),
    ])
}

fn mysql() -> Result<Vec<(&'static str, ManifestFile)>> {
    let server = LocalObjectReference::new("mariadb");
    let mariadb = MariaDb::new(
        "mariadb",
        MariaDbSpec {
            root_password_secret_key_ref: SecretKeyRef {
                name: "mariadb-root".to_owned(),
                key: "password".to_owned(),
            },
            replicas: 1,
            storage: Storage {
                size: "5Gi".to_owned(),
            },
            resources: Resources::burstable("100m", "256Mi", "512Mi"),
            security_context: SecurityContext::restricted(),
            pod_security_context: PodSecurityContext::restricted(Some(999), Some(999)),
        },
    );
    let root = ManifestFile::new([
        Manifest::new(&Password::new("mariadb-root", alphanumeric(32, 6)))?,
        Manifest::new(&ExternalSecret::new(
            "mariadb-root",
            generated_once(
                "mariadb-root",
                template([("password", GENERATED_PASSWORD)]),
                "mariadb-root",
            ),
        ))?,
    ]);
    let sample_app = sample_app_database(server.clone())?;
    let policy = NetworkPolicy {
        metadata: named("allow-mariadb-clients"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![ingress_rule(
                vec![namespace("sample-app"), namespace("mariadb-operator")],
                &[3306],
            )]),
            egress: None,
        }),
    };
    Ok(vec![
        ("namespace.yaml", namespace_file("mysql", None)?),
        ("root-credentials.yaml", root),
        (
            "mariadb.yaml",
            ManifestFile::single(Manifest::new(&mariadb)?.why(
                "The shared MySQL-compatible server. Applications declare their own Database, User and Grant\n\
                 objects next to their release (see apps/base/sample-app).",
            )),
        ),
        ("sample-app-database.yaml", sample_app),
        (
            "networkpolicy.yaml",
            ManifestFile::single(
                Manifest::new(&policy)?
                    .why("Clients: the sample app and the operator that manages users and grants."),
            ),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "mysql",
                &[
                    "namespace.yaml",
                    "root-credentials.yaml",
                    "mariadb.yaml",
                    "sample-app-database.yaml",
                    "networkpolicy.yaml",
                ],
                false,
                None,
            )?,
        ),
    ])
}

fn opensearch(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    const FOLDER_OF: &str = "platform/opensearch";
    let chart = &charts::opensearch::CHART;
    let ingress_file = ingress(
        "opensearch-dashboards",
        &host("logs", domain),
        ("opensearch-dashboards", 5601),
        &[
            (ALB_HEALTHCHECK_PATH, "/api/status"),
            (ALB_SUCCESS_CODES, "200,401"),
        ],
        Some(
            "alb.ingress.kubernetes.io/success-codes: Dashboards answers 401 until the user logs in.",
        ),
    )?;
    let client = sso::consumer::<bkt_sso::OpenSearch>(
        sso,
        domain,
        (FOLDER_OF, "HelmRelease/opensearch/opensearch-dashboards"),
        sso::OPENSEARCH,
        &ingress_file,
    )?;
    let dashboards_chart = &charts::opensearch_dashboards::CHART;
    let opensearch_values = charts::opensearch::Values::dev()
        .with_sso(domain, &client)
        .map_err(|source| crate::Error::Helm {
            object: "HelmRelease/opensearch/opensearch".to_owned(),
            source,
        })?;
    // The Dashboards read the client secret from their environment, not from a cluster var.
    let secret_reference =
        crate::escaped_reference(charts::opensearch_dashboards::CLIENT_SECRET_VARIABLE);
    let dashboards_values =
        charts::opensearch_dashboards::Values::dev().with_sso(domain, &client, &secret_reference);
    let credentials = opensearch_admin()?;
    let policies = opensearch_policies()?;
    Ok(vec![
        ("namespace.yaml", namespace_file("opensearch", None)?),
        ("repository.yaml", repository(chart)?),
        ("admin-credentials.yaml", credentials),
        (
            "opensearch.yaml",
            release(
                chart,
                Duration::minutes(15),
                &opensearch_values,
                charts::opensearch::WHY,
                None,
            )?,
        ),
        (
            "dashboards.yaml",
            release(
                dashboards_chart,
                Duration::minutes(10),
                &dashboards_values,
                charts::opensearch_dashboards::WHY,
                Some(chart.name),
            )?,
        ),
        ("sso-client.yaml", secret_path(&client)?.consumer_file()?),
        ("ingress.yaml", ingress_file),
        ("networkpolicy.yaml", policies),
        (
            "kustomization.yaml",
            folder_kustomization(
                "opensearch",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "admin-credentials.yaml",
                    "sso-client.yaml",
                    "opensearch.yaml",
                    "dashboards.yaml",
                    "ingress.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                Some(
                    "allow-https-egress (egress-https): Dashboards and the security plugin fetch the SSO\n\
                     provider's discovery document and signing keys from https://auth.<domain> (the public ALB).",
                ),
            )?,
        ),
    ])
}

/// Authentik's secret key, generated once in the cluster.
fn authentik_secrets() -> Result<ManifestFile> {
    Ok(ManifestFile::new([
        Manifest::new(&Password::new("authentik-secret-key", alphanumeric(60, 10)))?.why(
            "Authentik signs sessions and tokens with this key; generated once in the cluster.",
        ),
        Manifest::new(&ExternalSecret::new(
            "authentik-env",
            generated_once(
                "authentik-env",
                template([("AUTHENTIK_SECRET_KEY", GENERATED_PASSWORD)]),
                "authentik-secret-key",
            ),
        ))?,
    ]))
}

/// The sample app's password, DSN, database, user and grant on the shared server.
fn sample_app_database(server: LocalObjectReference) -> Result<ManifestFile> {
    Ok(ManifestFile::new([
        Manifest::new(&Password::new(
            "sample-app-db",
            alphanumeric(32, 6),
        ))?
        .why(
            "The sample app's database on the shared MariaDB, with no credential in Git: the password is\n\
             generated here, the operator creates the database, user and grant with it, and\n\
             infrastructure/vault-secrets pushes the DSN to Vault (secret/sample-app/database, key dsn),\n\
             where the app's Vault agent reads it. Kept here, next to the server, so a cluster without the\n\
             platform layer (clusters/local) runs the app without any of it.",
        ),
        Manifest::new(&ExternalSecret::new(
            "sample-app-db",
            generated_once(
                "sample-app-db",
                template([
                    ("password", GENERATED_PASSWORD),
                    (
                        "dsn",
                        "sampleapp:{{ .password }}@tcp(mariadb.mysql.svc.cluster.local:3306)/sampleapp?parseTime=true",
                    ),
                ]),
                "sample-app-db",
            ),
        ))?,
        Manifest::new(&MariaDbDatabase::new(
            "sampleapp",
            DatabaseSpec {
                maria_db_ref: server.clone(),
                character_set: "utf8mb4".to_owned(),
                collate: "utf8mb4_unicode_ci".to_owned(),
            },
        ))?,
        Manifest::new(&MariaDbUser::new(
            "sampleapp",
            UserSpec {
                maria_db_ref: server.clone(),
                password_secret_key_ref: SecretKeyRef {
                    name: "sample-app-db".to_owned(),
                    key: "password".to_owned(),
                },
                host: "%".to_owned(),
                max_user_connections: 20,
            },
        ))?,
        Manifest::new(&MariaDbGrant::new(
            "sampleapp",
            GrantSpec {
                maria_db_ref: server,
                privileges: [
                    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "INDEX",
                ]
                .map(str::to_owned)
                .to_vec(),
                database: "sampleapp".to_owned(),
                table: "*".to_owned(),
                username: "sampleapp".to_owned(),
                host: "%".to_owned(),
            },
        ))?,
    ]))
}

/// A Secret of one namespace copied into another through External Secrets, read with a service
/// account that may get exactly that one Secret: the copying side (the reader `ServiceAccount`,
/// the namespaced `SecretStore` of the Kubernetes provider, the `ExternalSecret`) and the Role and
/// `RoleBinding` that the Secret's own namespace grants the reader.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecretCopy<'a> {
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
    pub(crate) fn files(
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
    pub(crate) fn reader_role(&self, namespace: &str) -> (Role, RoleBinding) {
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

/// How logging reads OpenSearch's admin credentials.
fn opensearch_credentials() -> SecretCopy<'static> {
    SecretCopy {
        reader: "opensearch-credentials-reader",
        store: "opensearch",
        remote_namespace: "opensearch",
        secret: "opensearch-admin",
        target: "opensearch-credentials",
    }
}

/// OpenSearch's admin credentials, generated once, and the Role that lets logging read them.
fn opensearch_admin() -> Result<ManifestFile> {
    let admin = opensearch_credentials().secret;
    let (role, binding) = opensearch_credentials().reader_role("logging");
    Ok(ManifestFile::new([
        Manifest::new(&Password::new(
            admin,
            PasswordSpec {
                symbols: Some(4),
                symbol_characters: Some("-_.+".to_owned()),
                ..alphanumeric(32, 6)
            },
        ))?
        .why(
            "The admin password is generated in the cluster once. OpenSearch requires at least one digit,\n\
             upper and lower case letters and a symbol. Fluent Bit (namespace logging) reads it through the\n\
             Role below.",
        ),
        Manifest::new(&ExternalSecret::new(
            admin,
            generated_once(
                admin,
                template([("username", "admin"), ("password", GENERATED_PASSWORD)]),
                admin,
            ),
        ))?,
        Manifest::new(&role)?,
        Manifest::new(&binding)?,
        ]))
}

/// OpenSearch takes clients' queries and its peers' transport; Dashboards takes the ALB.
fn opensearch_policies() -> Result<ManifestFile> {
    let opensearch = app("opensearch");
    let dashboards = app("opensearch-dashboards");
    Ok(ManifestFile::new([
        Manifest::new(&network_policy(
            "allow-opensearch-clients",
            opensearch.clone(),
            vec![
                ingress_rule(
                    vec![namespace("logging"), pods(dashboards.clone())],
                    &[9200],
                ),
                ingress_rule(vec![pods(opensearch.clone())], &[9300]),
            ],
            Some(vec![egress_rule(vec![pods(opensearch.clone())], &[9300])]),
        ))?
        .why(
            "OpenSearch takes writes from Fluent Bit (logging) and queries from Dashboards; the ALB reaches\n\
             Dashboards only.",
        ),
        Manifest::new(&network_policy(
            "allow-dashboards",
            dashboards,
            vec![ingress_rule(vec![], &[5601])],
            Some(vec![egress_rule(vec![pods(opensearch)], &[9200])]),
        ))?,
    ]))
}

/// `length` characters with `digits` digits, letters of both cases, no symbols, repeats
/// allowed.
pub(crate) fn alphanumeric(length: u32, digits: u32) -> PasswordSpec {
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
pub(crate) fn generated_once(
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
pub(crate) const GENERATED_PASSWORD: &str = "{{ .password }}";

/// An `ExternalSecret` template of `(key, template)` pairs.
pub(crate) fn template<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// `name.` in front of `domain`.
fn host(name: &str, domain: &str) -> String {
    let mut host = String::from(name);
    host.push('.');
    host.push_str(domain);
    host
}

/// Metadata with only a name (the folder's kustomization sets the namespace).
pub(crate) fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

/// The namespace `name` at Pod Security `restricted` (audit and warn always; enforce too
/// unless `why_privileged` says why it is `privileged`).
fn namespace_file(name: &str, why_privileged: Option<&str>) -> Result<ManifestFile> {
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

/// The chart's `HelmRepository`, named as the catalog names it.
fn repository(chart: &Chart) -> Result<ManifestFile> {
    let source = HelmRepository::new(
        chart.repository.name,
        HelmRepositorySpec::new(Duration::hours(24), chart.repository.url),
    );
    Ok(ManifestFile::single(Manifest::new(&source)?))
}

/// The release of `chart` with `values`: reconciled hourly, install retried three times, a
/// failed upgrade cleaned up and rolled back after three retries. The comment names the values
/// reference and the reasons behind the values (`why`).
fn release<V: Serialize>(
    chart: &Chart,
    timeout: Duration,
    values: &V,
    why: &[&str],
    depends_on: Option<&str>,
) -> Result<ManifestFile> {
    let object = HelmRelease::new(
        chart.name,
        HelmReleaseSpec {
            depends_on: depends_on
                .map(NamespacedObjectReference::new)
                .into_iter()
                .collect(),
            timeout: Some(timeout),
            install: Some(Install {
                remediation: Some(InstallRemediation {
                    retries: Some(3),
                    ..InstallRemediation::default()
                }),
                ..Install::default()
            }),
            upgrade: Some(Upgrade {
                cleanup_on_fail: Some(true),
                remediation: Some(UpgradeRemediation {
                    retries: Some(3),
                    remediate_last_failure: Some(true),
                    ..UpgradeRemediation::default()
                }),
                ..Upgrade::default()
            }),
            values: Some(Values::new(values)?),
            ..HelmReleaseSpec::new(
                Duration::hours(1),
                HelmChartTemplate::new(
                    chart.name,
                    chart.version,
                    CrossNamespaceSourceReference::new(
                        SourceKind::HelmRepository,
                        chart.repository.name,
                    ),
                ),
            )
        },
    );
    let mut comment = String::from("Values reference: ");
    comment.push_str(chart.values_reference);
    for reason in why {
        comment.push('\n');
        comment.push_str(&wrap(reason));
    }
    Ok(ManifestFile::single(Manifest::new(&object)?.why(comment)))
}

/// `text` broken into lines of at most [`WRAP`] characters (a longer word stays whole).
pub(crate) fn wrap(text: &str) -> String {
    let mut wrapped = String::new();
    let mut line_length = 0;
    for word in text.split_whitespace() {
        if line_length > 0 && line_length + 1 + word.len() > WRAP {
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

/// An Ingress on the shared ALB: `host`, every path to `service`'s `port`, listening on HTTP
/// and HTTPS, with extra ALB `annotations`; `why` explains an annotation.
fn ingress(
    name: &str,
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
            ingress_class_name: Some(ALB_CLASS.to_owned()),
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
fn folder_kustomization(
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

/// A selector of one label.
fn labels(key: &str, value: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(key.to_owned(), value.to_owned())])),
        match_expressions: None,
    }
}

/// The pods of the app `name` (`app.kubernetes.io/name`).
fn app(name: &str) -> LabelSelector {
    labels(APP_NAME, name)
}

/// A peer: the pods `selector` selects, in the policy's namespace.
fn pods(selector: LabelSelector) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        pod_selector: Some(selector),
        ..NetworkPolicyPeer::default()
    }
}

/// A peer: every pod of the namespace `name`.
fn namespace(name: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(labels(NAMESPACE_NAME, name)),
        ..NetworkPolicyPeer::default()
    }
}

/// TCP `ports`.
fn tcp(ports: &[i32]) -> Vec<NetworkPolicyPort> {
    ports
        .iter()
        .map(|port| NetworkPolicyPort {
            protocol: Some("TCP".to_owned()),
            port: Some(IntOrString::Int(*port)),
            end_port: None,
        })
        .collect()
}

/// Ingress from `from` (anywhere when empty) to TCP `ports`.
fn ingress_rule(from: Vec<NetworkPolicyPeer>, ports: &[i32]) -> NetworkPolicyIngressRule {
    NetworkPolicyIngressRule {
        from: (!from.is_empty()).then_some(from),
        ports: Some(tcp(ports)),
    }
}

/// Egress to `to` on TCP `ports`.
fn egress_rule(to: Vec<NetworkPolicyPeer>, ports: &[i32]) -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(to),
        ports: Some(tcp(ports)),
    }
}

/// A policy of the pods `selector` selects, for ingress, and for egress when `egress` is given
/// (an empty list: no egress beyond the namespace's baseline).
fn network_policy(
    name: &str,
    selector: LabelSelector,
    ingress: Vec<NetworkPolicyIngressRule>,
    egress: Option<Vec<NetworkPolicyEgressRule>>,
) -> NetworkPolicy {
    let mut policy_types = vec!["Ingress".to_owned()];
    if egress.is_some() {
        policy_types.push("Egress".to_owned());
    }
    NetworkPolicy {
        metadata: named(name),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector),
            policy_types: Some(policy_types),
            ingress: Some(ingress),
            egress: egress.filter(|rules| !rules.is_empty()),
        }),
    }
}

/// An egress-only policy of every pod of the namespace.
fn network_policy_egress_only(name: &str, egress: Vec<NetworkPolicyEgressRule>) -> NetworkPolicy {
    NetworkPolicy {
        metadata: named(name),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Egress".to_owned()]),
            ingress: None,
            egress: Some(egress),
        }),
    }
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

    #[test]
    fn the_layer_listing_comes_only_with_every_component() {
        let mut tree = GitOpsTree::new("gitops", &["DOMAIN"]);
        Platform {
            domain: "example.org".into(),
            components: vec![Component::Headlamp],
            sso: Sso::dev().unwrap(),
        }
        .add_to(&mut tree)
        .unwrap();
        assert!(
            tree.files()
                .all(|(path, _)| path.starts_with("platform/headlamp/"))
        );
    }
}
