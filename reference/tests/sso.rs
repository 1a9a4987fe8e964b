//! The SSO wiring of the layers: broken wiring (an unknown application, a redirect host the
//! consumer's Ingress does not serve, an undeclared group, an application nobody consumes) fails
//! the layer with an error naming the object; the Vault policies and cluster roles the
//! declaration grants are the ones the tree ships.

use bkt_flux::kinds::SourceKind;
use bkt_flux::{Error, GitOpsTree};
use bkt_reference::gitops::configs::Configs;
use bkt_reference::gitops::platform::Platform;
use bkt_reference::gitops::vault::{OIDC_FILES, VaultBootstrap, VaultOidc, VaultOidcBootstrap};
use bkt_sso::{
    ApplicationSpec, ClusterRole, Consumer, Grafana, GrafanaRole, Kubernetes, OpenSearch,
    OpenSearchRole, Sso, SsoBuilder, Vault, VaultRole,
};

const ENGINEERS: &str = "bkt-platform-engineers";
const DEVELOPERS: &str = "bkt-developers";

/// The dev declaration's shape with each application's host given, and only the applications
/// `keep` names.
fn declaration(hosts: [&str; 4], keep: &[&str]) -> SsoBuilder {
    let [grafana, kubernetes, opensearch, vault] = hosts;
    let builder = Sso::builder("auth")
        .group(ENGINEERS, "engineers")
        .group(DEVELOPERS, "developers");
    let builder = with::<Grafana>(
        builder,
        keep,
        ("grafana", grafana),
        &[(ENGINEERS, GrafanaRole::Admin)],
    );
    let builder = with::<Kubernetes>(
        builder,
        keep,
        ("kubernetes", kubernetes),
        &[
            (ENGINEERS, ClusterRole::ClusterAdmin),
            (DEVELOPERS, ClusterRole::View),
        ],
    );
    let builder = with::<OpenSearch>(
        builder,
        keep,
        ("opensearch", opensearch),
        &[(DEVELOPERS, OpenSearchRole::ReadAll)],
    );
    with::<Vault>(
        builder,
        keep,
        ("vault", vault),
        &[(ENGINEERS, VaultRole::Admin), (DEVELOPERS, VaultRole::Read)],
    )
}

/// `builder` with the application `name` served at `host`, granting `grants`, when `keep`
/// names it.
fn with<K: Consumer>(
    builder: SsoBuilder,
    keep: &[&str],
    (name, host): (&str, &str),
    grants: &[(&str, K::Role)],
) -> SsoBuilder {
    if !keep.contains(&name) {
        return builder;
    }
    let application = grants.iter().fold(
        ApplicationSpec::<K>::new(name, name, host),
        |application, (group, role)| application.grant(group, *role),
    );
    builder.application(application)
}

/// Asserts that `error` is an SSO error found while building `in_object`, whose source
/// `source` accepts.
fn assert_sso(error: &Error, in_object: &str, source: impl Fn(&bkt_sso::Error) -> bool) {
    assert!(
        matches!(error, Error::Sso { object, source: found } if object == in_object && source(found)),
        "{error}"
    );
}

const HOSTS: [&str; 4] = ["grafana", "headlamp", "logs", "vault"];
const ALL: [&str; 4] = ["grafana", "kubernetes", "opensearch", "vault"];

/// The configs folder wired to `sso`.
fn configs(sso: Sso) -> Configs {
    Configs {
        domain: "${DOMAIN}".into(),
        certificate_arn: "arn".into(),
        cluster_name: "dev".into(),
        environment: "dev".into(),
        github_repository: "o/r".into(),
        sso,
    }
}

