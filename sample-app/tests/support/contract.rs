//! The behaviour every store backend must share, checked on an empty store.

use std::collections::HashSet;
use std::time::Duration;

use sample_app::store::{Entry, Store};
use time::OffsetDateTime;

pub async fn check_contract(store: &dyn Store) {
    store.ping().await.expect("ping");
    assert_eq!(store.list(10).await, Ok(vec![]), "list on an empty store");

    let before = OffsetDateTime::now_utc() - Duration::from_secs(1);
    let messages = [
        "first",
        "second",
        r#"grüße 👋 '; DROP TABLE entries; -- "quoted""#,
    ];
    let mut added: Vec<Entry> = Vec::new();
    for m in messages {
        let e = store
            .add(m)
            .await
            .unwrap_or_else(|err| panic!("add({m:?}): {err}"));
        let after = OffsetDateTime::now_utc() + Duration::from_secs(1);
        assert!(
            !e.id.is_empty() && e.message == m && e.created_at >= before && e.created_at <= after,
            "add({m:?}) returned {e:?}"
        );
        assert_eq!(e.created_at.offset(), time::UtcOffset::UTC);
        added.push(e);
    }

    let got = store.list(10).await.expect("list");
    let newest_first: Vec<Entry> = added.iter().rev().cloned().collect();
    assert_eq!(
        got, newest_first,
        "list must return every entry, newest first, stored exactly"
    );
    let ids: HashSet<_> = got.iter().map(|e| &e.id).collect();
    assert_eq!(ids.len(), added.len(), "ids are not unique: {ids:?}");

    let two = store.list(2).await.expect("list(2)");
    assert_eq!(two, newest_first[..2], "list(2) must return the two newest");
}
