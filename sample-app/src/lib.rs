//! The BKT Platform sample service: a small guestbook that shows how an application uses the
//! platform's configuration, secrets, database, metrics and logs. `main` only parses the
//! configuration and calls [`app::run`]; everything else is here, tested in-process.

pub mod app;
pub mod config;
pub mod httpapi;
pub mod logging;
pub mod store;
pub mod watch;

/// The build version: `SAMPLE_APP_VERSION` at compile time (the image build passes the Git
/// commit), `dev` otherwise.
pub const VERSION: &str = match option_env!("SAMPLE_APP_VERSION") {
    Some(v) => v,
    None => "dev",
};

/// The compiler that built the binary, for `/version` and `sample_app_build_info`.
pub const RUST_VERSION: &str = env!("SAMPLE_APP_RUSTC_VERSION");
