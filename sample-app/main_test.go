package main

import (
	"bufio"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bkt-platform/platform/sample-app/internal/testdb"
)

// These tests build the binary the way the Dockerfile does (static, -trimpath, version in
// ldflags) and run it as a process: the image cannot be built here, its binary can.

const testVersion = "0123456789abcdef0123456789abcdef01234567"

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sample-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "sample-app")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+testVersion, "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func TestBinaryIsStaticAndVersioned(t *testing.T) {
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has a PT_INTERP program header: it needs a dynamic loader, which distroless static lacks")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("binary needs shared libraries %v (err %v)", libs, err)
	}

	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("build settings CGO_ENABLED=%q -trimpath=%q; want 0 and true", settings["CGO_ENABLED"], settings["-trimpath"])
	}

	st, err := os.Stat(binary)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() >= 20<<20 {
		t.Errorf("binary is %d bytes; the budget is 20 MiB", st.Size())
	}
	t.Logf("binary size: %.1f MiB", float64(st.Size())/(1<<20))

	out, err := exec.Command(binary, "--version").Output()
	if err != nil || strings.TrimSpace(string(out)) != testVersion {
		t.Fatalf("--version printed %q (err %v); want %s", out, err, testVersion)
	}
}

func TestInvalidFlagExitsWithUsageError(t *testing.T) {
	cmd := exec.Command(binary, "--database-type=oracle")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "use memory, mysql or mongodb") {
		t.Fatalf("exit %v, output %q; want exit 2 naming the allowed values", err, out)
	}
}

// process is the running service and the log lines it has written so far.
type process struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	logs []map[string]any
	done chan error
}

