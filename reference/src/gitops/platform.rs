//! The platform layer `platform/`: the services the platform runs for its users, one folder per
//! component (OpenSearch, Fluent Bit, Grafana, Authentik, Headlamp, the shared `MariaDB`), each
//! with its Pod Security-labelled namespace, `NetworkPolicies`, chart source and release (chart
//! and values from the `bkt_helm` catalog), Ingress on the shared ALB, and secrets generated in
//! the cluster (External Secrets `Password` generators; no Secret with data is ever written).
//!
//! The whole folder is one Flux path (the `platform` Kustomization of the cluster entry).

use bkt_flux::compose::{
    ALB_HEALTHCHECK_PATH, CNPG_CLUSTER, GENERATED_PASSWORD, alphanumeric, folder_kustomization,
    generated_once, host, namespace_file, release, repository, template,
};
use bkt_flux::kinds::LocalObjectReference;
use bkt_flux::kinds::cnpg::{Bootstrap, InitDb, PostgresCluster, PostgresClusterSpec, Storage};
use bkt_flux::kinds::external_secrets::{ExternalSecret, Password};
use bkt_flux::kinds::mariadb::{
    DatabaseSpec, GrantSpec, MariaDb, MariaDbDatabase, MariaDbGrant, MariaDbSpec, MariaDbUser,
    SecretKeyRef, UserSpec,
};
use bkt_flux::kustomize::Kustomization;
use bkt_flux::network_policy::{Policy, Rule, app, labels, namespace_peer, pods_peer, tcp};

use super::configs::{ADMIN_ALB, PUBLIC_ALB};
use bkt_flux::{Duration, GitOpsTree, Manifest, ManifestFile, Result};
use bkt_helm::charts;
use bkt_helm::common::{burstable, restricted_container, restricted_pod};
use bkt_sso::Sso;

use super::logs;
use super::sso::{self, secret_path};

/// The folder of the layer, relative to the tree.
pub const FOLDER: &str = "platform";

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
    /// The layer with every component generated; `domain` is the cluster-vars reference of the
    /// DNS zone, `sso` the platform's SSO declaration.
    #[must_use]
    pub fn new(domain: impl std::fmt::Display, sso: Sso) -> Self {
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
    /// A document that does not serialize; [`bkt_flux::Error::Sso`] naming the folder when a
    /// consumer (Grafana, Headlamp, OpenSearch) is wired to an application the declaration
    /// lacks, or its Ingress serves another host than its redirect URIs go to;
    /// [`bkt_flux::Error::Invalid`] when a declared application has no consumer.
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

/// Authentik's `PostgreSQL` cluster (run by `CloudNativePG` in `authentik`).
pub(crate) fn authentik_database() -> PostgresCluster {
    PostgresCluster::new(
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
            resources: burstable("50m", "256Mi", "512Mi"),
        },
    )
}

