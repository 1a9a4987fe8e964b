package store

import (
	"context"
	"strings"
	"testing"

	"github.com/bkt-platform/platform/sample-app/internal/testdb"
)

func TestMongoIntegration(t *testing.T) {
	uri := strings.TrimSuffix(testdb.StartMongoWire(t), "/") + "/sampleapp"
	ctx := testdb.Context(t)

	s, err := OpenMongo(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	testContract(t, s)

	t.Run("index creation is idempotent and keeps data", func(t *testing.T) {
		again, err := OpenMongo(ctx, uri)
		if err != nil {
			t.Fatalf("second OpenMongo: %v", err)
		}
		defer again.Close(ctx)
		got, err := again.List(ctx, 10)
		if err != nil || len(got) != 3 {
			t.Fatalf("after reopening: %d entries, %v; want the 3 stored before", len(got), err)
		}
	})

	t.Run("bad URIs say what is wrong", func(t *testing.T) {
		for in, want := range map[string]string{
			"":                   ErrNotConfigured.Error(),
			"http://example.com": "invalid MongoDB URI",
		} {
			_, err := OpenMongo(ctx, in)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("OpenMongo(%q) = %v; want an error containing %q", in, err, want)
			}
		}
	})
}
