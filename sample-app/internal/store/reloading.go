package store

import (
	"context"
	"sync"
)

// Opener opens a backend from a connection string; Open is the production one.
type Opener func(ctx context.Context, dsn string) (Store, error)

// Reloading is a Store whose connection string can change at run time (the Vault agent rewrites
// the secret file on rotation). It opens the new backend first and only then retires the old one,
// so a bad new secret leaves the service running on the last good one.
type Reloading struct {
	open Opener

	mu      sync.RWMutex // held for reading during every operation, so Close never races a query
	current Store
	dsn     string // connection string of current
	lastErr error  // why the last attempt failed; nil after success
}

// NewReloading returns a Store with no backend yet: it reports ErrNotConfigured until Sync succeeds.
func NewReloading(open Opener) *Reloading {
	return &Reloading{open: open, lastErr: ErrNotConfigured}
}

// Sync makes dsn the active connection string. It reconnects when dsn differs from the active
// one, or when the last attempt failed (the database may have come up since), and reports
// whether it did. On error the previous backend, if any, stays in use.
func (r *Reloading) Sync(ctx context.Context, dsn string) (reconnected bool, err error) {
	r.mu.RLock()
	unchanged := r.current != nil && r.lastErr == nil && dsn == r.dsn
	r.mu.RUnlock()
	if unchanged {
		return false, nil
	}
	next, err := r.open(ctx, dsn)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.lastErr = err
		return false, err
	}
	prev := r.current
	r.current, r.dsn, r.lastErr = next, dsn, nil
	if prev != nil {
		return true, prev.Close(ctx)
	}
	return true, nil
}

// Fail records why no connection string is available (for example the secret file is missing).
// A working backend is kept: the file may reappear, and rotation is what Sync is for.
func (r *Reloading) Fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == nil {
		r.lastErr = err
	}
}

func (r *Reloading) do(fn func(Store) error) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.current == nil {
		return r.lastErr
	}
	return fn(r.current)
}

func (r *Reloading) Add(ctx context.Context, message string) (e Entry, err error) {
	err = r.do(func(s Store) error { e, err = s.Add(ctx, message); return err })
	return e, err
}

func (r *Reloading) List(ctx context.Context, limit int) (es []Entry, err error) {
	err = r.do(func(s Store) error { es, err = s.List(ctx, limit); return err })
	return es, err
}

func (r *Reloading) Ping(ctx context.Context) error {
	return r.do(func(s Store) error { return s.Ping(ctx) })
}

func (r *Reloading) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == nil {
		return nil
	}
	err := r.current.Close(ctx)
	r.current, r.lastErr = nil, ErrNotConfigured
	return err
}
