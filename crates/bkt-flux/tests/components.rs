//! The kustomize components' files. Their bytes are gitops/infrastructure/components, which the
//! drift test guards; a snapshot of them here would review every change twice.

use bkt_flux::GitOpsTree;

#[test]
fn components() {
    let mut tree = GitOpsTree::new("gitops", &[]);
    bkt_flux::components::add_to(&mut tree).unwrap();
    let tree = tree.to_tree("bkt-platform").unwrap();
    let paths: Vec<&str> = tree.files().map(|(path, _)| path).collect();
    assert_eq!(
        paths,
        [
            "infrastructure/components/egress-https/allow-https-egress.yaml",
            "infrastructure/components/egress-https/kustomization.yaml",
            "infrastructure/components/namespace-baseline/allow-dns.yaml",
            "infrastructure/components/namespace-baseline/allow-prometheus-scrape.yaml",
            "infrastructure/components/namespace-baseline/default-deny.yaml",
            "infrastructure/components/namespace-baseline/kustomization.yaml",
        ]
    );
}
