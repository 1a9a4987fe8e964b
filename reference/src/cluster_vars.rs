//! `ClusterVars`: the one contract between Terraform and the GitOps tree.
//!
//! Terraform's `cluster_vars` output of an environment root is made from a `ClusterVars<Expr>`
//! (each field the expression of its value), the Flux side writes its `${VAR}` references from
//! `ClusterVars::references()`, and the Go conformance suite's fixture of keys comes from
//! `ClusterVars::<&str>::example()`. A key renamed or removed here fails to compile wherever it
//! is used, on either side.

pub use crate::substitution::Substitution;

macro_rules! cluster_vars {
    ($( $(#[$meta:meta])* $field:ident => $key:literal = $example:literal ),* $(,)?) => {
        /// The facts Terraform hands the cluster, one field per key of the `cluster_vars`
        /// output; `T` is what each holds (an expression, a reference, an example value).
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct ClusterVars<T> {
            $( $(#[$meta])* pub $field: T, )*
        }

        impl<T> ClusterVars<T> {
            /// Every key, in declaration order.
            pub const KEYS: &'static [&'static str] = &[$($key),*];

            /// Each key with its value, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &T)> {
                vec![$( ($key, &self.$field) ),*]
            }

            /// The same keys with every value transformed.
            pub fn map<U>(self, mut f: impl FnMut(&'static str, T) -> U) -> ClusterVars<U> {
                ClusterVars { $( $field: f($key, self.$field), )* }
            }
        }

        impl ClusterVars<Substitution> {
            /// The `${KEY}` reference of every key, for the Flux side.
            #[must_use]
            pub fn references() -> Self {
                Self { $( $field: Substitution($key), )* }
            }
        }

        impl ClusterVars<&'static str> {
            /// Realistic example values: the conformance suite's fixture for runs without the
            /// emulator.
            #[must_use]
            pub fn example() -> Self {
                Self { $( $field: $example, )* }
            }
        }
    };
}

cluster_vars! {
    /// The EKS cluster's name (controllers, labels, external-dns owner id).
    cluster_name => "CLUSTER_NAME" = "bkt-dev",
    /// The environment (`dev`).
    environment => "ENVIRONMENT" = "dev",
    /// The AWS region (controllers cannot discover it through IMDS with hop limit 1).
    aws_region => "AWS_REGION" = "eu-west-1",
    /// The VPC's id (the Load Balancer Controller, for the same reason).
    vpc_id => "VPC_ID" = "vpc-0123456789abcdef0",
    /// The VPC's IPv4 range (the `NetworkPolicy` objects that admit node and load balancer traffic).
    vpc_cidr => "VPC_CIDR" = "10.0.0.0/16",
    /// The platform's DNS domain (every Ingress host).
    domain => "DOMAIN" = "dev.bkt.example.com",
    /// The Route 53 hosted zone external-dns writes to.
    hosted_zone_id => "HOSTED_ZONE_ID" = "Z0123456789ABCDEFGHIJ",
    /// The ACM certificate of the shared ALB's TLS listener.
    certificate_arn => "CERTIFICATE_ARN" = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
    /// The AWS Load Balancer Controller's IRSA role.
    aws_load_balancer_controller_role_arn => "AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN" = "arn:aws:iam::123456789012:role/bkt-dev-aws-load-balancer-controller",
    /// external-dns's IRSA role.
    external_dns_role_arn => "EXTERNAL_DNS_ROLE_ARN" = "arn:aws:iam::123456789012:role/bkt-dev-external-dns",
    /// The Vault server's IRSA role (auto-unseal only).
    vault_role_arn => "VAULT_ROLE_ARN" = "arn:aws:iam::123456789012:role/bkt-dev-vault",
    /// The Vault bootstrap Jobs' IRSA role (Vault's init secret).
    vault_bootstrap_role_arn => "VAULT_BOOTSTRAP_ROLE_ARN" = "arn:aws:iam::123456789012:role/bkt-dev-vault-bootstrap",
    /// Vault's auto-unseal KMS key.
    vault_kms_key_id => "VAULT_KMS_KEY_ID" = "00000000-0000-4000-8000-000000000001",
    /// The Secrets Manager secret holding Vault's init output.
    vault_init_secret_arn => "VAULT_INIT_SECRET_ARN" = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/vault/init-AbCdEf",
    /// The IRSA role External Secrets reads the sample app's Atlas DSN with (that one secret).
    sample_app_mongodb_role_arn => "SAMPLE_APP_MONGODB_ROLE_ARN" = "arn:aws:iam::123456789012:role/bkt-dev-sample-app-mongodb",
    /// The Secrets Manager secret the Atlas root writes the sample app's DSN into.
    sample_app_mongodb_secret_arn => "SAMPLE_APP_MONGODB_SECRET_ARN" = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bkt-dev/sample-app/mongodb-AbCdEf",
    /// The sample app's ECR repository URL.
    sample_app_image_repository => "SAMPLE_APP_IMAGE_REPOSITORY" = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app",
    /// `owner/repo` of the GitHub repository (Flux's commit-status provider).
    github_repository => "GITHUB_REPOSITORY" = "bkt-platform/platform",
    /// The public load balancer's frontend security group (Ingress class `alb`).
    alb_public_security_group_id => "ALB_PUBLIC_SECURITY_GROUP_ID" = "sg-0123456789abcdef0",
    /// The admin UIs' load balancer's frontend security group (Ingress class `alb-admin`).
    alb_admin_security_group_id => "ALB_ADMIN_SECURITY_GROUP_ID" = "sg-0123456789abcdef1",
    /// Days OpenSearch keeps the container logs (`logs.retention_days` of the environment's
    /// spec; the logs' setup Job makes its retention policy of it).
    log_retention_days => "LOG_RETENTION_DAYS" = "7",
}

impl<T> ClusterVars<T> {
    /// The keys only an environment that uses MongoDB Atlas has (`[atlas] enabled`): the role
    /// External Secrets reads the DSN with, and the secret it reads.
    pub const ATLAS_KEYS: [&'static str; 2] = [
        "SAMPLE_APP_MONGODB_ROLE_ARN",
        "SAMPLE_APP_MONGODB_SECRET_ARN",
    ];

    /// The entries of an environment that uses Atlas (`atlas`: every key) or not (every key but
    /// [`Self::ATLAS_KEYS`]): what its `cluster_vars` output holds, so that every key it hands
    /// the cluster is one the cluster's tree uses.
    pub fn entries_for(&self, atlas: bool) -> Vec<(&'static str, &T)> {
        self.entries()
            .into_iter()
            .filter(|(key, _)| atlas || !Self::ATLAS_KEYS.contains(key))
            .collect()
    }
}

/// Where the conformance suite reads its fixture of cluster vars.
pub const FIXTURE_PATH: &str = "tests/conformance/testdata/cluster-vars.json";

/// Where the conformance suite reads the fixture of an environment that does not use Atlas
/// (`<FIXTURE_PATH without .json>-<env>.json`): [`FIXTURE_PATH`] holds every key, the keys of
/// an environment that uses Atlas.
#[must_use]
pub fn fixture_path(environment: &str) -> String {
    format!("tests/conformance/testdata/cluster-vars-{environment}.json")
}

/// The fixture of an environment that uses Atlas (`atlas`) or not: each key it has, with its
/// example value, as a JSON object with sorted keys.
///
/// # Errors
/// Never in practice; a JSON serialization error would be reported as [`crate::Error::Json`].
pub fn fixture_json(atlas: bool) -> crate::Result<String> {
    let example = ClusterVars::example();
    let sorted: std::collections::BTreeMap<&str, &str> = example
        .entries_for(atlas)
        .into_iter()
        .map(|(key, value)| (key, *value))
        .collect();
    let mut text = serde_json::to_string_pretty(&sorted).map_err(|error| crate::Error::Json {
        what: FIXTURE_PATH.to_owned(),
        message: error.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_flux_substitutions() {
        let refs = ClusterVars::references();
        assert_eq!(refs.cluster_name.to_string(), "${CLUSTER_NAME}");
        assert_eq!(refs.vault_init_secret_arn.key(), "VAULT_INIT_SECRET_ARN");
    }

    #[test]
    fn keys_are_unique_screaming_snake_case() {
        let keys = ClusterVars::<()>::KEYS;
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "duplicate key in {keys:?}");
        for key in keys {
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{key}"
            );
        }
    }

    #[test]
    fn fixture_lists_every_key_once() {
        let parsed: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&fixture_json(true).unwrap()).unwrap();
        let mut keys: Vec<&str> = ClusterVars::<()>::KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(parsed.keys().map(String::as_str).collect::<Vec<_>>(), keys);
    }

    #[test]
    fn an_environment_without_atlas_has_no_atlas_key() {
        let parsed: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&fixture_json(false).unwrap()).unwrap();
        assert!(parsed.contains_key("CLUSTER_NAME"));
        assert!(!parsed.contains_key("SAMPLE_APP_MONGODB_ROLE_ARN"));
        assert!(!parsed.contains_key("SAMPLE_APP_MONGODB_SECRET_ARN"));
        assert_eq!(parsed.len() + 2, ClusterVars::<()>::KEYS.len());
    }
}
