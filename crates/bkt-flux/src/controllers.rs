//! `infrastructure/controllers/`: the operators and controllers every later layer needs (AWS
//! Load Balancer Controller, external-dns, kube-prometheus-stack, Vault, External Secrets,
//! `CloudNativePG`, the `MariaDB` operator). Each is a folder with its namespace (Pod Security
//! labels, the [`crate::components`] baseline), its chart's `HelmRepository`, its `HelmRelease`
//! (chart and values from `bkt_helm`), and the `NetworkPolicy` allows its traffic needs.

use bkt_helm::charts::{
    aws_load_balancer_controller, cloudnative_pg, external_dns, external_secrets,
    kube_prometheus_stack, mariadb_operator, vault,
};
use bkt_helm::{Chart, RepositoryKind};
use k8s_openapi::api::core::v1::Namespace;
use serde::Serialize;

use crate::components::{
    self, EGRESS_HTTPS, NAMESPACE_BASELINE, PodSecurity, Policy, Rule, any_namespace_peer, labels,
    namespace_peer, pods_peer, tcp,
};
use crate::kinds::{
    Crds, CrossNamespaceSourceReference, HelmChartTemplate, HelmRelease, HelmReleaseSpec,
    HelmRepository, HelmRepositorySpec, Install, InstallRemediation, SourceKind, Upgrade,
    UpgradeRemediation, Values,
};
use crate::kustomize::Kustomization;
use crate::{Duration, Error, GitOpsTree, Manifest, ManifestFile, Result};

/// The folder, relative to `gitops/` (the `infrastructure-controllers` layer's path).
pub const FOLDER: &str = "infrastructure/controllers";

/// How many columns a why-comment's text takes before it wraps.
const WRAP: usize = 96;

