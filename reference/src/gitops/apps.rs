//! The apps layer of the tree (`gitops/apps/`): the sample app's base — its namespace with Pod
//! Security labels and its `HelmRelease` of the chart kept in this repository — and the dev
//! overlay, whose patch sets the image tag.
//!
//! The tag is the one value CI changes on every release. It comes from the environment's data
//! file (`environments/dev.toml`), which the platform reads and hands over as
//! [`SampleApp::image_tag`]; the generated overlay carries it in a strategic-merge patch made
//! from a typed partial `HelmRelease`, so no YAML is written by hand and no line is marked for
//! a text edit.
//!
//! ```
//! use bkt_flux::GitOpsTree;
//! use bkt_reference::gitops::apps::{SAMPLE_APP_CHART_DIR, SampleApp, apps_tree};
//!
//! let app = SampleApp {
//!     image_tag: "0123456789abcdef0123456789abcdef01234567".to_owned(),
//!     image_repository: "registry.example/sample-app".to_owned(),
//!     domain: "dev.example.com".to_owned(),
//!     vpc_cidr: "10.0.0.0/16".to_owned(),
//!     environment: "dev".to_owned(),
//!     cluster_name: "bkt-dev".to_owned(),
//!     load_balancer_security_group: "sg-0123456789abcdef0".to_owned(),
//!     atlas: None,
//! };
//! let mut gitops = GitOpsTree::new("gitops", &[]);
//! gitops.hand_written_folder(SAMPLE_APP_CHART_DIR);
//! gitops.extend_under("apps", apps_tree("dev", &app, &[])?)?;
//! let tree = gitops.to_tree("example")?;
//! let overlay = tree.get("apps/dev/sample-app/kustomization.yaml").unwrap_or_default();
//! let overlay = String::from_utf8_lossy(overlay);
//! assert!(overlay.contains("tag: 0123456789abcdef0123456789abcdef01234567"));
//! # Ok::<(), bkt_flux::Error>(())
//! ```

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use bkt_flux::kinds::external_secrets::{
    AwsAuth, AwsJwtAuth, AwsProvider, ExternalSecret, ExternalSecretData, ExternalSecretSpec,
    ExternalSecretTarget, PushSecret, PushSecretData, PushSecretMatch, PushSecretRemoteRef,
    PushSecretSecret, PushSecretSelector, PushSecretSpec, RemoteReference, SecretStore,
    SecretStoreProvider, SecretStoreRef, SecretStoreSpec, ServiceAccountRef,
};
use bkt_flux::kinds::{
    CrossNamespaceSourceReference, HelmChartTemplate, HelmChartTemplateSpec, HelmRelease,
    HelmReleaseSpec, Install, Object, ReconcileStrategy, SourceKind, Upgrade, Values,
};
use bkt_flux::kustomize::{Kustomization, Patch, Selector};
use bkt_flux::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

use super::configs::{PUBLIC_ALB, frontend_annotations};

/// The sample app's name: its namespace, its `HelmRelease` and its folders.
pub const SAMPLE_APP: &str = "sample-app";

/// The service account External Secrets reads the Atlas DSN from Secrets Manager as, in the
/// app's namespace: the environment root's role `<cluster>-sample-app-mongodb` trusts exactly it.
pub const ATLAS_READER: &str = "sample-app-atlas";

/// Where in Vault's KV store (`secret`) the Atlas DSN is published, property `dsn`: apart from
/// `sample-app/database`, which the `MariaDB` path publishes, so the two never write one key.
pub const ATLAS_VAULT_KEY: &str = "sample-app/atlas";

/// The `SecretStore` of AWS Secrets Manager in the app's namespace.
const ATLAS_STORE: &str = "aws-secrets-manager";

/// The overlay's file with the Atlas objects.
const ATLAS_FILE: &str = "atlas-database.yaml";

/// How an environment that uses MongoDB Atlas gets the DSN to the app. Both strings are cluster
/// substitutions (`${AWS_REGION}`, `${SAMPLE_APP_MONGODB_ROLE_ARN}` …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AtlasDatabase {
    /// The region of the Secrets Manager secret.
    pub aws_region: String,
    /// The IRSA role that may read that secret (and no other), for [`ATLAS_READER`].
    pub role_arn: String,
    /// The secret the Atlas root writes `{"dsn": …}` into.
    pub secret_arn: String,
}

/// The sample chart's folder, relative to the `gitops/` tree: hand-written, edited by the app
/// team (register it with [`GitOpsTree::hand_written_folder`]).
pub const SAMPLE_APP_CHART_DIR: &str = "charts/sample-app";

