//! Policy documents the roots write, as `bkt_oidc::policy` values like every other policy.

use bkt_core::hcl::Expr;
use bkt_oidc::policy::{Operator, PolicyDocument, Principal, Statement};

use crate::Result;

/// A policy for the bucket of ARN `bucket_arn` denying every request to it and its objects that
/// does not use TLS.
pub(crate) fn deny_insecure_transport(bucket_arn: &Expr) -> Result<Expr> {
    let statement = Statement::deny()
        .sid("DenyInsecureTransport")?
        .principal(Principal::anyone())
        .action("s3:*")
        .resource([
            bucket_arn.clone(),
            Expr::template([bucket_arn.clone(), "/*".into()]),
        ])
        .condition(Operator::Bool, "aws:SecureTransport", "false")?;
    Ok(PolicyDocument::new([statement]).to_json())
}
