//! Read-back: every committed manifest under `gitops/` is read from disk into the type of its
//! `apiVersion`/`kind` (a `bkt_flux::kinds` type, a kustomize file, or a k8s-openapi type) and
//! written again with the crate's own writer (`bkt_flux::Manifest`, comment above each
//! document); the result must be the file's bytes. A field a type drops, reorders or re-styles
//! on the way through fails here, naming the file and the document.

use std::path::{Path, PathBuf};

use bkt_flux::kinds::{
    Alert, GitRepository, HelmRelease, HelmRepository, Kustomization, OciRepository, Provider,
    Receiver, aws_load_balancer, cnpg, external_secrets, flux_instance, mariadb,
};
use bkt_flux::{Manifest, ManifestFile, kustomize};
use k8s_openapi::api::{batch, core, networking, rbac, storage};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads one document's YAML into its type and records it for the writer.
type Reader = fn(&str) -> Result<Manifest, String>;

fn read<T: DeserializeOwned + Serialize>(body: &str) -> Result<Manifest, String> {
    let object: T = serde_saphyr::from_str(body).map_err(|error| error.to_string())?;
    Manifest::new(&object).map_err(|error| error.to_string())
}

/// A Kubernetes or Flux kind known to k8s-openapi's `Resource` trait.
fn resource<T: k8s_openapi::Resource + DeserializeOwned + Serialize>()
-> (&'static str, &'static str, Reader) {
    (T::API_VERSION, T::KIND, read::<T>)
}

/// Every kind the committed tree holds, by `apiVersion` and `kind`.
fn readers() -> Vec<(&'static str, &'static str, Reader)> {
    vec![
        resource::<Kustomization>(),
        resource::<HelmRelease>(),
        resource::<HelmRepository>(),
        resource::<GitRepository>(),
        resource::<OciRepository>(),
        resource::<Receiver>(),
        resource::<Provider>(),
        resource::<Alert>(),
        resource::<external_secrets::ExternalSecret>(),
        resource::<external_secrets::SecretStore>(),
        resource::<external_secrets::ClusterSecretStore>(),
        resource::<external_secrets::PushSecret>(),
        resource::<external_secrets::Password>(),
        resource::<aws_load_balancer::IngressClassParams>(),
        resource::<cnpg::PostgresCluster>(),
        resource::<flux_instance::FluxInstance>(),
        resource::<mariadb::MariaDb>(),
        resource::<mariadb::MariaDbDatabase>(),
        resource::<mariadb::MariaDbUser>(),
        resource::<mariadb::MariaDbGrant>(),
        (
            kustomize::Kustomization::API_VERSION,
            kustomize::Kustomization::KIND,
            read::<kustomize::Kustomization>,
        ),
        (
            kustomize::Component::API_VERSION,
            kustomize::Component::KIND,
            read::<kustomize::Component>,
        ),
        resource::<core::v1::Namespace>(),
        resource::<core::v1::ServiceAccount>(),
        resource::<core::v1::ConfigMap>(),
        resource::<rbac::v1::Role>(),
        resource::<rbac::v1::RoleBinding>(),
        resource::<rbac::v1::ClusterRoleBinding>(),
        resource::<networking::v1::NetworkPolicy>(),
        resource::<networking::v1::Ingress>(),
        resource::<networking::v1::IngressClass>(),
        resource::<storage::v1::StorageClass>(),
        resource::<batch::v1::Job>(),
    ]
}

/// The `apiVersion` and `kind` of a document, read before its type is known.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypeMeta {
    api_version: String,
    kind: String,
}

/// Every `.yaml` under `dir`, in path order.
fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "yaml") {
            found.push(path);
        }
    }
}

/// A file's documents: the comment lines above each (`#` prefixes removed, as
/// `Manifest::why` takes them) and the YAML below.
fn documents(text: &str) -> Vec<(Option<String>, String)> {
    let mut documents = Vec::new();
    for chunk in text.split("\n---\n") {
        let mut comment = Vec::new();
        let mut body = String::new();
        for line in chunk.lines() {
            if body.is_empty() && line.starts_with('#') {
                let line = line.strip_prefix('#').unwrap_or(line);
                comment.push(line.strip_prefix(' ').unwrap_or(line));
            } else {
                body.push_str(line);
                body.push('\n');
            }
        }
        let comment = (!comment.is_empty()).then(|| comment.join("\n"));
        documents.push((comment, body));
    }
    documents
}

#[test]
fn every_committed_manifest_reads_back_into_its_type_and_writes_the_same_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("gitops"), &mut files);
    let readers = readers();
    let mut failures = Vec::new();
    let mut read_documents = 0;
    for path in &files {
        let relative = path.strip_prefix(root).unwrap().display().to_string();
        // The sample chart is hand-written Helm (templates, Chart.yaml, values.yaml): Helm's
        // files, not Kubernetes objects this crate writes.
        if relative.starts_with("gitops/charts/") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let failures_before = failures.len();
        let mut written = Vec::new();
        for (index, (comment, body)) in documents(&text).into_iter().enumerate() {
            let meta: TypeMeta = match serde_saphyr::from_str(&body) {
                Ok(meta) => meta,
                Err(error) => {
                    failures.push(format!("{relative} #{index}: no apiVersion/kind: {error}"));
                    continue;
                }
            };
            let Some((_, _, reader)) = readers.iter().find(|(api_version, kind, _)| {
                meta.api_version == *api_version && meta.kind == *kind
            }) else {
                failures.push(format!(
                    "{relative} #{index}: {}/{} has no type to read it into",
                    meta.api_version, meta.kind
                ));
                continue;
            };
            match reader(&body) {
                Ok(manifest) => {
                    read_documents += 1;
                    written.push(match comment {
                        Some(comment) => manifest.why(comment),
                        None => manifest,
                    });
                }
                Err(error) => failures.push(format!(
                    "{relative} #{index} ({}): does not read back: {error}",
                    meta.kind
                )),
            }
        }
        let rewritten = ManifestFile::new(written).render().unwrap();
        if failures.len() == failures_before && rewritten != text {
            let diff = similar::TextDiff::from_lines(&text, &rewritten)
                .unified_diff()
                .header("committed", "read back and written")
                .to_string();
            failures.push(format!("{relative}: written differently:\n{diff}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The walk found the tree (a moved folder would otherwise pass with nothing read).
    assert!(read_documents > 150, "only {read_documents} documents read");
}
