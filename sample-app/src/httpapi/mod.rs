//! The HTTP interface: the HTML page, the JSON API, health endpoints and metrics.
//!
//! [`Server::handle`] answers one request; it is what the listener calls and what the tests
//! call in-process.

mod decode;
mod metrics;
mod page;

use std::fmt::Display;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

pub use decode::{MAX_BODY_BYTES, MAX_MESSAGE_CHARS, ValidationError, decode_entry};
pub use metrics::{Metrics, RequestLabels, SERIES};

use crate::store::{Kind, Store};

const DEFAULT_LIST_LIMIT: usize = 20;
const MAX_LIST_LIMIT: usize = 100;
const PAGE_ENTRIES: usize = 10;
/// Bounds every database call a request makes, so that a hung database turns into a 503
/// instead of piling up requests.
const STORE_TIMEOUT: Duration = Duration::from_secs(3);
/// Bounds how long a client may take to send a request body, so that a stalled upload cannot
/// hold a connection (and a drain) for ever.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// The page's message, shared with the task that follows the message file.
#[derive(Debug, Clone)]
pub struct Message(Arc<RwLock<Arc<str>>>);

impl Message {
    /// A message that starts as `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        Self(Arc::new(RwLock::new(Arc::from(text))))
    }

    /// The current text.
    #[must_use]
    pub fn get(&self) -> Arc<str> {
        Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the text; returns whether it changed.
    pub fn set(&self, text: &str) -> bool {
        let mut current = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if &**current == text {
            return false;
        }
        *current = Arc::from(text);
        true
    }
}

/// What the handlers need from the outside world.
pub struct Options {
    /// Where entries are kept.
    pub store: Arc<dyn Store>,
    /// Its kind, for the page and the logs.
    pub store_kind: Kind,
    /// The page's message, read on every request so that config edits show.
    pub message: Message,
    /// The build version.
    pub version: String,
    /// Shown on the page.
    pub pod_name: String,
}

/// Serves every route; safe for concurrent use.
pub struct Server {
    opts: Options,
    metrics: Metrics,
    draining: AtomicBool,
    ids: RandomState,
    requests_seen: AtomicU64,
}

/// A response with its whole body in memory; every answer of this service is small.
pub type HttpResponse = Response<Full<Bytes>>;

/// The healthz body is fixed: liveness is probed often and must stay cheap.
const HEALTHZ_BODY: &[u8] = b"{\"status\":\"ok\"}\n";

impl Server {
    /// Builds the server and registers its metrics.
    #[must_use]
    pub fn new(opts: Options) -> Self {
        let metrics = Metrics::new(&opts.version);
        Self {
            opts,
            metrics,
            draining: AtomicBool::new(false),
            ids: RandomState::new(),
            requests_seen: AtomicU64::new(0),
        }
    }

