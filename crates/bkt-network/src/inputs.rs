//! The network module's input variables as one value, shared by the module's files (the VPC's
//! resources in `module.rs`, the load balancers' in `load_balancer.rs`).

use bkt_core::hcl::Variable;

/// The module's input variables, kept together so resources can refer to them.
pub(crate) struct Inputs {
    pub(crate) name: Variable,
    pub(crate) cidr_block: Variable,
    pub(crate) availability_zones: Variable,
    pub(crate) nat_gateway_mode: Variable,
    pub(crate) cluster_name: Variable,
    pub(crate) flow_log_retention_days: Variable,
    pub(crate) load_balancers: Variable,
    pub(crate) tags: Variable,
}
