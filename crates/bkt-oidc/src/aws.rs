//! The IAM resource and data source kinds, one typed struct each: the fields are the Terraform
//! arguments the BKT crates set (see the `hashicorp/aws` provider's documentation for their
//! meaning), the reference types carry the attributes they read.

use bkt_core::hcl::{RequiredProvider, Settings};

bkt_core::terraform_kind! {
    /// `aws_iam_role`.
    pub resource IamRole => "aws_iam_role" {
        /// The role's name.
        name,
        /// Human-readable description.
        description,
        /// Longest session, in seconds.
        max_session_duration,
        /// The trust policy (JSON).
        assume_role_policy,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_iam_role`.
    pub ref IamRoleRef { id, arn, name, unique_id }
}

bkt_core::terraform_kind! {
    /// `aws_iam_role_policy`: an inline policy of a role.
    pub resource IamRolePolicy => "aws_iam_role_policy" {
        /// The policy's name.
        name,
        /// The role it belongs to.
        role,
        /// The policy document (JSON).
        policy,
    }
    /// Attributes of an `aws_iam_role_policy`.
    pub ref IamRolePolicyRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_iam_role_policy_attachment`: a managed policy attached to a role.
    pub resource IamRolePolicyAttachment => "aws_iam_role_policy_attachment" {
        /// The role's name.
        role,
        /// ARN of the managed policy.
        policy_arn,
    }
    /// Attributes of an `aws_iam_role_policy_attachment`.
    pub ref IamRolePolicyAttachmentRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_iam_openid_connect_provider`.
    pub resource IamOpenidConnectProvider => "aws_iam_openid_connect_provider" {
        /// The issuer URL.
        url,
        /// Audiences (client IDs) accepted.
        client_id_list,
        /// Server certificate thumbprints (ignored by AWS for well-known issuers).
        thumbprint_list,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_iam_openid_connect_provider`.
    pub ref IamOpenidConnectProviderRef { arn, url }
}

bkt_core::terraform_kind! {
    /// `aws_iam_openid_connect_provider` (data source): an existing provider.
    pub data IamOpenidConnectProviderData => "aws_iam_openid_connect_provider" {
        /// The issuer URL.
        url,
        /// The provider's ARN.
        arn,
    }
    /// Attributes of the `aws_iam_openid_connect_provider` data source.
    pub ref IamOpenidConnectProviderDataRef { arn, url }
}

bkt_core::terraform_kind! {
    /// `aws_partition` (data source): `aws`, `aws-cn` or `aws-us-gov`.
    pub data Partition => "aws_partition" {}
    /// Attributes of the `aws_partition` data source.
    pub ref PartitionRef { partition, dns_suffix }
}

bkt_core::terraform_kind! {
    /// `aws_caller_identity` (data source): the account Terraform runs in.
    pub data CallerIdentity => "aws_caller_identity" {}
    /// Attributes of the `aws_caller_identity` data source.
    pub ref CallerIdentityRef { account_id, arn }
}

bkt_core::terraform_block! {
    /// `default_tags` of the AWS provider: tags every resource of the configuration gets.
    pub struct DefaultTags => "default_tags" {
        /// The tags.
        tags,
    }
}

bkt_core::terraform_kind! {
    /// The `aws` provider's configuration (`provider "aws"`), written by every root.
    pub provider AwsProvider => "aws" {
        /// The region resources are created in.
        region,
    }
    blocks {
        /// Tags every resource gets.
        default_tags: DefaultTags,
    }
    /// The provider exposes no attributes.
    pub ref AwsProviderRef {}
}

/// The registry source of the AWS provider.
pub const AWS_PROVIDER_SOURCE: &str = "hashicorp/aws";

/// The `terraform` block of a module or root whose only provider is `hashicorp/aws`: the
/// Terraform version it needs and the provider's version constraint (no backend; a root sets
/// [`Settings::backend`] on the result).
#[must_use]
pub fn aws_settings(required_version: &str, aws_provider_version: &str) -> Settings {
    Settings {
        required_version: required_version.to_owned(),
        required_providers: vec![RequiredProvider {
            name: bkt_core::name!("aws"),
            source: AWS_PROVIDER_SOURCE.to_owned(),
            version: aws_provider_version.to_owned(),
        }],
        backend: None,
    }
}
