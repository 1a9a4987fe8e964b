//! Render benchmarks (divan): the whole layout, and the network module alone.
//!
//! `make bench` runs them; targets are measured here, never asserted in tests.

use bkt_platform::{GENERATOR, PlatformSpec, render};

fn main() {
    divan::main();
}

/// The whole layout, as the generator renders it.
#[divan::bench]
fn whole_layout() -> bkt_platform::Tree {
    render(divan::black_box(&PlatformSpec::default())).unwrap()
}

/// The network module's five files.
#[divan::bench]
fn network_module() -> bkt_platform::Tree {
    divan::black_box(bkt_platform::network::NetworkModule::default())
        .to_tree(GENERATOR)
        .unwrap()
}
