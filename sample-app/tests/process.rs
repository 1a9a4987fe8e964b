//! The built binary run as a process, as the image runs it: exit codes, the version, files that
//! change under it, SIGTERM under load, and a Vault-agent-style secret against `MariaDB` and a
//! `MongoDB`-wire server (the Atlas path).

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::http::{self, Connection};
use crate::support::testdb::{MariaDb, MongoWire};

/// The binary under test: `SAMPLE_APP_BINARY` (the image's build, as `make app-test` passes it)
/// or the one Cargo built for these tests.
fn binary() -> PathBuf {
    std::env::var_os("SAMPLE_APP_BINARY").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_sample-app")),
        PathBuf::from,
    )
}

/// The running service and the log lines it has written so far.
struct Service {
    child: Child,
    addr: SocketAddr,
    logs: Arc<Mutex<Vec<Value>>>,
    exited: Arc<OnceLock<ExitStatus>>,
}

impl Service {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .arg("--addr=127.0.0.1:0")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start sample-app");
        let stdout = child.stdout.take().expect("piped stdout");
        let logs: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let value: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
                if value["msg"] == "listening" {
                    let _ = tx.send(value["addr"].as_str().unwrap_or_default().to_owned());
                }
                lines.lock().unwrap().push(value);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| {
                panic!(
                    "the service did not log 'listening' within 10s; status {:?}",
                    child.try_wait()
                )
            });
        let addr = addr.parse().expect("the listening address");
        Self {
            child,
            addr,
            logs,
            exited: Arc::default(),
        }
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the exit, at most `limit`.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let _ = self.exited.set(status);
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the service did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the service has logged `msg` at least `n` times.
    fn wait_for_log(&self, msg: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let count = self
                .logs
                .lock()
                .unwrap()
                .iter()
                .filter(|l| l["msg"] == msg)
                .count();
            if count >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the service logged {msg:?} {count} times within 15s, want {n}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if self.exited.get().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The build the image ships: `--version` prints the injected version, the binary is stripped,
/// within budget, and needs nothing beyond glibc's libraries, which the distroless `cc` base
/// image provides.
#[test]
fn binary_is_lean_and_versioned() {
    let binary = binary();
    let out = Command::new(&binary)
        .arg("--version")
        .output()
        .expect("run --version");
    let want = std::env::var("SAMPLE_APP_EXPECTED_VERSION")
        .unwrap_or_else(|_| sample_app::VERSION.to_owned());
    assert_eq!(
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (true, want.as_str())
    );

    let dynamic = Command::new("readelf")
        .args(["--dynamic", "--wide"])
        .arg(&binary)
        .output()
        .expect("run readelf (binutils)");
    let dynamic = String::from_utf8_lossy(&dynamic.stdout);
    let allowed = [
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1",
    ];
    for line in dynamic.lines().filter(|l| l.contains("(NEEDED)")) {
        let lib = line
            .split('[')
            .nth(1)
            .and_then(|r| r.split(']').next())
            .unwrap_or_default();
        assert!(
            allowed.contains(&lib),
            "the binary needs {lib}, which the distroless cc image lacks"
        );
    }
    // The size and stripping budgets hold for the image's build (profile app-release), which
    // `make app-test` passes in; a test build carries debug information.
    if std::env::var_os("SAMPLE_APP_BINARY").is_some() {
        let size = std::fs::metadata(&binary).expect("binary metadata").len();
        assert!(
            size < 20 << 20,
            "the binary is {size} bytes; the budget is 20 MiB"
        );
        let sections = Command::new("readelf")
            .args(["--sections", "--wide"])
            .arg(&binary)
            .output()
            .expect("run readelf");
        assert!(
            !String::from_utf8_lossy(&sections.stdout).contains(".symtab"),
            "the release binary is not stripped"
        );
    }
}

#[test]
fn invalid_settings_exit_2_naming_the_fix() {
    let out = Command::new(binary())
        .args(["--database-type=oracle", "--log-level=loud"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "--database-type: unknown database type \"oracle\": use memory, mysql or mongodb"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("--log-level \"loud\": use debug, info, warn or error"),
        "{stderr}"
    );
    let out = Command::new(binary())
        .env("SHUTDOWN_TIMEOUT", "soon")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHUTDOWN_TIMEOUT"));
}

#[test]
fn a_message_file_that_cannot_be_read_stops_the_start() {
    let out = Command::new(binary())
        .args(["--addr=127.0.0.1:0", "--message-file=/nonexistent/message"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let logs = String::from_utf8_lossy(&out.stdout);
    assert!(
        logs.contains("\"msg\":\"exiting\"") && logs.contains("/nonexistent/message"),
        "{logs}"
    );
}

/// Replaces a file in one step, as the kubelet (symlink swap) and the Vault agent do.
fn replace_file(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

#[test]
fn message_file_changes_live() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("message");
    std::fs::write(&file, "Hello from the first release\n").unwrap();
    let mut service = Service::start(&[
        &format!("--message-file={}", file.display()),
        "--reload-interval=50ms",
    ]);
    let page = http::get(service.addr, "/").body;
    assert!(
        page.contains("<h1>Hello from the first release</h1>"),
        "{page}"
    );
    replace_file(&file, "Changed by a chart upgrade");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !http::get(service.addr, "/")
        .body
        .contains("<h1>Changed by a chart upgrade</h1>")
    {
        assert!(
            Instant::now() < deadline,
            "the page did not show the new message within 5s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    service.wait_for_log("message changed", 1);
    service.terminate();
    assert!(service.wait(Duration::from_secs(10)).success());
}

/// What the load-generating clients saw.
#[derive(Default)]
struct Load {
    ok: AtomicU64,
    after_signal: AtomicU64,
    dropped: Mutex<Vec<String>>,
    /// Nanoseconds after the test's start when SIGTERM was sent; zero before.
    signalled_at: Arc<AtomicU64>,
}

impl Load {
    /// One client: keep-alive requests, alternating writes and reads, while the balancer keeps
    /// the pod in rotation; a new connection whenever the server closes one. Stops at the first
    /// failure, which counts as dropped.
    fn client(&self, addr: SocketAddr, worker: usize, in_rotation: impl Fn() -> bool) {
        let mut connection: Option<Connection> = None;
        let mut i = 0_usize;
        while in_rotation() {
            let result = match connection.take() {
                Some(c) if !c.closing => Ok(c),
                _ => Connection::open(addr),
            }
            .and_then(|mut c| {
                let answer = if (worker + i).is_multiple_of(2) {
                    c.request(
                        "POST",
                        "/api/entries",
                        Some("application/json"),
                        r#"{"message":"load"}"#,
                    )
                } else {
                    c.request("GET", "/api/entries?limit=5", None, "")
                }?;
                Ok((c, answer))
            });
            i += 1;
            let failure = match result {
                Ok((c, answer)) if answer.status < 300 => {
                    connection = Some(c);
                    self.ok.fetch_add(1, Ordering::SeqCst);
                    if self.signalled_at.load(Ordering::SeqCst) != 0 {
                        self.after_signal.fetch_add(1, Ordering::SeqCst);
                    }
                    continue;
                }
                Ok((_, answer)) => format!("status {}: {}", answer.status, answer.body),
                Err(e) => e.to_string(),
            };
            self.dropped.lock().unwrap().push(failure);
            return;
        }
    }
}

/// SIGTERM while clients are busy and one request is still being uploaded. The clients stand
/// behind a model of the load balancer: it polls `/readyz` and, like endpoint removal in
/// Kubernetes, stops sending new requests a little after readiness fails. Every request sent
/// must get a 2xx answer, the upload must complete, and the process must exit 0.
#[test]
fn shutdown_under_load_drops_nothing() {
    const DRAIN: Duration = Duration::from_secs(2); // --shutdown-delay; the chart sets more
    const LAG: Duration = Duration::from_millis(300); // from failing readiness to no new requests
    let mut service = Service::start(&["--shutdown-delay=2s", "--shutdown-timeout=10s"]);
    let addr = service.addr;
    let start = Instant::now();
    let nanos = move |t: Instant| {
        u64::try_from(t.duration_since(start).as_nanos())
            .unwrap_or(u64::MAX)
            .max(1)
    };
    // Zero means "not yet": nanoseconds since `start` otherwise.
    let signalled_at = Arc::new(AtomicU64::new(0));
    let deregistered_at = Arc::new(AtomicU64::new(0));
    let in_rotation = {
        let deregistered_at = Arc::clone(&deregistered_at);
        move || {
            let d = deregistered_at.load(Ordering::SeqCst);
            d == 0 || nanos(Instant::now()) < d + u64::try_from(LAG.as_nanos()).unwrap_or(u64::MAX)
        }
    };
    let stop_balancer = Arc::new(AtomicBool::new(false));
    let balancer = {
        let (stop, deregistered_at) = (Arc::clone(&stop_balancer), Arc::clone(&deregistered_at));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
                let ready = Connection::open(addr)
                    .and_then(|mut c| c.request("GET", "/readyz", None, ""))
                    .is_ok_and(|a| a.status == 200);
                if !ready && deregistered_at.load(Ordering::SeqCst) == 0 {
                    deregistered_at.store(nanos(Instant::now()), Ordering::SeqCst);
                }
            }
        })
    };

    let load = Arc::new(Load {
        signalled_at: Arc::clone(&signalled_at),
        ..Load::default()
    });
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let (load, in_rotation) = (Arc::clone(&load), in_rotation.clone());
            std::thread::spawn(move || load.client(addr, w, in_rotation))
        })
        .collect();

    // A request whose body is still arriving when the listener closes.
    let body = r#"{"message":"uploaded across the shutdown"}"#;
    let mut slow = Connection::open(addr).expect("connect the slow upload");
    slow.write(format!("POST /api/entries HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}", body.len(), &body[..10]).as_bytes())
        .expect("start the upload");

    std::thread::sleep(Duration::from_secs(1));
    signalled_at.store(nanos(Instant::now()), Ordering::SeqCst);
    service.terminate();

    // Finish the upload after the drain delay, when the shutdown is already waiting for it.
    std::thread::sleep(DRAIN + Duration::from_millis(500));
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "the listener still accepts after the drain delay"
    );
    slow.write(&body.as_bytes()[10..])
        .expect("finish the in-flight upload");
    let answer = slow
        .read_answer()
        .expect("the in-flight request got no response");
    assert_eq!(answer.status, 201, "in-flight upload: {}", answer.body);

    for w in workers {
        w.join().expect("worker");
    }
    stop_balancer.store(true, Ordering::SeqCst);
    balancer.join().expect("balancer");
    let status = service.wait(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}; want 0");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "the port still accepts connections after exit"
    );

    let dropped = load.dropped.lock().unwrap();
    let (ok, after_signal) = (
        load.ok.load(Ordering::SeqCst),
        load.after_signal.load(Ordering::SeqCst),
    );
    eprintln!(
        "requests: {ok} ok, {after_signal} of them after SIGTERM; {} dropped",
        dropped.len()
    );
    assert!(
        dropped.is_empty(),
        "{} requests were dropped; first: {:?}",
        dropped.len(),
        dropped.first()
    );
    let (signalled, deregistered) = (
        signalled_at.load(Ordering::SeqCst),
        deregistered_at.load(Ordering::SeqCst),
    );
    // Generous for a loaded CI machine; the drain delay is what must outlast it.
    assert!(
        deregistered > 0 && deregistered.saturating_sub(signalled) < 1_000_000_000,
        "readiness did not fail within 1s of SIGTERM"
    );
    assert!(
        ok >= 200 && after_signal >= 20,
        "too little load to prove anything: {ok} ok, {after_signal} after SIGTERM"
    );
}

