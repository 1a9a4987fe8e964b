//! Policy documents the roots write, as `bkt_oidc::policy` values like every other policy.

use bkt_core::hcl::Expr;
use bkt_oidc::policy::{Operator, PolicyDocument, Principal, Statement};

use crate::Result;
use crate::bootstrap::S3BucketRef;

/// A bucket policy denying every request to the bucket and its objects that does not use TLS.
pub(crate) fn deny_insecure_transport(bucket: &S3BucketRef) -> Result<Expr> {
    let statement = Statement::deny()
        .sid("DenyInsecureTransport")?
        .principal(Principal::anyone())
        .action("s3:*")
        .resource([bucket.arn(), Expr::template([bucket.arn(), "/*".into()])])
        .condition(Operator::Bool, "aws:SecureTransport", "false")?;
    Ok(PolicyDocument::new([statement]).to_json())
}
