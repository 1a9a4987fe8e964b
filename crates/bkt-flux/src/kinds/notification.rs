//! Flux notifications: the webhook `Receiver` (`notification.toolkit.fluxcd.io/v1`), and the
//! `Provider` and `Alert` that report events (`notification.toolkit.fluxcd.io/v1beta3`).

use serde::{Deserialize, Serialize};

use super::{LocalObjectReference, ObjectKindReference, flux_object};
use crate::Duration;

flux_object! {
    /// A webhook that makes Flux reconcile `spec.resources` at once (a push, not a poll).
    Receiver(ReceiverSpec) = "notification.toolkit.fluxcd.io", "v1", "Receiver", "receivers", NamespaceResourceScope
}

/// The desired state of a [`Receiver`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverSpec {
    /// The sender's flavour: `github`, `gitlab`, `generic` …
    #[serde(rename = "type")]
    pub receiver_type: String,
    /// The sender's events that trigger a reconcile (`push`, `ping` …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The Secret holding the shared token (key `token`).
    pub secret_ref: LocalObjectReference,
    /// The objects reconciled on each call.
    pub resources: Vec<ObjectKindReference>,
    /// How often the Receiver itself is reconciled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
}

flux_object! {
    /// Where events are sent (a chat, a Git host's commit status …).
    Provider(ProviderSpec) = "notification.toolkit.fluxcd.io", "v1beta3", "Provider", "providers", NamespaceResourceScope
}

/// The desired state of a [`Provider`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSpec {
    /// `github`, `slack`, `generic` …
    #[serde(rename = "type")]
    pub provider_type: String,
    /// The provider's address (for `github`, the repository's URL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The channel, for chat providers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The Secret with the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
}

flux_object! {
    /// Which events of which objects go to a [`Provider`].
    Alert(AlertSpec) = "notification.toolkit.fluxcd.io", "v1beta3", "Alert", "alerts", NamespaceResourceScope
}

/// The desired state of an [`Alert`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertSpec {
    /// The provider events go to.
    pub provider_ref: LocalObjectReference,
    /// `info` (everything) or `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_severity: Option<EventSeverity>,
    /// The objects whose events are sent (`name: "*"` for every object of a kind).
    pub event_sources: Vec<ObjectKindReference>,
    /// Regular expressions an event's message must match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inclusion_list: Vec<String>,
    /// Regular expressions that drop an event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusion_list: Vec<String>,
    /// A summary added to every event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// The lowest severity an [`Alert`] sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventSeverity {
    /// Every event.
    Info,
    /// Errors only.
    Error,
}
