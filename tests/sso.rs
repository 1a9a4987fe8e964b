//! The SSO wiring as it ships: the whole layout rendered, every application's Authentik side
//! (blueprint provider, the `!Env` variable, the worker's env, the generated Secret, the Role that
//! lets one reader get it) agrees with its consumer's side (issuer or discovery URL, client ID,
//! redirect URIs from the consumer's configured base URL and Ingress host, and the Secret its
//! values or Job read, copied from Authentik's through the reader the Role names).
//!
//! Everything is read back from the rendered YAML, never from the Rust values that made it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Tagged;

/// Authentik's namespace, where the client secrets are generated.
const AUTHENTIK: &str = "authentik";

/// One rendered Kubernetes object, with the namespace it lands in.
struct Doc {
    path: String,
    namespace: Option<String>,
    value: Value,
}

/// Every object under `gitops/` of the rendered layout.
struct Shipped(Vec<Doc>);

impl Shipped {
    fn render() -> Self {
        let parsed = crate::rendered::gitops_documents::<Value>();
        // A folder's kustomization.yaml sets the namespace of what it lists.
        let folders: BTreeMap<String, String> = parsed
            .iter()
            .filter_map(|(path, value)| {
                let folder = path.strip_suffix("kustomization.yaml")?;
                let namespace = value.get("namespace")?.as_str()?;
                Some((folder.to_owned(), namespace.to_owned()))
            })
            .collect();
        Self(
            parsed
                .into_iter()
                .map(|(path, value)| {
                    let folder = &path[..=path.rfind('/').unwrap()];
                    let namespace = value
                        .pointer("/metadata/namespace")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| folders.get(folder).cloned());
                    Doc {
                        path,
                        namespace,
                        value,
                    }
                })
                .collect(),
        )
    }

    /// The one object of `kind` in `namespace` that `matches` accepts (`what` describes it).
    fn one(
        &self,
        kind: &str,
        namespace: &str,
        what: &str,
        matches: impl Fn(&Value) -> bool,
    ) -> &Value {
        let found: Vec<&Doc> = self
            .0
            .iter()
            .filter(|doc| {
                doc.value["kind"] == kind
                    && doc.namespace.as_deref() == Some(namespace)
                    && matches(&doc.value)
            })
            .collect();
        assert_eq!(
            found.len(),
            1,
            "want exactly one {kind} in namespace {namespace}: {what}; found in {:?}",
            found
                .iter()
                .map(|doc| doc.path.as_str())
                .collect::<Vec<_>>()
        );
        &found[0].value
    }

    fn named(&self, kind: &str, namespace: &str, name: &str) -> &Value {
        self.one(kind, namespace, name, |value| {
            value["metadata"]["name"] == name
        })
    }

    /// The host of the one Ingress in `namespace` named `name`.
    fn ingress_host(&self, namespace: &str, name: &str) -> String {
        text(&self.named("Ingress", namespace, name)["spec"]["rules"][0]["host"])
    }
}

/// A string, or a failure naming what it was.
fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .to_owned()
}

/// The blueprint's entries, with the fields these checks read.
#[derive(Deserialize)]
struct Blueprint {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    model: String,
    id: String,
    attrs: Attrs,
}

#[derive(Deserialize)]
struct Attrs {
    slug: Option<String>,
    provider: Option<Tagged<String>>,
    client_id: Option<String>,
    client_secret: Option<Tagged<String>>,
    redirect_uris: Option<Vec<RedirectUri>>,
}

#[derive(Deserialize)]
struct RedirectUri {
    url: String,
}

/// What Authentik serves for one application, as shipped.
struct ProviderSide {
    issuer: String,
    client_id: String,
    redirect_uris: Vec<String>,
    /// The generated Secret and key the worker reads the client secret from.
    secret: (String, String),
    /// The only service account (namespace, name) that may get that Secret.
    reader: (String, String),
}

