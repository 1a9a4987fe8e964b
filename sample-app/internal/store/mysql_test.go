package store

import (
	"context"
	"strings"
	"testing"

	"github.com/bkt-platform/platform/sample-app/internal/testdb"
)

func TestMySQLIntegration(t *testing.T) {
	db := testdb.StartMariaDB(t)
	dsn := db.CreateDatabase(t, "sampleapp", "app", "first-Secret")
	ctx := testdb.Context(t)

	s, err := OpenMySQL(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	testContract(t, s)

	t.Run("schema creation is idempotent and keeps data", func(t *testing.T) {
		again, err := OpenMySQL(ctx, dsn)
		if err != nil {
			t.Fatalf("second OpenMySQL on an existing schema: %v", err)
		}
		defer again.Close(ctx)
		got, err := again.List(ctx, 10)
		if err != nil || len(got) != 3 {
			t.Fatalf("after reopening: %d entries, %v; want the 3 stored before", len(got), err)
		}
	})

	t.Run("rotated credentials are picked up", func(t *testing.T) {
		r := NewReloading(func(ctx context.Context, dsn string) (Store, error) { return Open(ctx, MySQL, dsn) })
		defer r.Close(ctx)
		if _, err := r.Sync(ctx, dsn+"\n"); err != nil {
			t.Fatalf("first secret: %v", err)
		}
		// What Vault's database secrets engine does on rotation: a new password, then a new file.
		if _, err := db.Admin.ExecContext(ctx, "ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY 'second-Secret'"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Sync(ctx, db.DSN("app", "wrong", "sampleapp")); err == nil || !strings.Contains(err.Error(), "Access denied") {
			t.Fatalf("Sync with a wrong password = %v; want an access-denied error", err)
		}
		if _, err := r.Sync(ctx, db.DSN("app", "second-Secret", "sampleapp")); err != nil {
			t.Fatalf("rotated secret: %v", err)
		}
		if _, err := r.Add(ctx, "after rotation"); err != nil {
			t.Fatalf("Add after rotation: %v", err)
		}
		got, err := r.List(ctx, 1)
		if err != nil || len(got) != 1 || got[0].Message != "after rotation" {
			t.Fatalf("List after rotation = %+v, %v", got, err)
		}
	})

	t.Run("bad connection strings say what is wrong", func(t *testing.T) {
		for dsn, want := range map[string]string{
			"":                             ErrNotConfigured.Error(),
			"not a dsn":                    "invalid MySQL DSN",
			"app:pw@tcp(" + db.Addr + ")/": "names no database",
		} {
			_, err := OpenMySQL(ctx, dsn)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("OpenMySQL(%q) = %v; want an error containing %q", dsn, err, want)
			}
		}
	})
}
