//! The identity provider's side: an Authentik blueprint (format version 1) that creates the
//! declared groups, one OAuth2/OIDC provider and application per declared application, and the
//! policy bindings that let only the granted groups sign in.
//!
//! Authentik's worker applies blueprints it finds on disk and re-applies them when they change;
//! an entry with `state: present` is created or updated to match, so applying is idempotent.
//! References between entries use Authentik's YAML tags ([`Tag`]): `!KeyOf` (an earlier entry's
//! `id`), `!Find` (an object Authentik ships, by a field) and `!Env` (a variable of the worker,
//! which is how the generated client secret gets in without being written anywhere).

use serde::{Serialize, Serializer};

use crate::model::{Application, Group};
use crate::{SCOPES, Sso, secret_env};

/// Authentik's flow that authorises a user for an application without a consent screen.
const AUTHORIZATION_FLOW: &str = "default-provider-authorization-implicit-consent";
/// Authentik's flow that ends the provider session on sign-out.
const INVALIDATION_FLOW: &str = "default-provider-invalidation-flow";
/// The key pair Authentik creates on first start; ID tokens signed with it are RS256, which the
/// Kubernetes API server requires.
const SIGNING_KEY: &str = "authentik Self-signed Certificate";

/// An Authentik YAML tag: a value Authentik resolves when it applies the blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tag {
    /// `!KeyOf <id>`: the primary key of the entry with that `id`, earlier in the blueprint.
    KeyOf(String),
    /// `!Find [<model>, [<field>, <value>]]`: the primary key of the existing object of that
    /// model whose field has that value.
    Find {
        /// The model, for example `authentik_flows.flow`.
        model: &'static str,
        /// The field to match.
        field: &'static str,
        /// Its value.
        value: String,
    },
    /// `!Env <NAME>`: the value of the worker's environment variable.
    Env(String),
}

impl Serialize for Tag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_saphyr::Tagged;
        match self {
            Self::KeyOf(id) => Tagged(id, Some("!KeyOf".to_owned())).serialize(serializer),
            Self::Find {
                model,
                field,
                value,
            } => Tagged((model, (field, value)), Some("!Find".to_owned())).serialize(serializer),
            Self::Env(name) => Tagged(name, Some("!Env".to_owned())).serialize(serializer),
        }
    }
}

/// A whole blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Blueprint {
    /// The format version: 1.
    pub version: u32,
    /// Its name.
    pub metadata: Metadata,
    /// The objects, in the order Authentik applies them (a `!KeyOf` points backwards).
    pub entries: Vec<Entry>,
}

/// A blueprint's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Metadata {
    /// The name Authentik lists it under.
    pub name: String,
}

/// One object in a blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Entry {
    /// The Authentik model.
    pub model: &'static str,
    /// `present`: created, or updated to match.
    pub state: &'static str,
    /// The entry's id, for `!KeyOf` references.
    pub id: String,
    /// The fields Authentik finds an existing object by.
    pub identifiers: Identifiers,
    /// The object's fields.
    pub attrs: Attrs,
}

/// How an existing object is found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Identifiers {
    /// By name (groups, providers).
    Name {
        /// The name.
        name: String,
    },
    /// By slug (applications).
    Slug {
        /// The slug.
        slug: String,
    },
    /// A binding, by what it binds.
    Binding {
        /// The application.
        target: Tag,
        /// The group.
        group: Tag,
    },
}

/// An object's fields, per model.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Attrs {
    /// `authentik_core.group`.
    Group(GroupAttrs),
    /// `authentik_providers_oauth2.oauth2provider`.
    Provider(Box<ProviderAttrs>),
    /// `authentik_core.application`.
    Application(ApplicationAttrs),
    /// `authentik_policies.policybinding`.
    Binding(BindingAttrs),
}

/// A group's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GroupAttrs {
    /// The group's name: the value of the `groups` claim.
    pub name: String,
    /// Authentik superuser: never for a declared group.
    pub is_superuser: bool,
    /// Free-form attributes: the declaration's description.
    pub attributes: GroupAttributes,
}

/// A group's free-form attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GroupAttributes {
    /// Who belongs in the group.
    pub description: String,
}

/// A redirect URI of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RedirectUri {
    /// `strict`: the URI must match exactly.
    pub matching_mode: &'static str,
    /// The URI.
    pub url: String,
}

