package config

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestDefaultsRunWithZeroSetup(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DatabaseType != store.Memory || c.LogLevel != slog.LevelInfo ||
		c.ReloadInterval != 5*time.Second || c.ShutdownTimeout != 20*time.Second || c.Message == "" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestEnvironmentThenFlags(t *testing.T) {
	e := env(map[string]string{
		"ADDR": ":9000", "DATABASE_TYPE": "mysql", "DATABASE_DSN_FILE": "/vault/secrets/db",
		"SHUTDOWN_DELAY": "5s", "LOG_LEVEL": "debug", "POD_NAME": "pod-1", "MESSAGE_FILE": "/config/message",
	})
	c, err := Parse(nil, e, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.DatabaseType != store.MySQL || c.DatabaseDSNFile != "/vault/secrets/db" ||
		c.ShutdownDelay != 5*time.Second || c.LogLevel != slog.LevelDebug || c.PodName != "pod-1" || c.MessageFile != "/config/message" {
		t.Fatalf("from environment: %+v", c)
	}
	c, err = Parse([]string{"--addr", "127.0.0.1:1", "--database-type=memory", "--shutdown-delay=0s"}, e, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:1" || c.DatabaseType != store.Memory || c.ShutdownDelay != 0 {
		t.Fatalf("flags do not override the environment: %+v", c)
	}
}

func TestInvalidSettingsNameTheFix(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown database", []string{"--database-type=postgres"}, nil, "use memory, mysql or mongodb"},
		{"database without secret file", []string{"--database-type=mongodb"}, nil, "needs --database-dsn-file"},
		{"bad duration in env", nil, map[string]string{"SHUTDOWN_DELAY": "5"}, "SHUTDOWN_DELAY"},
		{"bad log level", []string{"--log-level=loud"}, nil, "debug, info, warn or error"},
		{"negative delay", []string{"--shutdown-delay=-1s"}, nil, "--shutdown-delay must be"},
		{"zero reload", []string{"--reload-interval=0s"}, nil, "--reload-interval must be positive"},
		{"stray argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"unknown flag", []string{"--port=1"}, nil, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.args, env(tc.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}
