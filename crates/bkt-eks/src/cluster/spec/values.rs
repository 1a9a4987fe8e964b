//! [`ClusterSpec`]'s constructor and what a root reads from it: the names Terraform will
//! create and the module call's inputs.

use super::{
    AddonVersions, ClusterSpec, ClusterSpecBuilder, KubernetesVersion, NodeGroup, ROLE_SUFFIXES,
    SECRETS_ALIAS_SUFFIX, builder_defaults,
};
use crate::cluster::EksInputs;
use crate::kms;
use bkt_core::hcl::Expr;
use std::collections::BTreeMap;

impl ClusterSpec {
    /// Starts a spec for the cluster `cluster_name` in these private subnets.
    ///
    /// ```
    /// use bkt_core::hcl::{Module, to_string};
    /// use bkt_core::name;
    /// use bkt_eks::{ClusterSpec, NodeGroup};
    ///
    /// let spec = ClusterSpec::builder("shop-dev", ["subnet-a", "subnet-b"])
    ///     .node_group("default", NodeGroup::new(["t3.large"]))
    ///     .build()?;
    /// assert_eq!(spec.role_names(), ["shop-dev-cluster", "shop-dev-node", "shop-dev-ebs-csi"]);
    /// let call = to_string(&Module::new(name!("eks"), "../../modules/eks", spec.inputs()).to_block());
    /// let line = call.lines().find(|line| line.trim_start().starts_with("cluster_name "));
    /// assert_eq!(line.map(|line| line.ends_with("= \"shop-dev\"")), Some(true), "{call}");
    ///
    /// let one_zone = ClusterSpec::builder("shop-dev", ["subnet-a"]).build().unwrap_err();
    /// assert!(one_zone.to_string().starts_with("eks.subnet_ids"), "{one_zone}");
    /// # Ok::<(), bkt_eks::Error>(())
    /// ```
    #[must_use]
    pub fn builder(
        cluster_name: impl Into<String>,
        subnet_ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> ClusterSpecBuilder {
        ClusterSpecBuilder {
            cluster_name: cluster_name.into(),
            kubernetes_version: builder_defaults::kubernetes_version(),
            subnet_ids: subnet_ids.into_iter().map(Into::into).collect(),
            public_access_cidrs: Vec::new(),
            allow_public_from_anywhere: false,
            admin_principal_arns: Vec::new(),
            control_plane_log_types: builder_defaults::control_plane_log_types(),
            log_retention_days: builder_defaults::log_retention_days(),
            node_groups: Vec::new(),
            addon_versions: AddonVersions::default(),
        }
    }

    /// The cluster's name.
    #[must_use]
    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// The Kubernetes version.
    #[must_use]
    pub fn kubernetes_version(&self) -> KubernetesVersion {
        self.kubernetes_version
    }

    /// Whether the public endpoint is on (only when networks are listed for it).
    #[must_use]
    pub fn public_endpoint(&self) -> bool {
        !self.public_access_cidrs.is_empty()
    }

    /// The node groups, by name.
    #[must_use]
    pub fn node_groups(&self) -> &BTreeMap<String, NodeGroup> {
        &self.node_groups
    }

    /// The IAM role names Terraform will create: cluster, node, EBS CSI driver.
    #[must_use]
    pub fn role_names(&self) -> Vec<String> {
        ROLE_SUFFIXES
            .iter()
            .map(|suffix| [self.cluster_name.as_str(), suffix].concat())
            .collect()
    }

    /// The Secrets key's alias, `alias/<cluster_name>-eks-secrets`.
    #[must_use]
    pub fn secrets_key_alias(&self) -> String {
        [kms::ALIAS_PREFIX, &self.cluster_name, SECRETS_ALIAS_SUFFIX].concat()
    }

    /// The launch template names Terraform will create, `<cluster_name>-<group>`.
    #[must_use]
    pub fn launch_template_names(&self) -> Vec<String> {
        self.node_groups
            .keys()
            .map(|group| [self.cluster_name.as_str(), "-", group].concat())
            .collect()
    }

    /// The module call's inputs with these values (a root may replace any of them with a
    /// reference, such as the network module's subnet IDs).
    #[must_use]
    pub fn inputs(&self) -> EksInputs {
        let strings = |items: &[String]| Expr::list(items.iter().map(String::as_str));
        let mut endpoint: Vec<(&str, Expr)> = Vec::new();
        if self.public_endpoint() {
            endpoint.push((
                "public_access_cidrs",
                Expr::list(self.public_access_cidrs.iter().map(ToString::to_string)),
            ));
        }
        if self.allow_public_from_anywhere {
            endpoint.push(("allow_public_from_anywhere", true.into()));
        }
        EksInputs {
            cluster_name: Some(self.cluster_name.as_str().into()),
            kubernetes_version: Some(self.kubernetes_version.as_str().into()),
            subnet_ids: Some(strings(&self.subnet_ids).into()),
            endpoint: Some(Expr::object(endpoint).into()),
            admin_principal_arns: Some(strings(&self.admin_principal_arns).into()),
            control_plane_log_types: Some(
                Expr::list(self.control_plane_log_types.iter().map(|t| t.as_str())).into(),
            ),
            log_retention_days: Some(self.log_retention_days.days().into()),
            node_groups: Some(
                Expr::object(
                    self.node_groups
                        .iter()
                        .map(|(name, group)| (name.as_str(), group.to_expr())),
                )
                .into(),
            ),
            addon_versions: Some(self.addon_versions.to_expr().into()),
            // The module's default (on): a root that turns enforcement off sets it itself.
            network_policy: None,
            // The network module's output, which a spec does not hold: a root passes it itself.
            load_balancer_security_group_ids: None,
            // A root adds its identity provider itself (`IdentityProvider::to_expr`): its issuer
            // is usually a reference to the root's domain, which a spec cannot hold.
            oidc_identity_provider: None,
            tags: None,
        }
    }
}
