//! `MySQL`-compatible databases: the platform's `MariaDB`, Amazon RDS or Aurora.
//!
//! The connection string is the go-sql-driver DSN the chart's Vault template renders,
//! `user:password@tcp(host:3306)/dbname?tls=true`, so that the secret format did not change
//! when the service moved from Go to Rust.

use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlSslMode};
use sqlx::{Connection, Row};
use time::PrimitiveDateTime;

use super::{BoxFuture, Entry, Error, Result, Store, now};

/// Safe to run at every start.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  message VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY entries_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

const DSN_SHAPE: &str = "want user:password@tcp(host:3306)/dbname";

/// Entries in the `entries` table, through a small connection pool.
#[derive(Debug)]
pub struct MySqlStore {
    pool: MySqlPool,
}

/// Parses a go-sql-driver DSN, `[user[:password]@][tcp[(host:port)]]/dbname[?tls=…&timeout=…]`,
/// and returns the connect options and the dial timeout. `unix(/path/to/socket)` works too.
/// Errors never repeat the password.
///
/// # Errors
/// [`Error::NotConfigured`] for an empty string, [`Error::InvalidConnectionString`] naming what
/// is malformed.
pub fn parse_mysql_dsn(dsn: &str) -> Result<(MySqlConnectOptions, Duration)> {
    let dsn = dsn.trim();
    if dsn.is_empty() {
        return Err(Error::NotConfigured);
    }
    let invalid = |what: &str| {
        Error::InvalidConnectionString(format!("invalid MySQL DSN ({DSN_SHAPE}): {what}"))
    };
    // The database name follows the last slash; the password may contain '@' or '/', so the
    // user part ends at the last '@' before the address.
    let (before_db, after) = dsn
        .rsplit_once('/')
        .ok_or_else(|| invalid("no '/' before the database name"))?;
    let (db_name, query) = after.split_once('?').unwrap_or((after, ""));
    let (credentials, address) = match before_db.rsplit_once('@') {
        Some((c, a)) => (Some(c), a),
        None => (None, before_db),
    };
    let mut options = MySqlConnectOptions::new();
    if let Some(credentials) = credentials {
        let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
        options = options.username(user);
        if !password.is_empty() {
            options = options.password(password);
        }
    }
    options = match address.split_once('(') {
        None if address.is_empty() || address == "tcp" => options.host("127.0.0.1").port(3306),
        None => {
            return Err(invalid(&format!(
                "unknown network {address:?}: use tcp(host:port) or unix(/path)"
            )));
        }
        Some((net, rest)) => {
            let target = rest
                .strip_suffix(')')
                .ok_or_else(|| invalid("the address has no closing ')'"))?;
            match net {
                "tcp" => {
                    let (host, port) = match target.rsplit_once(':') {
                        Some((h, p)) => (
                            h,
                            p.parse::<u16>()
                                .map_err(|_| invalid(&format!("port {p:?} is not a number")))?,
                        ),
                        None => (target, 3306),
                    };
                    let host = host.trim_start_matches('[').trim_end_matches(']');
                    options
                        .host(if host.is_empty() { "127.0.0.1" } else { host })
                        .port(port)
                }
                "unix" => options.socket(target),
                other => {
                    return Err(invalid(&format!(
                        "unknown network {other:?}: use tcp(host:port) or unix(/path)"
                    )));
                }
            }
        }
    };
    if db_name.is_empty() {
        return Err(Error::InvalidConnectionString(
            "MySQL DSN names no database: append /dbname after the address".to_owned(),
        ));
    }
    options = options.database(db_name).ssl_mode(MySqlSslMode::Disabled);
    let mut timeout = Duration::from_secs(5);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "tls" => {
                options = options.ssl_mode(match value {
                    "true" => MySqlSslMode::VerifyIdentity,
                    "skip-verify" => MySqlSslMode::Required,
                    "preferred" => MySqlSslMode::Preferred,
                    "false" => MySqlSslMode::Disabled,
                    other => {
                        return Err(invalid(&format!(
                            "tls={other:?}: use true, skip-verify, preferred or false"
                        )));
                    }
                });
            }
            "timeout" => {
                timeout = crate::config::parse_duration(value)
                    .ok()
                    .and_then(|d| u64::try_from(d).ok())
                    .filter(|&nanos| nanos > 0)
                    .map(Duration::from_nanos)
                    .ok_or_else(|| {
                        invalid(&format!("timeout={value:?} is not a duration like 5s"))
                    })?;
            }
            // Accepted for compatibility: times are always read as UTC and the charset is utf8mb4.
            "parseTime" | "loc" | "charset" | "collation" => {}
            other => {
                return Err(invalid(&format!(
                    "unsupported parameter {other:?}: use tls or timeout"
                )));
            }
        }
    }
    Ok((options, timeout))
}