/// The platform layer and the configs folder of `declaration`, built as `src/gitops.rs` builds
/// them: the declaration's own errors pass through the layer's error.
fn layers(declaration: SsoBuilder) -> Result<GitOpsTree, Error> {
    let sso = declaration.build()?;
    let mut tree = GitOpsTree::new(
        "gitops",
        &[
            "DOMAIN",
            "LOG_RETENTION_DAYS",
            "ALB_PUBLIC_SECURITY_GROUP_ID",
            "ALB_ADMIN_SECURITY_GROUP_ID",
        ],
    );
    Platform::new("${DOMAIN}", sso.clone()).add_to(&mut tree)?;
    configs(sso.clone()).add_to(&mut tree)?;
    let bootstrap = VaultBootstrap::new("arn", "region", "role");
    bootstrap.add_to(&mut tree)?;
    bootstrap
        .with_oidc(VaultOidc::new(&sso, "${DOMAIN}")?)
        .add_to(&mut tree)?;
    Ok(tree)
}

#[test]
fn the_dev_shape_wires_every_layer() {
    let mut tree = layers(declaration(HOSTS, &ALL)).unwrap();
    tree.hand_written_folder("infrastructure/components");
    tree.bootstrap_source(
        SourceKind::GitRepository,
        "flux-system",
        "flux-system",
        true,
    );
    tree.to_tree("bkt-platform").unwrap();
}

#[test]
fn a_redirect_host_the_ingress_does_not_serve_names_the_consumer() {
    // Grafana's redirect URIs would go to dashboards.<domain>; its Ingress serves grafana.<domain>.
    let error = layers(declaration(
        ["dashboards", "headlamp", "logs", "vault"],
        &ALL,
    ))
    .unwrap_err();
    assert_sso(&error, "platform/grafana", |source| {
        matches!(source, bkt_sso::Error::RedirectHostMismatch { application, expected, actual } if application == "grafana"
                && expected == "dashboards.${DOMAIN}" && actual == "grafana.${DOMAIN}")
    });
    // Vault's Ingress sits in the configs layer; its host is checked there.
    let error = layers(declaration(
        ["grafana", "headlamp", "logs", "secrets"],
        &ALL,
    ))
    .unwrap_err();
    assert_sso(
        &error,
        "infrastructure/configs/ingress",
        |source| matches!(source, bkt_sso::Error::RedirectHostMismatch { application, actual, .. } if application == "vault" && actual == "vault.${DOMAIN}"),
    );
    // Headlamp's and the Dashboards' too.
    for (hosts, folder) in [
        (["grafana", "k8s", "logs", "vault"], "platform/headlamp"),
        (
            ["grafana", "headlamp", "dashboards", "vault"],
            "platform/opensearch",
        ),
    ] {
        let error = layers(declaration(hosts, &ALL)).unwrap_err();
        assert_sso(&error, folder, |source| {
            matches!(source, bkt_sso::Error::RedirectHostMismatch { .. })
        });
    }
}

#[test]
fn a_consumer_wired_to_an_undeclared_application_names_both() {
    let error = layers(declaration(HOSTS, &["kubernetes", "opensearch", "vault"])).unwrap_err();
    assert_sso(
        &error,
        "platform/grafana",
        |source| matches!(source, bkt_sso::Error::UnknownApplication { consumer, application, .. } if consumer == "HelmRelease/grafana/grafana" && application == "grafana"),
    );
    let report = bkt_platform::Report(&error).to_string();
    assert!(
        report.contains("\"grafana\", which is not declared"),
        "{report}"
    );

    let error = layers(declaration(HOSTS, &["grafana", "kubernetes", "opensearch"])).unwrap_err();
    assert_sso(
        &error,
        "infrastructure/configs/ingress",
        |source| matches!(source, bkt_sso::Error::UnknownApplication { application, .. } if application == "vault"),
    );
}

