//! Serialization of each kind, compared with the exact YAML expected.

use std::collections::BTreeMap;

use super::*;
use crate::Duration;
use crate::kustomize::{Patch, Selector};

fn yaml<T: Serialize>(value: &T) -> String {
    bkt_core::yaml::to_string(value).unwrap()
}

fn flux_system() -> CrossNamespaceSourceReference {
    CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system")
}

#[test]
fn kustomization() {
    let object = Kustomization::new(
        "apps",
        KustomizationSpec {
            depends_on: vec![NamespacedObjectReference::new("platform")],
            retry_interval: Some(Duration::minutes(1)),
            timeout: Some(Duration::minutes(10)),
            wait: Some(true),
            path: Some("./gitops/apps/dev".into()),
            patches: vec![
                Patch::strategic_merge(&BTreeMap::from([("a", "b")]))
                    .unwrap()
                    .with_target(Selector::kind_name("HelmRelease", "app")),
            ],
            post_build: Some(PostBuild {
                substitute_from: vec![SubstituteReference::config_map("cluster-vars")],
                ..PostBuild::default()
            }),
            ..KustomizationSpec::new(Duration::minutes(10), flux_system())
        },
    )
    .in_namespace("flux-system");
    assert_eq!(
        yaml(&object),
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  dependsOn:
    - name: platform
  interval: 10m
  retryInterval: 1m
  timeout: 10m
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./gitops/apps/dev
  patches:
    - target:
        kind: HelmRelease
        name: app
      patch: |
        a: b
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
"
    );
}