/// Plays the Vault agent against a real `MariaDB`: the secret file appears only after the start,
/// then is rewritten on rotation. Readiness must follow the file, and after rotation the service
/// must use the new credentials: the old sessions are killed and the old password is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_secret_file_followed() {
    let db = MariaDb::start().await;
    let dsn = db.create_app_database("first-Secret").await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("db");
    let args = [
        "--database-type=mysql".to_owned(),
        format!("--database-dsn-file={}", secret.display()),
        "--reload-interval=100ms".to_owned(),
    ];
    let service =
        tokio::task::spawn_blocking(move || Service::start(&args.each_ref().map(String::as_str)))
            .await
            .unwrap();
    let addr = service.addr;
    let blocking = |f: Box<dyn FnOnce() + Send>| tokio::task::spawn_blocking(f);

    blocking(Box::new(move || {
        assert_eq!(
            http::get(addr, "/readyz").status,
            503,
            "/readyz without the secret file"
        );
        let a = http::get(addr, "/api/entries");
        assert!(
            a.status == 503 && a.body.contains("\"error\""),
            "GET /api/entries without a database: {} {}",
            a.status,
            a.body
        );
    }))
    .await
    .unwrap();

    replace_file(&secret, &format!("{dsn}\n"));
    let service = tokio::task::spawn_blocking(move || {
        service.wait_for_log("database connected", 1);
        service
    })
    .await
    .unwrap();
    blocking(Box::new(move || {
        assert_eq!(
            http::get(addr, "/readyz").status,
            200,
            "/readyz with the secret in place"
        );
        http::post_entry(addr, "before rotation");
    }))
    .await
    .unwrap();

    db.exec("ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY 'second-Secret'")
        .await;
    replace_file(&secret, &db.dsn("app", "second-Secret", "sampleapp"));
    let mut service = tokio::task::spawn_blocking(move || {
        service.wait_for_log("database connected", 2);
        service
    })
    .await
    .unwrap();
    let killed = db.kill_app_sessions().await;
    assert!(killed > 0, "the service held no session to kill");

    blocking(Box::new(move || {
        http::post_entry(addr, "after rotation");
        let body = http::get(addr, "/api/entries").body;
        assert!(
            body.contains("before rotation") && body.contains("after rotation"),
            "entries across the rotation: {body}"
        );
    }))
    .await
    .unwrap();
    service.terminate();
    let status = tokio::task::spawn_blocking(move || service.wait(Duration::from_secs(15)))
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
}

