//! The hand-written scripts and Vault policies the Jobs' `configMapGenerator`s read, compiled in
//! so each Job's name carries their content hash.

/// The hand-written files the bootstrap's `configMapGenerator` reads, in its order, as
/// `(path relative to the folder, content)`: the scripts the Job runs (`connect.sh` is sourced by
/// `configure.sh`) and the Vault policies `configure.sh` writes, one per Kubernetes role.
pub const BOOTSTRAP_FILES: [(&str, &str); 6] = [
    (
        "init.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/init.sh"),
    ),
    (
        "store.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/store.sh"),
    ),
    (
        "connect.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/connect.sh"),
    ),
    (
        "configure.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/configure.sh"),
    ),
    (
        "external-secrets.hcl",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/external-secrets.hcl"),
    ),
    (
        "sample-app.hcl",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/sample-app.hcl"),
    ),
];

/// The files the OIDC Job's `configMapGenerator` reads, as [`BOOTSTRAP_FILES`]: `oidc.sh`, the
/// bootstrap's `store.sh` (which reads the root token back) and `connect.sh`, read from the
/// bootstrap's folder (kustomize keys each by its file name), and the policies of the SSO
/// groups, one per [`bkt_sso::VaultRole`].
pub const OIDC_FILES: [(&str, &str); 5] = [
    (
        "oidc.sh",
        include_str!("../../../../gitops/infrastructure/vault-oidc/oidc.sh"),
    ),
    (
        "../vault-bootstrap/store.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/store.sh"),
    ),
    (
        "../vault-bootstrap/connect.sh",
        include_str!("../../../../gitops/infrastructure/vault-bootstrap/connect.sh"),
    ),
    (
        "sso-admin.hcl",
        include_str!("../../../../gitops/infrastructure/vault-oidc/sso-admin.hcl"),
    ),
    (
        "sso-read.hcl",
        include_str!("../../../../gitops/infrastructure/vault-oidc/sso-read.hcl"),
    ),
];
