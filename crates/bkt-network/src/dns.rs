//! The platform's public DNS: a Route 53 hosted zone for the base domain (created, or looked up
//! when it already exists) and an ACM certificate for the domain and its wildcard, validated
//! through one DNS record, with a bounded wait for issuance.
//!
//! - [`DnsModule`] is the Terraform module (`main.tf`, `certificate.tf`, `variables.tf` with
//!   validations, `outputs.tf`, `versions.tf`); [`DnsInputs`]/[`DnsOutputs`] are its call from a
//!   root, typed.
//! - [`DnsSpec`] is what a root passes to it, validated in Rust by the same rules.
//!
//! The pitfall this module is shaped around: ACM keeps a DNS-validated certificate
//! `PENDING_VALIDATION` for as long as the registrar or parent zone does not delegate the domain
//! to the zone's name servers (output `name_servers`). The wait for issuance is therefore bounded
//! by `validation_timeout` (default 45 minutes), after which the apply fails with ACM's timeout
//! error instead of hanging.

mod module;
mod spec;

pub use module::{DnsInputs, DnsModule, DnsOutputs};
pub use spec::{
    DOMAIN_PATTERN, DnsSpec, DnsSpecBuilder, Domain, MAX_DOMAIN_LEN, MAX_LABEL_LEN, MAX_NAME_LEN,
    TimeUnit, VALIDATION_TIMEOUT_PATTERN, ValidationTimeout, ZONE_ID_PATTERN,
};

#[cfg(test)]
mod tests;