/// The Authentik side of application `slug`: blueprint → `!Env` → worker env → the generated
/// Secret in namespace authentik → the Role that may get it → its one reader.
fn provider_side(shipped: &Shipped, slug: &str) -> ProviderSide {
    let config_map = shipped.named("ConfigMap", AUTHENTIK, "authentik-blueprints-sso");
    let release = shipped.named("HelmRelease", AUTHENTIK, "authentik");
    let mounted = &release["spec"]["values"]["blueprints"]["configMaps"];
    assert!(
        mounted
            .as_array()
            .unwrap()
            .contains(&config_map["metadata"]["name"]),
        "the authentik release does not mount the blueprint ConfigMap: {mounted}"
    );
    let blueprint: Blueprint =
        serde_saphyr::from_str(&text(&config_map["data"]["sso.yaml"])).unwrap();
    let application = blueprint
        .entries
        .iter()
        .find(|entry| {
            entry.model == "authentik_core.application" && entry.attrs.slug.as_deref() == Some(slug)
        })
        .unwrap_or_else(|| panic!("the blueprint has no application {slug}"));
    let Some(Tagged(provider_id, Some(tag))) = &application.attrs.provider else {
        panic!("application {slug}: provider is no tagged reference");
    };
    assert_eq!(tag, "!KeyOf");
    let provider = blueprint
        .entries
        .iter()
        .find(|entry| &entry.id == provider_id)
        .unwrap_or_else(|| panic!("application {slug}: no entry {provider_id}"));
    assert_eq!(provider.model, "authentik_providers_oauth2.oauth2provider");
    let Some(Tagged(variable, Some(tag))) = &provider.attrs.client_secret else {
        panic!("provider {provider_id}: client_secret is not read from the environment");
    };
    assert_eq!(tag, "!Env");

    let env = release["spec"]["values"]["global"]["env"]
        .as_array()
        .unwrap();
    let from = env
        .iter()
        .find(|entry| entry["name"] == variable.as_str())
        .unwrap_or_else(|| panic!("the authentik release sets no {variable}"));
    let reference = &from["valueFrom"]["secretKeyRef"];
    let secret = (text(&reference["name"]), text(&reference["key"]));
    let generated = shipped.one(
        "ExternalSecret",
        AUTHENTIK,
        &format!("writing Secret {}", secret.0),
        |value| value["spec"]["target"]["name"] == secret.0.as_str(),
    );
    assert_eq!(generated["spec"]["refreshPolicy"], "CreatedOnce");
    assert!(
        generated["spec"]["target"]["template"]["data"]
            .get(&secret.1)
            .is_some(),
        "{} does not write key {}",
        secret.0,
        secret.1
    );
    let generator = text(&generated["spec"]["dataFrom"][0]["sourceRef"]["generatorRef"]["name"]);
    shipped.named("Password", AUTHENTIK, &generator);

    let role = shipped.one(
        "Role",
        AUTHENTIK,
        &format!("allowing get on {}", secret.0),
        |value| {
            value["rules"].as_array().is_some_and(|rules| {
                rules
                    .iter()
                    .any(|rule| rule["resourceNames"][0] == secret.0.as_str())
            })
        },
    );
    assert_eq!(
        role["rules"][0]["resourceNames"].as_array().unwrap().len(),
        1
    );
    assert_eq!(role["rules"][0]["verbs"], serde_json::json!(["get"]));
    let binding = shipped.one(
        "RoleBinding",
        AUTHENTIK,
        &format!("of {}", role["metadata"]["name"]),
        |value| value["roleRef"]["name"] == role["metadata"]["name"],
    );
    let subject = &binding["subjects"][0];
    assert_eq!(subject["kind"], "ServiceAccount");

    let host = shipped.ingress_host(AUTHENTIK, "authentik");
    ProviderSide {
        issuer: format!("https://{host}/application/o/{slug}/"),
        client_id: provider.attrs.client_id.clone().unwrap(),
        redirect_uris: provider
            .attrs
            .redirect_uris
            .iter()
            .flatten()
            .map(|uri| uri.url.clone())
            .collect(),
        secret,
        reader: (text(&subject["namespace"]), text(&subject["name"])),
    }
}

