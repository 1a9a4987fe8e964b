//! Guestbook entries kept in memory, `MySQL` or `MongoDB` behind one trait.
//!
//! Every backend stores times at millisecond precision (what `MySQL` `DATETIME(3)` and BSON dates
//! both keep), so that what `add` returns and what `list` reads back are equal.

mod memory;
mod mongo;
mod mysql;
mod reloading;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use memory::{DEFAULT_MEMORY_CAPACITY, MemoryStore};
pub use mongo::MongoStore;
pub use mysql::{MySqlStore, parse_mysql_dsn};
pub use reloading::{Opener, Reloading};

/// A boxed future, so that [`Store`] can be used as `dyn Store`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a store call returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a store call failed. The text may name hosts and database errors: it goes to the log,
/// never to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No usable connection string yet (the Vault agent has not rendered the file, or it is empty).
    #[error("database connection not configured yet")]
    NotConfigured,
    /// The connection string is malformed; the text says what to change.
    #[error("{0}")]
    InvalidConnectionString(String),
    /// The connection string file could not be read.
    #[error("{0}")]
    SecretUnreadable(String),
    /// The database refused or failed a call.
    #[error("{0}")]
    Backend(String),
}

/// One stored message. The id is a string so that every backend can use its native key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The backend's key: a decimal number (memory, `MySQL`) or an `ObjectId` in hex (`MongoDB`).
    pub id: String,
    /// The message, as validated by the API.
    pub message: String,
    /// When it was stored, in UTC, at millisecond precision.
    #[serde(serialize_with = "serialize_rfc3339")]
    pub created_at: OffsetDateTime,
}

fn serialize_rfc3339<S: serde::Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    // On the stack: every listed entry is formatted, and `YYYY-MM-DDTHH:MM:SS.fffffffffZ` fits.
    let mut buffer = [0_u8; 40];
    let mut free = &mut buffer[..];
    t.format_into(&mut free, &Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    let written = 40 - free.len();
    let text = std::str::from_utf8(&buffer[..written]).map_err(serde::ser::Error::custom)?;
    s.serialize_str(text)
}

/// Implemented by every backend. Methods return boxed futures so that the service can hold any
/// backend (or a test double) as `Arc<dyn Store>`.
pub trait Store: Send + Sync {
    /// Stores `message` and returns the stored entry.
    fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>>;
    /// Returns up to `limit` entries, newest first.
    fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>>;
    /// Reports whether the backend can serve requests.
    fn ping(&self) -> BoxFuture<'_, Result<()>>;
    /// Releases connections; calls in flight finish first.
    fn close(&self) -> BoxFuture<'_, Result<()>>;
}

/// A backend as it is named in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The embedded store: zero setup, lost on restart.
    Memory,
    /// A MySQL-compatible database (`MariaDB`, RDS, Aurora).
    MySql,
    /// MongoDB (Atlas) or any wire-compatible server.
    MongoDb,
}

impl Kind {
    /// The configuration spelling.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::MySql => "mysql",
            Self::MongoDb => "mongodb",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configured backend name that is not one of `memory`, `mysql`, `mongodb`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown database type {0:?}: use memory, mysql or mongodb")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "memory" => Ok(Self::Memory),
            "mysql" => Ok(Self::MySql),
            "mongodb" => Ok(Self::MongoDb),
            other => Err(UnknownKind(other.to_owned())),
        }
    }
}

/// Connects to the backend `kind` with `dsn` and creates its schema if missing (idempotent).
/// The memory backend ignores `dsn`.
///
/// # Errors
/// [`Error::NotConfigured`] for an empty `dsn`, [`Error::InvalidConnectionString`] for a
/// malformed one, [`Error::Backend`] when the database cannot be reached or refuses the schema.
pub async fn open(kind: Kind, dsn: &str) -> Result<Arc<dyn Store>> {
    Ok(match kind {
        Kind::Memory => Arc::new(MemoryStore::new(DEFAULT_MEMORY_CAPACITY)),
        Kind::MySql => Arc::new(MySqlStore::open(dsn).await?),
        Kind::MongoDb => Arc::new(MongoStore::open(dsn).await?),
    })
}

/// The current time in UTC, truncated to what every backend keeps.
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    let millis = t.millisecond();
    t.replace_millisecond(millis).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_exactly() {
        for kind in [Kind::Memory, Kind::MySql, Kind::MongoDb] {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        for bad in ["", "postgres", "MySQL ", "Memory"] {
            let err = bad.parse::<Kind>().unwrap_err();
            assert!(
                err.to_string().contains("use memory, mysql or mongodb"),
                "{err}"
            );
        }
    }

    #[test]
    fn now_has_millisecond_precision() {
        let t = now();
        assert_eq!(t.nanosecond() % 1_000_000, 0, "{t}");
        assert_eq!(t.offset(), time::UtcOffset::UTC);
    }

    #[test]
    fn entries_serialize_as_the_api_documents() {
        let e = Entry {
            id: "7".into(),
            message: "hi".into(),
            created_at: time::macros::datetime!(2026-11-29 14:40:49.123 UTC),
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"id":"7","message":"hi","created_at":"2026-11-29T14:40:49.123Z"}"#
        );
    }
}
