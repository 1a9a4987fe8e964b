//! The consumers' SSO values, as the platform writes them and the charts read them: each one
//! carries its application's issuer (or endpoints), client ID, redirect and secret reference
//! from the one declaration, at the keys the chart reads.

use bkt_helm::charts::{authentik, grafana, headlamp, opensearch_dashboards};
use bkt_sso::{Grafana, Kubernetes, OpenSearch};
use serde::Serialize;
use serde_json::{Value, json};

const DOMAIN: &str = "${DOMAIN}";

/// Typed values as the platform writes them (the YAML writer), read back as a generic value.
fn written<T: Serialize>(values: &T) -> Value {
    let text = bkt_core::yaml::to_string(values).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("{error}:\n{text}"))
}

#[test]
fn grafana_signs_in_through_its_application_and_maps_groups_to_roles() {
    let sso = bkt_reference::sso::sso().unwrap();
    let client = sso.client::<Grafana>("test", "grafana").unwrap();
    let values = written(&bkt_reference::values::grafana::values(DOMAIN).with_sso(DOMAIN, &client));
    let oauth = &values["grafana.ini"]["auth.generic_oauth"];
    assert_eq!(oauth["enabled"], json!(true));
    assert_eq!(oauth["client_id"], json!("grafana"));
    assert_eq!(
        oauth["auth_url"],
        json!("https://auth.${DOMAIN}/application/o/authorize/")
    );
    assert_eq!(
        oauth["token_url"],
        json!("https://auth.${DOMAIN}/application/o/token/")
    );
    assert_eq!(
        oauth["api_url"],
        json!("https://auth.${DOMAIN}/application/o/userinfo/")
    );
    assert_eq!(
        oauth["role_attribute_path"],
        json!(
            "contains(groups[*], 'bkt-platform-engineers') && 'Admin' || contains(groups[*], 'bkt-developers') && 'Editor'"
        )
    );
    assert_eq!(oauth["role_attribute_strict"], json!(true));
    assert!(
        oauth.get("client_secret").is_none(),
        "the secret is never in the values"
    );
    // Grafana's redirect is <root_url>/login/generic_oauth: the application's redirect URI.
    let root_url = values["grafana.ini"]["server"]["root_url"]
        .as_str()
        .unwrap();
    assert_eq!(
        client.redirect_uris(DOMAIN),
        [format!("{root_url}/login/generic_oauth")]
    );
    let from = &values["envValueFrom"][grafana::CLIENT_SECRET_VARIABLE]["secretKeyRef"];
    assert_eq!(
        from,
        &json!({"name": "sso-grafana", "key": "client-secret"})
    );
}

#[test]
fn grafana_without_sso_has_no_oauth_section() {
    let values = written(&bkt_reference::values::grafana::values(DOMAIN));
    assert!(values["grafana.ini"].get("auth.generic_oauth").is_none());
    assert!(
        values["envValueFrom"]
            .get(grafana::CLIENT_SECRET_VARIABLE)
            .is_none()
    );
}