/// The chart's path in the repository, as the `HelmRelease` names it.
pub const SAMPLE_APP_CHART_PATH: &str = "./gitops/charts/sample-app";

/// The `GitRepository` bootstrap creates, which holds this tree and the chart.
const FLUX_SYSTEM: &str = "flux-system";

/// The kustomize component every namespace of the platform includes (default-deny and the
/// baseline policies), relative to the base folder.
const NAMESPACE_BASELINE: &str = "../../../infrastructure/components/namespace-baseline";

/// What the apps layer needs from the platform. Every string but the tag is a value the
/// cluster substitutes (`${DOMAIN}` …): the platform passes its `ClusterVars` references, so a
/// renamed cluster var fails to compile there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SampleApp {
    /// The image tag dev deploys: the 40-hex commit SHA the release workflow pushed.
    pub image_tag: String,
    /// The image repository (the ECR repository URL of the cluster vars).
    pub image_repository: String,
    /// The platform's DNS domain; the app is served at `sample-app.<domain>`.
    pub domain: String,
    /// The VPC's IPv4 range, from which the ALB reaches the pods.
    pub vpc_cidr: String,
    /// The environment's name, shown in the app's greeting.
    pub environment: String,
    /// The cluster's name, shown in the app's greeting.
    pub cluster_name: String,
    /// The public ALB's frontend security group, which its Ingress names (as every Ingress of
    /// the class must).
    pub load_balancer_security_group: String,
    /// `Some` when the environment's app keeps its data in MongoDB Atlas (the overlay then
    /// carries the DSN from Secrets Manager to Vault and points the app at it); `None`: the
    /// in-cluster `MariaDB` of the base.
    pub atlas: Option<AtlasDatabase>,
}

/// The apps layer's base: files relative to `gitops/apps/`, with the `flux-system`
/// `GitRepository` registered as the bootstrap source the release's chart comes from.
/// `cluster_vars` are the keys substitutions may name (checked when the tree renders). Put it
/// under `apps` of the `gitops` tree, which registers [`SAMPLE_APP_CHART_DIR`] as a
/// hand-written folder. The image tag of `app` is not used: each environment's overlay sets it.
///
/// # Errors
/// [`Error::Core`] when a document does not serialize.
pub fn base_tree(app: &SampleApp, cluster_vars: &[&str]) -> Result<GitOpsTree> {
    let mut tree = GitOpsTree::new("gitops/apps", cluster_vars);
    tree.bootstrap_source(SourceKind::GitRepository, FLUX_SYSTEM, FLUX_SYSTEM, true);

    let base = format!("base/{SAMPLE_APP}");
    tree.insert(
        format!("{base}/kustomization.yaml"),
        ManifestFile::single(Manifest::new(&Kustomization {
            namespace: Some(SAMPLE_APP.to_owned()),
            resources: vec!["namespace.yaml".to_owned(), "release.yaml".to_owned()],
            components: vec![NAMESPACE_BASELINE.to_owned()],
            ..Kustomization::default()
        })?),
    )?;
    tree.insert(
        format!("{base}/namespace.yaml"),
        ManifestFile::single(Manifest::new(&namespace())?),
    )?;
    tree.insert(
        format!("{base}/release.yaml"),
        ManifestFile::single(Manifest::new(&release(app)?)?.why(
            "Values reference: gitops/charts/sample-app/values.yaml in this repository. The chart\n\
             comes from the same commit Flux is applying, so chart and values change together in one\n\
             reviewed commit; reconcileStrategy Revision releases a new chart revision whenever the\n\
             Git revision changes.\n\
             The entries live in the shared MariaDB; the connection string reaches the pod only\n\
             through the Vault agent (database.yaml pushes it to Vault). The ALB reaches the pods\n\
             from its ENIs anywhere in the VPC (IP targets), hence the VPC range in\n\
             loadBalancerCIDRs.",
        )),
    )?;
    Ok(tree)
}