fn authentik(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    let chart = &charts::authentik::CHART;
    let database = authentik_database();
    let secrets = authentik_secrets(domain)?;
    let server = app("authentik");
    let db = labels(&[(CNPG_CLUSTER, "authentik-db")]);
    let policies = ManifestFile::new([
        Policy::new("allow-authentik-server")
            .selecting(server.clone())
            .ingress([Rule::ports([tcp(9000)])])
            .egress([Rule::new([pods_peer(db.clone())], [tcp(5432)])])
            .manifest(Some(
                "The ALB reaches the server; server and worker use PostgreSQL; the operator (cnpg-system)\n\
                 manages the database pods; external HTTPS egress covers identity providers and outposts.",
            ))?,
        Policy::new("allow-authentik-db")
            .selecting(db)
            .ingress([
                Rule::new([pods_peer(server)], [tcp(5432)]),
                Rule::new([namespace_peer("cnpg-system")], [tcp(8000)]),
            ])
            .egress([])
            .manifest(None)?,
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
                &crate::values::authentik::values().with_sso(sso),
                charts::authentik::WHY,
                None,
            )?,
        ),
        (
            "ingress.yaml",
            alb_ingress(
                &PUBLIC_ALB,
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
    let ingress_file = alb_ingress(
        &ADMIN_ALB,
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
    let policy = Policy::new("allow-grafana")
        .selecting(app("grafana"))
        .ingress([Rule::ports([tcp(3000)])])
        .egress([
            Rule::new([namespace_peer("monitoring")], [tcp(9090), tcp(9093)]),
            Rule::new([namespace_peer("opensearch")], [tcp(9200)]),
        ]);
    let (logs_credentials, datasource) = grafana_logs()?;
    let values =
        bkt_helm::WithExtra::new(crate::values::grafana::values(domain).with_sso(domain, &client))
            .extra("env", crate::values::grafana::plugin_env())
            .map_err(|source| bkt_flux::Error::Helm {
                object: "HelmRelease/grafana/grafana".to_owned(),
                source,
            })?;
    Ok(vec![
        ("namespace.yaml", namespace_file("grafana", None)?),
        ("repository.yaml", repository(chart)?),
        ("admin-credentials.yaml", credentials),
        ("logs-credentials.yaml", logs_credentials),
        ("logs-datasource.yaml", datasource),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(10),
                &values,
                charts::grafana::WHY,
                None,
            )?,
        ),
        ("sso-client.yaml", secret_path(&client)?.consumer_file()?),
        ("ingress.yaml", ingress_file),
        (
            "networkpolicy.yaml",
            ManifestFile::single(policy.manifest(Some(
                "The ALB reaches the UI; Grafana queries Prometheus and Alertmanager and the logs in OpenSearch,\n\
                 and its sidecars watch ConfigMaps through the API server and it installs its OpenSearch plugin\n\
                 (allow-https-egress).",
            ))?),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "grafana",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "admin-credentials.yaml",
                    "logs-credentials.yaml",
                    "logs-datasource.yaml",
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

fn logging() -> Result<Vec<(&'static str, ManifestFile)>> {
    let chart = &charts::fluent_bit::CHART;
    let credentials = opensearch_credentials();
    let policy = Policy::new("allow-opensearch")
        .egress([Rule::new([namespace_peer("opensearch")], [tcp(9200)])]);
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
                "Copies Fluent Bit's own OpenSearch credentials (user fluent-bit, which may only create and\n\
                 write the kube-* indices) into this namespace, read with a service account that may get exactly\n\
                 that one Secret (Role in platform/opensearch).",
                None,
            )?,
        ),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(10),
                &crate::values::fluent_bit::values(),
                charts::fluent_bit::WHY,
                None,
            )?,
        ),
        (
            "networkpolicy.yaml",
            ManifestFile::single(policy.manifest(None)?),
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
                     its output credentials are its own OpenSearch user's, generated in platform/opensearch and made\n\
                     a user by the setup Job there, which exist only once this layer runs (docs/gitops.md).",
                ),
            )?,
        ),
    ])
}

/// The shared `MariaDB` server (run by the mariadb-operator in `mysql`).
pub(crate) fn mariadb_server() -> MariaDb {
    MariaDb::new(
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
            resources: burstable("100m", "256Mi", "512Mi"),
            security_context: restricted_container(),
            pod_security_context: restricted_pod(Some(999), Some(999)),
        },
    )
}

