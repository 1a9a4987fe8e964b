//! AWS Load Balancer Controller kinds, for exactly the fields the tree sets: the
//! `IngressClassParams` (`elbv2.k8s.aws/v1beta1`) an `IngressClass` points at.

use serde::{Deserialize, Serialize};

use super::flux_object;

flux_object! {
    /// The load balancer settings every Ingress of an `IngressClass` shares.
    ///
    /// ```
    /// use bkt_flux::kinds::aws_load_balancer::{IngressClassParams, IngressClassParamsSpec, IngressGroup, Tag};
    /// use bkt_flux::Manifest;
    ///
    /// let params = IngressClassParams::new(
    ///     "public",
    ///     IngressClassParamsSpec {
    ///         group: Some(IngressGroup { name: "public".into() }),
    ///         scheme: Some("internet-facing".into()),
    ///         target_type: Some("ip".into()),
    ///         tags: vec![Tag::new("team", "platform")],
    ///         ..IngressClassParamsSpec::default()
    ///     },
    /// );
    /// assert_eq!(
    ///     Manifest::new(&params)?.render()?,
    ///     concat!(
    ///         "apiVersion: elbv2.k8s.aws/v1beta1\nkind: IngressClassParams\nmetadata:\n  name: public\n",
    ///         "spec:\n  group:\n    name: public\n  scheme: internet-facing\n  targetType: ip\n",
    ///         "  tags:\n    - key: team\n      value: platform\n",
    ///     )
    /// );
    /// # Ok::<(), bkt_flux::Error>(())
    /// ```
    IngressClassParams(IngressClassParamsSpec) = "elbv2.k8s.aws", "v1beta1", "IngressClassParams", "ingressclassparams", ClusterResourceScope
}

impl IngressClassParams {
    /// The API group an `IngressClass`'s `parameters` name.
    pub const API_GROUP: &'static str = "elbv2.k8s.aws";
}

/// The desired state of an [`IngressClassParams`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassParamsSpec {
    /// The group whose Ingresses share one load balancer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<IngressGroup>,
    /// `internet-facing` or `internal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// `ip` or `instance`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    /// The ACM certificates of the HTTPS listener.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_arn: Vec<String>,
    /// The listener's TLS policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// The port HTTP requests are redirected to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_redirect_port: Option<String>,
    /// AWS tags of the load balancer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// An ingress group, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IngressGroup {
    /// The group's name.
    pub name: String,
}

/// An AWS tag.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Tag {
    /// The tag `key` = `value`.
    #[must_use]
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}
