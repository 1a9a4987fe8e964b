//! A typed model of the AWS network an EKS cluster needs, rendered as Terraform modules: the
//! VPC (`network`) and the public DNS zone with its certificate (`dns`).
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
//! let spec = NetworkSpec::builder("acme-dev", ["eu-west-1a", "eu-west-1b"]).build()?;
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
//!
//! # DNS and the certificate
//!
//! The [`dns`] module gives the platform its public names: a Route 53 zone for the base domain
//! (created, or the existing public zone looked up, with `count` on `create_zone`) and an ACM
//! certificate for the domain and `*.domain`, validated through the one DNS record ACM asks for
//! both. [`DnsModule`] renders it (`main.tf`, `certificate.tf`, `variables.tf`, `outputs.tf`,
//! `versions.tf`); [`DnsSpec`] validates a root's values by the module's rules (lowercase DNS
//! name of at least two labels, labels of at most 63 characters, no trailing dot, at most 64
//! characters because ACM writes it into the certificate's common name; a wait such as `45m`);
//! [`DnsInputs`] is the module call, typed.
//!
//! ACM keeps the certificate `PENDING_VALIDATION` for as long as the registrar or parent zone
//! does not delegate the domain to the zone's name servers (output `name_servers`). The wait
//! for issuance is bounded by `validation_timeout`, so a missing delegation fails the apply with
//! ACM's timeout error instead of hanging.
//!
//! ```
//! use bkt_core::hcl::Module;
//! use bkt_network::{DnsModule, DnsSpec};
//!
//! let spec = DnsSpec::builder("dev.example.com").validation_timeout("30m").build()?;
//! assert_eq!(spec.certificate_names(), ["dev.example.com", "*.dev.example.com"]);
//! assert_eq!(spec.host("grafana")?, "grafana.dev.example.com");
//!
//! // Each rule fails with the field and the fix.
//! let error = DnsSpec::builder("dev.example.com.").build().unwrap_err();
//! assert!(error.to_string().starts_with("dns.domain: \"dev.example.com.\" is invalid: remove the trailing dot"));
//!
//! // A root calls the module with typed inputs and reads its outputs as typed references.
//! let dns = Module::new(bkt_core::name!("dns"), "../../modules/dns", spec.to_inputs());
//! let zone_arn = dns.get().zone_arn(); // module.dns.zone_arn
//! # let _ = zone_arn;
//!
//! let tree = DnsModule::default().to_tree("my-generator")?;
//! let certificate = std::str::from_utf8(tree.get("certificate.tf").unwrap()).unwrap();
//! assert!(certificate.contains("    create = var.validation_timeout\n"));
//! # Ok::<(), bkt_network::Error>(())
//! ```

pub mod aws;
pub mod dns;
mod inputs;
mod load_balancer;
mod module;
mod plan;

pub use dns::{DnsInputs, DnsModule, DnsOutputs, DnsSpec, DnsSpecBuilder};
pub use load_balancer::{LOAD_BALANCER_NAME_PATTERN, LoadBalancerIngress, SourceCidr};
pub use module::{NetworkInputs, NetworkModule, NetworkOutputs};
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

/// The README's examples, compiled and run as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