/// The overlay of the environment `environment` (`gitops/apps/<environment>/`): the base with
/// the environment's image tag and greeting.
///
/// # Errors
/// [`Error::Invalid`] naming `sample_app.image_tag` when the tag is not a full lowercase
/// 40-hex commit SHA; [`Error::Core`] when a document does not serialize.
pub fn overlay_tree(
    environment: &str,
    app: &SampleApp,
    cluster_vars: &[&str],
) -> Result<GitOpsTree> {
    check_image_tag(&app.image_tag)?;
    let mut tree = GitOpsTree::new("gitops/apps", cluster_vars);
    let base = format!("base/{SAMPLE_APP}");
    tree.insert(
        format!("{environment}/kustomization.yaml"),
        ManifestFile::single(Manifest::new(&Kustomization::of([SAMPLE_APP]))?),
    )?;
    let mut resources = vec![format!("../../{base}")];
    if let Some(atlas) = &app.atlas {
        resources.push(ATLAS_FILE.to_owned());
        tree.insert(
            format!("{environment}/{SAMPLE_APP}/{ATLAS_FILE}"),
            atlas_objects(atlas)?,
        )?;
    }
    tree.insert(
        format!("{environment}/{SAMPLE_APP}/kustomization.yaml"),
        ManifestFile::single(
            Manifest::new(&Kustomization {
                resources,
                patches: vec![
                    Patch::strategic_merge(&overlay_patch(app))?
                        .with_target(Selector::kind_name(HelmRelease::KIND, SAMPLE_APP)),
                ],
                ..Kustomization::default()
            })?
            .why(format!(
                "The environment's differences only. The image tag comes from environments/{environment}.toml,\n\
                 where CI's release workflow sets the commit SHA it built and pushed (make image-tag)\n\
                 before regenerating this file.{}",
                if app.atlas.is_some() {
                    "\nThe environment uses MongoDB Atlas ([atlas] enabled): the app reads the Atlas DSN, which\n\
                     atlas-database.yaml carries from Secrets Manager to Vault, instead of the MariaDB one."
                } else {
                    ""
                }
            )),
        ),
    )?;
    Ok(tree)
}

/// The base and one overlay, `environment`'s: what [`base_tree`] and [`overlay_tree`] give.
///
/// # Errors
/// As [`overlay_tree`].
pub fn apps_tree(environment: &str, app: &SampleApp, cluster_vars: &[&str]) -> Result<GitOpsTree> {
    let mut tree = base_tree(app, cluster_vars)?;
    for (path, file) in overlay_tree(environment, app, cluster_vars)?.files() {
        tree.insert(path, file.clone())?;
    }
    Ok(tree)
}

/// The tag must be what the release workflow pushes: a full lowercase 40-hex commit SHA.
fn check_image_tag(tag: &str) -> Result<()> {
    if tag.len() == 40 && tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(Error::Invalid(bkt_core::Invalid {
            field: "sample_app.image_tag".to_owned(),
            value: tag.to_owned(),
            reason:
                "not a 40-character lowercase hex commit SHA; set it in the environment's file \
                     (make image-tag TAG=<sha>)"
                    .to_owned(),
        }))
    }
}