#[test]
fn sources() {
    let git = GitRepository::new(
        "platform",
        GitRepositorySpec {
            reference: Some(GitRepositoryRef {
                branch: Some("main".into()),
                ..GitRepositoryRef::default()
            }),
            ..GitRepositorySpec::new(Duration::minutes(1), "https://github.com/o/r")
        },
    );
    assert_eq!(
        yaml(&git),
        "apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
spec:
  interval: 1m
  url: https://github.com/o/r
  ref:
    branch: main
"
    );
    let oci = OciRepository::new(
        "podinfo",
        OciRepositorySpec {
            reference: Some(OciRepositoryRef {
                tag: Some("6.9.0".into()),
                ..OciRepositoryRef::default()
            }),
            ..OciRepositorySpec::new(Duration::minutes(5), "oci://ghcr.io/x/podinfo")
        },
    );
    assert_eq!(
        yaml(&oci),
        "apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: podinfo
spec:
  interval: 5m
  url: oci://ghcr.io/x/podinfo
  ref:
    tag: \"6.9.0\"
"
    );
    let helm = HelmRepository::new(
        "hashicorp",
        HelmRepositorySpec::new(Duration::hours(24), "https://helm.releases.hashicorp.com"),
    );
    assert_eq!(
        yaml(&helm),
        "apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: hashicorp
spec:
  interval: 24h
  url: https://helm.releases.hashicorp.com
"
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VaultValues {
    fullname_override: &'static str,
    ui: Ui,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ui {
    enabled: bool,
    service_type: &'static str,
}

#[test]
fn helm_release_keeps_typed_values_and_remediation() {
    let release = HelmRelease::new(
        "vault",
        HelmReleaseSpec {
            timeout: Some(Duration::minutes(10)),
            install: Some(Install {
                crds: Some(Crds::CreateReplace),
                strategy: Some(Strategy {
                    name: StrategyName::RetryOnFailure,
                    retry_interval: Some(Duration::minutes(2)),
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
            drift_detection: Some(DriftDetection {
                mode: Some(DriftDetectionMode::Enabled),
                ..DriftDetection::default()
            }),
            values: Some(
                Values::new(&VaultValues {
                    fullname_override: "vault",
                    ui: Ui {
                        enabled: true,
                        service_type: "ClusterIP",
                    },
                })
                .unwrap(),
            ),
            ..HelmReleaseSpec::new(
                Duration::hours(1),
                HelmChartTemplate::new(
                    "vault",
                    "0.34.1",
                    CrossNamespaceSourceReference::new(SourceKind::HelmRepository, "hashicorp"),
                ),
            )
        },
    );
    assert_eq!(
        yaml(&release),
        "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: vault
spec:
  interval: 1h
  timeout: 10m
  chart:
    spec:
      chart: vault
      version: \"0.34.1\"
      sourceRef:
        kind: HelmRepository
        name: hashicorp
  driftDetection:
    mode: enabled
  install:
    crds: CreateReplace
    strategy:
      name: RetryOnFailure
      retryInterval: 2m
  upgrade:
    cleanupOnFail: true
    remediation:
      retries: 3
      remediateLastFailure: true
  values:
    fullnameOverride: vault
    ui:
      enabled: true
      serviceType: ClusterIP
"
    );
}

#[test]
fn helm_release_from_a_chart_ref() {
    let release = HelmRelease::new(
        "podinfo",
        HelmReleaseSpec::from_chart_ref(
            Duration::minutes(10),
            CrossNamespaceSourceReference::new(SourceKind::OciRepository, "podinfo")
                .in_namespace("flux-system"),
        ),
    );
    assert_eq!(
        yaml(&release),
        "apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: podinfo
    namespace: flux-system
"
    );
}

#[test]
fn notifications() {
    let receiver = Receiver::new(
        "github",
        ReceiverSpec {
            receiver_type: "github".into(),
            events: vec!["ping".into(), "push".into()],
            secret_ref: LocalObjectReference::new("github-webhook-token"),
            resources: vec![ObjectKindReference {
                api_version: Some("source.toolkit.fluxcd.io/v1".into()),
                kind: "GitRepository".into(),
                name: "flux-system".into(),
                namespace: None,
            }],
            interval: None,
        },
    );
    assert_eq!(
        yaml(&receiver),
        "apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata:
  name: github
spec:
  type: github
  events:
    - ping
    - push
  secretRef:
    name: github-webhook-token
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      name: flux-system
"
    );
    let provider = Provider::new(
        "github",
        ProviderSpec {
            provider_type: "github".into(),
            address: Some("https://github.com/o/r".into()),
            secret_ref: Some(LocalObjectReference::new("github-token")),
            ..ProviderSpec::default()
        },
    );
    assert_eq!(
        yaml(&provider),
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: github
spec:
  type: github
  address: https://github.com/o/r
  secretRef:
    name: github-token
"
    );
    let alert = Alert::new(
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
    );
    assert_eq!(
        yaml(&alert),
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: github-status
spec:
  providerRef:
    name: github
  eventSeverity: info
  eventSources:
    - kind: Kustomization
      name: \"*\"
"
    );
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_saphyr::from_str(text).map_err(|error| error.to_string())
}

#[test]
fn reading_a_document_of_another_kind_names_both_kinds() {
    let error = read::<HelmRelease>(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: x\nspec:\n  interval: 1h\n  url: https://example.com\n",
    )
    .unwrap_err();
    assert!(
        error.contains("apiVersion/kind is source.toolkit.fluxcd.io/v1/HelmRepository")
            && error.contains("expected helm.toolkit.fluxcd.io/v2/HelmRelease"),
        "{error}"
    );
}

#[test]
fn reading_a_cluster_object_ignores_its_status_and_keeps_its_metadata() {
    let object = read::<HelmRepository>(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\n  resourceVersion: \"42\"\nspec:\n  interval: 1h\n  url: https://example.com\nstatus:\n  observedGeneration: 1\n",
    )
    .unwrap();
    assert_eq!(object.metadata.resource_version.as_deref(), Some("42"));
    assert_eq!(object.metadata.namespace.as_deref(), Some("flux-system"));
    assert_eq!(object.spec.url, "https://example.com");
}

#[test]
fn a_duration_read_back_is_validated_as_parse_validates_it() {
    let error = read::<Duration>("10 minutes").unwrap_err();
    assert!(error.contains("e.g. 30s, 10m, 1h30m"), "{error}");
    assert_eq!(read::<Duration>("1h30m").unwrap().as_str(), "1h30m");
}

#[test]
fn helm_values_read_back_keep_their_key_order() {
    let values = read::<Values>("zeta: 1\nalpha:\n  nested: [b, a]\n").unwrap();
    assert_eq!(
        yaml(&values),
        "zeta: 1\nalpha:\n  nested:\n    - b\n    - a\n"
    );
}

#[test]
fn a_kustomize_component_with_keys_it_does_not_hold_is_rejected() {
    let error = read::<crate::kustomize::Component>(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamespace: apps\nresources:\n  - a.yaml\n",
    )
    .unwrap_err();
    assert!(
        error.contains("a Component holds only resources and patches"),
        "{error}"
    );
    let error = read::<crate::kustomize::Kustomization>(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
    )
    .unwrap_err();
    assert!(
        error.contains("expected kustomize.config.k8s.io/v1beta1/Kustomization"),
        "{error}"
    );
}

#[test]
fn flux_instance_writes_the_crds_field_names() {
    use flux_instance::{
        Cluster, ClusterType, Component, Distribution, FluxInstance, FluxInstanceSpec, Sync,
    };
    let object = FluxInstance::named(
        "flux-system",
        FluxInstanceSpec {
            components: vec![Component::SourceController, Component::SourceWatcher],
            cluster: Some(Cluster {
                kind: Some(ClusterType::OpenShift),
                network_policy: false,
                domain: Some("cluster.local".into()),
                multitenant: Some(true),
            }),
            wait: Some(true),
            sync: Some(Sync {
                name: Some("fleet".into()),
                interval: Some(Duration::minutes(5)),
                pull_secret: Some("git-auth".into()),
                ..Sync::git_branch("https://example.com/fleet.git", "main", "clusters/dev")
            }),
            ..FluxInstanceSpec::new(Distribution {
                version: "2.9.x".into(),
                registry: "ghcr.io/fluxcd".into(),
                artifact: Some(
                    "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests".into(),
                ),
            })
        },
    );
    assert_eq!(
        yaml(&object),
        "apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: 2.9.x
    registry: ghcr.io/fluxcd
    artifact: oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests
  components:
    - source-controller
    - source-watcher
  cluster:
    type: openshift
    networkPolicy: false
    domain: cluster.local
    multitenant: true
  wait: true
  sync:
    name: fleet
    interval: 5m
    kind: GitRepository
    url: https://example.com/fleet.git
    ref: refs/heads/main
    path: clusters/dev
    pullSecret: git-auth
"
    );
}

#[test]
fn flux_instance_reads_the_operators_form_and_refuses_what_its_crd_refuses() {
    use flux_instance::{ClusterType, FluxInstance, SyncKind};
    let object = read::<FluxInstance>(
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: \"2.x\"\n    registry: ghcr.io/fluxcd\n  cluster:\n    type: gcp\n    networkPolicy: true\n  sync:\n    kind: OCIRepository\n    url: oci://ghcr.io/org/fleet\n    ref: latest\n    path: clusters/prod\n",
    )
    .unwrap();
    let cluster = object.spec.cluster.unwrap();
    assert_eq!(cluster.kind, Some(ClusterType::Gcp));
    assert!(object.spec.components.is_empty());
    let sync = object.spec.sync.unwrap();
    assert_eq!(
        (sync.kind, sync.reference.as_str()),
        (SyncKind::OciRepository, "latest")
    );

    // The CRD's enum has no such component, and cluster.networkPolicy is required.
    let base = "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\nspec:\n  distribution:\n    version: 2.9.6\n    registry: ghcr.io/fluxcd\n";
    let error =
        read::<FluxInstance>(&format!("{base}  components: [helm-operator]\n")).unwrap_err();
    assert!(error.contains("helm-operator"), "{error}");
    let error = read::<FluxInstance>(&format!("{base}  cluster:\n    type: aws\n")).unwrap_err();
    assert!(error.contains("networkPolicy"), "{error}");
}
