//! In-process tests of every route: requests go straight to [`Server::handle`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Request, StatusCode};
use serde_json::Value;

use super::*;
use crate::logging::{self, Sink};
use crate::store::{BoxFuture, Entry, Error, MemoryStore, Result, Store};

/// Fails every call, like a database that went away.
struct DownStore;

fn down() -> Error {
    Error::Backend("dial tcp 10.0.0.1:3306: connect: connection refused".into())
}

impl Store for DownStore {
    fn add<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Entry>> {
        Box::pin(std::future::ready(Err(down())))
    }
    fn list(&self, _: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
        Box::pin(std::future::ready(Err(down())))
    }
    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(std::future::ready(Err(down())))
    }
    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

struct Fixture {
    server: Server,
    store: Arc<dyn Store>,
    message: Message,
    logs: Arc<Mutex<Vec<u8>>>,
    _log_guard: tracing::subscriber::DefaultGuard,
}

struct Answer {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "body {}",
            self.body
        );
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON: {e}; body {}", self.body))
    }

    fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }
}

const REMOTE: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40000);

/// Tests run on tokio's current-thread runtime, so the thread-local log subscriber sees every
/// line the handlers write.
fn fixture(store: Arc<dyn Store>) -> Fixture {
    let logs = Arc::new(Mutex::new(Vec::new()));
    let guard = tracing::subscriber::set_default(logging::subscriber(
        tracing::Level::INFO,
        Sink::Buffer(Arc::clone(&logs)),
    ));
    let message = Message::new("Hello from the chart");
    let server = Server::new(Options {
        store: Arc::clone(&store),
        store_kind: Kind::Memory,
        message: message.clone(),
        version: "v1.2.3".into(),
        pod_name: "sample-app-abc".into(),
    });
    Fixture {
        server,
        store,
        message,
        logs,
        _log_guard: guard,
    }
}

impl Fixture {
    async fn send<B>(&self, req: Request<B>) -> Answer
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let response = self.server.handle(req, REMOTE).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .map(http_body_util::Collected::to_bytes)
            .unwrap_or_default();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    async fn call(
        &self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(target)
            .header("host", "sample-app.example");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        self.send(req.body(Full::new(Bytes::copy_from_slice(body))).unwrap())
            .await
    }

    async fn get(&self, target: &str) -> Answer {
        self.call("GET", target, None, b"").await
    }

    fn log_lines(&self) -> Vec<Value> {
        let text = String::from_utf8(self.logs.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {l}"))
            })
            .collect()
    }
}

fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new(100))
}

