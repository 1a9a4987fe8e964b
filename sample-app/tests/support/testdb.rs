//! Starts real database servers for the integration tests, the same ones the Go service's tests
//! used: `MariaDB` from Debian's `mariadb-server` package, and a `MongoDB`-wire server, `FerretDB`
//! embedded with `SQLite` storage, built from `tools/cmd/mongowire` by the Go toolchain (`go tool
//! -n mongowire`, or the binary named by `MONGOWIRE`). Each runs as a child process on a free
//! loopback port in a throw-away directory and is killed when the test drops it.
//!
//! A missing server binary fails the test: a skipped integration test would let `make test`
//! pass without proving anything.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use tempfile::TempDir;

const SETUP_HINT: &str = "run `make setup` (it installs Debian's mariadb-server and the Go toolchain that builds tools/cmd/mongowire)";

fn look_binary(name: &str, dirs: &[&str]) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(dirs.iter().map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} not found in PATH or {dirs:?}: {SETUP_HINT}"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn current_user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            let out = Command::new("id").arg("-un").output().expect("id -un");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        })
}

/// A child process that is killed (and reaped) when dropped.
struct Owned(Child);

impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running `MariaDB` server.
pub struct MariaDb {
    /// 127.0.0.1 and the server's port.
    pub addr: SocketAddr,
    /// root over the Unix socket.
    pub admin: MySqlPool,
    _server: Owned,
    _dir: TempDir,
}

impl MariaDb {
    /// Initialises a data directory and runs `mariadbd` on a free loopback port.
    pub async fn start() -> Self {
        let sbin = ["/usr/sbin", "/usr/bin", "/usr/libexec"];
        let server = look_binary("mariadbd", &sbin);
        let install_db = look_binary("mariadb-install-db", &sbin);
        let dir = tempfile::tempdir().expect("temporary directory");
        let data = dir.path().join("data");
        // mariadbd refuses to run as root unless told the user explicitly.
        let user = format!("--user={}", current_user());
        let out = Command::new(install_db)
            .args([
                "--no-defaults",
                &format!("--datadir={}", data.display()),
                &user,
            ])
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .output()
            .expect("run mariadb-install-db");
        assert!(
            out.status.success(),
            "mariadb-install-db: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );

        let port = free_port();
        let socket = dir.path().join("mysqld.sock");
        let log = dir.path().join("error.log");
        let path_arg = |flag: &str, p: &Path| format!("--{flag}={}", p.display());
        let child = Command::new(server)
            .args([
                "--no-defaults",
                &path_arg("datadir", &data),
                &user,
                "--bind-address=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .args([
                path_arg("socket", &socket),
                path_arg("pid-file", &dir.path().join("mysqld.pid")),
            ])
            .args([path_arg("log-error", &log), path_arg("tmpdir", dir.path())])
            .args([
                "--skip-log-bin",
                "--innodb-buffer-pool-size=32M",
                "--skip-name-resolve",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        let server = Owned(child);

        let options = MySqlConnectOptions::new().socket(&socket).username("root");
        let deadline = Instant::now() + Duration::from_mins(1);
        let admin = loop {
            match MySqlPoolOptions::new()
                .max_connections(2)
                .connect_with(options.clone())
                .await
            {
                Ok(pool) => break pool,
                Err(e) if Instant::now() > deadline => {
                    let log = std::fs::read_to_string(&log).unwrap_or_default();
                    panic!("mariadbd did not accept connections within 60s: {e}\n{log}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            admin,
            _server: server,
            _dir: dir,
        }
    }

    /// Runs one administrative statement.
    pub async fn exec(&self, statement: &'static str) {
        sqlx::raw_sql(statement)
            .execute(&self.admin)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }

    /// Makes database `sampleapp` and user `app` limited to it, as a DBA would for the app, and
    /// returns the connection string with `password`.
    pub async fn create_app_database(&self, password: &'static str) -> String {
        self.exec("CREATE DATABASE sampleapp").await;
        let create = format!("CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '{password}'");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&self.admin)
            .await
            .expect("create user app");
        self.exec("GRANT ALL PRIVILEGES ON sampleapp.* TO 'app'@'127.0.0.1'")
            .await;
        self.dsn("app", password, "sampleapp")
    }

    /// The go-sql-driver connection string for `user` over TCP.
    pub fn dsn(&self, user: &str, password: &str, database: &str) -> String {
        format!("{user}:{password}@tcp({})/{database}", self.addr)
    }

    /// Kills every session of user `app`, as a database failover or a revoked lease would.
    pub async fn kill_app_sessions(&self) -> usize {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM information_schema.processlist WHERE user = 'app'")
                .fetch_all(&self.admin)
                .await
                .expect("list sessions");
        for id in &ids {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("KILL {id}")))
                .execute(&self.admin)
                .await;
        }
        ids.len()
    }
}

/// A running `MongoDB`-wire server.
pub struct MongoWire {
    /// `mongodb://127.0.0.1:port/`.
    pub uri: String,
    _server: Owned,
    _dir: TempDir,
}

impl MongoWire {
    pub fn start() -> Self {
        let binary = std::env::var_os("MONGOWIRE").map_or_else(build_mongowire, PathBuf::from);
        let dir = tempfile::tempdir().expect("temporary directory");
        // FerretDB logs every wire message it does not support; keep that out of the test output.
        let log =
            std::fs::File::create(dir.path().join("mongowire.log")).expect("mongowire log file");
        let mut child = Command::new(&binary)
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}; {SETUP_HINT}", binary.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let server = Owned(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let uri = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("mongowire did not print its URI within 30s");
        let uri = uri.trim().to_owned();
        assert!(
            uri.starts_with("mongodb://"),
            "mongowire printed {uri:?}, not its URI"
        );
        Self {
            uri,
            _server: server,
            _dir: dir,
        }
    }

    /// The URI with a database name.
    pub fn uri_for(&self, database: &str) -> String {
        format!("{}/{database}", self.uri.trim_end_matches('/'))
    }
}

fn build_mongowire() -> PathBuf {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools");
    let out = Command::new("go")
        .args(["tool", "-n", "mongowire"])
        .current_dir(&tools)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "run `go tool -n mongowire` in {}: {e}; {SETUP_HINT}",
                tools.display()
            )
        });
    assert!(
        out.status.success(),
        "build mongowire from {}: {}; {SETUP_HINT}",
        tools.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}