fn mysql() -> Result<Vec<(&'static str, ManifestFile)>> {
    let server = LocalObjectReference::new("mariadb");
    let mariadb = mariadb_server();
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
    let policy = Policy::new("allow-mariadb-clients").ingress([Rule::new(
        [
            namespace_peer("sample-app"),
            namespace_peer("mariadb-operator"),
        ],
        [tcp(3306)],
    )]);
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
            ManifestFile::single(policy.manifest(Some(
                "Clients: the sample app and the operator that manages users and grants.",
            ))?),
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

/// The Secret holding the first admin's (`akadmin`) password and e-mail, which Authentik reads
/// as `AUTHENTIK_BOOTSTRAP_PASSWORD` and `AUTHENTIK_BOOTSTRAP_EMAIL`.
pub const AUTHENTIK_BOOTSTRAP_SECRET: &str = "authentik-bootstrap";

/// The Secret holding the first admin's API token (`AUTHENTIK_BOOTSTRAP_TOKEN`).
pub const AUTHENTIK_BOOTSTRAP_TOKEN_SECRET: &str = "authentik-bootstrap-token";

/// Authentik's secret key and its first admin's password and token, each generated once in
/// the cluster; `domain` is the platform's domain (the admin's e-mail is `admin@<domain>`).
fn authentik_secrets(domain: &str) -> Result<ManifestFile> {
    let mut email = String::from("admin@");
    email.push_str(domain);
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
        Manifest::new(&Password::new(
            AUTHENTIK_BOOTSTRAP_SECRET,
            alphanumeric(32, 6),
        ))?
        .why(
            "The first admin (akadmin) is ours: Authentik's pods read this password and the token below as\n\
             AUTHENTIK_BOOTSTRAP_PASSWORD and AUTHENTIK_BOOTSTRAP_TOKEN on their first start, so the\n\
             out-of-box flow /if/flow/initial-setup/ never applies and nobody can claim the instance.\n\
             Generated once in the cluster, never in Git; operators read them with kubectl (docs/sign-in.md).",
        ),
        Manifest::new(&ExternalSecret::new(
            AUTHENTIK_BOOTSTRAP_SECRET,
            generated_once(
                AUTHENTIK_BOOTSTRAP_SECRET,
                template([("password", GENERATED_PASSWORD), ("email", &email)]),
                AUTHENTIK_BOOTSTRAP_SECRET,
            ),
        ))?,
        Manifest::new(&Password::new(
            AUTHENTIK_BOOTSTRAP_TOKEN_SECRET,
            alphanumeric(60, 10),
        ))?,
        Manifest::new(&ExternalSecret::new(
            AUTHENTIK_BOOTSTRAP_TOKEN_SECRET,
            generated_once(
                AUTHENTIK_BOOTSTRAP_TOKEN_SECRET,
                template([("token", GENERATED_PASSWORD)]),
                AUTHENTIK_BOOTSTRAP_TOKEN_SECRET,
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

/// Grafana's logs datasource and the copy of the credentials it reads OpenSearch with.
fn grafana_logs() -> Result<(ManifestFile, ManifestFile)> {
    let logs_credentials = grafana_logs_credentials().files(
        "Copies Grafana's own OpenSearch credentials (user grafana, which may only read the kube-*\n\
         indices) into this namespace for the logs datasource, read with a service account that may get\n\
         exactly that one Secret (Role in platform/opensearch).",
        None,
    )?;
    let datasource = ManifestFile::single(Manifest::new(&logs::grafana_datasource()?)?.why(
        "Grafana's logs datasource, loaded by the datasource sidecar (label grafana_datasource): the\n\
         OpenSearch plugin (pinned in the release's GF_PLUGINS_PREINSTALL) over Fluent Bit's kube-*\n\
         indices as user grafana; the password comes from the environment (OPENSEARCH_LOGS_PASSWORD),\n\
         which Grafana expands, so Flux substitution is disabled here. The sample app's dashboard shows its\n\
         log lines through it (uid opensearch-logs).",
    ));
    Ok((logs_credentials, datasource))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layer_listing_comes_only_with_every_component() {
        let mut tree = GitOpsTree::new("gitops", &["DOMAIN"]);
        Platform {
            domain: "example.org".into(),
            components: vec![Component::Headlamp],
            sso: crate::sso::sso().unwrap(),
        }
        .add_to(&mut tree)
        .unwrap();
        assert!(
            tree.files()
                .all(|(path, _)| path.starts_with("platform/headlamp/"))
        );
    }
}

mod credentials;
mod headlamp;
mod ingress;
mod opensearch;

use credentials::{grafana_logs_credentials, opensearch_credentials};
use headlamp::headlamp;
use ingress::alb_ingress;
use opensearch::opensearch;
