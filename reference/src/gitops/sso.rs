//! Single sign-on in the GitOps tree: which consumer of the tree is wired to which application of
//! the SSO declaration ([`bkt_sso::Sso`]), and the objects that carry each client secret from
//! where it is generated (namespace `authentik`) to its consumer.
//!
//! Per application, Authentik's namespace holds a `Password` generator and an `ExternalSecret`
//! that writes the client secret once ([`bkt_sso::Client::secret`]), and a Role that may `get`
//! exactly that Secret, bound to the consumer's reader; the consumer's namespace holds the
//! reader `ServiceAccount` ([`READER`]), a namespaced `SecretStore` ([`STORE`]) of the
//! Kubernetes provider that reads as it, and an `ExternalSecret` that copies the Secret under
//! the same name. The same pattern copies OpenSearch's admin credentials to logging.
//!
//! The layers check the wiring when they are built: a consumer wired to an application the
//! declaration lacks (or of another kind), a declared application no consumer is wired to, and a
//! consumer whose Ingress serves another host than its redirect URIs go to are errors that name
//! the object.

use bkt_core::yaml::ValueRef;
/// The blueprint `ConfigMap` and its key, as the Authentik release mounts them.
pub use bkt_helm::charts::authentik::{BLUEPRINT_CONFIG_MAP, BLUEPRINT_KEY};
use bkt_sso::{Client, Consumer, SecretRef, Sso};
use k8s_openapi::api::core::v1::ConfigMap;

use bkt_flux::compose::{
    GENERATED_PASSWORD, SecretCopy, alphanumeric, generated_once, named, template, wrap,
};
use bkt_flux::kinds::external_secrets::{ExternalSecret, Password};
use bkt_flux::{Error, Manifest, ManifestFile, Result};

/// The namespace Authentik runs in, where every client secret is generated.
pub const AUTHENTIK_NAMESPACE: &str = "authentik";
/// The `ServiceAccount` a consumer namespace reads its client secret as.
pub const READER: &str = "sso-reader";
/// The consumer namespace's `SecretStore` of Authentik's namespace.
pub const STORE: &str = "authentik-sso";

/// The application Grafana signs users in with.
pub const GRAFANA: &str = "grafana";
/// The application of the Kubernetes API server and Headlamp.
pub const KUBERNETES: &str = "kubernetes";
/// The application of OpenSearch Dashboards and the security plugin.
pub const OPENSEARCH: &str = "opensearch";
/// The application of Vault's OIDC auth method.
pub const VAULT: &str = "vault";

/// The namespace each application's client secret is copied to: the namespace of the consumer
/// that holds it (the API server needs none: it only verifies ID tokens).
pub const CONSUMER_NAMESPACES: [(&str, &str); 4] = [
    (GRAFANA, "grafana"),
    (KUBERNETES, "headlamp"),
    (OPENSEARCH, "opensearch"),
    (VAULT, "vault"),
];

/// The wiring of application `name` for `consumer` (an object id such as
/// `HelmRelease/grafana/grafana`), found while building `object` (a folder of the tree).
///
/// # Errors
/// [`Error::Sso`] naming `object`, when the declaration has no application `name` or it serves
/// another kind of consumer.
pub fn client<'a, K: Consumer>(
    sso: &'a Sso,
    object: &str,
    consumer: &str,
    name: &str,
) -> Result<Client<'a, K>> {
    sso.client::<K>(consumer, name)
        .map_err(|source| sso_error(object, source))
}

/// An [`Error::Sso`] found while building `object`.
pub(crate) fn sso_error(object: &str, source: bkt_sso::Error) -> Error {
    Error::Sso {
        object: object.to_owned(),
        source,
    }
}

/// One application's client secret on its way from Authentik to its consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPath {
    /// The application.
    pub application: String,
    /// The Secret, generated in [`AUTHENTIK_NAMESPACE`] and copied under the same name.
    pub secret: SecretRef,
    /// The consumer's namespace.
    pub namespace: &'static str,
}

