//! Flux notifications: the webhook `Receiver` (`notification.toolkit.fluxcd.io/v1`), and the
//! `Provider` and `Alert` that report events (`notification.toolkit.fluxcd.io/v1beta3`).

use serde::{Deserialize, Serialize};

use super::{LocalObjectReference, ObjectKindReference, flux_object};
use crate::Duration;

flux_object! {
    /// A webhook that makes Flux reconcile `spec.resources` at once (a push, not a poll).
    ///
    /// ```
    /// use bkt_flux::kinds::{LocalObjectReference, ObjectKindReference, Receiver, ReceiverSpec};
    /// use bkt_flux::Manifest;
    ///
    /// let receiver = Receiver::new(
    ///     "github",
    ///     ReceiverSpec {
    ///         receiver_type: "github".into(),
    ///         events: vec!["push".into()],
    ///         secret_ref: LocalObjectReference::new("webhook-token"),
    ///         resources: vec![ObjectKindReference {
    ///             kind: "GitRepository".into(),
    ///             name: "flux-system".into(),
    ///             ..ObjectKindReference::default()
    ///         }],
    ///         interval: None,
    ///     },
    /// );
    /// assert!(Manifest::new(&receiver)?.render()?.ends_with(concat!(
    ///     "spec:\n  type: github\n  events:\n    - push\n",
    ///     "  secretRef:\n    name: webhook-token\n",
    ///     "  resources:\n    - kind: GitRepository\n      name: flux-system\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
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
    ///
    /// A [`Provider`] and the [`Alert`] that feeds it:
    ///
    /// ```
    /// use bkt_flux::kinds::{
    ///     Alert, AlertSpec, EventSeverity, LocalObjectReference, ObjectKindReference, Provider,
    ///     ProviderSpec,
    /// };
    /// use bkt_flux::{Manifest, ManifestFile};
    ///
    /// let provider = Provider::new(
    ///     "github-status",
    ///     ProviderSpec {
    ///         provider_type: "github".into(),
    ///         address: Some("https://github.com/example/platform".into()),
    ///         secret_ref: Some(LocalObjectReference::new("github-token")),
    ///         ..ProviderSpec::default()
    ///     },
    /// );
    /// let alert = Alert::new(
    ///     "releases",
    ///     AlertSpec {
    ///         provider_ref: LocalObjectReference::new("github-status"),
    ///         event_severity: Some(EventSeverity::Error),
    ///         event_sources: vec![ObjectKindReference {
    ///             kind: "HelmRelease".into(),
    ///             name: "*".into(),
    ///             ..ObjectKindReference::default()
    ///         }],
    ///         ..AlertSpec::default()
    ///     },
    /// );
    /// let yaml = ManifestFile::new([Manifest::new(&provider)?, Manifest::new(&alert)?]).render()?;
    /// assert!(yaml.starts_with("apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\n"));
    /// assert!(yaml.contains("---\napiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\n"));
    /// // `*` is quoted: unquoted it would read back as a YAML alias.
    /// assert!(yaml.ends_with(concat!(
    ///     "  providerRef:\n    name: github-status\n  eventSeverity: error\n",
    ///     "  eventSources:\n    - kind: HelmRelease\n      name: \"*\"\n",
    /// )));
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
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
