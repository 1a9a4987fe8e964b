//! The rules an environment root's fixed values must meet (the modules' and AWS's), checked
//! before it renders.

use crate::Result;

use super::EnvironmentRoot;

impl EnvironmentRoot {
    /// Checks the fixed values by the rules the modules and AWS apply to them.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] naming the first bad field and the fix.
    pub fn validate(&self) -> Result<()> {
        let environment_ok = (1..=16).contains(&self.environment.len())
            && self
                .environment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !environment_ok {
            return Err(crate::Error::invalid(
                "environment",
                &self.environment,
                "use 1-16 lowercase letters or digits (e.g. dev); the cluster is named bkt-<environment>",
            ));
        }
        let repository_ok = (2..=256).contains(&self.sample_app_repository.len())
            && self
                .sample_app_repository
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_./".contains(&b));
        if !repository_ok {
            return Err(crate::Error::invalid(
                "terraform.sample_app_repository",
                &self.sample_app_repository,
                "use an ECR repository name: lowercase letters, digits, '-', '_', '.', '/' (e.g. bkt-sample-app)",
            ));
        }
        crate::bootstrap::check_region("terraform.region", &self.region)?;
        self.load_balancers()?;
        if !(2..=3).contains(&self.availability_zones) {
            return Err(crate::Error::invalid(
                "network.availability_zones",
                self.availability_zones,
                "use 2 (the EKS minimum) or 3 zones",
            ));
        }
        let nodes = &self.nodes;
        if nodes.instance_types.is_empty() {
            return Err(crate::Error::invalid(
                "eks.nodes.instance_types",
                "[]",
                "name at least one EC2 instance type (e.g. [\"t3.large\"])",
            ));
        }
        if !(1 <= nodes.min_size
            && nodes.min_size <= nodes.desired_size
            && nodes.desired_size <= nodes.max_size)
        {
            return Err(crate::Error::invalid(
                "eks.nodes",
                format!(
                    "min_size {}, desired_size {}, max_size {}",
                    nodes.min_size, nodes.desired_size, nodes.max_size
                ),
                "use 1 <= min_size <= desired_size <= max_size (e.g. 2, 2, 4)",
            ));
        }
        Ok(())
    }
}
