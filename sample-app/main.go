// Command sample-app is the BKT Platform sample service: a small guestbook that shows how an
// application uses the platform's config, secrets, database, metrics and logs.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/bkt-platform/platform/sample-app/internal/app"
	"github.com/bkt-platform/platform/sample-app/internal/config"
)

// version is set at build time: go build -ldflags "-X main.version=<git sha>".
var version = "dev"

func main() {
	cfg, err := config.Parse(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, config.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sample-app:", err)
		os.Exit(2)
	}
	if cfg.ShowVersion {
		fmt.Println(version)
		return
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := app.Run(ctx, cfg, version, logger); err != nil {
		logger.Error("exiting", "error", err)
		os.Exit(1)
	}
}
