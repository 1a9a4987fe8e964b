//! Helpers shared by the integration tests.

pub mod contract;
pub mod http;
pub mod testdb;
