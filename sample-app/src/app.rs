//! Wiring and lifecycle: start, follow the message and secret files, drain on shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::httpapi::{Message, Options, Server};
use crate::store::{self, DEFAULT_MEMORY_CAPACITY, Kind, MemoryStore, Reloading, Store};

/// How long one connection attempt to the database may take before the next poll retries.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the service stopped other than by a clean shutdown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message file given with `--message-file` cannot be read at start.
    #[error("--message-file {path}: {source}; point it at a readable file or leave it unset")]
    MessageFile {
        /// The configured path.
        path: PathBuf,
        /// The read error.
        source: io::Error,
    },
    /// A database was configured without a connection-string file.
    #[error("--database-type={0} needs --database-dsn-file")]
    NoConnectionStringFile(Kind),
    /// The listen address cannot be bound.
    #[error("listen on {addr}: {source}; choose a free host:port with --addr")]
    Listen {
        /// The address from `--addr`.
        addr: String,
        /// The bind error.
        source: io::Error,
    },
    /// In-flight requests did not finish within `--shutdown-timeout`.
    #[error("shutdown: requests still in flight after --shutdown-timeout={0:?}")]
    ShutdownTimeout(Duration),
}

/// Resolves on SIGTERM (what Kubernetes sends) or Ctrl-C.
pub async fn termination() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot watch SIGTERM; only Ctrl-C stops the service");
            drop(tokio::signal::ctrl_c().await);
        }
    }
}

