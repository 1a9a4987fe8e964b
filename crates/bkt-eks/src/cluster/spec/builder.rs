//! [`ClusterSpecBuilder`]'s setters and [`ClusterSpecBuilder::build`], which checks every value
//! before a [`ClusterSpec`] exists.

use super::{
    AddonVersions, ClusterSpec, ClusterSpecBuilder, KubernetesVersion, LogType, MAX_CLUSTER_NAME,
    NodeGroup, check_public_access_cidrs,
};
use crate::kms;
use crate::rules;
use crate::{Error, Result};
use bkt_network::FlowLogRetention;
use std::collections::BTreeMap;
use std::str::FromStr;

impl ClusterSpecBuilder {
    /// The Kubernetes version (default: the newest of [`SUPPORT_TABLE`](super::SUPPORT_TABLE)).
    #[must_use]
    pub fn kubernetes_version(mut self, version: impl Into<String>) -> Self {
        self.kubernetes_version = version.into();
        self
    }

    /// Networks that may reach the public endpoint (none: private only).
    #[must_use]
    pub fn public_access_cidrs(
        mut self,
        cidrs: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.public_access_cidrs = cidrs.into_iter().map(Into::into).collect();
        self
    }

    /// Allows `0.0.0.0/0` among the public networks, deliberately.
    #[must_use]
    pub fn allow_public_from_anywhere(mut self, allow: bool) -> Self {
        self.allow_public_from_anywhere = allow;
        self
    }

    /// IAM role or user ARNs that get cluster-admin access entries.
    #[must_use]
    pub fn admin_principal_arns(
        mut self,
        arns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.admin_principal_arns = arns.into_iter().map(Into::into).collect();
        self
    }

    /// Control-plane log types (must include api, audit and authenticator).
    #[must_use]
    pub fn control_plane_log_types(
        mut self,
        log_types: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.control_plane_log_types = log_types.into_iter().map(Into::into).collect();
        self
    }

    /// Days CloudWatch keeps the control-plane logs (default 30).
    #[must_use]
    pub fn log_retention_days(mut self, days: u16) -> Self {
        self.log_retention_days = days;
        self
    }

    /// Adds a node group.
    #[must_use]
    pub fn node_group(mut self, name: impl Into<String>, group: NodeGroup) -> Self {
        self.node_groups.push((name.into(), group));
        self
    }

    /// The add-on versions (default: [`AddonVersions::for_version`] of the default version).
    #[must_use]
    pub fn addon_versions(mut self, versions: AddonVersions) -> Self {
        self.addon_versions = versions;
        self
    }

    /// Validates every value, the rules of the module's `validation` blocks plus AWS's name
    /// limits.
    ///
    /// # Errors
    /// [`Error::Invalid`] for the first bad field, naming it, with the fix.
    ///
    /// ```
    /// use bkt_eks::{ClusterSpec, NodeGroup};
    ///
    /// let builder = ClusterSpec::builder("shop-dev", ["subnet-a", "subnet-b"])
    ///     .node_group("default", NodeGroup::new(["t3.large"]))
    ///     .public_access_cidrs(["0.0.0.0/0"]);
    /// let error = builder.clone().build().unwrap_err();
    /// assert!(error.to_string().contains("allow_public_from_anywhere"), "{error}");
    /// let open = builder.allow_public_from_anywhere(true).build()?;
    /// assert!(open.public_endpoint());
    /// # Ok::<(), bkt_eks::Error>(())
    /// ```
    pub fn build(self) -> Result<ClusterSpec> {
        rules::check_cluster_name(
            "eks.cluster_name",
            &self.cluster_name,
            MAX_CLUSTER_NAME,
            "so that the IAM role names <name>-cluster, -node and -ebs-csi stay within 64",
        )?;
        let kubernetes_version = KubernetesVersion::from_str(&self.kubernetes_version)?;
        if self.subnet_ids.len() < 2 {
            return Err(Error::invalid(
                "eks.subnet_ids",
                format!("{:?}", self.subnet_ids),
                "list at least two private subnets in different zones; EKS rejects a single zone",
            ));
        }
        let public_access_cidrs =
            check_public_access_cidrs(&self.public_access_cidrs, self.allow_public_from_anywhere)?;
        if let Some(arn) = self
            .admin_principal_arns
            .iter()
            .find(|arn| !rules::matches_iam_principal_arn_pattern(arn))
        {
            return Err(Error::invalid(
                "eks.admin_principal_arns",
                arn,
                "give IAM role or user ARNs like arn:aws:iam::123456789012:role/platform-admin",
            ));
        }
        let mut control_plane_log_types = Vec::new();
        for text in &self.control_plane_log_types {
            let log_type = LogType::from_str(text)?;
            if !control_plane_log_types.contains(&log_type) {
                control_plane_log_types.push(log_type);
            }
        }
        if let Some(missing) = LogType::REQUIRED
            .iter()
            .find(|required| !control_plane_log_types.contains(required))
        {
            return Err(Error::invalid(
                "eks.control_plane_log_types",
                missing.as_str(),
                "api, audit and authenticator logs are always required; add the missing one",
            ));
        }
        let log_retention_days =
            FlowLogRetention::new("eks.log_retention_days", self.log_retention_days).map_err(
                |_| {
                    Error::invalid(
                        "eks.log_retention_days",
                        self.log_retention_days,
                        "use a CloudWatch Logs retention value such as 7, 14, 30, 90 or 365",
                    )
                },
            )?;
        if self.node_groups.is_empty() {
            return Err(Error::invalid(
                "eks.node_groups",
                "{}",
                "define at least one node group",
            ));
        }
        let mut node_groups = BTreeMap::new();
        for (name, group) in self.node_groups {
            group.check(&name)?;
            if node_groups.insert(name.clone(), group).is_some() {
                return Err(Error::invalid(
                    "eks.node_groups",
                    name,
                    "each node group needs its own name",
                ));
            }
        }
        self.addon_versions.check()?;
        let spec = ClusterSpec {
            cluster_name: self.cluster_name,
            kubernetes_version,
            subnet_ids: self.subnet_ids,
            public_access_cidrs,
            allow_public_from_anywhere: self.allow_public_from_anywhere,
            admin_principal_arns: self.admin_principal_arns,
            control_plane_log_types,
            log_retention_days,
            node_groups,
            addon_versions: self.addon_versions,
        };
        for role in spec.role_names() {
            rules::check_iam_role_name("eks.cluster_name", &role)?;
        }
        kms::check_alias("eks.cluster_name", &spec.secrets_key_alias())?;
        Ok(spec)
    }
}
