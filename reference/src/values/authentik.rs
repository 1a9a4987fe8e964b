//! The reference platform's values of the `authentik` chart.

#[allow(clippy::wildcard_imports, reason = "the chart module's value types")]
use bkt_helm::charts::authentik::*;
#[allow(clippy::wildcard_imports, reason = "the shapes every chart shares")]
use bkt_helm::common::*;

/// The reference platform's values of the chart.
#[must_use]
pub fn values() -> Values {
    Values {
        fullname_override: "authentik".to_owned(),
        authentik: Authentik {
            existing_secret: SecretName {
                secret_name: "authentik-env".to_owned(),
            },
            error_reporting: Enabled::OFF,
        },
        global: Global {
            env: vec![
                EnvVar::value("AUTHENTIK_POSTGRESQL__HOST", "authentik-db-rw"),
                EnvVar::value("AUTHENTIK_POSTGRESQL__NAME", "authentik"),
                EnvVar::from_secret("AUTHENTIK_POSTGRESQL__USER", "authentik-db-app", "username"),
                EnvVar::from_secret(
                    "AUTHENTIK_POSTGRESQL__PASSWORD",
                    "authentik-db-app",
                    "password",
                ),
                // The first admin (akadmin), read on the first start only: with a usable
                // password set, the out-of-box flow cannot be claimed (platform/authentik).
                EnvVar::from_secret(
                    "AUTHENTIK_BOOTSTRAP_PASSWORD",
                    "authentik-bootstrap",
                    "password",
                ),
                EnvVar::from_secret("AUTHENTIK_BOOTSTRAP_EMAIL", "authentik-bootstrap", "email"),
                EnvVar::from_secret(
                    "AUTHENTIK_BOOTSTRAP_TOKEN",
                    "authentik-bootstrap-token",
                    "token",
                ),
            ],
            security_context: PodSecurityContext::restricted(None, None),
        },
        postgresql: Enabled::OFF,
        server: WithResources::burstable("100m", "512Mi", "1Gi"),
        worker: WithResources::burstable("50m", "384Mi", "768Mi"),
        blueprints: None,
    }
}
