package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

// downStore fails every call, like a database that went away.
type downStore struct{}

var errDown = errors.New("dial tcp 10.0.0.1:3306: connect: connection refused")

func (downStore) Add(context.Context, string) (store.Entry, error) { return store.Entry{}, errDown }
func (downStore) List(context.Context, int) ([]store.Entry, error) { return nil, errDown }
func (downStore) Ping(context.Context) error                       { return errDown }
func (downStore) Close(context.Context) error                      { return nil }

type fixture struct {
	srv     *Server
	store   store.Store
	reg     *prometheus.Registry
	logs    *bytes.Buffer
	message atomic.Pointer[string]
}

func newFixture(t *testing.T, st store.Store) *fixture {
	t.Helper()
	f := &fixture{store: st, reg: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	msg := "Hello from the chart"
	f.message.Store(&msg)
	f.srv = New(Options{
		Store:     st,
		StoreKind: store.Memory,
		Message:   func() string { return *f.message.Load() },
		Version:   "v1.2.3",
		PodName:   "sample-app-abc",
		Logger:    slog.New(slog.NewJSONHandler(f.logs, nil)),
		Registry:  f.reg,
	})
	return f
}

func (f *fixture) do(method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func decodeJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, rec.Body)
	}
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not JSON: %v; body %s", err, rec.Body)
	}
	return v
}

func TestCreateAndListEntries(t *testing.T) {
	f := newFixture(t, store.NewMemory(100))
	for _, m := range []string{"first", "second"} {
		rec := f.do("POST", "/api/entries", "application/json; charset=utf-8", `{"message":"`+m+`"}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("POST %s: status %d, body %s", m, rec.Code, rec.Body)
		}
		if got := decodeJSON[store.Entry](t, rec); got.Message != m || got.ID == "" || got.CreatedAt.IsZero() {
			t.Fatalf("POST returned %+v", got)
		}
	}
	rec := f.do("GET", "/api/entries", "", "")
	list := decodeJSON[struct{ Entries []store.Entry }](t, rec)
	if rec.Code != http.StatusOK || len(list.Entries) != 2 || list.Entries[0].Message != "second" || list.Entries[1].Message != "first" {
		t.Fatalf("GET /api/entries = %d %+v; want second, first", rec.Code, list)
	}
	rec = f.do("GET", "/api/entries?limit=1", "", "")
	if list := decodeJSON[struct{ Entries []store.Entry }](t, rec); len(list.Entries) != 1 {
		t.Fatalf("limit=1 returned %d entries", len(list.Entries))
	}
	if got := testutil.ToFloat64(f.srv.metrics.created); got != 2 {
		t.Fatalf("sample_app_entries_created_total = %v, want 2", got)
	}
}

// Every bad request gets a 4xx with a JSON error, and nothing is stored.
func TestCreateEntryRejectsBadRequests(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int
		errContains             string
	}{
		{"no content type", "", `{"message":"a"}`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"form post", "application/x-www-form-urlencoded", `message=a`, http.StatusUnsupportedMediaType, "Content-Type"},
		{"invalid JSON", "application/json", `{"message":`, http.StatusBadRequest, "truncated"},
		{"invalid UTF-8", "application/json", "{\"message\":\"\xc3\x28\"}", http.StatusBadRequest, "UTF-8"},
		{"empty message", "application/json", `{"message":""}`, http.StatusBadRequest, "empty"},
		{"long message", "application/json", `{"message":"` + strings.Repeat("x", MaxMessageRunes+1) + `"}`, http.StatusBadRequest, "limit is 280"},
		{"oversized body", "application/json", `{"message":"a","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge, "larger than 4096 bytes"},
	}
	f := newFixture(t, store.NewMemory(100))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do("POST", "/api/entries", tc.contentType, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if got := decodeJSON[map[string]string](t, rec)["error"]; !strings.Contains(got, tc.errContains) {
				t.Fatalf("error %q does not mention %q", got, tc.errContains)
			}
		})
	}
	if entries, _ := f.store.List(context.Background(), 100); len(entries) != 0 {
		t.Fatalf("bad requests stored %d entries: %+v", len(entries), entries)
	}
}

// A body without Content-Length that grows past the limit is cut off while being read.
func TestCreateEntryStreamedOversizedBody(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	body := io.MultiReader(strings.NewReader(`{"message":"`), strings.NewReader(strings.Repeat("a", 2*MaxBodyBytes)), strings.NewReader(`"}`))
	req := httptest.NewRequest("POST", "/api/entries", body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413; body %s", rec.Code, rec.Body)
	}
}

func TestListLimitValidation(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	for _, q := range []string{"0", "101", "ten", "-1"} {
		rec := f.do("GET", "/api/entries?limit="+q, "", "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(decodeJSON[map[string]string](t, rec)["error"], "limit") {
			t.Errorf("limit=%s: status %d body %s; want 400 naming limit", q, rec.Code, rec.Body)
		}
	}
}

func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	rec := f.do("DELETE", "/api/entries", "", "")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, POST" {
		t.Fatalf("DELETE: status %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	decodeJSON[map[string]string](t, rec)
	rec = f.do("GET", "/nope", "", "")
	if rec.Code != http.StatusNotFound || decodeJSON[map[string]string](t, rec)["error"] == "" {
		t.Fatalf("GET /nope: status %d body %s", rec.Code, rec.Body)
	}
}

func TestDatabaseDown(t *testing.T) {
	f := newFixture(t, downStore{})
	for _, c := range []struct{ method, target, body string }{{"GET", "/api/entries", ""}, {"POST", "/api/entries", `{"message":"a"}`}} {
		rec := f.do(c.method, c.target, "application/json", c.body)
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %s: status %d, want 503", c.method, c.target, rec.Code)
		}
		if msg := decodeJSON[map[string]string](t, rec)["error"]; strings.Contains(msg, "10.0.0.1") {
			t.Fatalf("error leaks database details to the client: %q", msg)
		}
	}
	if !strings.Contains(f.logs.String(), "10.0.0.1:3306") {
		t.Fatalf("the log does not carry the database error:\n%s", f.logs)
	}
	if rec := f.do("GET", "/readyz", "", ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with database down = %d, want 503", rec.Code)
	}
	if rec := f.do("GET", "/healthz", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("/healthz must not depend on the database; got %d", rec.Code)
	}
	rec := f.do("GET", "/", "", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "unreachable") {
		t.Fatalf("page with database down: status %d, body %s", rec.Code, rec.Body)
	}
}

