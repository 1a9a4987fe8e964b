//! The bootstrap root (`terraform/bootstrap`): the S3 bucket that holds every other state.
//!
//! It keeps a local state of its own (the bucket cannot hold its own creation); the bucket is
//! versioned, KMS-encrypted, private, TLS-only, and expires old state versions.

use bkt_core::hcl::{
    Data, Expr, File, Output, Provider, Resource, Type, Variable,
    func::{can, regex},
};
use bkt_core::{Tree, name};
use bkt_oidc::aws::{AwsProvider, CallerIdentity, DefaultTags};

use crate::Result;

bkt_core::terraform_kind! {
    /// `aws_s3_bucket`.
    pub resource S3Bucket => "aws_s3_bucket" {
        /// The globally unique bucket name.
        bucket,
        /// Whether `terraform destroy` may delete a bucket that still holds objects.
        force_destroy,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_s3_bucket`.
    pub ref S3BucketRef { id, arn, bucket }
}

bkt_core::terraform_block! {
    /// `versioning_configuration` of `aws_s3_bucket_versioning`.
    pub struct VersioningConfiguration => "versioning_configuration" {
        /// `Enabled` or `Suspended`.
        status,
    }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_versioning`.
    pub resource S3BucketVersioning => "aws_s3_bucket_versioning" {
        /// The bucket.
        bucket,
    }
    blocks {
        /// The versioning state.
        versioning_configuration: VersioningConfiguration,
    }
    /// Attributes of an `aws_s3_bucket_versioning`.
    pub ref S3BucketVersioningRef { id }
}

bkt_core::terraform_block! {
    /// `apply_server_side_encryption_by_default` of an encryption rule.
    pub struct EncryptionByDefault => "apply_server_side_encryption_by_default" {
        /// `AES256`, `aws:kms` or `aws:kms:dsse`.
        sse_algorithm,
        /// A customer key; the AWS managed key when absent.
        kms_master_key_id,
    }
}

bkt_core::terraform_block! {
    /// `rule` of `aws_s3_bucket_server_side_encryption_configuration`.
    pub struct EncryptionRule => "rule" {
        /// S3 Bucket Keys: fewer KMS requests.
        bucket_key_enabled,
    }
    blocks {
        /// The default encryption.
        apply_server_side_encryption_by_default: EncryptionByDefault,
    }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_server_side_encryption_configuration`.
    pub resource S3BucketEncryption => "aws_s3_bucket_server_side_encryption_configuration" {
        /// The bucket.
        bucket,
    }
    blocks {
        /// The encryption rule.
        rule: EncryptionRule,
    }
    /// Attributes of an `aws_s3_bucket_server_side_encryption_configuration`.
    pub ref S3BucketEncryptionRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_public_access_block`.
    pub resource S3BucketPublicAccessBlock => "aws_s3_bucket_public_access_block" {
        /// The bucket.
        bucket,
        /// Reject requests that set public ACLs.
        block_public_acls,
        /// Reject bucket policies that grant public access.
        block_public_policy,
        /// Ignore public ACLs already present.
        ignore_public_acls,
        /// Restrict access under a public policy to AWS services and the owner.
        restrict_public_buckets,
    }
    /// Attributes of an `aws_s3_bucket_public_access_block`.
    pub ref S3BucketPublicAccessBlockRef { id }
}

bkt_core::terraform_block! {
    /// `rule` of `aws_s3_bucket_ownership_controls`.
    pub struct OwnershipRule => "rule" {
        /// `BucketOwnerEnforced` disables ACLs.
        object_ownership,
    }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_ownership_controls`.
    pub resource S3BucketOwnershipControls => "aws_s3_bucket_ownership_controls" {
        /// The bucket.
        bucket,
    }
    blocks {
        /// The ownership rule.
        rule: OwnershipRule,
    }
    /// Attributes of an `aws_s3_bucket_ownership_controls`.
    pub ref S3BucketOwnershipControlsRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_policy`.
    pub resource S3BucketPolicy => "aws_s3_bucket_policy" {
        /// The bucket.
        bucket,
        /// The policy document (JSON).
        policy,
    }
    /// Attributes of an `aws_s3_bucket_policy`.
    pub ref S3BucketPolicyRef { id }
}

bkt_core::terraform_block! {
    /// An empty or prefix `filter` of a lifecycle rule (empty: every object).
    pub struct LifecycleFilter => "filter" {
        /// Only objects under this prefix.
        prefix,
    }
}

bkt_core::terraform_block! {
    /// `noncurrent_version_expiration` of a lifecycle rule.
    pub struct NoncurrentVersionExpiration => "noncurrent_version_expiration" {
        /// Days a version is kept after it stops being current.
        noncurrent_days,
    }
}

bkt_core::terraform_block! {
    /// `abort_incomplete_multipart_upload` of a lifecycle rule.
    pub struct AbortIncompleteMultipartUpload => "abort_incomplete_multipart_upload" {
        /// Days after which an unfinished upload is removed.
        days_after_initiation,
    }
}

bkt_core::terraform_block! {
    /// `rule` of `aws_s3_bucket_lifecycle_configuration`.
    pub struct LifecycleRule => "rule" {
        /// The rule's name.
        id,
        /// `Enabled` or `Disabled`.
        status,
    }
    blocks {
        /// Which objects the rule applies to.
        filter: LifecycleFilter,
        /// Expiry of old versions.
        noncurrent_version_expiration: NoncurrentVersionExpiration,
        /// Clean-up of abandoned uploads.
        abort_incomplete_multipart_upload: AbortIncompleteMultipartUpload,
    }
}

bkt_core::terraform_kind! {
    /// `aws_s3_bucket_lifecycle_configuration`.
    pub resource S3BucketLifecycleConfiguration => "aws_s3_bucket_lifecycle_configuration" {
        /// The bucket.
        bucket,
    }
    repeated {
        /// The rules.
        rule: LifecycleRule,
    }
    /// Attributes of an `aws_s3_bucket_lifecycle_configuration`.
    pub ref S3BucketLifecycleConfigurationRef { id }
}

/// The bootstrap root's input defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapRoot {
    /// Default AWS region of the state bucket.
    pub region: String,
    /// Default prefix of the bucket name (the account ID is appended).
    pub name_prefix: String,
    /// Default days old state versions are kept.
    pub noncurrent_version_retention_days: u32,
    /// Exact `hashicorp/aws` provider version of the roots.
    pub aws_provider_version: String,
}

