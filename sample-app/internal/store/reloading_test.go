package store

import (
	"context"
	"errors"
	"testing"
)

// fakeBackend records whether it was closed; it is a memory store otherwise.
type fakeBackend struct {
	*MemoryStore
	dsn    string
	closed bool
}

func (f *fakeBackend) Close(context.Context) error { f.closed = true; return nil }

type fakeOpener struct {
	opened []*fakeBackend
	fail   map[string]error
}

func (o *fakeOpener) open(_ context.Context, dsn string) (Store, error) {
	if err := o.fail[dsn]; err != nil {
		return nil, err
	}
	b := &fakeBackend{MemoryStore: NewMemory(10), dsn: dsn}
	o.opened = append(o.opened, b)
	return b, nil
}

func TestReloadingFollowsConnectionString(t *testing.T) {
	ctx := context.Background()
	errRefused := errors.New("connection refused")
	o := &fakeOpener{fail: map[string]error{"bad": errRefused}}
	r := NewReloading(o.open)

	if err := r.Ping(ctx); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("Ping before any secret = %v, want ErrNotConfigured", err)
	}
	missing := errors.New("read /vault/secrets/db: no such file")
	r.Fail(missing)
	if _, err := r.Add(ctx, "x"); !errors.Is(err, missing) {
		t.Fatalf("Add with the secret file missing = %v, want the read error", err)
	}

	if _, err := r.Sync(ctx, "bad"); !errors.Is(err, errRefused) {
		t.Fatalf("Sync(bad) = %v", err)
	}
	if err := r.Ping(ctx); !errors.Is(err, errRefused) {
		t.Fatalf("Ping after failed first connect = %v, want the connect error", err)
	}

	if reconnected, err := r.Sync(ctx, "v1"); err != nil || !reconnected {
		t.Fatalf("Sync(v1) = %v, %v; want a new connection", reconnected, err)
	}
	if _, err := r.Add(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if reconnected, err := r.Sync(ctx, "v1"); err != nil || reconnected || len(o.opened) != 1 {
		t.Fatalf("Sync with an unchanged secret reconnected (%v): %d opens, err %v", reconnected, len(o.opened), err)
	}

	// A broken new secret keeps the last good connection.
	if _, err := r.Sync(ctx, "bad"); err == nil {
		t.Fatal("Sync(bad) succeeded")
	}
	r.Fail(missing)
	if err := r.Ping(ctx); err != nil {
		t.Fatalf("a failed rotation broke the working connection: %v", err)
	}
	if o.opened[0].closed {
		t.Fatal("the working backend was closed by a failed rotation")
	}

	// A good new secret replaces the backend and retires the old one.
	if reconnected, err := r.Sync(ctx, "v2"); err != nil || !reconnected {
		t.Fatalf("Sync(v2) = %v, %v", reconnected, err)
	}
	if len(o.opened) != 2 || !o.opened[0].closed || o.opened[1].closed {
		t.Fatalf("after rotation: %d opened, first closed=%v, second closed=%v", len(o.opened), o.opened[0].closed, o.opened[1].closed)
	}
	if _, err := r.Add(ctx, "on v2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.opened[1].List(ctx, 10); len(got) != 1 || got[0].Message != "on v2" {
		t.Fatalf("writes after rotation went elsewhere: %+v", got)
	}

	if err := r.Close(ctx); err != nil || !o.opened[1].closed {
		t.Fatalf("Close: %v, closed=%v", err, o.opened[1].closed)
	}
	if err := r.Ping(ctx); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("Ping after Close = %v", err)
	}
}

func TestParseKind(t *testing.T) {
	for _, ok := range []string{"memory", "mysql", "mongodb"} {
		if k, err := ParseKind(ok); err != nil || string(k) != ok {
			t.Errorf("ParseKind(%q) = %q, %v", ok, k, err)
		}
	}
	for _, bad := range []string{"", "postgres", "MySQL "} {
		if _, err := ParseKind(bad); err == nil {
			t.Errorf("ParseKind(%q) accepted", bad)
		}
	}
}
