//! Unit tests: the declaration's rules, each error naming its object, and the blueprint's
//! wiring agreeing with every consumer's view.

use proptest::prelude::*;

use crate::{
    ApplicationSpec, Attrs, ClusterRole, Error, Grafana, GrafanaRole, Identifiers, Kubernetes,
    OpenSearch, OpenSearchRole, Sso, Tag, Vault, VaultRole,
};

/// A declaration of the shape platforms use: two groups, one application per consumer kind.
fn declaration() -> Sso {
    const ENGINEERS: &str = "platform-engineers";
    const DEVELOPERS: &str = "developers";
    Sso::builder("auth")
        .group(ENGINEERS, "Administer the cluster and every UI.")
        .group(
            DEVELOPERS,
            "Read the cluster, build dashboards, read logs and secrets.",
        )
        .application(
            ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
                .grant(ENGINEERS, GrafanaRole::Admin)
                .grant(DEVELOPERS, GrafanaRole::Editor),
        )
        .application(
            ApplicationSpec::<Kubernetes>::new("kubernetes", "Headlamp (Kubernetes)", "headlamp")
                .grant(ENGINEERS, ClusterRole::ClusterAdmin)
                .grant(DEVELOPERS, ClusterRole::View),
        )
        .application(
            ApplicationSpec::<OpenSearch>::new("opensearch", "OpenSearch Dashboards", "logs")
                .grant(ENGINEERS, OpenSearchRole::AllAccess)
                .grant(DEVELOPERS, OpenSearchRole::ReadAll),
        )
        .application(
            ApplicationSpec::<Vault>::new("vault", "Vault", "vault")
                .grant(ENGINEERS, VaultRole::Admin)
                .grant(DEVELOPERS, VaultRole::Read),
        )
        .build()
        .unwrap()
}

fn one_group() -> crate::SsoBuilder {
    Sso::builder("auth").group("admins", "Run everything")
}

#[test]
fn a_grant_to_an_undeclared_group_names_the_application_and_the_group() {
    let error = one_group()
        .application(
            ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana")
                .grant("admins", GrafanaRole::Admin)
                .grant("devs", GrafanaRole::Viewer),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        Error::UnknownGroup {
            application: "grafana".into(),
            group: "devs".into(),
            role: "Grafana role Viewer".into(),
            declared: "admins".into(),
        }
    );
    assert!(
        error
            .to_string()
            .contains("declare it with SsoBuilder::group")
    );
}

#[test]
fn a_consumer_wired_to_an_undeclared_application_is_an_error_naming_it() {
    let sso = declaration();
    let error = sso
        .client::<Grafana>("grafana values", "grafana-next")
        .unwrap_err();
    assert_eq!(
        error,
        Error::UnknownApplication {
            consumer: "grafana values".into(),
            application: "grafana-next".into(),
            declared: "grafana, kubernetes, opensearch, vault".into(),
        }
    );
}

#[test]
fn a_consumer_wired_to_an_application_of_another_kind_is_an_error() {
    let sso = declaration();
    let error = sso
        .client::<Vault>("vault bootstrap", "grafana")
        .unwrap_err();
    assert_eq!(
        error,
        Error::WrongKind {
            consumer: "vault bootstrap".into(),
            application: "grafana".into(),
            expected: "Vault",
            actual: "Grafana",
        }
    );
}

#[test]
fn an_ingress_on_another_host_than_the_redirects_is_an_error_naming_both() {
    let sso = declaration();
    let grafana = sso.client::<Grafana>("grafana ingress", "grafana").unwrap();
    assert_eq!(grafana.check_host("${DOMAIN}", "grafana.${DOMAIN}"), Ok(()));
    assert_eq!(
        grafana.check_host("${DOMAIN}", "dashboards.${DOMAIN}"),
        Err(Error::RedirectHostMismatch {
            application: "grafana".into(),
            expected: "grafana.${DOMAIN}".into(),
            actual: "dashboards.${DOMAIN}".into(),
        })
    );
}