func start(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary, append([]string{"--addr=127.0.0.1:0"}, args...)...), done: make(chan error, 1)}
	p.cmd.Stderr = os.Stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			var line map[string]any
			if err := json.Unmarshal(s.Bytes(), &line); err != nil {
				t.Errorf("log line is not JSON: %q", s.Text())
				continue
			}
			p.mu.Lock()
			p.logs = append(p.logs, line)
			p.mu.Unlock()
			if line["msg"] == "listening" {
				listening <- line["addr"].(string)
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	select {
	case p.addr = <-listening:
	case err := <-p.done:
		t.Fatalf("service exited before listening: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("service did not log 'listening' within 10s")
	}
	return p
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMessageFileChangesLive edits the message file the way the kubelet updates a ConfigMap
// volume (write elsewhere, rename over) and expects the page to follow without a restart.
func TestMessageFileChangesLive(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "message")
	if err := os.WriteFile(file, []byte("Hello from the first release\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, "--message-file="+file, "--reload-interval=50ms")
	if _, body := get(t, p.url("/")); !strings.Contains(body, "<h1>Hello from the first release</h1>") {
		t.Fatalf("page does not show the configured message:\n%s", body)
	}
	tmp := filepath.Join(dir, ".message.new")
	if err := os.WriteFile(tmp, []byte("Changed by a chart upgrade"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, body := get(t, p.url("/")); strings.Contains(body, "<h1>Changed by a chart upgrade</h1>") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("page did not show the new message within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestShutdownUnderLoad sends SIGTERM while clients are busy and one request is still being
// uploaded. The clients stand behind a model of the load balancer: it polls /readyz and, like
// endpoint removal in Kubernetes, stops sending new requests a little after readiness fails.
// Every request sent must get a 2xx answer, the upload must complete, and the process must exit 0.
func TestShutdownUnderLoad(t *testing.T) {
	const (
		drain = 2 * time.Second        // --shutdown-delay; the chart sets more
		lag   = 300 * time.Millisecond // from failing readiness to no new requests
	)
	p := start(t, "--shutdown-delay="+drain.String(), "--shutdown-timeout=10s")

	var (
		signalledAt  atomic.Pointer[time.Time]
		deregistered atomic.Pointer[time.Time]
		stopBalancer = make(chan struct{})
		balancerDone = make(chan struct{})
		probeClient  = &http.Client{Timeout: time.Second}
		inRotation   = func() bool { d := deregistered.Load(); return d == nil || time.Since(*d) < lag }
		ok, dropped  atomic.Int64
		afterSignal  atomic.Int64
		firstDrop    atomic.Value
		wg           sync.WaitGroup
	)
	go func() {
		defer close(balancerDone)
		for {
			select {
			case <-stopBalancer:
				return
			case <-time.After(50 * time.Millisecond):
			}
			resp, err := probeClient.Get(p.url("/readyz"))
			if err == nil {
				resp.Body.Close()
			}
			if (err != nil || resp.StatusCode != http.StatusOK) && deregistered.Load() == nil {
				now := time.Now()
				deregistered.Store(&now)
			}
		}
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 10 * time.Second}
	for w := range 16 {
		wg.Go(func() {
			for i := 0; inRotation(); i++ {
				var (
					resp *http.Response
					err  error
				)
				if (w+i)%2 == 0 {
					resp, err = client.Post(p.url("/api/entries"), "application/json", strings.NewReader(`{"message":"load"}`))
				} else {
					resp, err = client.Get(p.url("/api/entries?limit=5"))
				}
				if err != nil {
					dropped.Add(1)
					firstDrop.CompareAndSwap(nil, err.Error())
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					dropped.Add(1)
					firstDrop.CompareAndSwap(nil, fmt.Sprintf("status %d", resp.StatusCode))
					return
				}
				ok.Add(1)
				if signalledAt.Load() != nil {
					afterSignal.Add(1)
				}
			}
		})
	}

	// A request whose body is still arriving when the listener closes.
	slow, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	body := `{"message":"uploaded across the shutdown"}`
	fmt.Fprintf(slow, "POST /api/entries HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", p.addr, len(body), body[:10])

	time.Sleep(time.Second)
	now := time.Now()
	signalledAt.Store(&now)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// Finish the upload after the drain delay, when Shutdown is already waiting for it.
	time.Sleep(drain + 500*time.Millisecond)
	if _, err := io.WriteString(slow, body[10:]); err != nil {
		t.Fatalf("finishing the in-flight upload: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("in-flight request: status %d, want 201", resp.StatusCode)
	}

	wg.Wait()
	close(stopBalancer)
	<-balancerDone
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("process exit: %v; want exit status 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("process did not exit within 15s of SIGTERM")
	}
	if _, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
		t.Error("the port still accepts connections after exit")
	}

	t.Logf("requests: %d ok, %d of them after SIGTERM; %d dropped", ok.Load(), afterSignal.Load(), dropped.Load())
	if dropped.Load() != 0 {
		t.Fatalf("%d requests were dropped; first: %v", dropped.Load(), firstDrop.Load())
	}
	d := deregistered.Load()
	// Generous for a loaded CI machine; the drain delay is what must outlast it.
	if d == nil || d.Sub(*signalledAt.Load()) > time.Second {
		t.Fatalf("readiness did not fail within 1s of SIGTERM (deregistered at %v)", d)
	}
	if ok.Load() < 200 || afterSignal.Load() < 20 {
		t.Fatalf("too little load to prove anything: %d ok, %d after SIGTERM", ok.Load(), afterSignal.Load())
	}
}

// TestDatabaseSecretFileFollowed plays the Vault agent against a real MariaDB: the secret file
// appears only after the app started, then is rewritten on rotation. Readiness must follow the
// file, and after rotation the app must use the new credentials: the old sessions are killed and
// the old password no longer works.
func TestDatabaseSecretFileFollowed(t *testing.T) {
	db := testdb.StartMariaDB(t)
	dsn := db.CreateDatabase(t, "sampleapp", "app", "first-Secret")
	secret := filepath.Join(t.TempDir(), "db")
	p := start(t, "--database-type=mysql", "--database-dsn-file="+secret, "--reload-interval=100ms")

	if code, _ := get(t, p.url("/readyz")); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz without the secret file = %d, want 503", code)
	}
	if code, body := get(t, p.url("/api/entries")); code != http.StatusServiceUnavailable || !strings.Contains(body, `"error"`) {
		t.Fatalf("GET /api/entries without a database = %d %s, want 503 with a JSON error", code, body)
	}

	writeLikeVaultAgent(t, secret, dsn+"\n")
	p.waitForLog(t, "database connected", 1)
	if code, _ := get(t, p.url("/readyz")); code != http.StatusOK {
		t.Fatalf("/readyz with the secret in place = %d, want 200", code)
	}
	post(t, p.url("/api/entries"), "before rotation")

	ctx := testdb.Context(t)
	if _, err := db.Admin.ExecContext(ctx, "ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY 'second-Secret'"); err != nil {
		t.Fatal(err)
	}
	writeLikeVaultAgent(t, secret, db.DSN("app", "second-Secret", "sampleapp"))
	p.waitForLog(t, "database connected", 2)
	rows, err := db.Admin.QueryContext(ctx, "SELECT id FROM information_schema.processlist WHERE user = 'app'")
	if err != nil {
		t.Fatal(err)
	}
	var sessions []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, id)
	}
	rows.Close()
	for _, id := range sessions {
		_, _ = db.Admin.ExecContext(ctx, fmt.Sprintf("KILL %d", id))
	}

	post(t, p.url("/api/entries"), "after rotation")
	if _, body := get(t, p.url("/api/entries")); !strings.Contains(body, "before rotation") || !strings.Contains(body, "after rotation") {
		t.Fatalf("entries across the rotation: %s", body)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// writeLikeVaultAgent replaces the file in one step, as the agent's renderer does.
func writeLikeVaultAgent(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, url, message string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"message":"`+message+`"}`))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %q = %d %s, want 201", message, resp.StatusCode, b)
	}
}

// waitForLog waits until the service has logged msg at least n times.
func (p *process) waitForLog(t *testing.T, msg string, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p.mu.Lock()
		count := 0
		for _, l := range p.logs {
			if l["msg"] == msg {
				count++
			}
		}
		p.mu.Unlock()
		if count >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service logged %q %d times within 15s, want %d", msg, count, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
