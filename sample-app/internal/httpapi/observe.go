package httpapi

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type ctxKey struct{}

// statusRecorder remembers what the handler wrote, for the log line and the metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe gives every request an id, then logs one line and records metrics once it is served.
// The route label is the mux pattern, not the path, so that label cardinality stays bounded.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get("X-Request-Id"))
		w.Header().Set("X-Request-Id", id)
		if s.draining.Load() {
			// Each connection ends with its next response, so clients reconnect (to other pods)
			// and no idle keep-alive connection is left for Shutdown to close under a client that
			// is about to reuse it. Closing idle connections at once (SetKeepAlivesEnabled(false))
			// races with such clients and drops their requests.
			w.Header().Set("Connection", "close")
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, id))
		rec := &statusRecorder{ResponseWriter: w}

		s.metrics.inFlight.Inc()
		next.ServeHTTP(rec, r)
		s.metrics.inFlight.Dec()

		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := routeOf(r.Pattern)
		status := strconv.Itoa(rec.status)
		s.metrics.requests.WithLabelValues(route, r.Method, status).Inc()
		s.metrics.duration.WithLabelValues(route, r.Method, status).Observe(elapsed.Seconds())
		s.opts.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// routeOf strips the method from a mux pattern ("GET /api/entries" → "/api/entries"); the
// method has its own label.
func routeOf(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// requestID keeps the X-Request-Id a client or proxy sent
// when it is short and safe to log, and otherwise makes a new one.
func requestID(incoming string) string {
	if n := len(incoming); n > 0 && n <= 64 && strings.IndexFunc(incoming, notIDChar) < 0 {
		return incoming
	}
	return strconv.FormatUint(rand.Uint64(), 16)
}

func notIDChar(c rune) bool {
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')
}

// logger returns a logger that carries the request id. It is built only when a handler logs,
// which keeps the common path (one line per request) cheap.
func (s *Server) logger(r *http.Request) *slog.Logger {
	if id, ok := r.Context().Value(ctxKey{}).(string); ok {
		return s.opts.Logger.With("request_id", id)
	}
	return s.opts.Logger
}