/// The app's namespace, enforcing the restricted Pod Security level.
fn namespace() -> Namespace {
    let labels = ["enforce", "audit", "warn"]
        .into_iter()
        .map(|mode| {
            (
                format!("pod-security.kubernetes.io/{mode}"),
                "restricted".to_owned(),
            )
        })
        .collect::<BTreeMap<_, _>>();
    Namespace {
        metadata: ObjectMeta {
            name: Some(SAMPLE_APP.to_owned()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// The release of the in-repository chart, with the values every environment shares.
fn release(app: &SampleApp) -> Result<HelmRelease> {
    let chart = HelmChartTemplate {
        spec: HelmChartTemplateSpec {
            chart: SAMPLE_APP_CHART_PATH.to_owned(),
            version: None,
            reconcile_strategy: Some(ReconcileStrategy::Revision),
            source_ref: CrossNamespaceSourceReference::new(SourceKind::GitRepository, FLUX_SYSTEM)
                .in_namespace(FLUX_SYSTEM),
            interval: None,
            values_files: Vec::new(),
        },
    };
    let mut spec = HelmReleaseSpec::new(Duration::minutes(10), chart);
    spec.timeout = Some(Duration::minutes(5));
    spec.install = Some(Install::retried(3));
    spec.upgrade = Some(Upgrade::rolled_back(3));
    spec.values = Some(Values::new(&BaseValues::of(app))?);
    Ok(HelmRelease::new(SAMPLE_APP, spec))
}

/// The sample chart's values the base release sets (the chart's `values.yaml` has the rest).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseValues<'a> {
    image: Image<'a>,
    ingress: Ingress,
    service_monitor: Enabled,
    database: Database,
    vault: Vault,
    network_policy: NetworkPolicy<'a>,
}

impl<'a> BaseValues<'a> {
    fn of(app: &'a SampleApp) -> Self {
        Self {
            image: Image {
                repository: Some(&app.image_repository),
                tag: None,
            },
            // The public ALB, naming its frontend security group like every Ingress of the class.
            ingress: Ingress {
                enabled: true,
                host: format!("{SAMPLE_APP}.{}", app.domain),
                class_name: PUBLIC_ALB.class,
                annotations: frontend_annotations(&app.load_balancer_security_group)
                    .into_iter()
                    .collect(),
            },
            service_monitor: Enabled { enabled: true },
            database: Database { kind: "mysql" },
            vault: Vault {
                enabled: true,
                role: SAMPLE_APP,
                secret_path: "secret/data/sample-app/database",
                secret_key: "dsn",
            },
            network_policy: NetworkPolicy {
                ingress: PolicyIngress {
                    load_balancer_cidrs: vec![&app.vpc_cidr],
                },
                egress: PolicyEgress {
                    database: DatabaseEgress {
                        namespace: "mysql",
                        pod_labels: BTreeMap::from([("app.kubernetes.io/name", "mariadb")]),
                    },
                },
            },
        }
    }
}

#[derive(Serialize)]
struct Image<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ingress {
    enabled: bool,
    host: String,
    class_name: &'static str,
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
struct Database {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Vault {
    enabled: bool,
    role: &'static str,
    secret_path: &'static str,
    secret_key: &'static str,
}

#[derive(Serialize)]
struct NetworkPolicy<'a> {
    ingress: PolicyIngress<'a>,
    egress: PolicyEgress,
}

#[derive(Serialize)]
struct PolicyIngress<'a> {
    #[serde(rename = "loadBalancerCIDRs")]
    load_balancer_cidrs: Vec<&'a str>,
}

#[derive(Serialize)]
struct PolicyEgress {
    database: DatabaseEgress,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatabaseEgress {
    namespace: &'static str,
    pod_labels: BTreeMap<&'static str, &'static str>,
}

/// An environment overlay's patch: a partial `HelmRelease` — `apiVersion`, `kind`, the name,
/// and the values the environment changes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HelmReleasePatch<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: PatchMetadata,
    spec: PatchSpec<'a>,
}

#[derive(Serialize)]
struct PatchMetadata {
    name: &'static str,
}

#[derive(Serialize)]
struct PatchSpec<'a> {
    values: DevValues<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DevValues<'a> {
    image: Image<'a>,
    config: Config,
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<Database>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vault: Option<VaultPath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_policy: Option<AtlasNetworkPolicy>,
}

/// The Vault path the agent reads, when an overlay changes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VaultPath {
    secret_path: String,
}

/// The database egress of an environment on Atlas: no in-cluster namespace (the patch clears
/// the base's; `podLabels: null` deletes its labels in the merge), so the chart opens the
/// MongoDB port to any address: Atlas is reached through the NAT gateways, at addresses Atlas
/// chooses, and admits only those gateways (its access list).
#[derive(Serialize)]
struct AtlasNetworkPolicy {
    egress: AtlasEgress,
}

#[derive(Serialize)]
struct AtlasEgress {
    database: AtlasDatabaseEgress,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AtlasDatabaseEgress {
    namespace: &'static str,
    pod_labels: Option<BTreeMap<&'static str, &'static str>>,
}

#[derive(Serialize)]
struct Config {
    message: String,
}

fn overlay_patch(app: &SampleApp) -> HelmReleasePatch<'_> {
    HelmReleasePatch {
        api_version: HelmRelease::API_VERSION,
        kind: HelmRelease::KIND,
        metadata: PatchMetadata { name: SAMPLE_APP },
        spec: PatchSpec {
            values: DevValues {
                image: Image {
                    repository: None,
                    tag: Some(&app.image_tag),
                },
                config: Config {
                    message: format!(
                        "Hello from the {} cluster {}",
                        app.environment, app.cluster_name
                    ),
                },
                database: app.atlas.as_ref().map(|_| Database { kind: "mongodb" }),
                vault: app.atlas.as_ref().map(|_| VaultPath {
                    secret_path: format!("secret/data/{ATLAS_VAULT_KEY}"),
                }),
                network_policy: app.atlas.as_ref().map(|_| AtlasNetworkPolicy {
                    egress: AtlasEgress {
                        database: AtlasDatabaseEgress {
                            namespace: "",
                            pod_labels: None,
                        },
                    },
                }),
            },
        },
    }
}

/// `(apiVersion, kind, name, namespace)` of each object [`overlay_tree`] adds for an environment
/// on Atlas (`atlas-database.yaml`): what a cluster without AWS leaves out.
#[must_use]
pub fn atlas_object_ids() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    use k8s_openapi::Resource;
    vec![
        (
            ServiceAccount::API_VERSION,
            ServiceAccount::KIND,
            ATLAS_READER,
            SAMPLE_APP,
        ),
        (
            SecretStore::API_VERSION,
            SecretStore::KIND,
            ATLAS_STORE,
            SAMPLE_APP,
        ),
        (
            ExternalSecret::API_VERSION,
            ExternalSecret::KIND,
            ATLAS_READER,
            SAMPLE_APP,
        ),
        (
            PushSecret::API_VERSION,
            PushSecret::KIND,
            ATLAS_READER,
            SAMPLE_APP,
        ),
    ]
}

