//! The rendered layout's manifests (every `.yaml` under `gitops/`), read back as YAML: what
//! the rules over the whole tree check, rather than the Rust values that made them.

use bkt_reference::{PlatformSpec, render};
use serde::de::DeserializeOwned;

/// Every document of every rendered `gitops/**/*.yaml`, with its path, in path order.
pub fn gitops_documents<T: DeserializeOwned>() -> Vec<(String, T)> {
    let tree = render(&PlatformSpec::default()).unwrap();
    let mut documents = Vec::new();
    for (path, bytes) in tree.generated() {
        let is_yaml = std::path::Path::new(path)
            .extension()
            .is_some_and(|ext| ext == "yaml");
        if !path.starts_with("gitops/") || !is_yaml {
            continue;
        }
        let text = std::str::from_utf8(bytes).unwrap();
        let parsed: Vec<T> = serde_saphyr::from_multiple(text)
            .unwrap_or_else(|error| panic!("{path}: does not read back as YAML: {error}"));
        documents.extend(
            parsed
                .into_iter()
                .map(|document| (path.to_owned(), document)),
        );
    }
    documents
}
