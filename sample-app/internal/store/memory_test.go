package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestMemoryContract(t *testing.T) { testContract(t, NewMemory(DefaultMemoryCapacity)) }

func TestMemoryDropsOldestBeyondCapacity(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(3)
	for i := 1; i <= 5; i++ {
		if _, err := m.Add(ctx, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := m.List(ctx, 10)
	if len(got) != 3 || got[0].Message != "5" || got[1].Message != "4" || got[2].Message != "3" {
		t.Fatalf("List after 5 adds into capacity 3 = %+v; want 5, 4, 3", got)
	}
}

func TestMemoryConcurrentUse(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(50)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				if _, err := m.Add(ctx, fmt.Sprint(i, j)); err != nil {
					t.Error(err)
				}
				if _, err := m.List(ctx, 5); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got, _ := m.List(ctx, 100)
	seen := map[string]bool{}
	for _, e := range got {
		seen[e.ID] = true
	}
	if len(got) != 50 || len(seen) != 50 {
		t.Fatalf("after 800 concurrent adds into capacity 50: %d entries, %d distinct ids", len(got), len(seen))
	}
}
