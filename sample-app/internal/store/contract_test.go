package store

import (
	"context"
	"testing"
	"time"
)

// testContract checks the behaviour every backend must share, on an empty store.
func testContract(t *testing.T, s Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	empty, err := s.List(ctx, 10)
	if err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("List on an empty store = %#v, %v; want an empty, non-nil slice (it becomes [] in JSON)", empty, err)
	}

	before := time.Now().Add(-time.Second)
	messages := []string{"first", "second", `grüße 👋 '; DROP TABLE entries; -- "quoted"`}
	added := make([]Entry, 0, len(messages))
	for _, m := range messages {
		e, err := s.Add(ctx, m)
		if err != nil {
			t.Fatalf("Add(%q): %v", m, err)
		}
		if e.ID == "" || e.Message != m || e.CreatedAt.Before(before) || e.CreatedAt.After(time.Now().Add(time.Second)) {
			t.Fatalf("Add(%q) returned %+v", m, e)
		}
		added = append(added, e)
	}

	got, err := s.List(ctx, 10)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(got) != len(added) {
		t.Fatalf("List returned %d entries, want %d: %+v", len(got), len(added), got)
	}
	ids := map[string]bool{}
	for i, e := range got {
		want := added[len(added)-1-i]
		if e.ID != want.ID || e.Message != want.Message || !e.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("List()[%d] = %+v, want %+v (newest first, stored exactly)", i, e, want)
		}
		if e.CreatedAt.Location() != time.UTC {
			t.Errorf("List()[%d].CreatedAt is in %v, want UTC", i, e.CreatedAt.Location())
		}
		ids[e.ID] = true
	}
	if len(ids) != len(added) {
		t.Errorf("IDs are not unique: %v", ids)
	}

	two, err := s.List(ctx, 2)
	if err != nil || len(two) != 2 || two[0].Message != messages[2] || two[1].Message != messages[1] {
		t.Fatalf("List(2) = %+v, %v; want the two newest", two, err)
	}
}