#[test]
fn duplicates_bad_names_and_empty_grants_are_rejected() {
    let twice = one_group().group("admins", "again").build().unwrap_err();
    assert_eq!(
        twice,
        Error::Duplicate {
            what: "group",
            name: "admins".into()
        }
    );
    let bad = one_group().group("Admins", "x").build().unwrap_err();
    assert!(
        matches!(bad, Error::InvalidName { ref field, ref value } if field == "group" && value == "Admins")
    );
    let bad_host = one_group()
        .application(
            ApplicationSpec::<Grafana>::new("grafana", "Grafana", "grafana.example.com")
                .grant("admins", GrafanaRole::Admin),
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(bad_host, Error::InvalidName { ref field, .. } if field == "application grafana: host")
    );
    let nobody = one_group()
        .application(ApplicationSpec::<Grafana>::new(
            "grafana", "Grafana", "grafana",
        ))
        .build()
        .unwrap_err();
    assert_eq!(
        nobody,
        Error::NoGrants {
            application: "grafana".into()
        }
    );
    let granted_twice = one_group()
        .application(
            ApplicationSpec::<Vault>::new("vault", "Vault", "vault")
                .grant("admins", VaultRole::Admin)
                .grant("admins", VaultRole::Read),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        granted_twice,
        Error::DuplicateGrant {
            application: "vault".into(),
            group: "admins".into()
        }
    );
    let app_twice = one_group()
        .application(
            ApplicationSpec::<Grafana>::new("ui", "UI", "ui").grant("admins", GrafanaRole::Admin),
        )
        .application(
            ApplicationSpec::<Vault>::new("ui", "UI", "vault").grant("admins", VaultRole::Admin),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        app_twice,
        Error::Duplicate {
            what: "application",
            name: "ui".into()
        }
    );
}

#[test]
fn grants_come_back_typed_by_the_consumer_kind() {
    let sso = declaration();
    let kubernetes = sso.client::<Kubernetes>("rbac", "kubernetes").unwrap();
    let grants: Vec<(&str, ClusterRole)> = kubernetes
        .grants()
        .into_iter()
        .map(|(group, role)| (group.as_str(), role))
        .collect();
    assert_eq!(
        grants,
        [
            ("platform-engineers", ClusterRole::ClusterAdmin),
            ("developers", ClusterRole::View)
        ]
    );
}

