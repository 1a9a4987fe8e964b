//! The embedded zero-setup backend: data lives as long as the process.

use std::collections::VecDeque;
use std::sync::{PoisonError, RwLock};

use super::{BoxFuture, Entry, Result, Store, now};

/// Bounds the embedded store so that a long-running demo (or a benchmark) cannot grow the
/// process without limit; the oldest entries are dropped first.
pub const DEFAULT_MEMORY_CAPACITY: usize = 10_000;

/// Entries in a bounded queue, newest at the back.
#[derive(Debug)]
pub struct MemoryStore {
    inner: RwLock<Ring>,
}

#[derive(Debug)]
struct Ring {
    entries: VecDeque<Entry>,
    capacity: usize,
    last_id: u64,
}

impl MemoryStore {
    /// An empty store that keeps at most `capacity` entries (at least one).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            inner: RwLock::new(Ring {
                entries: VecDeque::with_capacity(capacity.min(1024)),
                capacity,
                last_id: 0,
            }),
        }
    }

    fn add_now(&self, message: &str) -> Entry {
        // A poisoned lock only means another request panicked mid-push; the queue is still whole.
        let mut ring = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        ring.last_id += 1;
        let entry = Entry {
            id: ring.last_id.to_string(),
            message: message.to_owned(),
            created_at: now(),
        };
        if ring.entries.len() == ring.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(entry.clone());
        entry
    }

    fn list_now(&self, limit: usize) -> Vec<Entry> {
        let ring = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        ring.entries.iter().rev().take(limit).cloned().collect()
    }
}

impl Store for MemoryStore {
    fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>> {
        let entry = self.add_now(message);
        Box::pin(std::future::ready(Ok(entry)))
    }

    fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
        let entries = self.list_now(limit);
        Box::pin(std::future::ready(Ok(entries)))
    }

    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(std::future::ready(Ok(())))
    }

    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn drops_oldest_beyond_capacity() {
        let m = MemoryStore::new(3);
        for i in 1..=5 {
            m.add(&i.to_string()).await.unwrap();
        }
        let got: Vec<_> = m
            .list(10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert_eq!(got, ["5", "4", "3"]);
    }

    #[test]
    fn concurrent_use_keeps_unique_ids() {
        let m = Arc::new(MemoryStore::new(50));
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let m = Arc::clone(&m);
                std::thread::spawn(move || {
                    for j in 0..100 {
                        m.add_now(&format!("{i} {j}"));
                        assert!(m.list_now(5).len() <= 5);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let got = m.list_now(100);
        let ids: HashSet<_> = got.iter().map(|e| e.id.clone()).collect();
        assert_eq!((got.len(), ids.len()), (50, 50));
        assert!(ids.contains("800"), "the newest id is missing: {ids:?}");
    }
}
