package httpapi

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

// BenchmarkHealthz measures the per-request cost of the middleware (id, log line, metrics).
func BenchmarkHealthz(b *testing.B) {
	s := New(Options{
		Store: store.NewMemory(10), StoreKind: store.Memory, Message: func() string { return "m" },
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Registry: prometheus.NewRegistry(),
	})
	req := httptest.NewRequest("GET", "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
}