/// The dev declaration's wiring in the forms Authentik and each consumer document: the issuer
/// path, the consumers' callback paths on their hosts, the secret's name and variable. Written
/// out, so a change to how any of them is derived fails here, on the blueprint and the client
/// alike.
#[test]
fn the_blueprint_and_every_consumer_carry_the_documented_wiring() {
    let sso = declaration();
    let domain = "example.com";
    let blueprint = sso.blueprint(domain);
    let expected: [(&str, &[&str]); 4] = [
        (
            "grafana",
            &["https://grafana.example.com/login/generic_oauth"],
        ),
        (
            "kubernetes",
            &["https://headlamp.example.com/oidc-callback"],
        ),
        (
            "opensearch",
            &["https://logs.example.com/auth/openid/login"],
        ),
        (
            "vault",
            &[
                "https://vault.example.com/ui/vault/auth/oidc/oidc/callback",
                "http://localhost:8250/oidc/callback",
            ],
        ),
    ];
    assert_eq!(sso.applications().len(), expected.len());
    for (name, uris) in expected {
        let provider = blueprint
            .entries
            .iter()
            .find_map(|entry| match &entry.attrs {
                Attrs::Provider(p) if p.name == name => Some(p),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no provider entry for {name}"));
        let variable = format!("BKT_SSO_{}_CLIENT_SECRET", name.to_uppercase());
        assert_eq!(provider.client_id, name);
        let provider_uris: Vec<&str> = provider
            .redirect_uris
            .iter()
            .map(|u| u.url.as_str())
            .collect();
        assert_eq!(provider_uris, uris, "{name}: the blueprint's redirect URIs");
        assert_eq!(provider.client_secret, Tag::Env(variable.clone()), "{name}");
        let issuer = format!("https://auth.example.com/application/o/{name}/");
        let (client_id, client_uris, secret_env, client_issuer) = match name {
            "grafana" => view::<Grafana>(&sso, name, domain),
            "kubernetes" => view::<Kubernetes>(&sso, name, domain),
            "opensearch" => view::<OpenSearch>(&sso, name, domain),
            _ => view::<Vault>(&sso, name, domain),
        };
        assert_eq!(client_id, name);
        assert_eq!(client_uris, uris, "{name}: the consumer's redirect URIs");
        assert_eq!(secret_env, variable);
        assert_eq!(client_issuer, issuer);
        // Every grant is bound, to this application.
        let bound = blueprint
            .entries
            .iter()
            .filter(|entry| matches!(&entry.identifiers, Identifiers::Binding { target, .. } if *target == Tag::KeyOf(format!("application-{name}"))))
            .count();
        let application = sso
            .applications()
            .iter()
            .find(|a| a.name().as_str() == name)
            .unwrap();
        assert_eq!(bound, application.grants().len(), "{name}");
    }
}

fn view<K: crate::Consumer>(
    sso: &Sso,
    name: &str,
    domain: &str,
) -> (String, Vec<String>, String, String) {
    let client = sso.client::<K>("test", name).unwrap();
    (
        client.client_id().to_owned(),
        client.redirect_uris(domain),
        client.secret_env(),
        client.issuer(domain),
    )
}

#[test]
fn every_key_of_reference_points_to_an_earlier_entry() {
    let blueprint = declaration().blueprint("example.com");
    let mut seen = Vec::new();
    for entry in &blueprint.entries {
        let mut refs = Vec::new();
        if let Identifiers::Binding { target, group } = &entry.identifiers {
            refs.extend([target, group]);
        }
        if let Attrs::Application(a) = &entry.attrs {
            refs.push(&a.provider);
        }
        for tag in refs {
            let Tag::KeyOf(id) = tag else {
                panic!("{tag:?}")
            };
            assert!(
                seen.iter().any(|s: &String| s == id),
                "{} refers to {id} before it exists",
                entry.id
            );
        }
        seen.push(entry.id.clone());
    }
}

#[test]
fn the_blueprint_renders_as_authentik_yaml() {
    let blueprint = declaration().blueprint("${DOMAIN}");
    let yaml = bkt_core::yaml::to_string(&blueprint).unwrap();
    insta::assert_snapshot!(yaml);
}

proptest! {
    /// Any text as a name is either a valid label or an error naming the field; never a panic.
    #[test]
    fn any_name_is_accepted_as_a_label_or_rejected(name in ".{0,80}") {
        match crate::Slug::new("group", &name) {
            Ok(slug) => {
                prop_assert!(slug.as_str().len() <= 63);
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
            Err(Error::InvalidName { field, value }) => {
                prop_assert_eq!(field, "group");
                prop_assert_eq!(value, name);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    /// Any declaration built from random names and grants either builds, with every grant's
    /// group declared, or fails with an error; rendering a built one never panics.
    #[test]
    fn random_declarations_build_or_fail_cleanly(
        groups in proptest::collection::vec("[a-z][a-z0-9-]{0,8}", 0..4),
        grants in proptest::collection::vec(("[a-z][a-z0-9-]{0,8}", 0..3_u8), 0..5),
        host in "[a-zA-Z0-9.-]{0,12}",
    ) {
        let mut builder = Sso::builder("auth");
        for group in &groups {
            builder = builder.group(group, "random");
        }
        let mut app = ApplicationSpec::<Grafana>::new("grafana", "Grafana", &host);
        for (group, role) in &grants {
            let role = match role { 0 => GrafanaRole::Admin, 1 => GrafanaRole::Editor, _ => GrafanaRole::Viewer };
            app = app.grant(group, role);
        }
        if let Ok(sso) = builder.application(app).build() {
            for application in sso.applications() {
                for grant in application.grants() {
                    prop_assert!(sso.groups().iter().any(|g| g.name == grant.group));
                }
            }
            let _ = bkt_core::yaml::to_string(&sso.blueprint("example.com"));
        }
    }
}
