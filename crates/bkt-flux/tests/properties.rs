//! Properties: any valid duration or name renders and never panics; invalid durations give
//! errors, never panics.

use bkt_flux::kinds::{
    CrossNamespaceSourceReference, Kustomization, KustomizationSpec, SourceKind,
};
use bkt_flux::{Duration, GitOpsTree, Manifest, ManifestFile};
use proptest::prelude::*;

fn duration_text() -> impl Strategy<Value = String> {
    let part = (
        0_u32..10_000,
        proptest::option::of(0_u32..1000),
        prop::sample::select(vec!["ms", "s", "m", "h"]),
    )
        .prop_map(|(whole, fraction, unit)| match fraction {
            Some(fraction) => format!("{whole}.{fraction}{unit}"),
            None => format!("{whole}{unit}"),
        });
    prop::collection::vec(part, 1..4).prop_map(|parts| parts.concat())
}

/// DNS-1123 labels, as Kubernetes names are.
fn name() -> impl Strategy<Value = String> {
    "[a-z]([-a-z0-9]{0,61}[a-z0-9])?"
}

proptest! {
    #[test]
    fn any_valid_duration_and_name_renders(text in duration_text(), name in name()) {
        let interval = Duration::parse(&text).unwrap();
        prop_assert_eq!(interval.as_str(), text.as_str());
        let object = Kustomization::new(
            name.clone(),
            KustomizationSpec {
                path: Some("./gitops/apps".into()),
                ..KustomizationSpec::new(
                    interval,
                    CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
                )
            },
        )
        .in_namespace("flux-system");
        let mut tree = GitOpsTree::new("gitops", &[]);
        tree.bootstrap_source(SourceKind::GitRepository, "flux-system", "flux-system", true);
        tree.hand_written_folder("apps");
        tree.insert("clusters/dev/entry.yaml", ManifestFile::single(Manifest::new(&object).unwrap())).unwrap();
        let rendered = tree.to_tree("g").unwrap();
        let text_out = String::from_utf8(rendered.get("clusters/dev/entry.yaml").unwrap().to_vec()).unwrap();
        let plain = format!("  name: {name}\n");
        let quoted = format!("  name: \"{name}\"\n");
        let found = text_out.contains(&plain) || text_out.contains(&quoted);
        prop_assert!(found, "{}", text_out);
    }

    #[test]
    fn any_text_is_accepted_or_rejected_without_panic(text in ".{0,20}") {
        if let Ok(duration) = Duration::parse(&text) {
            prop_assert_eq!(duration.as_str(), text.as_str());
            prop_assert!(text.ends_with(['s', 'm', 'h']));
        }
    }

    #[test]
    fn any_string_value_renders_or_errors_without_panic(value in any::<String>(), key in "[A-Z_]{1,8}") {
        let mut tree = GitOpsTree::new("gitops", &[key.as_str()]);
        let object = std::collections::BTreeMap::from([("apiVersion", "v1"), ("kind", "ConfigMap"), ("value", value.as_str())]);
        tree.insert("a.yaml", ManifestFile::single(Manifest::new(&object).unwrap())).unwrap();
        let _ = tree.to_tree("g");
    }
}
