//! Follows small files that other processes rewrite: `ConfigMap` volumes (the kubelet swaps a
//! symlink) and secrets rendered by the Vault agent. Polling the content, not inotify or mtimes,
//! works for both update styles and costs one small read per interval.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

/// Calls `on_read` with the file's content (or the read error) every `interval`, the first time
/// after one interval (the caller has read the file once already). Runs until the task is
/// aborted.
pub async fn every<F, Fut>(path: PathBuf, interval: Duration, mut on_read: F)
where
    F: FnMut(io::Result<String>) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        on_read(tokio::fs::read_to_string(&path).await).await;
    }
}
