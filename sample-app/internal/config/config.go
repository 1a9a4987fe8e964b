// Package config reads the service's settings from flags, falling back to environment variables
// (the chart sets those), falling back to defaults that run with zero setup.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

// Config is everything main wires together.
type Config struct {
	Addr            string
	Message         string
	MessageFile     string
	DatabaseType    store.Kind
	DatabaseDSNFile string
	PodName         string
	LogLevel        slog.Level
	ReloadInterval  time.Duration
	ShutdownDelay   time.Duration
	ShutdownTimeout time.Duration
	ShowVersion     bool
}

// ErrHelp is returned when -h or --help was asked for; usage has been printed.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program name) and the environment through getenv. Usage and
// errors go to output.
func Parse(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var (
		c        Config
		dbType   string
		logLevel string
		fs       = flag.NewFlagSet("sample-app", flag.ContinueOnError)
		envErrs  []error
		str      = func(p *string, name, env, def, usage string) {
			fs.StringVar(p, name, envOr(getenv, env, def), usage+" (env "+env+")")
		}
		dur = func(p *time.Duration, name, env string, def time.Duration, usage string) {
			if v := getenv(env); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					envErrs = append(envErrs, fmt.Errorf("environment variable %s=%q is not a duration like 5s or 1m: %w", env, v, err))
				} else {
					def = d
				}
			}
			fs.DurationVar(p, name, def, usage+" (env "+env+")")
		}
	)
	fs.SetOutput(output)
	hostname, _ := os.Hostname()

	str(&c.Addr, "addr", "ADDR", ":8080", "address to listen on")
	str(&c.Message, "message", "MESSAGE", "Hello from BKT Platform", "message shown on the page when no message file is set")
	str(&c.MessageFile, "message-file", "MESSAGE_FILE", "", "file holding the page's message, re-read while running (the chart mounts its ConfigMap here)")
	str(&dbType, "database-type", "DATABASE_TYPE", string(store.Memory), "where entries are kept: memory, mysql or mongodb")
	str(&c.DatabaseDSNFile, "database-dsn-file", "DATABASE_DSN_FILE", "", "file holding the database connection string, re-read while running (the Vault agent renders it)")
	str(&c.PodName, "pod-name", "POD_NAME", hostname, "name shown on the page")
	str(&logLevel, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	dur(&c.ReloadInterval, "reload-interval", "RELOAD_INTERVAL", 5*time.Second, "how often the message and connection-string files are re-read")
	dur(&c.ShutdownDelay, "shutdown-delay", "SHUTDOWN_DELAY", 0, "after SIGTERM, how long to keep serving with readiness failing, so load balancers deregister the pod first")
	dur(&c.ShutdownTimeout, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 20*time.Second, "after the delay, how long in-flight requests get to finish")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")

	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if len(envErrs) > 0 {
		return Config{}, errors.Join(envErrs...)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q: all settings are --flags; see --help", fs.Arg(0))
	}
	return c, c.finish(dbType, logLevel)
}

func (c *Config) finish(dbType, logLevel string) error {
	var errs []error
	kind, err := store.ParseKind(strings.ToLower(strings.TrimSpace(dbType)))
	if err != nil {
		errs = append(errs, fmt.Errorf("--database-type: %w", err))
	}
	c.DatabaseType = kind
	if kind != store.Memory && kind != "" && c.DatabaseDSNFile == "" {
		errs = append(errs, fmt.Errorf("--database-type=%s needs --database-dsn-file (env DATABASE_DSN_FILE), the file holding the connection string", kind))
	}
	if err := c.LogLevel.UnmarshalText([]byte(logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", logLevel))
	}
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr must not be empty; use host:port or :port"))
	}
	if c.ReloadInterval <= 0 {
		errs = append(errs, fmt.Errorf("--reload-interval must be positive, got %s", c.ReloadInterval))
	}
	if c.ShutdownDelay < 0 || c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--shutdown-delay must be ≥ 0 and --shutdown-timeout > 0, got %s and %s", c.ShutdownDelay, c.ShutdownTimeout))
	}
	return errors.Join(errs...)
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
