//! A typed model of the AWS network an EKS cluster needs, rendered as a Terraform module.
//!
//! What it models: a VPC with DNS support; per availability zone a private subnet (nodes and
//! pods, low half of the range) and a public one (load balancers and NAT, upper half), tagged
//! for the AWS Load Balancer Controller's discovery; one NAT gateway or one per zone; route
//! tables; an S3 gateway endpoint so image layers skip the NAT; VPC flow logs to CloudWatch
//! with a role scoped to their log group; the default security group emptied.
//!
//! Two halves:
//! - [`NetworkModule`] is the Terraform module itself (`variables.tf` with validations,
//!   `main.tf`, `flow-logs.tf`, `outputs.tf`, `versions.tf`), built from typed resource kinds
//!   ([`aws`]) and written by `bkt-core`'s HCL writer, byte-identical to `terraform fmt`.
//! - [`NetworkSpec`] is what a root passes to that module, validated in Rust by the same rules
//!   as the module's `validation` blocks, with the [`SubnetPlan`] Terraform will compute.
//!
//! ```
//! use bkt_network::{NetworkModule, NetworkSpec};
//!
//! let spec = NetworkSpec::builder("bkt-dev", ["eu-west-1a", "eu-west-1b"]).build()?;
//! let plan = spec.subnet_plan();
//! let first = &plan.zones()[0];
//! assert_eq!(first.private.to_string(), "10.0.0.0/20");
//! assert_eq!(first.public.to_string(), "10.0.128.0/20");
//!
//! let tree = NetworkModule::default().to_tree("my-generator")?;
//! let main = std::str::from_utf8(tree.get("main.tf").unwrap()).unwrap();
//! assert!(main.contains("resource \"aws_vpc\" \"this\" {"));
//! # Ok::<(), bkt_network::Error>(())
//! ```

pub mod aws;
pub mod dns;
mod module;
mod plan;

pub use dns::{DnsInputs, DnsModule, DnsOutputs, DnsSpec, DnsSpecBuilder};
pub use module::NetworkModule;
pub use plan::{
    CLUSTER_NAME_PATTERN, Cidr, FlowLogRetention, MAX_ZONES, MIN_ZONES, NAME_PATTERN,
    NatGatewayMode, NetworkSpec, NetworkSpecBuilder, PRIVATE_OFFSET, SUBNET_NEWBITS, SubnetPlan,
    ZoneSubnets,
};

/// What went wrong, naming the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value failed validation.
    #[error("{field}: {value:?} is invalid: {reason}")]
    Invalid {
        /// Dotted path of the field, for example `network.cidr_block`.
        field: String,
        /// The rejected value.
        value: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// An error from the shared core (a name or a file tree).
    #[error(transparent)]
    Core(#[from] bkt_core::Error),
}

impl Error {
    fn invalid(field: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
