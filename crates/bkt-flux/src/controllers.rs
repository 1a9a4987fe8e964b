//! `infrastructure/controllers/`: the operators and controllers every later layer needs (AWS
//! Load Balancer Controller, external-dns, kube-prometheus-stack, Vault, External Secrets,
//! `CloudNativePG`, the `MariaDB` operator). Each is a folder with its namespace (Pod Security
//! labels, the [`crate::components`] baseline), its chart's `HelmRepository`, its `HelmRelease`
//! (chart and values from `bkt_helm`), and the `NetworkPolicy` allows its traffic needs.

use bkt_helm::{Chart, RepositoryKind};
use k8s_openapi::api::core::v1::Namespace;
use serde::Serialize;

use crate::components::{self, EGRESS_HTTPS, NAMESPACE_BASELINE, PodSecurity};
use crate::kinds::{
    Crds, CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec,
    HelmRepository, HelmRepositorySpec, Install, SourceKind, Upgrade, Values,
};
use crate::kustomize::Kustomization;
use crate::network_policy::Policy;
use crate::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

/// The folder, relative to `gitops/` (the `infrastructure-controllers` layer's path).
pub const FOLDER: &str = "infrastructure/controllers";

/// How many columns a why-comment's text takes before it wraps.
const WRAP: usize = 96;

/// How the `HelmRelease` installs and upgrades its chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseSettings {
    /// How long each Helm action may take.
    pub timeout: Duration,
    /// Whether Helm creates and replaces the chart's CRDs on install and upgrade.
    pub crds: bool,
    /// Whether Helm waits for the release's workloads to be ready.
    pub wait: bool,
    /// Why the release is installed this way (the comment above the release, after the values'
    /// reasons).
    pub why: Option<String>,
}

impl ReleaseSettings {
    /// Waits for readiness, with `timeout`, CRDs managed by Helm when `crds`.
    #[must_use]
    pub fn new(timeout: Duration, crds: bool) -> Self {
        Self {
            timeout,
            crds,
            wait: true,
            why: None,
        }
    }
}

/// The namespace a controller owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNamespace {
    /// The Pod Security level enforced (audit and warn are always `restricted`).
    pub enforce: PodSecurity,
    /// Why the level is not `restricted`.
    pub why: Option<String>,
}

/// One controller's folder.
///
/// A controller with its own namespace and one `NetworkPolicy`, added to a tree through
/// [`Controllers`]; and the refusal of two controllers sharing a folder:
///
/// ```
/// use bkt_flux::components::PodSecurity;
/// use bkt_flux::network_policy::{Policy, Rule, any_namespace_peer, tcp};
/// use bkt_flux::controllers::{Controller, Controllers, FOLDER, OwnedNamespace, ReleaseSettings};
/// use bkt_flux::{Duration, Error, GitOpsTree};
/// use bkt_helm::charts::external_secrets;
///
/// let controller = Controller::new(
///     "external-secrets",
///     "external-secrets",
///     &external_secrets::CHART,
///     &["Defaults: the chart's own requests."],
///     ReleaseSettings::new(Duration::minutes(10), true),
///     &external_secrets::Values::default(),
/// )?
/// .policy(
///     Policy::new("allow-webhook").ingress([Rule::new([any_namespace_peer()], [tcp(10250)])]),
///     Some("The API server calls the admission webhook."),
/// );
///
/// let mut tree = GitOpsTree::new("gitops", &[]);
/// Controllers { controllers: vec![controller.clone()] }.add_to(&mut tree)?;
/// let files = tree.to_tree("my-generator")?;
/// let file = |name: &str| {
///     String::from_utf8_lossy(
///         files.get(&format!("{FOLDER}/external-secrets/{name}")).unwrap_or_default(),
///     )
///     .into_owned()
/// };
/// assert!(file("namespace.yaml").contains("    pod-security.kubernetes.io/enforce: restricted\n"));
/// assert!(file("release.yaml").contains("  install:\n    crds: CreateReplace\n"));
/// assert!(file("networkpolicy.yaml").contains("# The API server calls the admission webhook.\napiVersion: networking.k8s.io/v1\n"));
/// assert!(file("kustomization.yaml").contains("  - networkpolicy.yaml\n"));
///
/// // A controller whose pods need the host owns a privileged namespace, and says why.
/// let mut host = controller.clone();
/// host.owned = Some(OwnedNamespace {
///     enforce: PodSecurity::Privileged,
///     why: Some("The agent reads the nodes' files.".into()),
/// });
/// let mut tree = GitOpsTree::new("gitops", &[]);
/// host.add_to(&mut tree)?;
/// let files = tree.to_tree("my-generator")?;
/// let namespace = String::from_utf8_lossy(
///     files.get(&format!("{FOLDER}/external-secrets/namespace.yaml")).unwrap_or_default(),
/// );
/// assert!(namespace.contains("# The agent reads the nodes' files.\napiVersion: v1\nkind: Namespace\n"));
/// assert!(namespace.contains("    pod-security.kubernetes.io/enforce: privileged\n"));
///
/// let twice = Controllers { controllers: vec![controller.clone(), controller] };
/// assert!(matches!(twice.add_to(&mut GitOpsTree::new("gitops", &[])), Err(Error::Invalid(_))));
/// # Ok::<(), bkt_flux::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Controller {
    /// The folder's name.
    pub name: String,
    /// The namespace every object of the folder is placed in.
    pub namespace: String,
    /// `Some` when the folder creates the namespace (with the baseline and HTTPS egress
    /// components); `None` for a namespace EKS manages (`kube-system`).
    pub owned: Option<OwnedNamespace>,
    /// Why the folder is laid out as it is: the comment above its `kustomization.yaml`.
    pub why: Option<String>,
    /// The chart installed.
    pub chart: &'static Chart,
    /// The reasons behind the values (the chart's `WHY` in `bkt_helm`).
    pub values_why: &'static [&'static str],
    /// How the release installs and upgrades.
    pub release: ReleaseSettings,
    /// The values, recorded.
    pub values: Values,
    /// The folder's own `NetworkPolicy` allows, each with its comment.
    pub policies: Vec<(Policy, Option<String>)>,
}

