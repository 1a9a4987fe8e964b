// Package testdb starts real database servers for integration tests: MariaDB from Debian's
// package and a MongoDB-wire-compatible server (FerretDB via tools/cmd/mongowire). Each runs as
// a child process of the test on a free loopback port and stops when the test ends. A missing
// server binary fails the test: a skipped integration test would let `make test` pass without
// proving anything. Only tests import this package.
package testdb

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

const setupHint = "run `make setup` (it installs Debian's mariadb-server and builds the Go tools)"

func lookBinary(t testing.TB, name string, dirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	t.Fatalf("%s not found in PATH or %v: %s", name, dirs, setupHint)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// stopOnCleanup ends the server gracefully and kills it if it hangs, so no process outlives the test.
func stopOnCleanup(t testing.TB, cmd *exec.Cmd, name string) {
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("%s did not stop within 30s of SIGTERM; killing it", name)
			_ = cmd.Process.Kill()
			<-done
		}
	})
}

// MariaDB is a running server.
type MariaDB struct {
	Addr   string // 127.0.0.1:port
	socket string
	Admin  *sql.DB // root over the Unix socket
}

// StartMariaDB initialises a throw-away data directory and runs Debian's mariadbd on a free
// loopback port, owned by this test.
func StartMariaDB(t testing.TB) *MariaDB {
	t.Helper()
	sbin := []string{"/usr/sbin", "/usr/bin", "/usr/libexec"}
	server := lookBinary(t, "mariadbd", sbin...)
	installDB := lookBinary(t, "mariadb-install-db", sbin...)

	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	// mariadbd refuses to run as root unless told the user explicitly.
	userArg := "--user=" + u.Username
	install := exec.Command(installDB, "--no-defaults", "--datadir="+data, userArg,
		"--auth-root-authentication-method=normal", "--skip-test-db")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}

	db := &MariaDB{Addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), socket: filepath.Join(dir, "mysqld.sock")}
	_, port, _ := net.SplitHostPort(db.Addr)
	logFile := filepath.Join(dir, "error.log")
	cmd := exec.Command(server, "--no-defaults", "--datadir="+data, userArg,
		"--bind-address=127.0.0.1", "--port="+port, "--socket="+db.socket,
		"--pid-file="+filepath.Join(dir, "mysqld.pid"), "--log-error="+logFile, "--tmpdir="+dir,
		"--skip-log-bin", "--innodb-buffer-pool-size=32M", "--skip-name-resolve")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mariadbd: %v", err)
	}
	stopOnCleanup(t, cmd, "mariadbd")

	admin, err := sql.Open("mysql", "root@unix("+db.socket+")/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err = admin.Ping(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("mariadbd did not accept connections within 60s: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	db.Admin = admin
	return db
}

// CreateDatabase makes a database and a user limited to it, as a DBA would for the app.
func (m *MariaDB) CreateDatabase(t testing.TB, name, user, password string) string {
	t.Helper()
	for _, stmt := range []string{
		"CREATE DATABASE " + name,
		fmt.Sprintf("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("GRANT ALL PRIVILEGES ON %s.* TO '%s'@'127.0.0.1'", name, user),
	} {
		if _, err := m.Admin.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return m.DSN(user, password, name)
}

// DSN is the go-sql-driver connection string for user over TCP.
func (m *MariaDB) DSN(user, password, dbName string) string {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = user, password, "tcp", m.Addr, dbName
	return cfg.FormatDSN()
}

// StartMongoWire runs the repository's mongowire tool (FerretDB embedded, SQLite storage).
func StartMongoWire(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("MONGOWIRE")
	if bin == "" {
		toolsMod := findToolsModule(t)
		// Run from tools/: mongowire is a package of that module, which -modfile alone cannot find.
		goTool := exec.Command("go", "tool", "-n", "mongowire")
		goTool.Dir = filepath.Dir(toolsMod)
		out, err := goTool.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				err = fmt.Errorf("%w: %s", err, ee.Stderr)
			}
			t.Fatalf("build mongowire from %s: %v; %s", toolsMod, err, setupHint)
		}
		bin = strings.TrimSpace(string(out))
	}
	cmd := exec.Command(bin, "--dir", t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	stopOnCleanup(t, cmd, "mongowire")
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case uri, ok := <-line:
		if !ok || !strings.HasPrefix(uri, "mongodb://") {
			t.Fatalf("mongowire did not print its URI (got %q); stderr:\n%s", uri, stderr.String())
		}
		return uri
	case <-time.After(30 * time.Second):
		t.Fatalf("mongowire did not start within 30s; stderr:\n%s", stderr.String())
	}
	return ""
}

// findToolsModule walks up from the package directory to the repository's tools/go.mod.
func findToolsModule(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "tools", "go.mod")
		if fileExists(p) {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("tools/go.mod not found above the test directory; set MONGOWIRE to a mongowire binary or %s", setupHint)
		}
		dir = parent
	}
}

// Context ends after a minute or with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
