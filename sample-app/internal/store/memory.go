package store

import (
	"context"
	"strconv"
	"sync"
)

// DefaultMemoryCapacity bounds the embedded store so that a long-running demo (or a benchmark)
// cannot grow the process without limit; the oldest entries are dropped first.
const DefaultMemoryCapacity = 10000

// MemoryStore is the embedded zero-setup backend. Data lives as long as the process.
type MemoryStore struct {
	mu      sync.RWMutex
	entries []Entry // ring buffer
	next    int     // index the next entry is written to
	full    bool
	lastID  uint64
}

// NewMemory returns an empty store that keeps at most capacity entries.
func NewMemory(capacity int) *MemoryStore {
	if capacity < 1 {
		capacity = 1
	}
	return &MemoryStore{entries: make([]Entry, capacity)}
}

func (m *MemoryStore) Add(_ context.Context, message string) (Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastID++
	e := Entry{ID: strconv.FormatUint(m.lastID, 10), Message: message, CreatedAt: now()}
	m.entries[m.next] = e
	m.next = (m.next + 1) % len(m.entries)
	if m.next == 0 {
		m.full = true
	}
	return e, nil
}

func (m *MemoryStore) List(_ context.Context, limit int) ([]Entry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := m.next
	if m.full {
		n = len(m.entries)
	}
	n = min(n, limit)
	out := make([]Entry, 0, n)
	for i := range n {
		idx := (m.next - 1 - i + len(m.entries)) % len(m.entries)
		out = append(out, m.entries[idx])
	}
	return out, nil
}

func (m *MemoryStore) Ping(context.Context) error  { return nil }
func (m *MemoryStore) Close(context.Context) error { return nil }