impl Controller {
    /// The controller `name` in `namespace` (a namespace of its own at Pod Security
    /// `restricted`, with the baseline), installing `chart` with `values`; `values_why` holds the
    /// reasons behind the values, written above the release.
    ///
    /// # Errors
    /// [`Error::Core`] when the values do not serialize.
    pub fn new<V: Serialize>(
        name: &str,
        namespace: &str,
        chart: &'static Chart,
        values_why: &'static [&'static str],
        release: ReleaseSettings,
        values: &V,
    ) -> Result<Self> {
        Ok(Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            owned: Some(OwnedNamespace {
                enforce: PodSecurity::Restricted,
                why: None,
            }),
            why: None,
            chart,
            values_why,
            release,
            values: Values::new(values)?,
            policies: Vec::new(),
        })
    }

    /// Adds a `NetworkPolicy` to the controller's folder, with `why` above it.
    #[must_use]
    pub fn policy(mut self, policy: Policy, why: Option<&str>) -> Self {
        self.policies.push((policy, why.map(str::to_owned)));
        self
    }

    /// The chart's `HelmRepository`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the chart comes from an OCI registry (these controllers' charts
    /// are all served from HTTPS repositories).
    pub fn repository(&self) -> Result<HelmRepository> {
        if self.chart.repository.kind != RepositoryKind::Http {
            return Err(Error::invalid(
                "controllers.chart.repository",
                self.chart.repository.url,
                "serve the chart from an HTTPS Helm repository, or model its OCIRepository",
            ));
        }
        Ok(HelmRepository::new(
            self.chart.repository.name,
            HelmRepositorySpec::new(Duration::hours(24), self.chart.repository.url),
        ))
    }

    /// The `HelmRelease`: three install retries, cleanup and three retries (the last failure
    /// remediated too) on upgrade.
    #[must_use]
    pub fn helm_release(&self) -> HelmRelease {
        let crds = self.release.crds.then_some(Crds::CreateReplace);
        let disable_wait = (!self.release.wait).then_some(true);
        HelmRelease::new(
            self.name.clone(),
            HelmReleaseSpec {
                timeout: Some(self.release.timeout.clone()),
                install: Some(Install {
                    disable_wait,
                    crds,
                    ..Install::retried(3)
                }),
                upgrade: Some(Upgrade {
                    disable_wait,
                    crds,
                    ..Upgrade::rolled_back(3)
                }),
                values: Some(self.values.clone()),
                ..HelmReleaseSpec::new(
                    Duration::hours(1),
                    HelmChartTemplate::new(
                        self.chart.name,
                        self.chart.version,
                        CrossNamespaceSourceReference::new(
                            SourceKind::HelmRepository,
                            self.chart.repository.name,
                        ),
                    ),
                )
            },
        )
    }

    /// The comment above the release: where the values are documented, and why they are set.
    #[must_use]
    pub fn release_why(&self) -> String {
        let mut why = String::from("Values reference: ");
        why.push_str(self.chart.values_reference);
        let paragraphs = self
            .values_why
            .iter()
            .copied()
            .chain(self.release.why.as_deref());
        for paragraph in paragraphs {
            why.push('\n');
            why.push_str(&crate::compose::wrap_to(paragraph, WRAP));
        }
        why
    }

    /// The namespace object, when the folder owns it.
    #[must_use]
    pub fn namespace_object(&self) -> Option<Namespace> {
        self.owned
            .as_ref()
            .map(|owned| components::namespace(&self.namespace, owned.enforce))
    }

    /// The folder's `kustomization.yaml`.
    #[must_use]
    pub fn kustomization(&self) -> Kustomization {
        let mut resources = Vec::new();
        if self.owned.is_some() {
            resources.push("namespace.yaml".to_owned());
        }
        resources.push("repository.yaml".to_owned());
        resources.push("release.yaml".to_owned());
        if !self.policies.is_empty() {
            resources.push("networkpolicy.yaml".to_owned());
        }
        let components = if self.owned.is_some() {
            [NAMESPACE_BASELINE, EGRESS_HTTPS]
                .iter()
                .map(|component| relative(component))
                .collect()
        } else {
            Vec::new()
        };
        Kustomization {
            namespace: Some(self.namespace.clone()),
            components,
            ..Kustomization::of(resources)
        }
    }

    /// Adds the folder's files under [`FOLDER`] to `tree`.
    ///
    /// # Errors
    /// [`Error::Invalid`] from [`Controller::repository`]; [`Error::Core`] when a path is taken
    /// or a document does not serialize.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        let path = |file: &str| {
            let mut path = String::from(FOLDER);
            path.push('/');
            path.push_str(&self.name);
            path.push('/');
            path.push_str(file);
            path
        };
        if let (Some(namespace), Some(owned)) = (self.namespace_object(), &self.owned) {
            tree.insert(
                path("namespace.yaml"),
                ManifestFile::single(with_why(Manifest::new(&namespace)?, owned.why.as_deref())),
            )?;
        }
        tree.insert(
            path("repository.yaml"),
            ManifestFile::single(Manifest::new(&self.repository()?)?),
        )?;
        tree.insert(
            path("release.yaml"),
            ManifestFile::single(Manifest::new(&self.helm_release())?.why(self.release_why())),
        )?;
        if !self.policies.is_empty() {
            let policies = self
                .policies
                .iter()
                .map(|(policy, why)| policy.manifest(why.as_deref()))
                .collect::<Result<ManifestFile>>()?;
            tree.insert(path("networkpolicy.yaml"), policies)?;
        }
        tree.insert(
            path("kustomization.yaml"),
            ManifestFile::single(with_why(
                Manifest::new(&self.kustomization())?,
                self.why.as_deref(),
            )),
        )
    }
}

