//! `MongoDB`: Atlas in the cloud, any wire-compatible server (`FerretDB`) in tests.

use std::time::Duration;

use futures_util::TryStreamExt;
use mongodb::bson::{DateTime, Document, doc, oid::ObjectId};
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Collection, IndexModel};
use time::OffsetDateTime;

use super::{BoxFuture, Entry, Error, Result, Store, now};

/// The database when the URI names none (Atlas SRV URIs usually do not).
const DEFAULT_DATABASE: &str = "sampleapp";

/// Entries in the `entries` collection.
#[derive(Debug)]
pub struct MongoStore {
    client: Client,
    entries: Collection<Document>,
}

impl MongoStore {
    /// Connects with a `mongodb://` or `mongodb+srv://` URI and creates the index it needs.
    ///
    /// # Errors
    /// [`Error::NotConfigured`] for an empty URI, [`Error::InvalidConnectionString`] for a
    /// malformed one, [`Error::Backend`] when the server cannot be reached or refuses the index.
    pub async fn open(uri: &str) -> Result<Self> {
        let uri = uri.trim();
        if uri.is_empty() {
            return Err(Error::NotConfigured);
        }
        let mut options = ClientOptions::parse(uri).await.map_err(|e| {
            Error::InvalidConnectionString(format!(
                "invalid MongoDB URI (want mongodb://user:password@host:27017/dbname or mongodb+srv://…): {e}"
            ))
        })?;
        options.server_selection_timeout = Some(Duration::from_secs(5));
        options.connect_timeout = Some(Duration::from_secs(5));
        options.app_name = Some("sample-app".to_owned());
        let db_name = options
            .default_database
            .clone()
            .unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
        let client = Client::with_options(options)
            .map_err(|e| Error::Backend(format!("mongodb: connect: {e}")))?;
        let entries = client.database(&db_name).collection::<Document>("entries");
        // Creating an index that already exists is a no-op: this is the idempotent schema step.
        let index = IndexModel::builder()
            .keys(doc! { "created_at": -1 })
            .options(
                IndexOptions::builder()
                    .name("entries_created_at".to_owned())
                    .build(),
            )
            .build();
        if let Err(e) = entries.create_index(index).await {
            client.shutdown().await;
            return Err(Error::Backend(format!(
                "mongodb: create index on {db_name}.entries: {e}"
            )));
        }
        Ok(Self { client, entries })
    }
}

fn to_bson_date(t: OffsetDateTime) -> DateTime {
    DateTime::from_millis(i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
}

fn entry_from(doc: &Document) -> Result<Entry> {
    let bad = |e: mongodb::bson::error::Error| Error::Backend(format!("mongodb: read entry: {e}"));
    let id = doc.get_object_id("_id").map_err(bad)?;
    let message = doc.get_str("message").map_err(bad)?.to_owned();
    let millis = doc
        .get_datetime("created_at")
        .map_err(bad)?
        .timestamp_millis();
    let created_at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|e| {
            Error::Backend(format!("mongodb: entry {id}: created_at out of range: {e}"))
        })?;
    Ok(Entry {
        id: id.to_hex(),
        message,
        created_at,
    })
}

impl Store for MongoStore {
    fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>> {
        Box::pin(async move {
            let id = ObjectId::new();
            let created_at = now();
            self.entries
                .insert_one(
                    doc! { "_id": id, "message": message, "created_at": to_bson_date(created_at) },
                )
                .await
                .map_err(|e| Error::Backend(format!("mongodb: insert entry: {e}")))?;
            Ok(Entry {
                id: id.to_hex(),
                message: message.to_owned(),
                created_at,
            })
        })
    }

    fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
        Box::pin(async move {
            // ObjectIds grow with time and break ties between entries of the same millisecond.
            let docs: Vec<Document> = self
                .entries
                .find(doc! {})
                .sort(doc! { "created_at": -1, "_id": -1 })
                .limit(i64::try_from(limit).unwrap_or(i64::MAX))
                .await
                .map_err(|e| Error::Backend(format!("mongodb: list entries: {e}")))?
                .try_collect()
                .await
                .map_err(|e| Error::Backend(format!("mongodb: read entries: {e}")))?;
            docs.iter().map(entry_from).collect()
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            self.client
                .database("admin")
                .run_command(doc! { "ping": 1 })
                .await
                .map(drop)
                .map_err(|e| Error::Backend(format!("mongodb: ping: {e}")))
        })
    }

    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            self.client.clone().shutdown().await;
            Ok(())
        })
    }
}
