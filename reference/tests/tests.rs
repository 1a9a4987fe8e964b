//! The reference platform's integration tests, in one binary: its controllers, configs, platform
//! layer, SSO wiring and Vault folders as a user of the `bkt_flux` API builds them.

mod atlas;
mod configs;
mod controllers;
mod helm_charts;
mod helm_properties;
mod helm_sso;
mod platform;
mod sample_app;
mod sso;
mod vault;
