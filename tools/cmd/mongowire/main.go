// Command mongowire runs a MongoDB-wire-compatible server (FerretDB, embedded, SQLite storage)
// for the sample app's integration tests, so they need no MongoDB binary and no container.
// FerretDB's own command cannot be used as a Go tool: built from the module cache it panics on
// a version file its release process generates. Embedding its library avoids that.
//
// It prints the server's MongoDB URI as the first line on stdout once it accepts connections,
// and stops on SIGTERM or SIGINT.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mongowire:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	dir := flag.String("dir", "", "directory for the SQLite data files (required; created if missing)")
	flag.Parse()
	if *dir == "" {
		return errors.New("--dir is required: the directory that holds the data")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return err
	}
	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- db.Run(ctx) }()
	// MongoDBURI blocks until the listener is bound, so printing it announces readiness.
	fmt.Println(db.MongoDBURI())
	return <-done
}
