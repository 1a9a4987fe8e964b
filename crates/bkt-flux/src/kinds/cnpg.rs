//! The `CloudNativePG` `Cluster` (`postgresql.cnpg.io/v1`): the fields the platform sets.

use serde::{Deserialize, Serialize};

use super::flux_object;

flux_object! {
    /// A `PostgreSQL` cluster run by the `CloudNativePG` operator.
    ///
    /// ```
    /// use bkt_flux::kinds::cnpg::{Bootstrap, InitDb, PostgresCluster, PostgresClusterSpec, Storage};
    /// use bkt_flux::Manifest;
    /// use k8s_openapi::api::core::v1::ResourceRequirements;
    /// use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    ///
    /// let cluster = PostgresCluster::new(
    ///     "authentik-db",
    ///     PostgresClusterSpec {
    ///         instances: 2,
    ///         storage: Storage { size: "5Gi".into() },
    ///         bootstrap: Bootstrap {
    ///             initdb: InitDb { database: "authentik".into(), owner: "authentik".into() },
    ///         },
    ///         resources: ResourceRequirements {
    ///             limits: Some([("memory".to_owned(), Quantity("1Gi".into()))].into()),
    ///             ..ResourceRequirements::default()
    ///         },
    ///     },
    /// );
    /// let yaml = Manifest::new(&cluster)?.render()?;
    /// assert!(yaml.starts_with("apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\n"));
    /// assert!(yaml.contains(concat!(
    ///     "  instances: 2\n  storage:\n    size: 5Gi\n",
    ///     "  bootstrap:\n    initdb:\n      database: authentik\n      owner: authentik\n",
    /// )));
    ///
    /// // With the `helm` feature: two pods, each reserving its memory limit (no request set).
    /// let pods = cluster.workload("authentik")?;
    /// assert_eq!((pods.replicas, pods.requests.memory_bytes), (2, 1 << 30));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    PostgresCluster(PostgresClusterSpec) = "postgresql.cnpg.io", "v1", "Cluster", "clusters", NamespaceResourceScope
}

/// The desired state of a [`PostgresCluster`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PostgresClusterSpec {
    /// How many instances.
    pub instances: u32,
    /// Each instance's volume.
    pub storage: Storage,
    /// How the cluster is created.
    pub bootstrap: Bootstrap,
    /// Each instance's resources.
    pub resources: k8s_openapi::api::core::v1::ResourceRequirements,
}

/// A volume's size.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Storage {
    /// The size (`5Gi`).
    pub size: String,
}

/// How a cluster is created.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bootstrap {
    /// A new, empty database.
    pub initdb: InitDb,
}

/// A new database and its owner; the operator generates the owner's password into the Secret
/// `<cluster>-app`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InitDb {
    /// The database.
    pub database: String,
    /// Its owner.
    pub owner: String,
}

impl PostgresCluster {
    /// The pods the operator runs for this cluster in `namespace`: `instances` pods named after
    /// the object, each keeping its database on its volume. `CloudNativePG`'s default pod
    /// anti-affinity is the preferred kind (`podAntiAffinityType: preferred`), which constrains
    /// nothing.
    ///
    /// # Errors
    /// [`bkt_helm::Error::Invalid`] naming `spec.resources` when a quantity is not one.
    #[cfg(feature = "helm")]
    pub fn workload(&self, namespace: &str) -> bkt_helm::Result<bkt_helm::workload::Workload> {
        let name = self.metadata.name.as_deref().unwrap_or("postgres");
        Ok(bkt_helm::workload::Workload::stateful_set(
            name,
            namespace,
            self.spec.instances,
            bkt_helm::workload::Requests::of("spec.resources", Some(&self.spec.resources))?,
        )
        .with_data())
    }
}
