//! Typed AWS IAM for the BKT crates: the IAM resource kinds every crate uses to write a role or
//! a policy, and (coming) typed policy documents and the GitHub Actions OIDC module.

pub mod aws;
