//! The API group of a document (`kustomize.config.k8s.io` of `kustomize.config.k8s.io/v1beta1`),
//! which the tree's checks and the following of kustomizations both read.

use bkt_core::yaml::ValueRef;

/// Whether `object` is a kustomize file (`kustomization.yaml` or a component).
pub(super) fn is_kustomize_file(object: ValueRef<'_>) -> bool {
    object
        .get("apiVersion")
        .and_then(ValueRef::as_str)
        .is_some_and(|api_version| group(api_version) == "kustomize.config.k8s.io")
}

/// The API group of an `apiVersion` (`""` for the core group).
pub(super) fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}