/// The copy in `namespace` of the Secret `name`: its `ExternalSecret` reads it from Authentik's
/// namespace as the reader the Role allows, and copies the generated Secret. Returns the copy's
/// `ExternalSecret`.
fn copy<'a>(shipped: &'a Shipped, side: &ProviderSide, namespace: &str, name: &str) -> &'a Value {
    let copy = shipped.one(
        "ExternalSecret",
        namespace,
        &format!("writing Secret {name}"),
        |value| value["spec"]["target"]["name"] == name,
    );
    assert_eq!(
        text(&copy["spec"]["dataFrom"][0]["extract"]["key"]),
        side.secret.0,
        "{namespace}/{name} copies another Secret"
    );
    let store = shipped.named(
        "SecretStore",
        namespace,
        &text(&copy["spec"]["secretStoreRef"]["name"]),
    );
    let kubernetes = &store["spec"]["provider"]["kubernetes"];
    assert_eq!(kubernetes["remoteNamespace"], AUTHENTIK);
    assert_eq!(
        (
            namespace.to_owned(),
            text(&kubernetes["auth"]["serviceAccount"]["name"])
        ),
        side.reader,
        "{namespace}'s store reads as another service account than the Role lets in"
    );
    copy
}

/// `https://<host>` of a URL.
fn origin(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .unwrap_or_else(|| panic!("{url} is not https"));
    &url[..url.len() - rest.len() + rest.find('/').unwrap_or(rest.len())]
}

#[test]
fn grafana_agrees_with_authentik() {
    let shipped = Shipped::render();
    let side = provider_side(&shipped, "grafana");
    let values = &shipped.named("HelmRelease", "grafana", "grafana")["spec"]["values"];
    let oauth = &values["grafana.ini"]["auth.generic_oauth"];
    assert_eq!(text(&oauth["client_id"]), side.client_id);
    // Grafana is given the endpoints, not the issuer: they are the issuer's provider's, and
    // sign-out ends this application's session.
    assert_eq!(
        text(&oauth["signout_redirect_url"]),
        format!("{}end-session/", side.issuer)
    );
    for endpoint in ["auth_url", "token_url", "api_url"] {
        assert_eq!(
            origin(&text(&oauth[endpoint])),
            origin(&side.issuer),
            "{endpoint}"
        );
    }
    let root_url = text(&values["grafana.ini"]["server"]["root_url"]);
    assert_eq!(
        root_url,
        format!("https://{}", shipped.ingress_host("grafana", "grafana"))
    );
    assert_eq!(
        side.redirect_uris,
        [format!("{root_url}/login/generic_oauth")]
    );
    let reference = &values["envValueFrom"]["GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"]["secretKeyRef"];
    copy(&shipped, &side, "grafana", &text(&reference["name"]));
    assert_eq!(text(&reference["key"]), side.secret.1);
}

#[test]
fn headlamp_agrees_with_authentik() {
    let shipped = Shipped::render();
    let side = provider_side(&shipped, "kubernetes");
    let oidc =
        &shipped.named("HelmRelease", "headlamp", "headlamp")["spec"]["values"]["config"]["oidc"];
    let name = text(&oidc["externalSecret"]["name"]);
    let settings = &copy(&shipped, &side, "headlamp", &name)["spec"]["target"]["template"]["data"];
    assert_eq!(text(&settings["OIDC_CLIENT_ID"]), side.client_id);
    assert_eq!(text(&settings["OIDC_ISSUER_URL"]), side.issuer);
    let callback = text(&oidc["callbackURL"]);
    assert_eq!(text(&settings["OIDC_CALLBACK_URL"]), callback);
    assert_eq!(
        origin(&callback),
        format!("https://{}", shipped.ingress_host("headlamp", "headlamp"))
    );
    assert_eq!(side.redirect_uris, [callback]);
    assert!(
        text(&settings["OIDC_CLIENT_SECRET"]).contains(&format!("{:?}", side.secret.1)),
        "Headlamp's client secret is not the copied key {}",
        side.secret.1
    );
}