impl SecretPath {
    /// The copy of the Secret: [`READER`] reads it through [`STORE`].
    fn copy(&self) -> SecretCopy<'_> {
        SecretCopy {
            reader: READER,
            store: STORE,
            remote_namespace: AUTHENTIK_NAMESPACE,
            secret: &self.secret.name,
            target: &self.secret.name,
        }
    }

    /// The consumer's side: the reader, the store and the `ExternalSecret`, which copies the
    /// Secret's keys as they are.
    ///
    /// # Errors
    /// A document that does not serialize.
    pub fn consumer_file(&self) -> Result<ManifestFile> {
        self.consumer_file_inner(None)
    }

    /// As [`SecretPath::consumer_file`], the copy's keys made from `template` (`ExternalSecret`
    /// template data: `{{ index . "client-secret" }}` is the client secret), for a consumer that
    /// reads more than the client secret from the one Secret.
    ///
    /// # Errors
    /// A document that does not serialize.
    pub fn consumer_file_with(
        &self,
        template: std::collections::BTreeMap<String, String>,
    ) -> Result<ManifestFile> {
        self.consumer_file_inner(Some(template))
    }

    fn consumer_file_inner(
        &self,
        template: Option<std::collections::BTreeMap<String, String>>,
    ) -> Result<ManifestFile> {
        let mut why = String::from("The client secret of SSO application ");
        why.push_str(&self.application);
        why.push_str(
            ", generated once in namespace authentik (platform/authentik), copied \
             here with a service account that may get exactly that one Secret (Role read-",
        );
        why.push_str(&self.secret.name);
        why.push_str(" in namespace authentik).");
        let why = wrap(&why);
        self.copy().files(&why, template)
    }
}

/// The client-secret path of `client`'s application.
///
/// # Errors
/// [`Error::Invalid`] when [`CONSUMER_NAMESPACES`] names no namespace for the application.
pub fn secret_path<K: Consumer>(client: &Client<'_, K>) -> Result<SecretPath> {
    let name = client.client_id();
    Ok(SecretPath {
        application: name.to_owned(),
        secret: client.secret(),
        namespace: consumer_namespace(name)?,
    })
}

/// The namespace application `name`'s client secret is copied to.
fn consumer_namespace(name: &str) -> Result<&'static str> {
    CONSUMER_NAMESPACES
        .iter()
        .find(|(wired, _)| *wired == name)
        .map(|(_, namespace)| *namespace)
        .ok_or_else(|| {
            Error::invalid(
                "sso.applications",
                name,
                "no consumer of the GitOps tree is wired to this application; wire one \
                 (bkt_reference::gitops::sso::CONSUMER_NAMESPACES and its layer) or remove it from the \
                 declaration",
            )
        })
}

/// Every application's client-secret path, in declaration order.
///
/// # Errors
/// [`Error::Invalid`] naming a declared application that no namespace of
/// [`CONSUMER_NAMESPACES`] consumes (its secret would be generated for nobody).
pub fn secret_paths(sso: &Sso) -> Result<Vec<SecretPath>> {
    sso.applications()
        .iter()
        .map(|application| {
            let name = application.name().as_str();
            Ok(SecretPath {
                application: name.to_owned(),
                namespace: consumer_namespace(name)?,
                secret: sso.secret_of(application),
            })
        })
        .collect()
}