/// The Atlas path as the pod runs it: the DSN arrives in the Vault agent's file, and `/readyz`
/// follows the `MongoDB` server itself — ready while it answers, not ready once it is gone — so
/// the Service and the ALB take the pods out when Atlas is unreachable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_mongodb_server() {
    let server = MongoWire::start();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("db");
    replace_file(&secret, &format!("{}\n", server.uri_for("sampleapp")));
    let args = [
        "--database-type=mongodb".to_owned(),
        format!("--database-dsn-file={}", secret.display()),
    ];
    let mut service = tokio::task::spawn_blocking(move || {
        let service = Service::start(&args.each_ref().map(String::as_str));
        service.wait_for_log("database connected", 1);
        service
    })
    .await
    .unwrap();
    let addr = service.addr;
    let ready = tokio::task::spawn_blocking(move || http::get(addr, "/readyz"))
        .await
        .unwrap();
    assert_eq!(
        (ready.status, ready.body.trim_end()),
        (200, r#"{"status":"ready","database":"mongodb"}"#),
        "/readyz with the MongoDB server up"
    );

    drop(server);
    let gone = tokio::task::spawn_blocking(move || http::get(addr, "/readyz"))
        .await
        .unwrap();
    assert_eq!(
        (gone.status, gone.body.trim_end()),
        (
            503,
            r#"{"status":"database unreachable","database":"mongodb"}"#
        ),
        "/readyz once the MongoDB server is gone"
    );
    service.terminate();
    let status = tokio::task::spawn_blocking(move || service.wait(Duration::from_secs(15)))
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
}
