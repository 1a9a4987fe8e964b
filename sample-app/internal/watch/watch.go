// Package watch follows small files that other processes rewrite: ConfigMap volumes (the kubelet
// swaps a symlink) and secrets rendered by the Vault agent. Polling the content, not inotify or
// mtimes, works for both update styles and costs one small read per interval.
package watch

import (
	"context"
	"os"
	"time"
)

// Every calls fn with the file's content (or the read error) now and then every interval until
// ctx is done. fn runs on the calling goroutine.
func Every(ctx context.Context, path string, interval time.Duration, fn func(content string, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		b, err := os.ReadFile(path)
		fn(string(b), err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