#[test]
fn opensearch_agrees_with_authentik() {
    let shipped = Shipped::render();
    let side = provider_side(&shipped, "opensearch");
    let discovery = format!("{}.well-known/openid-configuration", side.issuer);

    let values =
        &shipped.named("HelmRelease", "opensearch", "opensearch-dashboards")["spec"]["values"];
    let config = &values["config"]["opensearch_dashboards.yml"];
    assert_eq!(
        text(&config["opensearch_security.openid.connect_url"]),
        discovery
    );
    assert_eq!(
        text(&config["opensearch_security.openid.client_id"]),
        side.client_id
    );
    let base = text(&config["opensearch_security.openid.base_redirect_url"]);
    assert_eq!(
        base,
        format!(
            "https://{}",
            shipped.ingress_host("opensearch", "opensearch-dashboards")
        )
    );
    assert_eq!(side.redirect_uris, [format!("{base}/auth/openid/login")]);
    // The secret is an environment reference, escaped from Flux, to a variable from the copy.
    let reference = text(&config["opensearch_security.openid.client_secret"]);
    let variable = reference
        .strip_prefix("$${")
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or_else(|| panic!("client_secret {reference} is no escaped variable reference"));
    let env = values["extraEnvs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["name"] == variable)
        .unwrap_or_else(|| panic!("the Dashboards set no {variable}"));
    let from = &env["valueFrom"]["secretKeyRef"];
    copy(&shipped, &side, "opensearch", &text(&from["name"]));
    assert_eq!(text(&from["key"]), side.secret.1);

    // The security plugin verifies the same issuer's tokens.
    let plugin = &shipped.named("HelmRelease", "opensearch", "opensearch")["spec"]["values"];
    let file: Value = serde_saphyr::from_str(&text(
        &plugin["securityConfig"]["config"]["data"]["config.yml"],
    ))
    .unwrap();
    let domains = file["config"]["dynamic"]["authc"].as_object().unwrap();
    let urls: Vec<&Value> = domains
        .values()
        .filter_map(|domain| domain["http_authenticator"]["config"].get("openid_connect_url"))
        .collect();
    assert_eq!(urls, [&Value::from(discovery)]);
}

#[test]
fn vault_agrees_with_authentik() {
    let shipped = Shipped::render();
    let side = provider_side(&shipped, "vault");
    // The one Job in namespace vault that configures OIDC sign-in; the bootstrap Job of Vault's
    // core must not (it would wait for Authentik).
    let sets_oidc = |container: &Value| {
        container["env"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|entry| text(&entry["name"]).starts_with("OIDC_"))
    };
    let job = shipped.one(
        "Job",
        "vault",
        "the Job that configures OIDC sign-in",
        |job| {
            let pod = &job["spec"]["template"]["spec"];
            ["containers", "initContainers"]
                .iter()
                .filter_map(|list| pod[*list].as_array())
                .flatten()
                .any(sets_oidc)
        },
    );
    let pod = &job["spec"]["template"]["spec"];
    let containers = pod["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let oidc = &containers[0];
    let env: BTreeMap<String, String> = oidc["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| (text(&entry["name"]), text(&entry["value"])))
        .collect();
    assert_eq!(env["OIDC_DISCOVERY_URL"], side.issuer);
    assert_eq!(env["OIDC_CLIENT_ID"], side.client_id);
    let redirects: Vec<&str> = env["OIDC_REDIRECT_URIS"].split(',').collect();
    assert_eq!(redirects, side.redirect_uris);
    let ui = format!("https://{}", shipped.ingress_host("vault", "vault"));
    assert!(
        redirects.iter().any(|uri| origin(uri) == ui),
        "no redirect URI to Vault's Ingress host {ui}: {redirects:?}"
    );
    // The secret file is the copied key, in the volume of the copied Secret.
    let (directory, file) = env["OIDC_CLIENT_SECRET_FILE"].rsplit_once('/').unwrap();
    assert_eq!(file, side.secret.1);
    let mount = oidc["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|mount| mount["mountPath"] == directory)
        .unwrap_or_else(|| panic!("nothing is mounted at {directory}"));
    let volume = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|volume| volume["name"] == mount["name"])
        .unwrap();
    copy(
        &shipped,
        &side,
        "vault",
        &text(&volume["secret"]["secretName"]),
    );
}

#[test]
fn every_declared_application_is_checked_above() {
    // The tests above cover these applications; a new one needs its own.
    let shipped = Shipped::render();
    let config_map = shipped.named("ConfigMap", AUTHENTIK, "authentik-blueprints-sso");
    let blueprint: Blueprint =
        serde_saphyr::from_str(&text(&config_map["data"]["sso.yaml"])).unwrap();
    let slugs: Vec<String> = blueprint
        .entries
        .iter()
        .filter(|entry| entry.model == "authentik_core.application")
        .filter_map(|entry| entry.attrs.slug.clone())
        .collect();
    assert_eq!(slugs, ["grafana", "kubernetes", "opensearch", "vault"]);
}