/// An OAuth2/OIDC provider's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ProviderAttrs {
    /// The provider's name.
    pub name: String,
    /// The flow that authorises a user.
    pub authorization_flow: Tag,
    /// The flow run on sign-out.
    pub invalidation_flow: Tag,
    /// `confidential`: the consumer authenticates with the client secret.
    pub client_type: &'static str,
    /// The client ID.
    pub client_id: String,
    /// The client secret, from the worker's environment.
    pub client_secret: Tag,
    /// Where Authentik may send the user back.
    pub redirect_uris: Vec<RedirectUri>,
    /// The scopes' claim mappings (`openid`, `email`, `profile`; `profile` carries `groups`).
    pub property_mappings: Vec<Tag>,
    /// The key ID tokens are signed with (RS256).
    pub signing_key: Tag,
    /// Claims in the ID token itself, not only from userinfo: the API server and Headlamp read
    /// the groups from the ID token.
    pub include_claims_in_id_token: bool,
}

/// An application's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ApplicationAttrs {
    /// The name users see.
    pub name: String,
    /// The slug (the issuer's path segment).
    pub slug: String,
    /// Its provider.
    pub provider: Tag,
    /// The consumer's URL, the launch link in Authentik's library.
    pub meta_launch_url: String,
    /// `any`: one matching binding lets a user in.
    pub policy_engine_mode: &'static str,
}

/// A policy binding's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BindingAttrs {
    /// The evaluation order.
    pub order: u32,
}

impl Sso {
    /// The Authentik blueprint of the whole declaration; `domain` is the platform's domain as
    /// it should appear in URLs (a Flux substitution such as `${DOMAIN}` in the GitOps tree).
    #[must_use]
    pub fn blueprint(&self, domain: &str) -> Blueprint {
        let mut entries: Vec<Entry> = self.groups().iter().map(group_entry).collect();
        for application in self.applications() {
            entries.extend(Self::application_entries(application, domain));
        }
        Blueprint {
            version: 1,
            metadata: Metadata {
                name: "single-sign-on".to_owned(),
            },
            entries,
        }
    }

    fn application_entries(application: &Application, domain: &str) -> Vec<Entry> {
        let name = application.name().as_str();
        let provider_id = format!("provider-{name}");
        let application_id = format!("application-{name}");
        let uris = application.redirect_uris(domain);
        let mut entries = vec![
            Entry {
                model: "authentik_providers_oauth2.oauth2provider",
                state: "present",
                id: provider_id.clone(),
                identifiers: Identifiers::Name {
                    name: name.to_owned(),
                },
                attrs: Attrs::Provider(Box::new(ProviderAttrs {
                    name: name.to_owned(),
                    authorization_flow: find_flow(AUTHORIZATION_FLOW),
                    invalidation_flow: find_flow(INVALIDATION_FLOW),
                    client_type: "confidential",
                    client_id: name.to_owned(),
                    client_secret: Tag::Env(secret_env(application)),
                    redirect_uris: uris
                        .into_iter()
                        .map(|url| RedirectUri {
                            matching_mode: "strict",
                            url,
                        })
                        .collect(),
                    property_mappings: SCOPES
                        .iter()
                        .map(|scope| Tag::Find {
                            model: "authentik_providers_oauth2.scopemapping",
                            field: "scope_name",
                            value: (*scope).to_owned(),
                        })
                        .collect(),
                    signing_key: Tag::Find {
                        model: "authentik_crypto.certificatekeypair",
                        field: "name",
                        value: SIGNING_KEY.to_owned(),
                    },
                    include_claims_in_id_token: true,
                })),
            },
            Entry {
                model: "authentik_core.application",
                state: "present",
                id: application_id.clone(),
                identifiers: Identifiers::Slug {
                    slug: name.to_owned(),
                },
                attrs: Attrs::Application(ApplicationAttrs {
                    name: application.title().to_owned(),
                    slug: name.to_owned(),
                    provider: Tag::KeyOf(provider_id),
                    meta_launch_url: format!("{}/", application.base_url(domain)),
                    policy_engine_mode: "any",
                }),
            },
        ];
        for (order, grant) in (0_u32..).zip(application.grants()) {
            entries.push(Entry {
                model: "authentik_policies.policybinding",
                state: "present",
                id: format!("binding-{name}-{}", grant.group),
                identifiers: Identifiers::Binding {
                    target: Tag::KeyOf(application_id.clone()),
                    group: Tag::KeyOf(group_id(grant.group.as_str())),
                },
                attrs: Attrs::Binding(BindingAttrs { order }),
            });
        }
        entries
    }
}

fn group_id(name: &str) -> String {
    format!("group-{name}")
}

fn group_entry(group: &Group) -> Entry {
    Entry {
        model: "authentik_core.group",
        state: "present",
        id: group_id(group.name.as_str()),
        identifiers: Identifiers::Name {
            name: group.name.to_string(),
        },
        attrs: Attrs::Group(GroupAttrs {
            name: group.name.to_string(),
            is_superuser: false,
            attributes: GroupAttributes {
                description: group.description.clone(),
            },
        }),
    }
}

fn find_flow(slug: &str) -> Tag {
    Tag::Find {
        model: "authentik_flows.flow",
        field: "slug",
        value: slug.to_owned(),
    }
}
