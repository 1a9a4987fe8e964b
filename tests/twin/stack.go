// Package twin runs the generated Flux tree on a real control plane: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok nodes shaped like the environment's node group,
// and Flux's source- and kustomize-controller, all built from their Go modules (build.sh) and
// started here on loopback. docs/twin.md says what it proves and what it does not.
package twin

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// adminToken authenticates every component as a member of system:masters (a static token file:
// the twin has no other identity provider). Controllers on EKS run with their own ServiceAccounts;
// here they share this one, which is not what the RBAC checks are about: those concern the
// workloads' ServiceAccounts, which the API server authorizes as in a real cluster.
const adminToken = "twin-admin-token"

// Stack is a running control plane and the programs started with it.
type Stack struct {
	Bin        string // the folder build.sh filled
	Dir        string // scratch: data, keys, logs
	Kubeconfig string
	Server     string // https://127.0.0.1:port
	// StorageAddr is source-controller's artifact server.
	StorageAddr string

	mu    sync.Mutex
	procs []*proc
}

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
	log  string
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports = append(ports, p)
	}
	return ports, nil
}

// start launches a program in its own process group, its output in Dir/<name>.log.
func (s *Stack) start(name string, env []string, args ...string) (*proc, error) {
	logPath := filepath.Join(s.Dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(s.Bin, "bin", name), args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

// Stop ends every program the stack started, newest first, by process id: SIGTERM to its
// process group, SIGKILL after five seconds.
func (s *Stack) Stop() {
	s.mu.Lock()
	procs := s.procs
	s.procs = nil
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		p := procs[i]
		select {
		case <-p.done:
			continue
		default:
		}
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
}

// Exited reports a program that has stopped on its own, with the tail of its log.
func (s *Stack) Exited() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited (%v); last lines of %s:\n%s", p.name, p.err, p.log, tail(p.log, 15))
		default:
		}
	}
	return nil
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitHTTP polls url until it answers 200, a started program exits, or the timeout passes.
func (s *Stack) waitHTTP(ctx context.Context, name, url string, token bool, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback, self-signed
	}}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if err := s.Exited(); err != nil {
			return err
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if token {
			req.Header.Set("Authorization", "Bearer "+adminToken)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready at %s after %s (last: %s)", name, url, timeout, last)
}

// StartControlPlane starts etcd, the API server, the controller manager and the scheduler.
func (s *Stack) StartControlPlane(ctx context.Context) error {
	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	etcdClient, etcdPeer, apiPort := ports[0], ports[1], ports[2]
	s.Server = fmt.Sprintf("https://127.0.0.1:%d", apiPort)

	etcdDir := filepath.Join(s.Dir, "etcd")
	if _, err := s.start("etcd", nil,
		"--name=twin", "--data-dir="+etcdDir,
		fmt.Sprintf("--listen-client-urls=http://127.0.0.1:%d", etcdClient),
		fmt.Sprintf("--advertise-client-urls=http://127.0.0.1:%d", etcdClient),
		fmt.Sprintf("--listen-peer-urls=http://127.0.0.1:%d", etcdPeer),
		fmt.Sprintf("--initial-advertise-peer-urls=http://127.0.0.1:%d", etcdPeer),
		fmt.Sprintf("--initial-cluster=twin=http://127.0.0.1:%d", etcdPeer),
		"--unsafe-no-fsync", "--log-level=warn",
	); err != nil {
		return err
	}
	if err := s.waitHTTP(ctx, "etcd", fmt.Sprintf("http://127.0.0.1:%d/health", etcdClient), false, 30*time.Second); err != nil {
		return err
	}

	keyFile, pubFile, err := s.writeServiceAccountKeys()
	if err != nil {
		return err
	}
	tokens := filepath.Join(s.Dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(adminToken+`,twin-admin,twin-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}
	certDir := filepath.Join(s.Dir, "pki")
	if _, err := s.start("kube-apiserver", nil,
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", etcdClient),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--cert-dir="+certDir,
		"--token-auth-file="+tokens,
		// RBAC decides what every workload's ServiceAccount may do; the default admission
		// plugins run, Pod Security among them (enforced per namespace label, privileged by default).
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+pubFile,
		"--service-account-signing-key-file="+keyFile,
		"--service-cluster-ip-range=10.100.0.0/16",
		"--allow-privileged=true",
		"--event-ttl=1h",
	); err != nil {
		return err
	}
	if err := s.waitHTTP(ctx, "kube-apiserver", s.Server+"/readyz", true, 90*time.Second); err != nil {
		return err
	}
	s.Kubeconfig = filepath.Join(s.Dir, "kubeconfig")
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: twin
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: twin-admin
  user:
    token: %s
contexts:
- name: twin
  context: {cluster: twin, user: twin-admin}
current-context: twin
`, s.Server, adminToken)
	if err := os.WriteFile(s.Kubeconfig, []byte(kubeconfig), 0o600); err != nil {
		return err
	}
	if _, err := s.start("kube-controller-manager", nil,
		"--kubeconfig="+s.Kubeconfig,
		"--authentication-kubeconfig="+s.Kubeconfig,
		"--authorization-kubeconfig="+s.Kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ports[3]),
		"--service-account-private-key-file="+keyFile,
		"--root-ca-file="+filepath.Join(certDir, "apiserver.crt"),
		"--use-service-account-credentials=false",
	); err != nil {
		return err
	}
	schedPort, err := freePort()
	if err != nil {
		return err
	}
	if _, err := s.start("kube-scheduler", nil,
		"--kubeconfig="+s.Kubeconfig,
		"--authentication-kubeconfig="+s.Kubeconfig,
		"--authorization-kubeconfig="+s.Kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", schedPort),
	); err != nil {
		return err
	}
	if err := s.waitHTTP(ctx, "kube-controller-manager", fmt.Sprintf("https://127.0.0.1:%d/healthz", ports[3]), true, 60*time.Second); err != nil {
		return err
	}
	return s.waitHTTP(ctx, "kube-scheduler", fmt.Sprintf("https://127.0.0.1:%d/healthz", schedPort), true, 60*time.Second)
}

func (s *Stack) writeServiceAccountKeys() (keyFile, pubFile string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	keyFile = filepath.Join(s.Dir, "sa.key")
	pubFile = filepath.Join(s.Dir, "sa.pub")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return "", "", err
	}
	return keyFile, pubFile, os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600)
}