/// Serves until `shutdown` resolves, then fails readiness for `shutdown_delay` while still
/// serving, then stops accepting connections and waits up to `shutdown_timeout` for in-flight
/// requests.
///
/// # Errors
/// A message file that cannot be read at start, an address that cannot be bound, or requests
/// still running when the shutdown timeout ends. A database that is down is not an error: the
/// service starts, reports it on `/readyz`, and retries.
pub async fn run(cfg: Config, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
    let mut background: Vec<JoinHandle<()>> = Vec::new();
    let message = follow_message(&cfg, &mut background).await?;
    let store = open_store(&cfg, &mut background).await?;
    let server = Arc::new(Server::new(Options {
        store: Arc::clone(&store),
        store_kind: cfg.database_type,
        message,
        version: crate::VERSION.to_owned(),
        pod_name: cfg.pod_name.clone(),
    }));

    let listener = TcpListener::bind(cfg.bind_addr())
        .await
        .map_err(|source| Error::Listen {
            addr: cfg.addr.clone(),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| Error::Listen {
        addr: cfg.addr.clone(),
        source,
    })?;
    tracing::info!(addr = %local, version = crate::VERSION, database = cfg.database_type.as_str(), "listening");

    let connections = GracefulShutdown::new();
    accept_until(&listener, &server, &connections, shutdown).await;

    tracing::info!(delay = ?cfg.shutdown_delay, "shutdown: readiness now fails; still serving");
    server.start_draining();
    accept_until(
        &listener,
        &server,
        &connections,
        tokio::time::sleep(cfg.shutdown_delay),
    )
    .await;

    tracing::info!(timeout = ?cfg.shutdown_timeout, "shutdown: closing listener, waiting for in-flight requests");
    drop(listener);
    let drained = tokio::time::timeout(cfg.shutdown_timeout, connections.shutdown()).await;
    for task in &background {
        task.abort();
    }
    if let Err(err) = store.close().await {
        tracing::warn!(error = %err, "closing the database connections");
    }
    drained.map_err(|_| Error::ShutdownTimeout(cfg.shutdown_timeout))?;
    tracing::info!("shutdown complete");
    Ok(())
}

async fn accept_until(
    listener: &TcpListener,
    server: &Arc<Server>,
    connections: &GracefulShutdown,
    until: impl Future<Output = ()>,
) {
    tokio::pin!(until);
    loop {
        tokio::select! {
            () = &mut until => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => serve(stream, remote, server, connections),
                Err(err) => {
                    // Out of file descriptors, usually: back off instead of spinning.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
}

fn serve(
    stream: TcpStream,
    remote: SocketAddr,
    server: &Arc<Server>,
    connections: &GracefulShutdown,
) {
    // Small responses go out at once instead of waiting for Nagle's algorithm.
    drop(stream.set_nodelay(true));
    let server = Arc::clone(server);
    let service = hyper::service::service_fn(move |req| {
        let server = Arc::clone(&server);
        async move { Ok::<_, Infallible>(server.handle(req, remote).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = connections.watch(builder.serve_connection(TokioIo::new(stream), service));
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!(error = %err, remote = %remote, "connection ended with an error");
        }
    });
}

/// The page's message. With a message file (the chart's `ConfigMap`) it is read now, so that a
/// wrong path fails the start, and re-read in the background.
async fn follow_message(
    cfg: &Config,
    background: &mut Vec<JoinHandle<()>>,
) -> Result<Message, Error> {
    let Some(path) = cfg.message_file.clone() else {
        return Ok(Message::new(&cfg.message));
    };
    let text = tokio::fs::read_to_string(&path)
        .await
        .map_err(|source| Error::MessageFile {
            path: path.clone(),
            source,
        })?;
    let message = Message::new(text.trim());
    let current = message.clone();
    background.push(tokio::spawn(crate::watch::every(path.clone(), cfg.reload_interval, move |read| {
        match read {
            Ok(text) => {
                if current.set(text.trim()) {
                    tracing::info!(path = %path.display(), "message changed");
                }
            }
            // Keep the last good message: the kubelet swaps `ConfigMap` files atomically, so a
            // read error is a real problem worth a log line, not a reason to blank the page.
            Err(err) => tracing::error!(path = %path.display(), error = %err, "message file unreadable; keeping the last message"),
        }
        std::future::ready(())
    })));
    Ok(message)
}

/// The embedded store, or a database store that follows the connection-string file. A missing
/// or wrong secret does not stop the process: readiness reports it and the next poll retries,
/// because the Vault agent or the database may simply not be there yet.
async fn open_store(
    cfg: &Config,
    background: &mut Vec<JoinHandle<()>>,
) -> Result<Arc<dyn Store>, Error> {
    let kind = cfg.database_type;
    if kind == Kind::Memory {
        return Ok(Arc::new(MemoryStore::new(DEFAULT_MEMORY_CAPACITY)));
    }
    let path = cfg
        .database_dsn_file
        .clone()
        .ok_or(Error::NoConnectionStringFile(kind))?;
    let reloading = Arc::new(Reloading::new(Box::new(move |dsn: String| {
        Box::pin(async move { store::open(kind, &dsn).await })
    })));
    // The first attempt happens before the server starts, so that a healthy pod is ready at once.
    sync_connection_string(
        &reloading,
        tokio::fs::read_to_string(&path).await,
        &path,
        kind,
        cfg.reload_interval,
    )
    .await;
    let follower = Arc::clone(&reloading);
    let retry_in = cfg.reload_interval;
    background.push(tokio::spawn(crate::watch::every(
        path.clone(),
        retry_in,
        move |read| {
            let store = Arc::clone(&follower);
            let path = path.clone();
            async move { sync_connection_string(&store, read, &path, kind, retry_in).await }
        },
    )));
    Ok(reloading)
}

async fn sync_connection_string(
    store: &Reloading,
    read: io::Result<String>,
    path: &Path,
    kind: Kind,
    retry_in: Duration,
) {
    let database = kind.as_str();
    let dsn = match read {
        Ok(dsn) => dsn,
        Err(err) => {
            tracing::warn!(path = %path.display(), error = %err, "database connection-string file unreadable");
            store.fail(store::Error::SecretUnreadable(format!(
                "read {}: {err}",
                path.display()
            )));
            return;
        }
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, store.sync(&dsn)).await {
        Ok(Ok(true)) => tracing::info!(database, path = %path.display(), "database connected"),
        Ok(Ok(false)) => {}
        Ok(Err(err)) => {
            tracing::error!(database, retry_in = ?retry_in, error = %err, "database connection failed; retrying");
        }
        Err(_) => {
            tracing::error!(database, retry_in = ?retry_in, timeout = ?CONNECT_TIMEOUT, "database connection timed out; retrying");
        }
    }
}