/// The cluster vars the controllers' values reference, as the `${KEY}` substitutions Flux
/// replaces (the caller passes its cluster-vars contract's references).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControllerVars {
    /// `CLUSTER_NAME`.
    pub cluster_name: String,
    /// `AWS_REGION`.
    pub aws_region: String,
    /// `VPC_ID`.
    pub vpc_id: String,
    /// `DOMAIN`.
    pub domain: String,
    /// `HOSTED_ZONE_ID`.
    pub hosted_zone_id: String,
    /// `AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN`.
    pub aws_load_balancer_controller_role_arn: String,
    /// `EXTERNAL_DNS_ROLE_ARN`.
    pub external_dns_role_arn: String,
    /// `VAULT_ROLE_ARN`.
    pub vault_role_arn: String,
}

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
    fn new<V: Serialize>(
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

    fn policy(mut self, policy: Policy, why: Option<&str>) -> Self {
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
                    remediation: Some(InstallRemediation {
                        retries: Some(3),
                        ..InstallRemediation::default()
                    }),
                    ..Install::default()
                }),
                upgrade: Some(Upgrade {
                    disable_wait,
                    crds,
                    cleanup_on_fail: Some(true),
                    remediation: Some(UpgradeRemediation {
                        retries: Some(3),
                        remediate_last_failure: Some(true),
                        ..UpgradeRemediation::default()
                    }),
                    ..Upgrade::default()
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
            why.push_str(&wrap(paragraph, WRAP));
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

/// `text` wrapped at word boundaries to lines of at most `width` characters (a longer word
/// stays whole on its own line).
fn wrap(text: &str, width: usize) -> String {
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

/// The controllers layer: its folders, in the order the top `kustomization.yaml` lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Controllers {
    /// The controllers.
    pub controllers: Vec<Controller>,
}

impl Controllers {
    /// The dev controllers committed in this repository, their values referencing `vars`.
    ///
    /// # Errors
    /// [`Error::Core`] when values do not serialize.
    pub fn dev(vars: &ControllerVars) -> Result<Self> {
        let aws_load_balancer_controller = aws_load_balancer_controller(vars)?;
        let external_dns = external_dns(vars)?;
        let kube_prometheus_stack = kube_prometheus_stack()?;
        let vault = vault(vars)?;
        let external_secrets = external_secrets()?;
        let cloudnative_pg = cloudnative_pg()?;
        let mariadb_operator = mariadb_operator()?;
        Ok(Self {
            controllers: vec![
                aws_load_balancer_controller,
                external_dns,
                kube_prometheus_stack,
                vault,
                external_secrets,
                cloudnative_pg,
                mariadb_operator,
            ],
        })
    }

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

/// The allow for an admission webhook on `port`: the API server calls it, and its address is
/// not a pod.
fn webhook(port: i32) -> Policy {
    Policy::new("allow-webhook").ingress([Rule::ports([tcp(port)])])
}

/// The AWS Load Balancer Controller, in `kube-system`.
fn aws_load_balancer_controller(vars: &ControllerVars) -> Result<Controller> {
    Ok(Controller {
            owned: None,
            why: Some(
                "Lives in kube-system because its IRSA role trusts exactly kube-system/aws-load-balancer-controller.\nkube-system is managed by EKS (aws-node and kube-proxy need privileged pods), so we add no\nPod Security labels or default-deny there; see docs/gitops.md."
                    .to_owned(),
            ),
            ..Controller::new(
                "aws-load-balancer-controller",
                "kube-system",
                &aws_load_balancer_controller::CHART,
                aws_load_balancer_controller::WHY,
                ReleaseSettings::new(Duration::minutes(10), true),
                &aws_load_balancer_controller::Values::dev(
                    &vars.cluster_name,
                    &vars.aws_region,
                    &vars.vpc_id,
                    &vars.aws_load_balancer_controller_role_arn,
                ),
            )?
        })
}

/// external-dns, writing the cluster's records to its hosted zone.
fn external_dns(vars: &ControllerVars) -> Result<Controller> {
    Controller::new(
        "external-dns",
        "external-dns",
        &external_dns::CHART,
        external_dns::WHY,
        ReleaseSettings::new(Duration::minutes(5), false),
        &external_dns::Values::dev(
            &vars.aws_region,
            &vars.external_dns_role_arn,
            &vars.domain,
            &vars.hosted_zone_id,
            &vars.cluster_name,
        ),
    )
}

/// kube-prometheus-stack in `monitoring`.
fn kube_prometheus_stack() -> Result<Controller> {
    let prometheus = labels(&[("app.kubernetes.io/name", "prometheus")]);
    Ok(Controller {
            owned: Some(OwnedNamespace {
                enforce: PodSecurity::Privileged,
                why: Some("enforce is privileged because node-exporter needs hostNetwork, hostPID and hostPath mounts to\nread node metrics; audit and warn stay at restricted so anything else that drifts is reported.".to_owned()),
            }),
            ..Controller::new(
                "kube-prometheus-stack",
                "monitoring",
                &kube_prometheus_stack::CHART,
                kube_prometheus_stack::WHY,
                ReleaseSettings::new(Duration::minutes(15), true),
                &kube_prometheus_stack::Values::dev(),
            )?
        }
        .policy(
            Policy::new("allow-within-namespace")
                .ingress([Rule::peers([pods_peer(labels(&[]))])])
                .egress([Rule::peers([pods_peer(labels(&[]))])]),
            Some("The monitoring components talk to each other (Prometheus, Alertmanager, operator,\nkube-state-metrics) and Prometheus scrapes every namespace, the kubelets and node-exporter\n(host network, so reachable only by node IP and port)."),
        )
        .policy(
            Policy::new("allow-prometheus-scrape-egress")
                .selecting(prometheus)
                .egress([
                    Rule::peers([any_namespace_peer()]),
                    Rule::ports([tcp(10250), tcp(9100)]),
                ]),
            None,
        )
        .policy(
            Policy::new("allow-grafana-queries").ingress([Rule::new(
                [namespace_peer("grafana")],
                [tcp(9090), tcp(9093)],
            )]),
            Some("Grafana (namespace grafana) queries Prometheus and Alertmanager."),
        )
        .policy(
            Policy::new("allow-operator-webhook")
                .selecting(labels(&[("app", "kube-prometheus-stack-operator")]))
                .ingress([Rule::ports([tcp(10250)])]),
            Some("The API server calls the operator's admission webhook; its address is not a pod."),
        ))
}

/// Vault, HA on raft, auto-unsealed by KMS.
fn vault(vars: &ControllerVars) -> Result<Controller> {
    let vault_pods = || labels(&[("app.kubernetes.io/name", "vault")]);
    Ok(Controller::new(
            "vault",
            "vault",
            &vault::CHART,
            vault::WHY,
            ReleaseSettings {
                wait: false,
                why: Some("Helm does not wait for readiness (install and upgrade disableWait): Vault pods report ready only after infrastructure-vault-bootstrap has initialised Vault, and their volumes bind once infrastructure-configs creates the default gp3 StorageClass. Waiting here would block that very layer.".to_owned()),
                ..ReleaseSettings::new(Duration::minutes(10), false)
            },
            &vault::Values::dev(&vars.vault_role_arn, &vars.aws_region),
        )?
        .policy(
            Policy::new("allow-vault-api")
                .selecting(vault_pods())
                .ingress([
                    Rule::ports([tcp(8200)]),
                    Rule::new([pods_peer(vault_pods())], [tcp(8201)]),
                ])
                .egress([Rule::new([pods_peer(vault_pods())], [tcp(8200), tcp(8201)])]),
            Some("Clients in every namespace (injected agents, External Secrets, the ALB for the UI) reach the\nAPI on 8200; raft replication on 8201 stays between the Vault pods."),
        )
        .policy(
            Policy::new("allow-injector-webhook")
                .selecting(labels(&[("app.kubernetes.io/name", "vault-agent-injector")]))
                .ingress([Rule::ports([tcp(8080)])]),
            Some("The API server calls the agent injector's mutating webhook; its address is not a pod."),
        ))
}

/// External Secrets.
fn external_secrets() -> Result<Controller> {
    Ok(Controller::new(
            "external-secrets",
            "external-secrets",
            &external_secrets::CHART,
            external_secrets::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &external_secrets::Values::dev(),
        )?
        .policy(
            webhook(10250),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server and to Vault is covered by allow-https-egress and allow-vault below."),
        )
        .policy(
            Policy::new("allow-vault").egress([Rule::new([namespace_peer("vault")], [tcp(8200)])]),
            None,
        ))
}

/// The `CloudNativePG` operator.
fn cloudnative_pg() -> Result<Controller> {
    Ok(Controller::new(
            "cloudnative-pg",
            "cnpg-system",
            &cloudnative_pg::CHART,
            cloudnative_pg::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &cloudnative_pg::Values::dev(),
        )?
        .policy(
            webhook(9443),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server is covered by allow-https-egress."),
        )
        .policy(
            Policy::new("allow-instance-status")
                .egress([Rule::new([namespace_peer("authentik")], [tcp(8000)])]),
            Some("The operator polls each instance's status endpoint."),
        ))
}

/// The `MariaDB` operator.
fn mariadb_operator() -> Result<Controller> {
    Ok(Controller::new(
            "mariadb-operator",
            "mariadb-operator",
            &mariadb_operator::CHART,
            mariadb_operator::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &mariadb_operator::Values::dev(),
        )?
        .policy(
            webhook(9443),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server is covered by allow-https-egress."),
        )
        .policy(
            Policy::new("allow-mariadb")
                .egress([Rule::new([namespace_peer("mysql")], [tcp(3306)])]),
            Some("The operator connects to the MariaDB servers it manages to create users and grants."),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap("averylongword b", 4), "averylongword\nb");
        assert_eq!(wrap("", 4), "");
    }

    #[test]
    fn two_controllers_in_one_folder_are_refused() {
        let mut controllers = Controllers::dev(&ControllerVars::default()).unwrap();
        let first = controllers.controllers[0].clone();
        controllers.controllers.push(first);
        let mut tree = GitOpsTree::new("gitops", &[]);
        let error = controllers.add_to(&mut tree).unwrap_err();
        assert!(
            matches!(&error, Error::Invalid { field, .. } if field == "controllers.name"),
            "{error}"
        );
    }

    #[test]
    fn a_chart_from_an_oci_registry_is_refused() {
        let mut controllers = Controllers::dev(&ControllerVars::default()).unwrap();
        controllers.controllers[0].chart = &bkt_helm::charts::flux_operator::CHART;
        let error = controllers.controllers[0].repository();
        assert!(
            matches!(&error, Err(Error::Invalid { field, .. }) if field == "controllers.chart.repository"),
            "{error:?}"
        );
    }
}
