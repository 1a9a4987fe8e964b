// Package app wires configuration, storage and the HTTP server together and owns the process
// lifecycle: start, follow changing files, drain on shutdown.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bkt-platform/platform/sample-app/internal/config"
	"github.com/bkt-platform/platform/sample-app/internal/httpapi"
	"github.com/bkt-platform/platform/sample-app/internal/store"
	"github.com/bkt-platform/platform/sample-app/internal/watch"
)

// Run serves until ctx is cancelled (SIGTERM), then fails readiness for cfg.ShutdownDelay while
// still serving, then stops accepting connections and waits up to cfg.ShutdownTimeout for
// in-flight requests. It returns nil after a clean shutdown.
func Run(ctx context.Context, cfg config.Config, version string, logger *slog.Logger) error {
	background, stopBackground := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopBackground()

	message, err := followMessage(background, &wg, cfg, logger)
	if err != nil {
		return err
	}
	st := openStore(background, &wg, cfg, logger)

	api := httpapi.New(httpapi.Options{
		Store:     st,
		StoreKind: cfg.DatabaseType,
		Message:   message,
		Version:   version,
		PodName:   cfg.PodName,
		Logger:    logger,
		Registry:  prometheus.NewRegistry(),
	})
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "version", version, "database", cfg.DatabaseType)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutdown: readiness now fails; still serving", "delay", cfg.ShutdownDelay.String())
	api.StartDraining()
	time.Sleep(cfg.ShutdownDelay)

	logger.Info("shutdown: closing listener, waiting for in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		shutdownErr = errors.Join(shutdownErr, err)
	}
	shutdownErr = errors.Join(shutdownErr, st.Close(shutdownCtx))
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	logger.Info("shutdown complete")
	return nil
}

// followMessage returns the page message source. With a message file (the chart's ConfigMap)
// it is read now, so that a wrong path fails the start, and re-read in the background.
func followMessage(ctx context.Context, wg *sync.WaitGroup, cfg config.Config, logger *slog.Logger) (func() string, error) {
	if cfg.MessageFile == "" {
		return func() string { return cfg.Message }, nil
	}
	b, err := os.ReadFile(cfg.MessageFile)
	if err != nil {
		return nil, fmt.Errorf("--message-file: %w", err)
	}
	var current atomic.Pointer[string]
	first := strings.TrimSpace(string(b))
	current.Store(&first)
	wg.Go(func() {
		watch.Every(ctx, cfg.MessageFile, cfg.ReloadInterval, func(content string, err error) {
			if err != nil {
				// Keep the last good message: the kubelet swaps ConfigMap files atomically, so a read
				// error is a real problem worth a log line, not a reason to blank the page.
				logger.Error("message file unreadable; keeping the last message", "path", cfg.MessageFile, "error", err)
				return
			}
			msg := strings.TrimSpace(content)
			if prev := current.Swap(&msg); *prev != msg {
				logger.Info("message changed", "path", cfg.MessageFile)
			}
		})
	})
	return func() string { return *current.Load() }, nil
}

// openStore returns the embedded store, or a database store that follows the connection-string
// file. A missing or wrong secret does not stop the process: readiness reports it, and the next
// poll retries, because the Vault agent or the database may simply not be there yet.
func openStore(ctx context.Context, wg *sync.WaitGroup, cfg config.Config, logger *slog.Logger) store.Store {
	if cfg.DatabaseType == store.Memory {
		return store.NewMemory(store.DefaultMemoryCapacity)
	}
	store.SetMySQLDriverLogger(logger)
	st := store.NewReloading(func(ctx context.Context, dsn string) (store.Store, error) {
		return store.Open(ctx, cfg.DatabaseType, dsn)
	})
	sync := func(content string, readErr error) {
		attemptCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if readErr != nil {
			st.Fail(fmt.Errorf("read %s: %w", cfg.DatabaseDSNFile, readErr))
			logger.Warn("database connection-string file unreadable", "path", cfg.DatabaseDSNFile, "error", readErr)
			return
		}
		reconnected, err := st.Sync(attemptCtx, content)
		switch {
		case err != nil:
			logger.Error("database connection failed; retrying", "database", cfg.DatabaseType, "in", cfg.ReloadInterval.String(), "error", err)
		case reconnected:
			logger.Info("database connected", "database", cfg.DatabaseType, "path", cfg.DatabaseDSNFile)
		}
	}
	// The first attempt happens before the server starts, so a healthy pod is ready at once.
	b, err := os.ReadFile(cfg.DatabaseDSNFile)
	sync(string(b), err)
	wg.Go(func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(cfg.ReloadInterval):
		}
		watch.Every(ctx, cfg.DatabaseDSNFile, cfg.ReloadInterval, sync)
	})
	return st
}