#[test]
fn headlamp_reads_its_oidc_settings_from_the_declared_secret() {
    let sso = bkt_reference::sso::sso().unwrap();
    let client = sso.client::<Kubernetes>("test", "kubernetes").unwrap();
    let values = written(&bkt_reference::values::headlamp::values().with_sso(DOMAIN, &client));
    let oidc = &values["config"]["oidc"];
    assert_eq!(oidc["secret"]["create"], json!(false));
    assert_eq!(
        oidc["externalSecret"],
        json!({"enabled": true, "name": "sso-kubernetes", "hasScopes": true})
    );
    assert_eq!(
        oidc["callbackURL"],
        json!("https://headlamp.${DOMAIN}/oidc-callback")
    );
    let environment = headlamp::oidc_environment(DOMAIN, &client);
    let get = |key: &str| {
        environment
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    assert_eq!(get("OIDC_CLIENT_ID"), "kubernetes");
    assert_eq!(
        get("OIDC_ISSUER_URL"),
        "https://auth.${DOMAIN}/application/o/kubernetes/"
    );
    assert_eq!(get("OIDC_SCOPES"), "openid,email,profile");
    assert_eq!(
        get("OIDC_CALLBACK_URL"),
        oidc["callbackURL"].as_str().unwrap()
    );
}

#[test]
fn opensearch_dashboards_offer_openid_with_the_secret_from_the_environment() {
    let sso = bkt_reference::sso::sso().unwrap();
    let client = sso.client::<OpenSearch>("test", "opensearch").unwrap();
    let values = written(
        &bkt_reference::values::opensearch_dashboards::values().with_sso(
            DOMAIN,
            &client,
            "$${OPENSEARCH_OIDC_CLIENT_SECRET}",
        ),
    );
    let yml = &values["config"]["opensearch_dashboards.yml"];
    assert_eq!(
        yml["opensearch_security.openid.connect_url"],
        json!("https://auth.${DOMAIN}/application/o/opensearch/.well-known/openid-configuration")
    );
    assert_eq!(
        yml["opensearch_security.openid.client_id"],
        json!("opensearch")
    );
    assert_eq!(
        yml["opensearch_security.openid.client_secret"],
        json!("$${OPENSEARCH_OIDC_CLIENT_SECRET}")
    );
    // The Dashboards' callback is <base_redirect_url>/auth/openid/login.
    let base = yml["opensearch_security.openid.base_redirect_url"]
        .as_str()
        .unwrap();
    assert_eq!(
        client.redirect_uris(DOMAIN),
        [format!("{base}/auth/openid/login")]
    );
    assert_eq!(
        yml["opensearch_security.auth.type"],
        json!(["basicauth", "openid"])
    );
    let env = values["extraEnvs"].as_array().unwrap();
    assert!(env.contains(&json!({
        "name": opensearch_dashboards::CLIENT_SECRET_VARIABLE,
        "valueFrom": {"secretKeyRef": {"name": "sso-opensearch", "key": "client-secret"}}
    })));
}

#[test]
fn opensearch_accepts_the_applications_tokens_and_maps_groups_to_roles() {
    let sso = bkt_reference::sso::sso().unwrap();
    let client = sso.client::<OpenSearch>("test", "opensearch").unwrap();
    let values = written(
        &bkt_reference::values::opensearch::values()
            .with_sso(DOMAIN, &client)
            .unwrap(),
    );
    let security = &values["securityConfig"];
    assert_eq!(security["config"]["dataComplete"], json!(false));
    let config: Value =
        serde_saphyr::from_str(security["config"]["data"]["config.yml"].as_str().unwrap()).unwrap();
    let openid = &config["config"]["dynamic"]["authc"]["openid_auth_domain"];
    assert_eq!(
        openid["http_authenticator"]["config"]["openid_connect_url"],
        json!(client.discovery_url(DOMAIN))
    );
    assert_eq!(
        openid["http_authenticator"]["config"]["roles_key"],
        json!("groups")
    );
    let basic = &config["config"]["dynamic"]["authc"]["basic_internal_auth_domain"];
    assert_eq!(basic["authentication_backend"]["type"], json!("intern"));
    let mapping: Value = serde_saphyr::from_str(
        security["config"]["data"]["roles_mapping.yml"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(mapping["_meta"]["type"], json!("rolesmapping"));
    assert_eq!(
        mapping["all_access"]["backend_roles"],
        json!(["admin", "bkt-platform-engineers"])
    );
    assert_eq!(
        mapping["readall"]["backend_roles"],
        json!(["readall", "bkt-developers"])
    );
    assert_eq!(
        mapping["kibana_user"]["backend_roles"],
        json!(["kibanauser", "bkt-developers"])
    );
    assert_eq!(mapping["kibana_server"]["users"], json!(["kibanaserver"]));
}

#[test]
fn authentik_mounts_the_blueprint_and_gets_every_client_secret() {
    let sso = bkt_reference::sso::sso().unwrap();
    let values = written(&bkt_reference::values::authentik::values().with_sso(&sso));
    assert_eq!(
        values["blueprints"]["configMaps"],
        json!([authentik::BLUEPRINT_CONFIG_MAP])
    );
    let env = values["global"]["env"].as_array().unwrap();
    // Every `!Env` of the blueprint is a variable of the pods, from the application's Secret.
    let blueprint = sso.blueprint(DOMAIN);
    let mut wired = 0;
    for entry in &blueprint.entries {
        if let bkt_sso::Attrs::Provider(provider) = &entry.attrs {
            let bkt_sso::Tag::Env(variable) = &provider.client_secret else {
                panic!("{}: client_secret is not !Env", entry.id)
            };
            let found = env
                .iter()
                .find(|e| e["name"] == json!(variable))
                .unwrap_or_else(|| panic!("{variable} is not set on the pods"));
            assert_eq!(
                found["valueFrom"]["secretKeyRef"],
                json!({"name": format!("sso-{}", provider.client_id), "key": "client-secret"})
            );
            wired += 1;
        }
    }
    assert_eq!(wired, sso.applications().len());
}
