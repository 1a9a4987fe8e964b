//! [`PlatformSpec`]: the modules, the bootstrap root and the environments the platform is made
//! from, and the rules across environments.

use crate::bootstrap;
use crate::{Environment, Error, Result};

/// Everything the platform is made from: the modules' defaults, the shared bootstrap root, and
/// one [`Environment`] per `environments/<name>.toml`. The default holds dev alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSpec {
    /// The network module (its input defaults).
    pub network: bkt_network::NetworkModule,
    /// The dns module (its input defaults).
    pub dns: bkt_network::DnsModule,
    /// The bootstrap root (the state bucket every environment's state lives in).
    pub bootstrap: bootstrap::BootstrapRoot,
    /// The github-oidc module (its input defaults).
    pub github_oidc: bkt_oidc::GithubOidcModule,
    /// The eks module (its input defaults).
    pub eks: bkt_eks::EksModule,
    /// The ecr module (its input defaults).
    pub ecr: bkt_eks::EcrModule,
    /// The workload-identity module.
    pub workload_identity: bkt_eks::WorkloadIdentityModule,
    /// The environments, each rendered into its own root, Atlas root, cluster entry and apps
    /// overlay; their order does not change a byte.
    pub environments: Vec<Environment>,
}

impl Default for PlatformSpec {
    fn default() -> Self {
        Self::with_environments(vec![Environment::named("dev")])
    }
}

impl PlatformSpec {
    /// The reference platform's modules and bootstrap with `environments`.
    #[must_use]
    pub fn with_environments(environments: Vec<Environment>) -> Self {
        Self {
            network: bkt_network::NetworkModule::default(),
            dns: bkt_network::DnsModule::default(),
            bootstrap: bootstrap::BootstrapRoot::default(),
            github_oidc: bkt_oidc::GithubOidcModule::default(),
            eks: bkt_eks::EksModule::default(),
            ecr: bkt_eks::EcrModule::default(),
            workload_identity: bkt_eks::WorkloadIdentityModule::default(),
            environments,
        }
    }

    /// The environments sorted by name, after the rules across them: unique names, domains and
    /// cluster names, non-overlapping VPC ranges (environments may be peered or share a transit
    /// gateway later; overlapping ranges would forbid it), one `local` flavour at most.
    ///
    /// # Errors
    /// [`Error::Environments`] naming both environments and what they share.
    pub fn checked_environments(&self) -> Result<Vec<&Environment>> {
        let mut environments: Vec<&Environment> = self.environments.iter().collect();
        environments.sort_by(|a, b| a.name().cmp(b.name()));
        if environments.is_empty() {
            return Err(Error::Environments {
                first: String::new(),
                second: String::new(),
                reason: "no environment: add environments/<name>.toml (generate --print-default-spec prints one)".to_owned(),
            });
        }
        for (index, first) in environments.iter().enumerate() {
            for second in &environments[index + 1..] {
                let clash = |reason: String| Error::Environments {
                    first: first.name().to_owned(),
                    second: second.name().to_owned(),
                    reason,
                };
                let (a, b) = (&first.root, &second.root);
                if a.environment == b.environment {
                    return Err(clash(
                        "two environments of one name: rename one file".to_owned(),
                    ));
                }
                if a.domain == b.domain {
                    return Err(clash(format!(
                        "both use the domain {:?}: give each environment its own (dns.domain), as their records and certificates would collide",
                        a.domain
                    )));
                }
                if a.cluster_name() == b.cluster_name() {
                    return Err(clash(format!(
                        "both name their cluster {:?}: rename one environment",
                        a.cluster_name()
                    )));
                }
                if (&a.state_bucket, a.state_key()) == (&b.state_bucket, b.state_key()) {
                    return Err(clash(
                        "both keep their state in the same object: rename one environment"
                            .to_owned(),
                    ));
                }
                let (x, y) = (a.cidr_block.net(), b.cidr_block.net());
                if x.contains(&y.network()) || y.contains(&x.network()) {
                    return Err(clash(format!(
                        "their VPC ranges {} and {} overlap: give each environment its own range (network.cidr_block), so they can be peered",
                        a.cidr_block, b.cidr_block
                    )));
                }
                if first.local_flavour && second.local_flavour {
                    return Err(clash(
                        "both ask for the local flavour (flux.local_flavour): keep it on one"
                            .to_owned(),
                    ));
                }
            }
        }
        Ok(environments)
    }
}
