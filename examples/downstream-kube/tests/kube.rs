//! kube-rs sees the Flux kinds as its own resources: `Api<HelmRelease>` type-checks, kube's
//! blanket `Resource` impl addresses the Flux API, and an object read as kube's untyped
//! `DynamicObject` (what a watcher or `kubectl get -o json` hands over) parses back into the
//! typed kind.

use bkt_downstream_kube_example::podinfo;
use bkt_platform::flux::kinds::HelmRelease;
use kube::Resource;
use kube::api::{Api, DynamicObject, ListParams};

/// Lists the releases of a namespace: compiled, never run (no cluster here).
#[allow(dead_code)]
async fn releases(client: kube::Client, namespace: &str) -> kube::Result<Vec<HelmRelease>> {
    let api: Api<HelmRelease> = Api::namespaced(client, namespace);
    Ok(api.list(&ListParams::default()).await?.items)
}

#[test]
fn kube_addresses_a_helm_release_at_the_flux_api() {
    // The path Flux's helm-controller serves HelmReleases at (CRD helmreleases.helm.toolkit.fluxcd.io).
    assert_eq!(
        HelmRelease::url_path(&(), Some("flux-system")),
        "/apis/helm.toolkit.fluxcd.io/v2/namespaces/flux-system/helmreleases"
    );
    let release = podinfo();
    assert_eq!(release.meta().name.as_deref(), Some("podinfo"));
    assert_eq!(
        release.object_ref(&()).api_version.as_deref(),
        Some("helm.toolkit.fluxcd.io/v2")
    );
}

#[test]
fn a_dynamic_object_from_the_api_parses_back_into_the_typed_kind() {
    // What the API server returns: the object as JSON, with fields the model does not hold.
    let mut json = serde_json::to_value(podinfo()).unwrap();
    json["metadata"]["resourceVersion"] = "7".into();
    json["status"] = serde_json::json!({ "observedGeneration": 1 });
    let dynamic: DynamicObject = serde_json::from_value(json).unwrap();
    let typed: HelmRelease = dynamic.try_parse().unwrap();
    assert_eq!(typed.metadata.resource_version.as_deref(), Some("7"));
    assert_eq!(typed.spec, podinfo().spec);
}
