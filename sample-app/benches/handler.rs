//! The per-request cost of the middleware around a trivial route: request id, one JSON log
//! line (formatted, then discarded), the request counter and the latency histogram.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use sample_app::httpapi::{Message, Options, Server};
use sample_app::logging::{self, Sink};
use sample_app::store::{Kind, MemoryStore};

fn main() {
    divan::main();
}

fn server() -> Server {
    Server::new(Options {
        store: Arc::new(MemoryStore::new(10)),
        store_kind: Kind::Memory,
        message: Message::new("m"),
        version: "bench".into(),
        pod_name: "bench".into(),
    })
}

#[divan::bench]
fn healthz(bencher: divan::Bencher) {
    let _logs =
        tracing::subscriber::set_default(logging::subscriber(tracing::Level::INFO, Sink::Discard));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let server = server();
    let remote = SocketAddr::from(([127, 0, 0, 1], 40000));
    bencher.bench_local(|| {
        let request = Request::get("/healthz")
            .body(Full::new(Bytes::new()))
            .expect("request");
        runtime.block_on(server.handle(request, remote))
    });
}

#[divan::bench]
fn list_twenty_entries(bencher: divan::Bencher) {
    let _logs =
        tracing::subscriber::set_default(logging::subscriber(tracing::Level::INFO, Sink::Discard));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let server = server();
    let remote = SocketAddr::from(([127, 0, 0, 1], 40000));
    for i in 0..20 {
        let body = Full::new(Bytes::from(format!(r#"{{"message":"entry {i}"}}"#)));
        let request = Request::post("/api/entries")
            .header("content-type", "application/json")
            .body(body)
            .expect("request");
        runtime.block_on(server.handle(request, remote));
    }
    bencher.bench_local(|| {
        let request = Request::get("/api/entries")
            .body(Full::new(Bytes::new()))
            .expect("request");
        runtime.block_on(server.handle(request, remote))
    });
}