impl Default for BootstrapRoot {
    fn default() -> Self {
        Self {
            region: "eu-west-1".to_owned(),
            name_prefix: "bkt-platform-tfstate".to_owned(),
            noncurrent_version_retention_days: 90,
            aws_provider_version: bkt_platform::AWS_PROVIDER_VERSION.to_owned(),
        }
    }
}

/// The regular expression of an AWS region name, as the root's `region` validation uses it.
pub const REGION_PATTERN: &str = "^[a-z]{2}(-[a-z]+)+-[0-9]$";
/// The regular expression of the bucket name prefix.
pub const NAME_PREFIX_PATTERN: &str = "^[a-z0-9][a-z0-9-]{2,36}[a-z0-9]$";
/// Fewest days an old state version is kept: a bad apply must stay reversible for a week.
pub const MIN_RETENTION_DAYS: u32 = 7;

fn is_region(text: &str) -> bool {
    // ^[a-z]{2}(-[a-z]+)+-[0-9]$
    let parts: Vec<&str> = text.split('-').collect();
    let lower = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && parts
            .first()
            .is_some_and(|first| first.len() == 2 && lower(first))
        && parts[1..parts.len() - 1].iter().all(lower)
        && parts
            .last()
            .is_some_and(|last| last.len() == 1 && last.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks `region` (named `field` in the error) by [`REGION_PATTERN`], as the roots' `region`
/// validations do.
///
/// # Errors
/// [`crate::Error::Invalid`] naming `field` when `region` is no AWS region name.
pub fn check_region(field: &str, region: &str) -> Result<()> {
    if is_region(region) {
        Ok(())
    } else {
        Err(crate::Error::invalid(
            field,
            region,
            "use an AWS region name (e.g. eu-west-1)",
        ))
    }
}

fn is_name_prefix(text: &str) -> bool {
    // ^[a-z0-9][a-z0-9-]{2,36}[a-z0-9]$
    let bytes = text.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (4..=38).contains(&bytes.len())
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

impl BootstrapRoot {
    /// Checks every default by the same rules as the root's `validation` blocks.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] naming the first bad field and the fix.
    pub fn validate(&self) -> Result<()> {
        check_region("bootstrap.region", &self.region)?;
        if !is_name_prefix(&self.name_prefix) {
            return Err(crate::Error::invalid(
                "bootstrap.name_prefix",
                &self.name_prefix,
                "use 4-38 lowercase letters, digits or hyphens, not starting or ending with a hyphen (e.g. bkt-platform-tfstate)",
            ));
        }
        if self.noncurrent_version_retention_days < MIN_RETENTION_DAYS {
            return Err(crate::Error::invalid(
                "bootstrap.noncurrent_version_retention_days",
                self.noncurrent_version_retention_days,
                "keep old state versions at least 7 days (e.g. 90), so a bad apply can be rolled back",
            ));
        }
        Ok(())
    }

    /// The root's files, by name, without headers.
    ///
    /// # Errors
    /// An error of a policy document the root writes.
    #[allow(
        clippy::too_many_lines,
        reason = "one root, read top to bottom like its main.tf"
    )]
    pub fn files(&self) -> Result<Vec<(&'static str, File)>> {
        let [region, name_prefix, retention] = self.variables();

        let provider = Provider::new(AwsProvider {
            region: Some(region.reference().into()),
            default_tags: Some(DefaultTags {
                tags: Some(
                    Expr::object([
                        ("Project", "bkt-platform"),
                        ("ManagedBy", "terraform/bootstrap"),
                    ])
                    .into(),
                ),
                why: None,
            }),
        });
        let caller = Data::new(name!("current"), CallerIdentity::default());
        let bucket =
            Resource::new(
                name!("state"),
                S3Bucket {
                    bucket: Some(
                        Expr::template([
                            name_prefix.reference(),
                            "-".into(),
                            caller.get().account_id(),
                        ])
                        .into(),
                    ),
                    force_destroy: Some(bkt_core::hcl::Arg::from(false).why(
                        "A bucket still holding state versions cannot be deleted by accident.",
                    )),
                    tags: None,
                },
            );
        let bucket_id = || Some(bucket.get().id().into());
        let versioning = Resource::new(
            name!("state"),
            S3BucketVersioning {
                bucket: bucket_id(),
                versioning_configuration: Some(VersioningConfiguration {
                    status: Some("Enabled".into()),
                    why: None,
                }),
            },
        );
        let encryption = Resource::new(
            name!("state"),
            S3BucketEncryption {
                bucket: bucket_id(),
                rule: Some(EncryptionRule {
                    bucket_key_enabled: Some(true.into()),
                    apply_server_side_encryption_by_default: Some(EncryptionByDefault {
                        sse_algorithm: Some("aws:kms".into()),
                        ..EncryptionByDefault::default()
                    }),
                    why: None,
                }),
            },
        )
        .why("SSE-KMS with the AWS managed key: encrypted at rest, and the read-only plan role can read state\nwithout a grant on a customer key.");
        let public_access = Resource::new(
            name!("state"),
            S3BucketPublicAccessBlock {
                bucket: bucket_id(),
                block_public_acls: Some(true.into()),
                block_public_policy: Some(true.into()),
                ignore_public_acls: Some(true.into()),
                restrict_public_buckets: Some(true.into()),
            },
        );
        let ownership = Resource::new(
            name!("state"),
            S3BucketOwnershipControls {
                bucket: bucket_id(),
                rule: Some(OwnershipRule {
                    object_ownership: Some("BucketOwnerEnforced".into()),
                    why: None,
                }),
            },
        );
        let policy = Resource::new(
            name!("state"),
            S3BucketPolicy {
                bucket: bucket_id(),
                policy: Some(crate::policies::deny_insecure_transport(&bucket.get().arn())?.into()),
            },
        )
        .depends_on(&public_access);
        let lifecycle = Resource::new(
            name!("state"),
            S3BucketLifecycleConfiguration {
                bucket: bucket_id(),
                rule: vec![LifecycleRule {
                    id: Some("expire-old-state-versions".into()),
                    status: Some("Enabled".into()),
                    filter: Some(LifecycleFilter::default()),
                    noncurrent_version_expiration: Some(NoncurrentVersionExpiration {
                        noncurrent_days: Some(retention.reference().into()),
                        why: None,
                    }),
                    abort_incomplete_multipart_upload: Some(AbortIncompleteMultipartUpload {
                        days_after_initiation: Some(7.into()),
                        why: None,
                    }),
                    why: None,
                }],
            },
        )
        .depends_on(&versioning);

        let mut main = File::new();
        main.push(provider.to_block())
            .push(caller.to_block())
            .push(bucket.to_block())
            .push(versioning.to_block())
            .push(encryption.to_block())
            .push(public_access.to_block())
            .push(ownership.to_block())
            .push(policy.to_block())
            .push(lifecycle.to_block());

        let outputs = outputs(&bucket, region.reference());

        let mut variables = File::new();
        for variable in [&region, &name_prefix, &retention] {
            variables.push(variable.to_block());
        }

        let mut versions = File::new();
        versions.push(
            bkt_oidc::aws::aws_settings(bkt_platform::TERRAFORM_VERSION, &self.aws_provider_version)
            .to_block()
            .why("The bucket that holds every other state cannot hold its own creation: this root keeps a local\nstate. It has a handful of resources and can be imported again (docs/terraform.md)."),
        );

        Ok(vec![
            ("main.tf", main),
            ("outputs.tf", outputs),
            ("variables.tf", variables),
            ("versions.tf", versions),
        ])
    }

    /// The root's variables: the region, the bucket's name prefix and how long old state
    /// versions are kept, defaulting to this root's values.
    fn variables(&self) -> [Variable; 3] {
        let region = Variable::new(
            name!("region"),
            "AWS region of the state bucket (usually the platform's region).",
            Type::String,
        )
        .default(self.region.as_str())
        .validate(
            |region| can(regex(REGION_PATTERN, region)),
            "region must be an AWS region name such as eu-west-1.",
        );
        let name_prefix = Variable::new(
            name!("name_prefix"),
            "Prefix of the state bucket name; the account ID is appended so the global name is unique.",
            Type::String,
        )
        .default(self.name_prefix.as_str())
        .validate(
            |prefix| can(regex(NAME_PREFIX_PATTERN, prefix)),
            "name_prefix must be 4-38 lowercase letters, digits or hyphens (the bucket name adds -<12-digit account id>).",
        );
        let retention = Variable::new(
            name!("noncurrent_version_retention_days"),
            "Days old state versions are kept (they are the way back after a bad apply).",
            Type::Number,
        )
        .default(self.noncurrent_version_retention_days)
        .validate(
            |days| days.at_least(MIN_RETENTION_DAYS),
            "noncurrent_version_retention_days must be at least 7, so a bad apply can still be rolled back.",
        );
        [region, name_prefix, retention]
    }

    /// The root as a tree of generated files.
    ///
    /// # Errors
    /// A validation error ([`BootstrapRoot::validate`]) or a tree error.
    pub fn to_tree(&self, generator: &str) -> Result<Tree> {
        self.validate()?;
        Ok(bkt_core::hcl::files_to_tree(generator, self.files()?)?)
    }
}

/// `outputs.tf`: the state bucket's name and ARN, and the backend settings of an environment
/// root in `region`.
fn outputs(bucket: &Resource<S3Bucket>, region: Expr) -> File {
    let mut outputs = File::new();
    for output in [
        Output::new(
            name!("state_bucket"),
            "Name of the state bucket: terraform init -backend-config=bucket=<this> of each environment root (make up does), or [terraform] state_bucket in its spec file.",
            bucket.get().bucket(),
        ),
        Output::new(
            name!("state_bucket_arn"),
            "ARN of the state bucket.",
            bucket.get().arn(),
        ),
        Output::new(
            name!("backend_config"),
            "Backend settings for `terraform init -backend-config=...` of an environment root.",
            Expr::object([
                ("bucket", bucket.get().bucket()),
                ("region", region),
                ("use_lockfile", true.into()),
                ("encrypt", true.into()),
            ]),
        ),
    ] {
        outputs.push(output.to_block());
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(error: &crate::Error) -> &str {
        match error {
            crate::Error::Invalid(bkt_core::Invalid { field, .. }) => field,
            _ => "",
        }
    }

    #[test]
    fn defaults_are_valid() {
        BootstrapRoot::default().validate().unwrap();
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases = [
            (
                BootstrapRoot {
                    region: "EU-west-1".into(),
                    ..Default::default()
                },
                "bootstrap.region",
            ),
            (
                BootstrapRoot {
                    region: "eu-west".into(),
                    ..Default::default()
                },
                "bootstrap.region",
            ),
            (
                BootstrapRoot {
                    region: "eu-west-12".into(),
                    ..Default::default()
                },
                "bootstrap.region",
            ),
            (
                BootstrapRoot {
                    name_prefix: "abc".into(),
                    ..Default::default()
                },
                "bootstrap.name_prefix",
            ),
            (
                BootstrapRoot {
                    name_prefix: "-abcd".into(),
                    ..Default::default()
                },
                "bootstrap.name_prefix",
            ),
            (
                BootstrapRoot {
                    name_prefix: "Abcd".into(),
                    ..Default::default()
                },
                "bootstrap.name_prefix",
            ),
            (
                BootstrapRoot {
                    name_prefix: "a".repeat(39),
                    ..Default::default()
                },
                "bootstrap.name_prefix",
            ),
            (
                BootstrapRoot {
                    noncurrent_version_retention_days: 6,
                    ..Default::default()
                },
                "bootstrap.noncurrent_version_retention_days",
            ),
        ];
        for (root, field) in cases {
            let error = root.validate().unwrap_err();
            assert_eq!(field_of(&error), field, "{error}");
            assert!(error.to_string().contains("e.g."), "{error}");
        }
    }

    #[test]
    fn accepted_regions_and_prefixes() {
        for region in ["eu-west-1", "us-gov-west-1", "ap-southeast-2"] {
            assert!(is_region(region), "{region}");
        }
        for prefix in ["abcd", "bkt-platform-tfstate", &"a".repeat(38)] {
            assert!(is_name_prefix(prefix), "{prefix}");
        }
    }
}