// StartKwok starts kwok, which plays the kubelet for nodes annotated kwok.x-k8s.io/node=fake:
// it keeps them Ready and moves their pods through kwok's default stages (a pod is Running and
// Ready once scheduled; a Job's pod then completes). No container runs.
func (s *Stack) StartKwok(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	if _, err := s.start("kwok", nil,
		"--kubeconfig="+s.Kubeconfig,
		"--config="+filepath.Join(s.Bin, "kwok-stages.yaml"),
		"--node-lease-duration-seconds=40",
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--cidr=10.64.0.1/16",
		"--node-ip=10.64.0.1",
		fmt.Sprintf("--server-address=127.0.0.1:%d", port),
	); err != nil {
		return err
	}
	return s.waitHTTP(ctx, "kwok", fmt.Sprintf("http://127.0.0.1:%d/healthz", port), false, 30*time.Second)
}

// StartFlux starts source-controller and kustomize-controller.
func (s *Stack) StartFlux(ctx context.Context, requeueDependency time.Duration) error {
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	s.StorageAddr = fmt.Sprintf("127.0.0.1:%d", ports[0])
	env := []string{"KUBECONFIG=" + s.Kubeconfig, "RUNTIME_NAMESPACE=flux-system"}
	if err := os.MkdirAll(filepath.Join(s.Dir, "artifacts"), 0o755); err != nil {
		return err
	}
	if _, err := s.start("source-controller", env,
		"--storage-path="+filepath.Join(s.Dir, "artifacts"),
		"--storage-addr="+s.StorageAddr,
		"--storage-adv-addr="+s.StorageAddr,
		"--metrics-addr=0",
		fmt.Sprintf("--health-addr=127.0.0.1:%d", ports[1]),
		"--enable-leader-election=false",
		"--watch-all-namespaces=true",
		"--events-addr=",
	); err != nil {
		return err
	}
	if _, err := s.start("kustomize-controller", env,
		"--metrics-addr=0",
		fmt.Sprintf("--health-addr=127.0.0.1:%d", ports[2]),
		"--enable-leader-election=false",
		"--watch-all-namespaces=true",
		"--events-addr=",
		"--no-remote-bases=true",
		"--requeue-dependency="+requeueDependency.String(),
	); err != nil {
		return err
	}
	if err := s.waitHTTP(ctx, "source-controller", fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1]), false, 60*time.Second); err != nil {
		return err
	}
	return s.waitHTTP(ctx, "kustomize-controller", fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[2]), false, 60*time.Second)
}