impl MySqlStore {
    /// Connects with a go-sql-driver DSN and creates the schema.
    ///
    /// # Errors
    /// See [`parse_mysql_dsn`]; [`Error::Backend`] when the server refuses the connection or the
    /// schema.
    pub async fn open(dsn: &str) -> Result<Self> {
        let (options, timeout) = parse_mysql_dsn(dsn)?;
        let target = format!(
            "{}/{}",
            options.get_socket().map_or_else(
                || format!("{}:{}", options.get_host(), options.get_port()),
                |s| s.display().to_string()
            ),
            options.get_database().unwrap_or_default()
        );
        let pool = MySqlPoolOptions::new()
            .max_connections(20)
            .min_connections(0)
            .acquire_timeout(timeout)
            // Connections are recycled so that rotated credentials and failovers take effect.
            .max_lifetime(Duration::from_mins(5))
            .idle_timeout(Duration::from_mins(1))
            .connect_with(options)
            .await
            .map_err(|e| Error::Backend(format!("mysql: connect to {target}: {e}")))?;
        if let Err(e) = sqlx::raw_sql(SCHEMA).execute(&pool).await {
            pool.close().await;
            return Err(Error::Backend(format!(
                "mysql: create schema on {target}: {e}"
            )));
        }
        Ok(Self { pool })
    }
}

impl Store for MySqlStore {
    fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>> {
        Box::pin(async move {
            let created_at = now();
            let stored = PrimitiveDateTime::new(created_at.date(), created_at.time());
            let result = sqlx::query("INSERT INTO entries (message, created_at) VALUES (?, ?)")
                .bind(message)
                .bind(stored)
                .execute(&self.pool)
                .await
                .map_err(|e| Error::Backend(format!("mysql: insert entry: {e}")))?;
            Ok(Entry {
                id: result.last_insert_id().to_string(),
                message: message.to_owned(),
                created_at,
            })
        })
    }

    fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
        Box::pin(async move {
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows =
                sqlx::query("SELECT id, message, created_at FROM entries ORDER BY id DESC LIMIT ?")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| Error::Backend(format!("mysql: list entries: {e}")))?;
            rows.iter()
                .map(|row| {
                    let id: u64 = row.try_get(0)?;
                    let message: String = row.try_get(1)?;
                    let created_at: PrimitiveDateTime = row.try_get(2)?;
                    Ok(Entry {
                        id: id.to_string(),
                        message,
                        created_at: created_at.assume_utc(),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(|e| Error::Backend(format!("mysql: read entry: {e}")))
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| Error::Backend(format!("mysql: {e}")))?;
            conn.ping()
                .await
                .map_err(|e| Error::Backend(format!("mysql: ping: {e}")))
        })
    }

    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            self.pool.close().await;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_sql_driver_dsns_parse() {
        let (o, timeout) =
            parse_mysql_dsn("app:p@ss:w/rd@tcp(db.example:3307)/sampleapp?tls=true&timeout=2s\n")
                .unwrap();
        assert_eq!(
            (o.get_host(), o.get_port(), o.get_username()),
            ("db.example", 3307, "app")
        );
        assert_eq!(o.get_database(), Some("sampleapp"));
        assert_eq!(timeout, Duration::from_secs(2));
        let (o, _) = parse_mysql_dsn("app@tcp(10.0.0.1)/db").unwrap();
        assert_eq!((o.get_host(), o.get_port()), ("10.0.0.1", 3306));
        let (o, _) = parse_mysql_dsn("root@unix(/run/mysqld.sock)/db").unwrap();
        assert_eq!(
            o.get_socket().map(|p| p.display().to_string()),
            Some("/run/mysqld.sock".to_owned())
        );
    }

    #[test]
    fn bad_dsns_say_what_is_wrong_without_the_password() {
        assert_eq!(parse_mysql_dsn(" \n").unwrap_err(), Error::NotConfigured);
        for (dsn, want) in [
            ("not a dsn", "no '/' before the database name"),
            ("app:pw@tcp(127.0.0.1:3306)/", "names no database"),
            (
                "app:hunter2@tcp(127.0.0.1:x)/db",
                "port \"x\" is not a number",
            ),
            ("app:hunter2@udp(127.0.0.1)/db", "unknown network \"udp\""),
            ("app:hunter2@tcp(127.0.0.1/db", "no closing ')'"),
            ("app:hunter2@tcp(h)/db?tls=maybe", "tls=\"maybe\""),
            ("app:hunter2@tcp(h)/db?timeout=5", "timeout=\"5\""),
            (
                "app:hunter2@tcp(h)/db?interpolateParams=true",
                "unsupported parameter \"interpolateParams\"",
            ),
        ] {
            let err = parse_mysql_dsn(dsn).unwrap_err().to_string();
            assert!(err.contains(want), "{dsn}: {err}");
            assert!(
                !err.contains("hunter2"),
                "{dsn}: the error repeats the password: {err}"
            );
        }
    }
}