    /// The metrics, for tests and for whoever embeds the server.
    #[must_use]
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Makes `/readyz` fail and every response carry `Connection: close`, so that load
    /// balancers and clients move to other pods while in-flight requests finish.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Answers one request: routes it, then gives it an id, logs one line and records metrics.
    /// The route label is the pattern, not the path, so that label cardinality stays bounded.
    pub async fn handle<B>(&self, req: Request<B>, remote: SocketAddr) -> HttpResponse
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let start = Instant::now();
        let id = self.request_id(req.headers().get("x-request-id"));
        let method = method_label(req.method());
        let path = req.uri().path().to_owned();
        self.metrics.in_flight.inc();
        let (route, mut response) = self.route(req, &id).await;
        self.metrics.in_flight.dec();

        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&id) {
            headers.insert("x-request-id", value);
        }
        if self.is_draining() {
            // Each connection ends with its next response, so clients reconnect (to other pods)
            // and no idle keep-alive connection is left for the shutdown to close under a client
            // that is about to reuse it.
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        let status = response.status().as_u16();
        let bytes = response.body().size_hint().exact().unwrap_or(0);
        let elapsed = start.elapsed();
        let labels = RequestLabels {
            method,
            route,
            status,
        };
        self.metrics.requests.get_or_create(&labels).inc();
        self.metrics
            .duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        #[allow(clippy::cast_precision_loss)] // microseconds of one request fit an f64 exactly
        let duration_ms = elapsed.as_micros() as f64 / 1000.0;
        tracing::info!(
            request_id = %id,
            method,
            route,
            path = %path,
            status,
            bytes,
            duration_ms,
            remote = %remote,
            "request"
        );
        response
    }

    async fn route<B>(&self, req: Request<B>, id: &str) -> (&'static str, HttpResponse)
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let read = matches!(*req.method(), Method::GET | Method::HEAD);
        match req.uri().path() {
            "/" if read => ("/", self.page(&req, id).await),
            "/api/entries" if read => ("/api/entries", self.list_entries(&req, id).await),
            "/api/entries" if req.method() == Method::POST => {
                ("/api/entries", self.create_entry(req, id).await)
            }
            "/api/entries" => (
                "/api/entries",
                method_not_allowed(req.method(), "GET, POST"),
            ),
            "/healthz" if read => (
                "/healthz",
                json_bytes(StatusCode::OK, Bytes::from_static(HEALTHZ_BODY)),
            ),
            "/readyz" if read => ("/readyz", self.readyz(id).await),
            "/version" if read => ("/version", self.version()),
            "/metrics" if read => ("/metrics", self.metrics_page()),
            route @ ("/" | "/healthz" | "/readyz" | "/version" | "/metrics") => {
                let route = match route {
                    "/" => "/",
                    "/healthz" => "/healthz",
                    "/readyz" => "/readyz",
                    "/version" => "/version",
                    _ => "/metrics",
                };
                (route, method_not_allowed(req.method(), "GET"))
            }
            path => {
                let message = format!("no route for {} {path}", req.method());
                ("unmatched", error(StatusCode::NOT_FOUND, &message))
            }
        }
    }

    async fn readyz(&self, id: &str) -> HttpResponse {
        #[derive(Serialize)]
        struct Ready<'a> {
            status: &'a str,
            database: &'a str,
        }
        let database = self.opts.store_kind.as_str();
        if self.is_draining() {
            return json(
                StatusCode::SERVICE_UNAVAILABLE,
                &Ready {
                    status: "shutting down",
                    database,
                },
            );
        }
        match tokio::time::timeout(STORE_TIMEOUT, self.opts.store.ping()).await {
            Ok(Ok(())) => json(
                StatusCode::OK,
                &Ready {
                    status: "ready",
                    database,
                },
            ),
            failed => {
                let reason = failed.map_or_else(
                    |_| "timed out".to_owned(),
                    |r| r.err().map(|e| e.to_string()).unwrap_or_default(),
                );
                tracing::warn!(request_id = %id, database, error = %reason, "readiness: database unreachable");
                json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &Ready {
                        status: "database unreachable",
                        database,
                    },
                )
            }
        }
    }

    fn version(&self) -> HttpResponse {
        #[derive(Serialize)]
        struct Version<'a> {
            version: &'a str,
            rust: &'a str,
        }
        json(
            StatusCode::OK,
            &Version {
                version: &self.opts.version,
                rust: crate::RUST_VERSION,
            },
        )
    }

    fn metrics_page(&self) -> HttpResponse {
        let mut response = Response::new(Full::new(Bytes::from(self.metrics.encode())));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        );
        response
    }

    async fn list_entries<B>(&self, req: &Request<B>, id: &str) -> HttpResponse {
        #[derive(Serialize)]
        struct List<'a> {
            entries: &'a [crate::store::Entry],
        }
        let mut limit = DEFAULT_LIST_LIMIT;
        for (key, value) in req
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.split_once('='))
        {
            if key == "limit" {
                match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_LIST_LIMIT).contains(&n) => limit = n,
                    _ => {
                        let message = format!(
                            "query parameter limit must be a whole number from 1 to {MAX_LIST_LIMIT}"
                        );
                        return error(StatusCode::BAD_REQUEST, &message);
                    }
                }
            }
        }
        match self.call_store(self.opts.store.list(limit), id).await {
            Ok(entries) => json(StatusCode::OK, &List { entries: &entries }),
            Err(response) => response,
        }
    }

    async fn create_entry<B>(&self, req: Request<B>, id: &str) -> HttpResponse
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json",
            );
        }
        let too_large = || {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("request body is larger than {MAX_BODY_BYTES} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return too_large();
        }
        // A body without Content-Length that grows past the limit is cut off while being read.
        let read = Limited::new(req.into_body(), MAX_BODY_BYTES).collect();
        let body = match tokio::time::timeout(BODY_READ_TIMEOUT, read).await {
            Err(_) => {
                let message = format!("request body not received within {BODY_READ_TIMEOUT:?}");
                return error(StatusCode::REQUEST_TIMEOUT, &message);
            }
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.is::<LengthLimitError>() => return too_large(),
            Ok(Err(e)) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("could not read request body: {e}"),
                );
            }
        };
        let message = match decode_entry(&body) {
            Ok(m) => m,
            Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
        };
        match self.call_store(self.opts.store.add(&message), id).await {
            Ok(entry) => {
                self.metrics.created.inc();
                let mut response = json(StatusCode::CREATED, &entry);
                response
                    .headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static("/api/entries"));
                response
            }
            Err(response) => response,
        }
    }

    async fn page<B>(&self, req: &Request<B>, id: &str) -> HttpResponse {
        // The page renders even when the database is down: it is also how people see that it is.
        let entries = match tokio::time::timeout(STORE_TIMEOUT, self.opts.store.list(PAGE_ENTRIES))
            .await
        {
            Ok(Ok(entries)) => Some(entries),
            failed => {
                let reason = failed.map_or_else(
                    |_| "timed out".to_owned(),
                    |r| r.err().map(|e| e.to_string()).unwrap_or_default(),
                );
                tracing::error!(request_id = %id, database = self.opts.store_kind.as_str(), error = %reason, "page: list entries");
                None
            }
        };
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let https = req
            .headers()
            .get("x-forwarded-proto")
            .is_some_and(|p| p == "https");
        let origin = format!("{}://{host}", if https { "https" } else { "http" });
        let message = self.opts.message.get();
        let html = page::Page {
            message: &message,
            version: &self.opts.version,
            pod_name: &self.opts.pod_name,
            database: self.opts.store_kind,
            entries: entries.as_deref(),
            origin: &origin,
        }
        .render();
        let mut response = Response::new(Full::new(Bytes::from(html)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        response
    }

    /// Runs a store call with the request's time bound. Failures are logged with their details
    /// and answered with a 503 that hides them.
    async fn call_store<T>(
        &self,
        call: impl Future<Output = crate::store::Result<T>>,
        id: &str,
    ) -> Result<T, HttpResponse> {
        let failure: Box<dyn Display> = match tokio::time::timeout(STORE_TIMEOUT, call).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(e)) => Box::new(e),
            Err(_) => Box::new(format!("no answer within {STORE_TIMEOUT:?}")),
        };
        tracing::error!(request_id = %id, database = self.opts.store_kind.as_str(), error = %failure, "database request failed");
        Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable; try again later",
        ))
    }

    /// Keeps the `X-Request-Id` a client or proxy sent when it is short and safe to log;
    /// otherwise makes a new one.
    fn request_id(&self, incoming: Option<&HeaderValue>) -> String {
        if let Some(id) = incoming.and_then(|v| v.to_str().ok())
            && is_safe_request_id(id)
        {
            return id.to_owned();
        }
        // A per-process random key over a counter: unique within the process, unguessable across.
        format!(
            "{:x}",
            self.ids
                .hash_one(self.requests_seen.fetch_add(1, Ordering::Relaxed))
        )
    }
}

/// Short and made of letters, digits, `-`, `_`, `.` only.
#[must_use]
pub fn is_safe_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn json_bytes(status: StatusCode, body: Bytes) -> HttpResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn json(status: StatusCode, value: &impl Serialize) -> HttpResponse {
    let mut body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    body.push(b'\n');
    json_bytes(status, Bytes::from(body))
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    #[derive(Serialize)]
    struct ErrorBody<'a> {
        error: &'a str,
    }
    json(status, &ErrorBody { error: message })
}

fn method_not_allowed(method: &Method, allow: &'static str) -> HttpResponse {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("method {method} is not allowed here; use {allow}"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

#[cfg(test)]
mod tests;
