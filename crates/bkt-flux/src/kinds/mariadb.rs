//! mariadb-operator kinds (`k8s.mariadb.com/v1alpha1`): `MariaDB`, `Database`, `User`,
//! `Grant` — the fields the platform sets.

use serde::{Deserialize, Serialize};

use k8s_openapi::api::core::v1::{PodSecurityContext, ResourceRequirements, SecurityContext};

use super::LocalObjectReference;
use super::cnpg::Storage;
use super::flux_object;

flux_object! {
    /// A `MariaDB` server.
    ///
    /// A server, and the database, user and grant an application gets on it; with the `helm`
    /// feature, the server's pods as a workload for the capacity check:
    ///
    /// ```
    /// use bkt_flux::kinds::LocalObjectReference;
    /// use bkt_flux::kinds::cnpg::Storage;
    /// use bkt_flux::kinds::mariadb::{
    ///     DatabaseSpec, GrantSpec, MariaDb, MariaDbDatabase, MariaDbGrant, MariaDbSpec,
    ///     MariaDbUser, SecretKeyRef, UserSpec,
    /// };
    /// use bkt_flux::{Manifest, ManifestFile};
    /// use k8s_openapi::api::core::v1::ResourceRequirements;
    /// use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    ///
    /// let server = MariaDb::new(
    ///     "mariadb",
    ///     MariaDbSpec {
    ///         root_password_secret_key_ref: SecretKeyRef { name: "mariadb-root".into(), key: "password".into() },
    ///         replicas: 1,
    ///         storage: Storage { size: "10Gi".into() },
    ///         resources: ResourceRequirements {
    ///             requests: Some(
    ///                 [("cpu".to_owned(), Quantity("250m".into())), ("memory".to_owned(), Quantity("512Mi".into()))]
    ///                     .into(),
    ///             ),
    ///             ..ResourceRequirements::default()
    ///         },
    ///         ..MariaDbSpec::default()
    ///     },
    /// );
    /// let server_ref = LocalObjectReference::new("mariadb");
    /// let database = MariaDbDatabase::new(
    ///     "wiki",
    ///     DatabaseSpec {
    ///         maria_db_ref: server_ref.clone(),
    ///         character_set: "utf8mb4".into(),
    ///         collate: "utf8mb4_unicode_ci".into(),
    ///     },
    /// );
    /// let user = MariaDbUser::new(
    ///     "wiki",
    ///     UserSpec {
    ///         maria_db_ref: server_ref.clone(),
    ///         password_secret_key_ref: SecretKeyRef { name: "wiki-db".into(), key: "password".into() },
    ///         host: "%".into(),
    ///         max_user_connections: 20,
    ///     },
    /// );
    /// let grant = MariaDbGrant::new(
    ///     "wiki",
    ///     GrantSpec {
    ///         maria_db_ref: server_ref,
    ///         privileges: vec!["ALL PRIVILEGES".into()],
    ///         database: "wiki".into(),
    ///         table: "*".into(),
    ///         username: "wiki".into(),
    ///         host: "%".into(),
    ///     },
    /// );
    /// let yaml = ManifestFile::new([
    ///     Manifest::new(&server)?,
    ///     Manifest::new(&database)?,
    ///     Manifest::new(&user)?,
    ///     Manifest::new(&grant)?,
    /// ])
    /// .render()?;
    /// assert!(yaml.starts_with("apiVersion: k8s.mariadb.com/v1alpha1\nkind: MariaDB\n"));
    /// assert!(yaml.contains("  rootPasswordSecretKeyRef:\n    name: mariadb-root\n    key: password\n"));
    /// assert!(yaml.contains("kind: Database\n"));
    /// assert!(yaml.contains("  maxUserConnections: 20\n"));
    /// assert!(yaml.ends_with("  table: \"*\"\n  username: wiki\n  host: \"%\"\n"));
    ///
    /// let pods = server.workload("database")?;
    /// assert!(pods.stateful);
    /// assert_eq!((pods.requests.cpu_millis, pods.requests.memory_bytes), (250, 512 << 20));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    MariaDb(MariaDbSpec) = "k8s.mariadb.com", "v1alpha1", "MariaDB", "mariadbs", NamespaceResourceScope
}

flux_object! {
    /// A database on a [`MariaDb`].
    MariaDbDatabase(DatabaseSpec) = "k8s.mariadb.com", "v1alpha1", "Database", "databases", NamespaceResourceScope
}

flux_object! {
    /// A user of a [`MariaDb`].
    MariaDbUser(UserSpec) = "k8s.mariadb.com", "v1alpha1", "User", "users", NamespaceResourceScope
}

flux_object! {
    /// Privileges of a user on a database.
    MariaDbGrant(GrantSpec) = "k8s.mariadb.com", "v1alpha1", "Grant", "grants", NamespaceResourceScope
}

/// A key of a Secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecretKeyRef {
    /// The Secret.
    pub name: String,
    /// The key.
    pub key: String,
}

/// The desired state of a [`MariaDb`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MariaDbSpec {
    /// The root password.
    pub root_password_secret_key_ref: SecretKeyRef,
    /// How many servers.
    pub replicas: u32,
    /// Each server's volume.
    pub storage: Storage,
    /// Each server's resources.
    pub resources: ResourceRequirements,
    /// The container's security context.
    pub security_context: SecurityContext,
    /// The pod's security context.
    pub pod_security_context: PodSecurityContext,
}

/// The desired state of a [`MariaDbDatabase`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseSpec {
    /// The server.
    pub maria_db_ref: LocalObjectReference,
    /// The character set.
    pub character_set: String,
    /// The collation.
    pub collate: String,
}

/// The desired state of a [`MariaDbUser`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSpec {
    /// The server.
    pub maria_db_ref: LocalObjectReference,
    /// The password.
    pub password_secret_key_ref: SecretKeyRef,
    /// The hosts the user may connect from (`%`: any).
    pub host: String,
    /// The most connections at once.
    pub max_user_connections: u32,
}

/// The desired state of a [`MariaDbGrant`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantSpec {
    /// The server.
    pub maria_db_ref: LocalObjectReference,
    /// The privileges.
    pub privileges: Vec<String>,
    /// The database.
    pub database: String,
    /// The tables (`*`: all).
    pub table: String,
    /// The user.
    pub username: String,
    /// The user's host.
    pub host: String,
}

impl MariaDb {
    /// The pods the operator runs for this server in `namespace`: a `StatefulSet` of
    /// `replicas` pods named after the object, each keeping its database on its volume (the
    /// operator adds no required anti-affinity unless `affinity.antiAffinityEnabled` is set,
    /// which this model does not).
    ///
    /// # Errors
    /// [`bkt_helm::Error::Invalid`] naming `spec.resources` when a quantity is not one.
    #[cfg(feature = "helm")]
    pub fn workload(&self, namespace: &str) -> bkt_helm::Result<bkt_helm::workload::Workload> {
        let name = self.metadata.name.as_deref().unwrap_or("mariadb");
        Ok(bkt_helm::workload::Workload::stateful_set(
            name,
            namespace,
            self.spec.replicas,
            bkt_helm::workload::Requests::of("spec.resources", Some(&self.spec.resources))?,
        )
        .with_data())
    }
}