#[tokio::test]
async fn create_and_list_entries() {
    let f = fixture(memory());
    for m in ["first", "second"] {
        let a = f
            .call(
                "POST",
                "/api/entries",
                Some("application/json; charset=utf-8"),
                format!(r#"{{"message":"{m}"}}"#).as_bytes(),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(a.headers.get("location").unwrap(), "/api/entries");
        let e = a.json();
        assert_eq!(e["message"], m);
        assert!(
            e["id"].as_str().is_some_and(|id| !id.is_empty())
                && e["created_at"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{e}"
        );
    }
    let a = f.get("/api/entries").await;
    assert_eq!(a.status, StatusCode::OK);
    let messages: Vec<_> = a.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].clone())
        .collect();
    assert_eq!(messages, ["second", "first"]);
    assert_eq!(
        f.get("/api/entries?limit=1").await.json()["entries"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(f.server.metrics().created.get(), 2);
}

#[tokio::test]
async fn an_empty_list_is_an_empty_array() {
    let f = fixture(memory());
    assert_eq!(f.get("/api/entries").await.body, "{\"entries\":[]}\n");
}

/// A bad request: name, content type, body, expected status, text the error must contain.
type Case<'a> = (&'a str, Option<&'a str>, &'a [u8], StatusCode, &'a str);

/// Every bad request gets a 4xx with a JSON error naming the problem, and nothing is stored.
#[tokio::test]
async fn create_entry_rejects_bad_requests() {
    let f = fixture(memory());
    let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(MAX_MESSAGE_CHARS + 1));
    let oversized = format!(
        r#"{{"message":"a","pad":"{}"}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    let cases: &[Case] = &[
        (
            "no content type",
            None,
            br#"{"message":"a"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            "form post",
            Some("application/x-www-form-urlencoded"),
            b"message=a",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            "JSON-ish type",
            Some("application/jsonx"),
            br#"{"message":"a"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type",
        ),
        (
            "invalid JSON",
            Some("application/json"),
            br#"{"message":"#,
            StatusCode::BAD_REQUEST,
            "truncated",
        ),
        (
            "invalid UTF-8",
            Some("application/json"),
            b"{\"message\":\"\xc3\x28\"}",
            StatusCode::BAD_REQUEST,
            "UTF-8",
        ),
        (
            "unknown field",
            Some("application/json"),
            br#"{"message":"a","author":"b"}"#,
            StatusCode::BAD_REQUEST,
            "unknown field \"author\"",
        ),
        (
            "empty message",
            Some("application/json"),
            br#"{"message":""}"#,
            StatusCode::BAD_REQUEST,
            "empty",
        ),
        (
            "long message",
            Some("application/json"),
            long.as_bytes(),
            StatusCode::BAD_REQUEST,
            "limit is 280",
        ),
        (
            "oversized body",
            Some("application/json"),
            oversized.as_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than 4096 bytes",
        ),
    ];
    for (name, ct, body, status, want) in cases {
        let a = f.call("POST", "/api/entries", *ct, body).await;
        assert_eq!(a.status, *status, "{name}: {}", a.body);
        assert!(
            a.error().contains(want),
            "{name}: error {:?} does not mention {want:?}",
            a.error()
        );
    }
    assert_eq!(
        f.store.list(100).await,
        Ok(vec![]),
        "bad requests stored entries"
    );
}

/// A body without Content-Length that grows past the limit is cut off while being read, and a
/// declared length over the limit is refused before any of the body is read.
#[tokio::test]
async fn oversized_bodies_are_refused_early() {
    let f = fixture(memory());
    let chunks = [
        Bytes::from_static(br#"{"message":""#),
        Bytes::from("a".repeat(2 * MAX_BODY_BYTES)),
        Bytes::from_static(br#""}"#),
    ];
    let read = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&read);
    let stream = futures_util::stream::iter(chunks).map(move |c| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok::<_, Infallible>(Frame::data(c))
    });
    let req = Request::post("/api/entries")
        .header("content-type", "application/json")
        .body(StreamBody::new(stream))
        .unwrap();
    let a = f.send(req).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert_eq!(
        read.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the last chunk should not have been read"
    );

    let never_read = futures_util::stream::pending::<Result<Frame<Bytes>, Infallible>>();
    let req = Request::post("/api/entries")
        .header("content-type", "application/json")
        .header("content-length", (MAX_BODY_BYTES + 1).to_string())
        .body(StreamBody::new(never_read))
        .unwrap();
    let a = tokio::time::timeout(Duration::from_secs(5), f.send(req))
        .await
        .expect("the handler waited for the body");
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A body that stops arriving gets a 408 instead of holding the connection for ever.
#[tokio::test(start_paused = true)]
async fn a_stalled_body_times_out() {
    let f = fixture(memory());
    let stalled = futures_util::stream::iter([Ok::<_, Infallible>(Frame::data(
        Bytes::from_static(b"{\"mess"),
    ))])
    .chain(futures_util::stream::pending());
    let req = Request::post("/api/entries")
        .header("content-type", "application/json")
        .body(StreamBody::new(stalled))
        .unwrap();
    let a = f.send(req).await;
    assert_eq!(a.status, StatusCode::REQUEST_TIMEOUT, "{}", a.body);
    assert_eq!(a.error(), "request body not received within 15s");
    assert_eq!(f.store.list(10).await, Ok(vec![]));
}

#[tokio::test]
async fn list_limit_is_validated() {
    let f = fixture(memory());
    for q in ["0", "101", "ten", "-1", ""] {
        let a = f.get(&format!("/api/entries?limit={q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "limit={q}");
        assert!(
            a.error()
                .contains("limit must be a whole number from 1 to 100"),
            "{}",
            a.body
        );
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let f = fixture(memory());
    let a = f.call("DELETE", "/api/entries", None, b"").await;
    assert_eq!(
        (
            a.status,
            a.headers.get("allow").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET, POST"))
    );
    assert!(
        a.error().contains("method DELETE is not allowed here"),
        "{}",
        a.body
    );
    let a = f.call("POST", "/healthz", None, b"").await;
    assert_eq!(
        (
            a.status,
            a.headers.get("allow").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET"))
    );
    let a = f.get("/nope").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.error(), "no route for GET /nope");
}

#[tokio::test]
async fn database_down() {
    let f = fixture(Arc::new(DownStore));
    for (method, ct, body) in [
        ("GET", None, &b""[..]),
        ("POST", Some("application/json"), &br#"{"message":"a"}"#[..]),
    ] {
        let a = f.call(method, "/api/entries", ct, body).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{method}");
        assert!(
            !a.error().contains("10.0.0.1"),
            "the error leaks database details: {}",
            a.body
        );
        assert_eq!(a.error(), "the database is unavailable; try again later");
    }
    let logged = f.log_lines();
    assert!(
        logged.iter().any(|l| l["msg"] == "database request failed"
            && l["error"]
                .as_str()
                .is_some_and(|e| e.contains("10.0.0.1:3306"))),
        "the log does not carry the database error: {logged:?}"
    );
    let a = f.get("/readyz").await;
    assert_eq!(
        (a.status, a.json()["status"].clone()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Value::from("database unreachable")
        )
    );
    assert_eq!(
        f.get("/healthz").await.status,
        StatusCode::OK,
        "/healthz must not depend on the database"
    );
    let a = f.get("/").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("unreachable"), "{}", a.body);
}

#[tokio::test]
async fn readiness_fails_while_draining() {
    let f = fixture(memory());
    let a = f.get("/readyz").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.headers.get("connection").is_none());
    f.server.start_draining();
    let a = f.get("/readyz").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        a.headers.get("connection").unwrap(),
        "close",
        "draining responses must close the connection"
    );
    assert_eq!(
        f.get("/healthz").await.status,
        StatusCode::OK,
        "the pod must not be killed early"
    );
}

#[tokio::test]
async fn page_shows_config_and_entries_escaped() {
    let f = fixture(memory());
    let a = f
        .call(
            "POST",
            "/api/entries",
            Some("application/json"),
            br#"{"message":"<script>alert(1)</script>"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let a = f.get("/").await;
    assert_eq!(
        a.headers.get("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert!(a.headers.get("content-security-policy").is_some());
    for want in [
        "<h1>Hello from the chart</h1>",
        "v1.2.3",
        "sample-app-abc",
        "memory",
        "reachable",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "http://sample-app.example/api/entries",
    ] {
        assert!(
            a.body.contains(want),
            "the page does not contain {want:?}:\n{}",
            a.body
        );
    }
    assert!(
        !a.body.contains("<script>"),
        "the page does not escape entry text"
    );
    f.message.set("Changed in the ConfigMap");
    assert!(
        f.get("/")
            .await
            .body
            .contains("<h1>Changed in the ConfigMap</h1>"),
        "the page does not show the new message"
    );
    let empty = fixture(memory());
    assert!(empty.get("/").await.body.contains("No entries yet."));
}

#[tokio::test]
async fn version_and_health() {
    let f = fixture(memory());
    let v = f.get("/version").await.json();
    assert_eq!(v["version"], "v1.2.3");
    assert!(
        v["rust"].as_str().is_some_and(|r| r.starts_with("1.")),
        "{v}"
    );
    assert_eq!(f.get("/healthz").await.json()["status"], "ok");
    assert_eq!(
        f.call("HEAD", "/healthz", None, b"").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn metrics_and_request_log() {
    let f = fixture(memory());
    f.get("/api/entries").await;
    f.call("POST", "/api/entries", Some("application/json"), b"{}")
        .await;
    let req = Request::get("/healthz")
        .header("x-request-id", "trace-abc.1")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let a = f.send(req).await;
    assert_eq!(
        a.headers.get("x-request-id").unwrap(),
        "trace-abc.1",
        "the caller's id is kept"
    );

    let count = |method, route, status| {
        f.server
            .metrics()
            .requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .get()
    };
    assert_eq!(count("GET", "/api/entries", 200), 1);
    assert_eq!(count("POST", "/api/entries", 400), 1);
    let metrics = f.get("/metrics").await;
    assert!(
        metrics
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    for want in [
        "sample_app_build_info{version=\"v1.2.3\",rustversion=\"1.",
        "sample_app_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
        "sample_app_http_requests_total{method=\"GET\",route=\"/api/entries\",status=\"200\"} 1",
        "sample_app_http_requests_in_flight 1",
        "sample_app_entries_created_total 0",
        "process_resident_memory_bytes ",
        "process_open_fds ",
    ] {
        assert!(
            metrics.body.contains(want),
            "/metrics lacks {want:?}:\n{}",
            metrics.body
        );
    }
    let resident = metrics
        .body
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .and_then(|v| v.parse::<f64>().ok());
    assert!(
        resident.is_some_and(|r| r > 0.0),
        "process_resident_memory_bytes = {resident:?}"
    );

    let lines = f.log_lines();
    assert_eq!(lines.len(), 4, "one line per request: {lines:?}");
    let healthz = &lines[2];
    assert_eq!(
        (
            &healthz["msg"],
            &healthz["request_id"],
            &healthz["route"],
            &healthz["status"],
            &healthz["method"],
            &healthz["path"]
        ),
        (
            &Value::from("request"),
            &Value::from("trace-abc.1"),
            &Value::from("/healthz"),
            &Value::from(200),
            &Value::from("GET"),
            &Value::from("/healthz")
        )
    );
    assert!(
        healthz["duration_ms"].is_f64()
            && healthz["bytes"] == 16
            && healthz["remote"] == "127.0.0.1:40000",
        "{healthz}"
    );
    let generated = lines[0]["request_id"].as_str().unwrap_or_default();
    assert!(
        is_safe_request_id(generated),
        "a request without X-Request-Id got {generated:?}"
    );
    assert_ne!(
        generated,
        lines[1]["request_id"].as_str().unwrap_or_default(),
        "request ids repeat"
    );
}

#[test]
fn unsafe_request_ids_are_replaced() {
    for bad in ["", &"a".repeat(65), "a b", "a\nb", "\"quoted\"", "ü"] {
        assert!(!is_safe_request_id(bad), "{bad:?} kept");
    }
    for good in [
        "trace-abc.1",
        "0af7651916cd43dd8448eb211c80319c",
        &"a".repeat(64),
    ] {
        assert!(is_safe_request_id(good), "{good:?} replaced");
    }
}

#[test]
fn message_set_reports_changes() {
    let m = Message::new("a");
    assert!(!m.set("a"));
    assert!(m.set("b"));
    assert_eq!(&*m.get(), "b");
}
