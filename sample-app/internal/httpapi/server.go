// Package httpapi is the sample application's HTTP interface: the HTML page, the JSON API,
// health endpoints and metrics.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

const (
	defaultListLimit = 20
	maxListLimit     = 100
	pageEntries      = 10
	// storeTimeout bounds every database call a request makes, so a hung database turns into a
	// 503 instead of piling up goroutines.
	storeTimeout = 3 * time.Second
)

// Options are what the handlers need from the outside world.
type Options struct {
	Store     store.Store
	StoreKind store.Kind
	// Message returns the page's message; it is read on every request so that config edits show.
	Message  func() string
	Version  string
	PodName  string
	Logger   *slog.Logger
	Registry *prometheus.Registry
}

// Server serves every route. It is safe for concurrent use.
type Server struct {
	opts     Options
	metrics  *Metrics
	handler  http.Handler
	draining atomic.Bool
}

// New builds the routes and registers metrics on opts.Registry.
func New(opts Options) *Server {
	s := &Server{opts: opts, metrics: NewMetrics(opts.Registry, opts.Version)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /api/entries", s.listEntries)
	mux.HandleFunc("POST /api/entries", s.createEntry)
	mux.HandleFunc("/api/entries", methodNotAllowed("GET, POST"))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /version", s.version)
	mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{Registry: opts.Registry}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no route for "+r.Method+" "+r.URL.Path)
	})
	s.handler = s.observe(mux)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// StartDraining makes /readyz fail so that load balancers stop sending new requests while
// in-flight ones finish.
func (s *Server) StartDraining() { s.draining.Store(true) }

// healthzBody is encoded once: liveness is probed often and must stay cheap.
var healthzBody = []byte(`{"status":"ok"}` + "\n")

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(healthzBody)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.opts.Store.Ping(ctx); err != nil {
		s.logger(r).Warn("not ready: database unreachable", "database", s.opts.StoreKind, "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable", "database": string(s.opts.StoreKind)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": string(s.opts.StoreKind)})
}

func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": s.opts.Version, "go": runtime.Version()})
}

func (s *Server) listEntries(w http.ResponseWriter, r *http.Request) {
	limit := defaultListLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			writeError(w, http.StatusBadRequest, "query parameter limit must be a whole number from 1 to "+strconv.Itoa(maxListLimit))
			return
		}
		limit = n
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	entries, err := s.opts.Store.List(ctx, limit)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

func (s *Server) createEntry(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body is larger than "+strconv.Itoa(MaxBodyBytes)+" bytes")
			return
		}
		writeError(w, http.StatusBadRequest, "could not read request body: "+err.Error())
		return
	}
	msg, err := DecodeEntry(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	entry, err := s.opts.Store.Add(ctx, msg)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.metrics.created.Inc()
	w.Header().Set("Location", "/api/entries")
	writeJSON(w, http.StatusCreated, entry)
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, &http.MaxBytesError{Limit: MaxBodyBytes}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
}

// storeFailed hides database details from clients; the log line has them.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.logger(r).Error("database request failed", "database", s.opts.StoreKind, "error", err)
	writeError(w, http.StatusServiceUnavailable, "the database is unavailable; try again later")
}

func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed here; use "+allow)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