func TestReadinessFailsWhileDraining(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	if rec := f.do("GET", "/readyz", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("/readyz before draining = %d", rec.Code)
	}
	f.srv.StartDraining()
	if rec := f.do("GET", "/readyz", "", ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining = %d, want 503", rec.Code)
	}
	if rec := f.do("GET", "/healthz", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200 (the pod must not be killed early)", rec.Code)
	}
}

func TestPageShowsConfigAndEntries(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	f.do("POST", "/api/entries", "application/json", `{"message":"<script>alert(1)</script>"}`)
	rec := f.do("GET", "/", "", "")
	body := rec.Body.String()
	for _, want := range []string{"Hello from the chart", "v1.2.3", "sample-app-abc", "memory", "reachable", "&lt;script&gt;alert(1)&lt;/script&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("page does not escape entry text")
	}
	changed := "Changed in the ConfigMap"
	f.message.Store(&changed)
	if body := f.do("GET", "/", "", "").Body.String(); !strings.Contains(body, changed) {
		t.Error("page does not show the new message")
	}
}

func TestVersionAndHealth(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	if v := decodeJSON[map[string]string](t, f.do("GET", "/version", "", "")); v["version"] != "v1.2.3" || !strings.HasPrefix(v["go"], "go1.") {
		t.Fatalf("/version = %v", v)
	}
	if v := decodeJSON[map[string]string](t, f.do("GET", "/healthz", "", "")); v["status"] != "ok" {
		t.Fatalf("/healthz = %v", v)
	}
}

func TestMetricsAndRequestLog(t *testing.T) {
	f := newFixture(t, store.NewMemory(10))
	f.do("GET", "/api/entries", "", "")
	f.do("POST", "/api/entries", "application/json", `{}`)
	req := httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-abc.1")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); got != "trace-abc.1" {
		t.Fatalf("X-Request-Id = %q, want the caller's id", got)
	}

	if got := testutil.ToFloat64(f.srv.metrics.requests.WithLabelValues("/api/entries", "GET", "200")); got != 1 {
		t.Errorf("requests{GET /api/entries 200} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(f.srv.metrics.requests.WithLabelValues("/api/entries", "POST", "400")); got != 1 {
		t.Errorf("requests{POST /api/entries 400} = %v, want 1", got)
	}
	metrics := f.do("GET", "/metrics", "", "").Body.String()
	for _, want := range []string{
		`sample_app_build_info{goversion="go`, `version="v1.2.3"} 1`,
		`sample_app_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="0.005"} 1`,
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("got %d log lines for 4 requests:\n%s", len(lines), f.logs)
	}
	last := lines[2]
	if last["msg"] != "request" || last["request_id"] != "trace-abc.1" || last["route"] != "/healthz" || last["status"] != float64(200) || last["duration_ms"] == nil {
		t.Fatalf("request log line = %v", last)
	}
	if id := lines[0]["request_id"].(string); len(id) == 0 {
		t.Fatal("a request without X-Request-Id got no id")
	}
}

func TestRequestIDRejectsUnsafeValues(t *testing.T) {
	for _, in := range []string{"", strings.Repeat("a", 65), "a b", "a\nb", `"quoted"`} {
		if got := requestID(in); got == in {
			t.Errorf("requestID(%q) kept an unsafe id", in)
		}
	}
}
