//! The eks Terraform module (`terraform/modules/eks`): inputs, the cluster, its KMS key, access
//! entries, node groups, the IRSA provider, the core add-ons and the optional OIDC identity
//! provider — as typed values — and ([`ClusterSpec`], [`IdentityProvider`]) the validated values a
//! root passes to it.
//!
//! The pitfalls this module exists to avoid stay visible in the model: the upgrade policy is
//! [`SUPPORT_TYPE`] (`STANDARD`; without it a version leaving standard support is billed at six
//! times the rate), authentication is [`AUTHENTICATION_MODE`] (`API`: access entries only), the
//! private endpoint is always on, and nodes require `IMDSv2` with a hop limit of
//! [`IMDS_HOP_LIMIT`] (1).

use bkt_core::Tree;
use bkt_network::FlowLogRetention;

use crate::Result;

mod identity_provider;
mod resources;
mod spec;
mod variables;

pub use identity_provider::{
    DEFAULT_GROUPS_CLAIM, DEFAULT_PREFIX, DEFAULT_USERNAME_CLAIM, IDENTITY_PROVIDER_NAME_PATTERN,
    ISSUER_URL_PATTERN, IdentityProvider, IdentityProviderBuilder, IssuerUrl, RESERVED_PREFIX,
};

pub use spec::{
    ADDON_VERSION_PATTERN, AMI_TYPE, ANYWHERE, AUTHENTICATION_MODE, AddonVersions,
    CLUSTER_NAME_PATTERN, CapacityType, ClusterSpec, ClusterSpecBuilder, IMDS_HOP_LIMIT,
    KubernetesVersion, LogType, MAX_CLUSTER_NAME, MIN_DISK_SIZE_GIB, NODE_GROUP_NAME_PATTERN,
    NodeGroup, ROLE_SUFFIXES, Release, SECRETS_ALIAS_SUFFIX, SUPPORT_TABLE, SUPPORT_TABLE_CHECKED,
    SUPPORT_TYPE,
};

bkt_core::terraform_kind! {
    /// The inputs of a call of the eks module (`module "eks" { source = … }`): one field per
    /// variable of the module.
    pub module EksInputs => "eks" {
        /// `cluster_name`.
        cluster_name,
        /// `kubernetes_version`.
        kubernetes_version,
        /// `subnet_ids`.
        subnet_ids,
        /// `endpoint`.
        endpoint,
        /// `admin_principal_arns`.
        admin_principal_arns,
        /// `control_plane_log_types`.
        control_plane_log_types,
        /// `log_retention_days`.
        log_retention_days,
        /// `node_groups`.
        node_groups,
        /// `addon_versions`.
        addon_versions,
        /// `network_policy`: whether vpc-cni enforces `NetworkPolicies`.
        network_policy,
        /// `load_balancer_security_group_ids`: the load balancers' frontend groups, by name.
        load_balancer_security_group_ids,
        /// `oidc_identity_provider` (an [`IdentityProvider::to_expr`]).
        oidc_identity_provider,
        /// `tags`.
        tags,
    }
    /// The outputs of the eks module.
    pub ref EksOutputs {
        cluster_name,
        cluster_arn,
        cluster_endpoint,
        cluster_certificate_authority_data,
        cluster_security_group_id,
        oidc_provider_arn,
        oidc_issuer,
        node_role_arn,
        secrets_kms_key_arn,
        oidc_identity_provider_arn,
    }
}

/// The eks module: the defaults of its optional inputs.
///
/// ```
/// use bkt_eks::EksModule;
///
/// let files = EksModule::default().files()?;
/// let main = files.iter().find(|(name, _)| *name == "main.tf").unwrap().1.render();
/// assert!(main.contains("resource \"aws_eks_cluster\" \"this\""));
/// // Billed at the standard rate only with the explicit policy.
/// assert!(main.contains("support_type = \"STANDARD\""));
/// # Ok::<(), bkt_eks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EksModule {
    /// Default of `kubernetes_version`.
    pub kubernetes_version: KubernetesVersion,
    /// Default of `log_retention_days`.
    pub log_retention_days: FlowLogRetention,
    /// Default of `addon_versions`.
    pub addon_versions: AddonVersions,
    /// Default of `network_policy`: whether the vpc-cni add-on enforces Kubernetes
    /// `NetworkPolicies` (its network policy agent). Off, a `NetworkPolicy` is accepted by the API
    /// server and has no effect.
    pub network_policy: bool,
    /// Minimum Terraform version.
    pub required_version: String,
    /// Minimum `hashicorp/aws` provider version.
    pub aws_provider_version: String,
}

impl Default for EksModule {
    fn default() -> Self {
        Self {
            kubernetes_version: KubernetesVersion::default(),
            log_retention_days: FlowLogRetention::DEFAULT,
            addon_versions: AddonVersions::default(),
            network_policy: true,
            required_version: ">= 1.11.0".to_owned(),
            aws_provider_version: ">= 5.100.0".to_owned(),
        }
    }
}

impl EksModule {
    /// The module as a tree of generated files (`main.tf` …), headers included.
    ///
    /// # Errors
    /// As [`EksModule::files`], and a tree error if two files collide.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

#[cfg(test)]
pub(crate) mod tests;