fn with_why(manifest: Manifest, why: Option<&str>) -> Manifest {
    match why {
        Some(why) => manifest.why(why),
        None => manifest,
    }
}

/// A component folder as a controller folder reaches it (`../../components/<name>`).
fn relative(component: &str) -> String {
    let name = component.rsplit('/').next().unwrap_or(component);
    let mut path = String::from("../../components/");
    path.push_str(name);
    path
}

/// The controllers layer: its folders, in the order the top `kustomization.yaml` lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Controllers {
    /// The controllers.
    pub controllers: Vec<Controller>,
}

impl Controllers {
    /// Adds every controller's folder and the listing `kustomization.yaml` to `tree`.
    ///
    /// # Errors
    /// The first error of [`Controller::add_to`]; [`Error::Invalid`] when two controllers share
    /// a folder name.
    pub fn add_to(&self, tree: &mut GitOpsTree) -> Result<()> {
        let mut names: Vec<&str> = Vec::new();
        for controller in &self.controllers {
            if names.contains(&controller.name.as_str()) {
                return Err(Error::invalid(
                    "controllers.name",
                    &controller.name,
                    "give each controller a folder of its own",
                ));
            }
            names.push(&controller.name);
            controller.add_to(tree)?;
        }
        let mut path = String::from(FOLDER);
        path.push_str("/kustomization.yaml");
        tree.insert(
            path,
            ManifestFile::single(Manifest::new(&Kustomization::of(names))?),
        )
    }
}
