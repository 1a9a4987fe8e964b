//! The reference platform's values of the `authentik` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::authentik::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    let mut values = Values::default();
    values.fullname_override = Some("authentik".to_owned());
    values.authentik.existing_secret.secret_name = Some("authentik-env".to_owned());
    values.authentik.error_reporting = Enabled::OFF;
    values.global.env = vec![
        env_value("AUTHENTIK_POSTGRESQL__HOST", "authentik-db-rw"),
        env_value("AUTHENTIK_POSTGRESQL__NAME", "authentik"),
        env_from_secret("AUTHENTIK_POSTGRESQL__USER", "authentik-db-app", "username"),
        env_from_secret(
            "AUTHENTIK_POSTGRESQL__PASSWORD",
            "authentik-db-app",
            "password",
        ),
        // The first admin (akadmin), read on the first start only: with a usable
        // password set, the out-of-box flow cannot be claimed (platform/authentik).
        env_from_secret(
            "AUTHENTIK_BOOTSTRAP_PASSWORD",
            "authentik-bootstrap",
            "password",
        ),
        env_from_secret("AUTHENTIK_BOOTSTRAP_EMAIL", "authentik-bootstrap", "email"),
        env_from_secret(
            "AUTHENTIK_BOOTSTRAP_TOKEN",
            "authentik-bootstrap-token",
            "token",
        ),
    ];
    values.global.security_context = Some(restricted_pod(None, None));
    values.postgresql = Enabled::OFF;
    values.server = WithResources::burstable("100m", "512Mi", "1Gi");
    values.worker = WithResources::burstable("50m", "384Mi", "768Mi");
    values
}
