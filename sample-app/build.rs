//! Records the compiler version for `/version` and `sample_app_build_info`, and rebuilds when
//! the injected build version changes.

use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=SAMPLE_APP_VERSION");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo::rustc-env=SAMPLE_APP_RUSTC_VERSION={version}");
}
