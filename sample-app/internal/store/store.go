// Package store keeps guestbook entries in memory, MySQL or MongoDB behind one interface.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Entry is one stored message. ID is a string so that every backend can use its native key.
type Entry struct {
	ID        string    `json:"id"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// Store is implemented by every backend.
type Store interface {
	// Add stores message and returns the stored entry.
	Add(ctx context.Context, message string) (Entry, error)
	// List returns up to limit entries, newest first.
	List(ctx context.Context, limit int) ([]Entry, error)
	// Ping reports whether the backend can serve requests.
	Ping(ctx context.Context) error
	Close(ctx context.Context) error
}

// Kind names a backend as it is written in configuration.
type Kind string

const (
	Memory  Kind = "memory"
	MySQL   Kind = "mysql"
	MongoDB Kind = "mongodb"
)

// ParseKind validates a configured backend name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Memory, MySQL, MongoDB:
		return k, nil
	}
	return "", fmt.Errorf("unknown database type %q: use memory, mysql or mongodb", s)
}

// ErrNotConfigured is returned while a database backend has no usable connection string yet.
var ErrNotConfigured = errors.New("database connection not configured yet")

// Open connects to the backend kind using dsn and creates its schema if missing.
// The memory backend ignores dsn.
func Open(ctx context.Context, kind Kind, dsn string) (Store, error) {
	switch kind {
	case Memory:
		return NewMemory(DefaultMemoryCapacity), nil
	case MySQL:
		return OpenMySQL(ctx, dsn)
	case MongoDB:
		return OpenMongo(ctx, dsn)
	}
	return nil, fmt.Errorf("unknown database type %q", kind)
}

// now is shared by all backends so that stored and returned times agree at the precision every
// backend keeps (MySQL DATETIME(6) and BSON dates differ; milliseconds fit both).
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
