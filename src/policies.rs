//! Policy documents the roots write (to be expressed with `bkt_oidc::policy` once it lands).

use bkt_core::hcl::{Expr, func::jsonencode};

use crate::bootstrap::S3BucketRef;

/// A bucket policy denying every request that does not use TLS.
pub(crate) fn deny_insecure_transport(bucket: &S3BucketRef) -> Expr {
    jsonencode(Expr::object([
        ("Version", Expr::from("2012-10-17")),
        (
            "Statement",
            Expr::list([Expr::object([
                ("Sid", Expr::from("DenyInsecureTransport")),
                ("Effect", Expr::from("Deny")),
                ("Principal", Expr::from("*")),
                ("Action", Expr::from("s3:*")),
                (
                    "Resource",
                    Expr::list([bucket.arn(), Expr::template([bucket.arn(), "/*".into()])]),
                ),
                (
                    "Condition",
                    Expr::object([("Bool", Expr::object([("aws:SecureTransport", "false")]))]),
                ),
            ])]),
        ),
    ]))
}