/// Authentik's side: the blueprint `ConfigMap` (`blueprints.yaml`) and, per application, the
/// generated client secret with the Role that lets its consumer read it (`sso-clients.yaml`).
///
/// # Errors
/// As [`secret_paths`], or a document that does not serialize.
pub fn authentik_files(sso: &Sso, domain: &str) -> Result<Vec<(&'static str, ManifestFile)>> {
    let blueprint = bkt_core::yaml::to_string(&sso.blueprint(domain))?;
    let config_map = ConfigMap {
        metadata: named(BLUEPRINT_CONFIG_MAP),
        data: Some([(BLUEPRINT_KEY.to_owned(), blueprint)].into()),
        ..ConfigMap::default()
    };
    let mut clients = ManifestFile::new([]);
    for (index, path) in secret_paths(sso)?.iter().enumerate() {
        let name = path.secret.name.as_str();
        let generator = Manifest::new(&Password::new(name, alphanumeric(64, 10)))?;
        clients.push(if index == 0 {
            generator.why(
                "Each SSO application's client secret, generated in the cluster once and never in Git.\n\
                 Authentik's worker reads it as BKT_SSO_<APP>_CLIENT_SECRET (the blueprint's !Env); the\n\
                 consumer's namespace copies it with its service account sso-reader, which the Role below\n\
                 lets get exactly this one Secret.",
            )
        } else {
            generator
        });
        clients.push(Manifest::new(&ExternalSecret::new(
            name,
            generated_once(
                name,
                template([(path.secret.key, GENERATED_PASSWORD)]),
                name,
            ),
        ))?);
        let (role, binding) = path.copy().reader_role(path.namespace);
        clients.push(Manifest::new(&role)?);
        clients.push(Manifest::new(&binding)?);
    }
    Ok(vec![
        (
            "blueprints.yaml",
            ManifestFile::single(Manifest::new(&config_map)?.why(
                "The SSO declaration (crate bkt-sso) as an Authentik blueprint: the groups, one OAuth2/OIDC\n\
                 provider and application per consumer, and the bindings that let only the granted groups\n\
                 in. The release lists this ConfigMap in blueprints.configMaps, so the worker mounts and\n\
                 applies it (and re-applies it on change) with no manual step. Flux substitutes the domain in\n\
                 the redirect URIs; client secrets come in through !Env, never through this file.",
            )),
        ),
        ("sso-clients.yaml", clients),
    ])
}

/// The wiring of application `name` for `consumer`, whose Ingress is in `ingress` (in folder
/// `object`): [`client`], then [`check_ingress`].
///
/// # Errors
/// As [`client`] and [`check_ingress`].
pub fn consumer<'a, K: Consumer>(
    sso: &'a Sso,
    domain: &str,
    (object, consumer): (&str, &str),
    name: &str,
    ingress: &ManifestFile,
) -> Result<Client<'a, K>> {
    let client = client::<K>(sso, object, consumer, name)?;
    check_ingress(&client, domain, object, ingress)?;
    Ok(client)
}

/// Checks that every Ingress of `file` (the consumer's, in folder `object`) serves the host the
/// redirect URIs of `client` go to.
///
/// # Errors
/// [`Error::Sso`] naming `object` and both hosts when they differ; [`Error::Invalid`] when
/// `file` holds no Ingress with a host.
pub fn check_ingress<K: Consumer>(
    client: &Client<'_, K>,
    domain: &str,
    object: &str,
    file: &ManifestFile,
) -> Result<()> {
    let hosts: Vec<&str> = file
        .documents()
        .iter()
        .map(Manifest::object)
        .filter(|document| document.get("kind").and_then(ValueRef::as_str) == Some("Ingress"))
        .flat_map(|document| {
            document
                .get_path(&["spec", "rules"])
                .map(ValueRef::items)
                .unwrap_or_default()
        })
        .filter_map(|rule| rule.get("host").and_then(ValueRef::as_str))
        .collect();
    if hosts.is_empty() {
        return Err(Error::invalid(
            object,
            client.client_id(),
            "the consumer of this SSO application has no Ingress with a host to check its redirect \
             URIs against; serve it through an Ingress",
        ));
    }
    for host in hosts {
        client
            .check_host(domain, host)
            .map_err(|source| sso_error(object, source))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consumer_without_an_ingress_cannot_be_checked() {
        let sso = crate::sso::sso().unwrap();
        let grafana =
            client::<bkt_sso::Grafana>(&sso, "platform/grafana", "test", GRAFANA).unwrap();
        let error = check_ingress(
            &grafana,
            "example.org",
            "platform/grafana",
            &ManifestFile::new([]),
        )
        .unwrap_err();
        assert!(
            matches!(&error, Error::Invalid(bkt_core::Invalid { field, value, .. }) if field == "platform/grafana" && value == "grafana"),
            "{error}"
        );
    }

    #[test]
    fn a_declared_application_without_a_consumer_namespace_is_named() {
        let error = consumer_namespace("argo").unwrap_err();
        assert!(error.to_string().contains("\"argo\""), "{error}");
    }
}
