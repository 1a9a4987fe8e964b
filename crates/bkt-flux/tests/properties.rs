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

/// A chain of `n` layers whose `dependsOn` are the given indices.
fn entry(names: &[String], depends_on: &[Vec<usize>]) -> bkt_flux::cluster::ClusterEntry {
    use bkt_flux::cluster::{ClusterEntry, EntryFile, Layer};
    let layers = names
        .iter()
        .zip(depends_on)
        .map(|(name, depends_on)| Layer {
            name: name.clone(),
            why: Some(format!("Layer {name}.")),
            depends_on: depends_on
                .iter()
                .map(|index| names[*index].clone())
                .collect(),
            interval: Duration::hours(1),
            retry_interval: Duration::minutes(2),
            timeout: Duration::minutes(10),
            path: "./gitops/apps".into(),
        })
        .collect();
    ClusterEntry {
        files: vec![EntryFile {
            name: "chain.yaml".into(),
            layers,
        }],
        instance: None,
        local: None,
        environment: "dev".into(),
        namespace: "flux-system".into(),
        source: CrossNamespaceSourceReference::new(SourceKind::GitRepository, "flux-system"),
        cluster_vars: "cluster-vars".into(),
    }
}

fn acyclic(depends_on: &[Vec<usize>]) -> bool {
    fn visit(node: usize, edges: &[Vec<usize>], state: &mut [u8]) -> bool {
        match state[node] {
            1 => return false,
            2 => return true,
            _ => {}
        }
        state[node] = 1;
        let ok = edges[node].iter().all(|next| visit(*next, edges, state));
        state[node] = 2;
        ok
    }
    let mut state = vec![0; depends_on.len()];
    (0..depends_on.len()).all(|node| visit(node, depends_on, &mut state))
}

fn chain() -> impl Strategy<Value = (Vec<String>, Vec<Vec<usize>>)> {
    (1_usize..8).prop_flat_map(|n| {
        (
            prop::collection::vec("[a-z][-a-z0-9]{0,20}[a-z0-9]", n).prop_map(|bases| {
                bases
                    .into_iter()
                    .enumerate()
                    .map(|(index, base)| format!("{base}-{index}"))
                    .collect::<Vec<_>>()
            }),
            prop::collection::vec(prop::collection::btree_set(0..n, 0..n), n).prop_map(|sets| {
                sets.into_iter()
                    .map(|set| set.into_iter().collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            }),
        )
    })
}

fn render(entry: &bkt_flux::cluster::ClusterEntry) -> bkt_flux::Result<bkt_core::Tree> {
    let mut tree = GitOpsTree::new("gitops", &[]);
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    tree.hand_written_folder("apps");
    entry.add_to(&mut tree)?;
    tree.to_tree("g")
}

proptest! {
    #[test]
    fn a_chain_renders_exactly_when_its_depends_on_is_acyclic((names, depends_on) in chain()) {
        let result = render(&entry(&names, &depends_on));
        if acyclic(&depends_on) {
            let tree = result.unwrap();
            let text = String::from_utf8(tree.get("clusters/dev/chain.yaml").unwrap().to_vec()).unwrap();
            for name in &names {
                let line = format!("  name: {name}\n");
                prop_assert!(text.contains(&line), "{} missing in {}", name, text);
            }
        } else {
            prop_assert!(matches!(result, Err(bkt_flux::Error::DependencyCycle { .. })), "{:?}", result);
        }
    }

    #[test]
    fn forward_only_chains_always_render((names, depends_on) in chain()) {
        let backward: Vec<Vec<usize>> = depends_on
            .iter()
            .enumerate()
            .map(|(index, set)| set.iter().copied().filter(|dep| *dep < index).collect())
            .collect();
        prop_assert!(render(&entry(&names, &backward)).is_ok());
    }

    #[test]
    fn any_layer_name_is_rendered_or_rejected_without_panic(name in ".{0,70}") {
        let result = render(&entry(&[name], &[vec![]]));
        if let Err(error) = result {
            let is_invalid = matches!(error, bkt_flux::Error::Invalid(bkt_core::Invalid { .. }));
            prop_assert!(is_invalid, "{}", error);
        }
    }
}