#[test]
fn a_consumer_wired_to_an_application_of_another_kind_is_refused() {
    let sso = Sso::builder("auth")
        .group(ENGINEERS, "engineers")
        .application(
            ApplicationSpec::<Kubernetes>::new("vault", "Not Vault", "vault")
                .grant(ENGINEERS, ClusterRole::View),
        )
        .build()
        .unwrap();
    let error = VaultOidc::new(&sso, "${DOMAIN}").unwrap_err();
    assert_sso(
        &error,
        "infrastructure/vault-oidc",
        |source| matches!(source, bkt_sso::Error::WrongKind { application, .. } if application == "vault"),
    );
}

#[test]
fn an_undeclared_group_fails_the_layer_naming_the_group() {
    let builder = declaration(HOSTS, &ALL).application(
        ApplicationSpec::<Grafana>::new("grafana-sre", "Grafana SRE", "grafana")
            .grant("bkt-sre", GrafanaRole::Viewer),
    );
    let error = layers(builder).unwrap_err();
    assert_sso(
        &error,
        "SSO declaration",
        |source| matches!(source, bkt_sso::Error::UnknownGroup { application, group, .. } if application == "grafana-sre" && group == "bkt-sre"),
    );
}

#[test]
fn a_declared_application_no_consumer_takes_is_refused() {
    let builder = declaration(HOSTS, &ALL).application(
        ApplicationSpec::<Grafana>::new("argo", "Argo", "argo")
            .grant(ENGINEERS, GrafanaRole::Admin),
    );
    let error = layers(builder).unwrap_err();
    assert!(
        matches!(&error, Error::Invalid(bkt_core::Invalid { field, value, .. }) if field == "sso.applications" && value == "argo"),
        "{error}"
    );
}

#[test]
fn every_granted_vault_policy_is_a_file_the_job_ships() {
    let sso = bkt_reference::sso::sso().unwrap();
    let vault = sso.client::<Vault>("test", "vault").unwrap();
    let kustomization = VaultOidcBootstrap::kustomization();
    let shipped: Vec<&str> = kustomization
        .config_map_generator
        .iter()
        .flat_map(|generator| generator.files.iter().map(String::as_str))
        .collect();
    let grants = vault.grants();
    assert!(!grants.is_empty());
    for (group, role) in grants {
        let file = [role.policy(), ".hcl"].concat();
        assert!(
            shipped.contains(&file.as_str()),
            "{group} is granted {}, but the ConfigMap ships {shipped:?}",
            role.policy()
        );
        assert!(
            OIDC_FILES.iter().any(|(name, _)| *name == file),
            "{file} is not compiled into the Job's hash"
        );
    }
    // Every policy the Vault kind can grant, not just today's grants.
    for role in [VaultRole::Admin, VaultRole::Read] {
        let file = [role.policy(), ".hcl"].concat();
        assert!(shipped.contains(&file.as_str()), "{file}");
    }
}

#[test]
fn each_kubernetes_grant_is_one_cluster_role_binding_of_the_prefixed_group() {
    let sso = bkt_reference::sso::sso().unwrap();
    let configs = configs(sso.clone());
    let bindings = configs.oidc_cluster_role_bindings().unwrap();
    let found: Vec<(String, String)> = bindings
        .iter()
        .map(|binding| {
            let subjects = binding.subjects.clone().unwrap_or_default();
            assert_eq!(subjects.len(), 1);
            assert_eq!(subjects[0].kind, "Group");
            assert_eq!(binding.role_ref.kind, "ClusterRole");
            (subjects[0].name.clone(), binding.role_ref.name.clone())
        })
        .collect();
    let declared: Vec<(String, String)> = sso
        .client::<Kubernetes>("test", "kubernetes")
        .unwrap()
        .grants()
        .into_iter()
        .map(|(group, role)| (["oidc:", group.as_str()].concat(), role.as_str().to_owned()))
        .collect();
    assert_eq!(found, declared);
    assert!(found.contains(&("oidc:bkt-developers".to_owned(), "view".to_owned())));
    assert!(found.contains(&(
        "oidc:bkt-platform-engineers".to_owned(),
        "cluster-admin".to_owned()
    )));
}
