//! Every backend against the shared contract; `MySQL` and `MongoDB` against real servers.

use std::sync::Arc;

use sample_app::store::{
    self, DEFAULT_MEMORY_CAPACITY, Error, Kind, MemoryStore, MongoStore, MySqlStore, Reloading,
    Store,
};

use crate::support::contract::check_contract;
use crate::support::testdb::{MariaDb, MongoWire};

#[tokio::test]
async fn memory_contract() {
    check_contract(&MemoryStore::new(DEFAULT_MEMORY_CAPACITY)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_against_mariadb() {
    let db = MariaDb::start().await;
    let dsn = db.create_app_database("first-Secret").await;

    let s = MySqlStore::open(&dsn).await.expect("open");
    check_contract(&s).await;

    // Schema creation is idempotent and keeps data.
    let again = MySqlStore::open(&dsn)
        .await
        .expect("second open on an existing schema");
    assert_eq!(
        again.list(10).await.map(|e| e.len()),
        Ok(3),
        "after reopening"
    );
    again.close().await.unwrap();
    s.close().await.unwrap();

    // Rotated credentials are picked up through the reloading store.
    let r = Reloading::new(Box::new(|dsn: String| {
        Box::pin(async move { store::open(Kind::MySql, &dsn).await })
    }));
    assert_eq!(r.sync(&format!("{dsn}\n")).await, Ok(true), "first secret");
    // What Vault's database secrets engine does on rotation: a new password, then a new file.
    db.exec("ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY 'second-Secret'")
        .await;
    let wrong = r
        .sync(&db.dsn("app", "wrong", "sampleapp"))
        .await
        .unwrap_err();
    assert!(
        wrong.to_string().contains("Access denied"),
        "sync with a wrong password: {wrong}"
    );
    assert!(
        !wrong.to_string().contains("wrong@"),
        "the error repeats the connection string: {wrong}"
    );
    assert_eq!(
        r.sync(&db.dsn("app", "second-Secret", "sampleapp")).await,
        Ok(true),
        "rotated secret"
    );
    r.add("after rotation").await.expect("add after rotation");
    let newest = r.list(1).await.expect("list after rotation");
    assert_eq!(
        newest
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        ["after rotation"]
    );
    r.close().await.unwrap();

    // A DSN without a database says so.
    let err = MySqlStore::open(&format!("app:pw@tcp({})/", db.addr))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("names no database"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_against_ferretdb() {
    let server = MongoWire::start();
    let uri = server.uri_for("sampleapp");
    let s = MongoStore::open(&uri).await.expect("open");
    check_contract(&s).await;

    // Index creation is idempotent and keeps data.
    let again = MongoStore::open(&uri).await.expect("second open");
    assert_eq!(
        again.list(10).await.map(|e| e.len()),
        Ok(3),
        "after reopening"
    );
    again.close().await.unwrap();
    s.close().await.unwrap();

    // A URI without a database uses sampleapp: the same three entries.
    let default_db = MongoStore::open(&server.uri)
        .await
        .expect("open without a database");
    assert_eq!(default_db.list(10).await.map(|e| e.len()), Ok(3));
    default_db.close().await.unwrap();

    assert_eq!(MongoStore::open("").await.err(), Some(Error::NotConfigured));
    let err = MongoStore::open("http://example.com").await.unwrap_err();
    assert!(err.to_string().contains("invalid MongoDB URI"), "{err}");
}

#[tokio::test]
async fn open_dispatches_on_kind() {
    let memory: Arc<dyn Store> = store::open(Kind::Memory, "ignored")
        .await
        .expect("memory needs no connection string");
    memory.add("x").await.unwrap();
    assert_eq!(
        store::open(Kind::MySql, "  ").await.err(),
        Some(Error::NotConfigured)
    );
    assert_eq!(
        store::open(Kind::MongoDb, "").await.err(),
        Some(Error::NotConfigured)
    );
}