/// The Atlas objects of an overlay: the service account the role trusts, a `SecretStore` of
/// AWS Secrets Manager that only this namespace can use, the `ExternalSecret` that reads the
/// DSN, and the `PushSecret` that publishes it to Vault, where the app's Vault agent reads it.
fn atlas_objects(atlas: &AtlasDatabase) -> Result<ManifestFile> {
    let reader = ServiceAccount {
        metadata: ObjectMeta {
            name: Some(ATLAS_READER.to_owned()),
            namespace: Some(SAMPLE_APP.to_owned()),
            annotations: Some(BTreeMap::from([(
                "eks.amazonaws.com/role-arn".to_owned(),
                atlas.role_arn.clone(),
            )])),
            ..ObjectMeta::default()
        },
        // No pod runs as it: External Secrets requests its tokens through the API.
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    };
    #[allow(
        clippy::needless_update,
        reason = "one field per provider kind; the others stay unset"
    )]
    let store = SecretStore::new(
        ATLAS_STORE,
        SecretStoreSpec {
            provider: SecretStoreProvider {
                aws: Some(AwsProvider {
                    service: "SecretsManager".to_owned(),
                    region: atlas.aws_region.clone(),
                    auth: Some(AwsAuth {
                        jwt: Some(AwsJwtAuth {
                            service_account_ref: ServiceAccountRef {
                                name: ATLAS_READER.to_owned(),
                                namespace: None,
                            },
                        }),
                    }),
                }),
                ..SecretStoreProvider::default()
            },
        },
    )
    .in_namespace(SAMPLE_APP);
    let secret = ExternalSecret::new(
        ATLAS_READER,
        ExternalSecretSpec {
            refresh_interval: Some(Duration::hours(1)),
            secret_store_ref: Some(SecretStoreRef::namespaced(ATLAS_STORE)),
            target: Some(ExternalSecretTarget {
                name: Some(ATLAS_READER.to_owned()),
                template: None,
            }),
            data: vec![ExternalSecretData {
                secret_key: "dsn".to_owned(),
                remote_ref: RemoteReference {
                    key: atlas.secret_arn.clone(),
                    property: Some("dsn".to_owned()),
                },
            }],
            ..ExternalSecretSpec::default()
        },
    )
    .in_namespace(SAMPLE_APP);
    let push = PushSecret::new(
        ATLAS_READER,
        PushSecretSpec {
            refresh_interval: Some(Duration::hours(1)),
            secret_store_refs: vec![SecretStoreRef::cluster("vault")],
            selector: PushSecretSelector {
                secret: PushSecretSecret {
                    name: ATLAS_READER.to_owned(),
                },
            },
            data: vec![PushSecretData {
                matching: PushSecretMatch {
                    secret_key: "dsn".to_owned(),
                    remote_ref: PushSecretRemoteRef {
                        remote_key: ATLAS_VAULT_KEY.to_owned(),
                        property: Some("dsn".to_owned()),
                    },
                },
            }],
        },
    )
    .in_namespace(SAMPLE_APP);
    Ok(ManifestFile::new([
        Manifest::new(&reader)?.why(
            "The Atlas root (terraform/atlas/<env>) writes the sample app's DSN into Secrets Manager;\n\
             External Secrets reads it as this service account, whose IRSA role may read that one\n\
             secret only, and publishes it to Vault, where the app's Vault agent reads it like the\n\
             MariaDB DSN. One path into the pod for every database: the chart stays as it is and\n\
             a rotated DSN reaches the running app through the agent's re-render.",
        ),
        Manifest::new(&store)?,
        Manifest::new(&secret)?,
        Manifest::new(&push)?,
    ]))
}

#[cfg(test)]
mod tests;
