//! A store whose connection string changes at run time: the Vault agent rewrites the secret
//! file on rotation. The new backend is opened first and only then is the old one retired, so a
//! bad new secret leaves the service on the last good one.

use std::sync::{Arc, PoisonError, RwLock};

use super::{BoxFuture, Entry, Error, Result, Store};

/// Opens a backend from a connection string; production passes [`super::open`] for one kind.
pub type Opener = Box<dyn Fn(String) -> BoxFuture<'static, Result<Arc<dyn Store>>> + Send + Sync>;

/// A [`Store`] that follows a connection string; every call goes to the current backend.
pub struct Reloading {
    open: Opener,
    state: RwLock<State>,
    // One connection attempt at a time: the file watcher is the only caller, but a second one
    // must not open a pool that the first then throws away.
    syncing: tokio::sync::Mutex<()>,
}

struct State {
    current: Option<Arc<dyn Store>>,
    /// The connection string of `current`.
    dsn: String,
    /// Why the last attempt failed; `None` after a success.
    last_error: Option<Error>,
}

impl Reloading {
    /// A store with no backend yet: it answers [`Error::NotConfigured`] until [`Self::sync`]
    /// succeeds.
    #[must_use]
    pub fn new(open: Opener) -> Self {
        Self {
            open,
            state: RwLock::new(State {
                current: None,
                dsn: String::new(),
                last_error: Some(Error::NotConfigured),
            }),
            syncing: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn state_mut(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes `dsn` the active connection string. Reconnects when it differs from the active one,
    /// or when the last attempt failed (the database may have come up since), and reports
    /// whether it did. On error the previous backend, if any, stays in use.
    ///
    /// # Errors
    /// The opener's error; the working backend, if any, is kept.
    pub async fn sync(&self, dsn: &str) -> Result<bool> {
        let _one_at_a_time = self.syncing.lock().await;
        {
            let state = self.state();
            if state.current.is_some() && state.last_error.is_none() && state.dsn == dsn {
                return Ok(false);
            }
        }
        let opened = (self.open)(dsn.to_owned()).await;
        let previous = {
            let mut state = self.state_mut();
            match opened {
                Err(err) => {
                    state.last_error = Some(err.clone());
                    return Err(err);
                }
                Ok(next) => {
                    dsn.clone_into(&mut state.dsn);
                    state.last_error = None;
                    state.current.replace(next)
                }
            }
        };
        if let Some(previous) = previous {
            // Calls already running on the old backend hold their own reference and finish.
            previous.close().await?;
        }
        Ok(true)
    }

    /// Records why no connection string is available (the secret file is missing, for example).
    /// A working backend is kept: the file may reappear, and rotation is what `sync` is for.
    pub fn fail(&self, err: Error) {
        let mut state = self.state_mut();
        if state.current.is_none() {
            state.last_error = Some(err);
        }
    }

    fn current(&self) -> Result<Arc<dyn Store>> {
        let state = self.state();
        match (&state.current, &state.last_error) {
            (Some(store), _) => Ok(Arc::clone(store)),
            (None, Some(err)) => Err(err.clone()),
            (None, None) => Err(Error::NotConfigured),
        }
    }
}

impl Store for Reloading {
    fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>> {
        Box::pin(async move { self.current()?.add(message).await })
    }

    fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
        Box::pin(async move { self.current()?.list(limit).await })
    }

    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move { self.current()?.ping().await })
    }

    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let current = {
                let mut state = self.state_mut();
                state.last_error = Some(Error::NotConfigured);
                state.current.take()
            };
            match current {
                Some(store) => store.close().await,
                None => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::store::MemoryStore;

    /// A memory store that records whether it was closed.
    struct Fake {
        memory: MemoryStore,
        closed: AtomicBool,
    }

    impl Store for Fake {
        fn add<'a>(&'a self, message: &'a str) -> BoxFuture<'a, Result<Entry>> {
            self.memory.add(message)
        }
        fn list(&self, limit: usize) -> BoxFuture<'_, Result<Vec<Entry>>> {
            self.memory.list(limit)
        }
        fn ping(&self) -> BoxFuture<'_, Result<()>> {
            self.memory.ping()
        }
        fn close(&self) -> BoxFuture<'_, Result<()>> {
            self.closed.store(true, Ordering::SeqCst);
            Box::pin(std::future::ready(Ok(())))
        }
    }

    type Opened = Arc<Mutex<Vec<Arc<Fake>>>>;

    fn fake_opener(fail: HashMap<&'static str, Error>) -> (Opener, Opened) {
        let opened: Opened = Arc::default();
        let record = Arc::clone(&opened);
        let open: Opener = Box::new(move |dsn: String| {
            let result = if let Some(err) = fail.get(dsn.as_str()) {
                Err(err.clone())
            } else {
                let fake = Arc::new(Fake {
                    memory: MemoryStore::new(10),
                    closed: AtomicBool::new(false),
                });
                record.lock().unwrap().push(Arc::clone(&fake));
                Ok(fake as Arc<dyn Store>)
            };
            Box::pin(std::future::ready(result))
        });
        (open, opened)
    }

    #[tokio::test]
    async fn follows_the_connection_string() {
        let refused = Error::Backend("connection refused".into());
        let (open, opened) = fake_opener(HashMap::from([("bad", refused.clone())]));
        let r = Reloading::new(open);
        let closed = |i: usize| opened.lock().unwrap()[i].closed.load(Ordering::SeqCst);

        assert_eq!(r.ping().await, Err(Error::NotConfigured));
        let missing = Error::SecretUnreadable("read /vault/secrets/db: no such file".into());
        r.fail(missing.clone());
        assert_eq!(r.add("x").await, Err(missing.clone()));

        assert_eq!(r.sync("bad").await, Err(refused.clone()));
        assert_eq!(
            r.ping().await,
            Err(refused),
            "readiness must report the connect error"
        );

        assert_eq!(r.sync("v1").await, Ok(true));
        r.add("hello").await.unwrap();
        assert_eq!(
            r.sync("v1").await,
            Ok(false),
            "an unchanged secret must not reconnect"
        );
        assert_eq!(opened.lock().unwrap().len(), 1);

        // A broken new secret keeps the last good connection.
        assert!(r.sync("bad").await.is_err());
        r.fail(missing);
        assert_eq!(
            r.ping().await,
            Ok(()),
            "a failed rotation broke the working connection"
        );
        assert!(
            !closed(0),
            "the working backend was closed by a failed rotation"
        );

        // A good new secret replaces the backend and retires the old one.
        assert_eq!(r.sync("v2").await, Ok(true));
        assert_eq!(opened.lock().unwrap().len(), 2);
        assert!(closed(0) && !closed(1));
        r.add("on v2").await.unwrap();
        let on_v2 = opened.lock().unwrap()[1].memory.list_entries();
        assert_eq!(on_v2, ["on v2"], "writes after rotation went elsewhere");

        assert_eq!(r.close().await, Ok(()));
        assert!(closed(1));
        assert_eq!(r.ping().await, Err(Error::NotConfigured));
    }

    impl MemoryStore {
        fn list_entries(&self) -> Vec<String> {
            futures_util::FutureExt::now_or_never(self.list(100))
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.message)
                .collect()
        }
    }
}
