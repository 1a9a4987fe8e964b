//! A typed model of the platform's MongoDB Atlas database, rendered as its own Terraform root.
//!
//! What it models: an Atlas project; one cluster (Flex by default, a dedicated M10–M30 on
//! request) in the VPC's region; an IP access list that is exactly the VPC's NAT gateway
//! addresses (plus validated extra ranges, never wider than a /24); the sample app's database
//! user with a password Terraform generates; and the connection string, written as
//! `{"dsn": "mongodb+srv://…"}` into the AWS Secrets Manager secret that `terraform/envs/dev`
//! creates for it. No output carries the password or the connection string.
//!
//! The root is separate from the AWS root on purpose: the `mongodbatlas` provider needs Atlas
//! API keys and a registry, and the AWS root must still plan and apply without either. It reads
//! the AWS root's `nat_public_ips` and `mongodb_secret_arn` outputs through
//! `terraform_remote_state`.
//!
//! Two halves, as in the network crate:
//! - [`AtlasSpec`] holds the values, validated at construction with errors naming the field and
//!   the fix; the same rules are the root's `validation` blocks.
//! - [`AtlasRoot`] renders the root's files from typed kinds ([`kinds`]).
//!
//! ```
//! use bkt_atlas::{AtlasRoot, AtlasSpec, StateLocation};
//!
//! let state = StateLocation {
//!     bucket: Some("acme-tfstate-123456789012".into()),
//!     environment_key: "envs/dev/terraform.tfstate".into(),
//!     own_key: "atlas/dev/terraform.tfstate".into(),
//! };
//! let builder = AtlasSpec::builder("orders-dev", "eu-west-1", state).database("orders", "orders");
//! let spec = builder.clone().instance_size("M10").allow_cidr("34.240.0.10/32").build()?;
//! assert_eq!(spec.atlas_region(), "EU_WEST_1");
//! let tree = AtlasRoot::new(spec).to_tree("my-generator")?;
//! let access = std::str::from_utf8(tree.get("network-access.tf").unwrap()).unwrap();
//! assert!(access.contains("resource \"mongodbatlas_project_ip_access_list\" \"nat\" {"));
//!
//! let wide = builder.allow_cidr("0.0.0.0/0").build().unwrap_err();
//! assert!(wide.to_string().starts_with("atlas.allow_cidr[0]: \"0.0.0.0/0\" is invalid"));
//! # Ok::<(), bkt_atlas::Error>(())
//! ```

pub mod kinds;
mod root;
mod spec;

pub use root::{
    AWS_VERSION, AtlasRoot, DEDICATED_NODE_COUNT, MONGODBATLAS_VERSION, PASSWORD_LENGTH,
    RANDOM_VERSION,
};
pub use spec::{
    ATLAS_REGION_PATTERN, AccessCidr, AtlasSpec, AtlasSpecBuilder, CLUSTER_NAME_PATTERN,
    DATABASE_NAME_PATTERN, InstanceSize, MIN_ACCESS_PREFIX, ORG_ID_PATTERN, PROJECT_NAME_PATTERN,
    REGION_PATTERN, STATE_BUCKET_PATTERN, STATE_KEY_PATTERN, StateLocation, USERNAME_PATTERN,
    is_bucket,
};

/// What went wrong, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation.
    #[error(transparent)]
    Invalid(#[from] bkt_core::Invalid),
    /// An error from the shared core (a name or a file tree).
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
}

impl Error {
    fn invalid(field: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Self::Invalid(bkt_core::Invalid::new(field, value, reason))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
