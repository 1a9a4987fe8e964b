package gitops

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

// The bootstrap scripts run here against stand-ins for the vault and aws CLIs that keep Vault's
// and Secrets Manager's state in files. They prove the scripts' decisions (initialise once, save
// then reuse the root token, configure idempotently, fail clearly); the real CLIs and APIs are
// proven only on a cluster. The scripts run under dash and bash here, busybox sh in the image.

const bootstrapDir = "../../../gitops/infrastructure/vault-bootstrap"

const fakeVault = `#!/bin/sh
echo "vault $*" >>"$FAKE_STATE/log"
case "$*" in
  "operator init -status")
    [ -f "$FAKE_STATE/unreachable" ] && exit 1
    [ -f "$FAKE_STATE/initialised" ] && exit 0
    exit 2 ;;
  "operator init "*)
    touch "$FAKE_STATE/initialised"
    printf '{\n  "recovery_keys_b64": ["k1", "k2", "k3", "k4", "k5"],\n  "root_token": "hvs.root"\n}\n' ;;
  status) [ ! -f "$FAKE_STATE/sealed" ] ;;
  "token lookup") [ "$VAULT_TOKEN" = "hvs.root" ] ;;
  "secrets list -format=json") cat "$FAKE_STATE/mounts" 2>/dev/null || echo '{"sys/": {}}' ;;
  "read -field=options sys/mounts/secret") cat "$FAKE_STATE/kv-options" 2>/dev/null || echo 'map[version:2]' ;;
  "secrets enable "*) echo '{"secret/": {}}' >"$FAKE_STATE/mounts" ;;
  "auth list -format=json") cat "$FAKE_STATE/auths" 2>/dev/null || echo '{"token/": {}}' ;;
  "auth enable "*) echo "\"$3/\": {}" >>"$FAKE_STATE/auths" ;;
  "write auth/oidc/config "*) [ ! -f "$FAKE_STATE/no-discovery" ] ;;
  "read -field=accessor sys/auth/oidc") echo auth_oidc_fake ;;
  "write identity/group/name/"*) touch "$FAKE_STATE/group-$(basename "$2")" ;;
  "read -field=id identity/group/name/"*)
    group=$(basename "$3")
    if [ -f "$FAKE_STATE/group-$group" ]; then echo "id-$group"; else exit 2; fi ;;
  "write -format=json identity/lookup/group "*)
    group=$(echo "$*" | sed -n 's|.*alias_name=\([^ ]*\).*|\1|p')
    if [ -f "$FAKE_STATE/alias-$group" ]; then printf '{"data": {"id": "%s"}}\n' "$(cat "$FAKE_STATE/alias-$group")"; fi ;;
  "write identity/group-alias "*)
    group=$(echo "$*" | sed -n 's|.*name=\([^ ]*\) mount_accessor.*|\1|p')
    id=$(echo "$*" | sed -n 's|.*canonical_id=\([^ ]*\).*|\1|p')
    echo "$id" >"$FAKE_STATE/alias-$group" ;;
esac
`

const fakeAWS = `#!/bin/sh
echo "aws $*" >>"$FAKE_STATE/log"
case "$1 $2" in
  "secretsmanager put-secret-value")
    file=$(echo "$*" | sed -n 's|.*--secret-string file://\([^ ]*\).*|\1|p')
    cp "$file" "$FAKE_STATE/secret" ;;
  "secretsmanager get-secret-value")
    [ -f "$FAKE_STATE/secret" ] || { echo "ResourceNotFoundException" >&2; exit 254; }
    cat "$FAKE_STATE/secret" ;;
esac
`

type bootstrapRig struct {
	t     *testing.T
	state string
	bin   string
	// oidc: the OIDC_* variables the generated Job gives configure.sh, its client secret file
	// moved into the rig.
	oidc []string
}

// jobOIDCEnv reads the OIDC_* variables of the configure container from the generated Job, so
// the scripts run with what ships.
func jobOIDCEnv(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(bootstrapDir, "job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatalf("job.yaml: %v", err)
	}
	var env []string
	for _, c := range job.Spec.Template.Spec.Containers {
		if c.Name != "configure" {
			continue
		}
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "OIDC_") {
				env = append(env, e.Name+"="+e.Value)
			}
		}
	}
	if len(env) == 0 {
		t.Fatal("job.yaml: the configure container has no OIDC_* variables")
	}
	return env
}

func newBootstrapRig(t *testing.T) *bootstrapRig {
	t.Helper()
	for _, tool := range []string{"sh", "bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the bootstrap scripts (the AWS CLI image ships jq): %v", tool, err)
		}
	}
	r := &bootstrapRig{t: t, state: t.TempDir(), bin: t.TempDir()}
	secret := filepath.Join(t.TempDir(), "client-secret")
	if err := os.WriteFile(secret, []byte("generated-client-secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, e := range jobOIDCEnv(t) {
		if strings.HasPrefix(e, "OIDC_CLIENT_SECRET_FILE=") {
			e = "OIDC_CLIENT_SECRET_FILE=" + secret
		}
		r.oidc = append(r.oidc, e)
	}
	for name, body := range map[string]string{"vault": fakeVault, "aws": fakeAWS} {
		if err := os.WriteFile(filepath.Join(r.bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// rootToken leaves the valid root token in the memory volume, as store.sh does.
func rootToken(pod string) {
	_ = os.WriteFile(filepath.Join(pod, "root-token"), []byte("hvs.root\n"), 0o600)
}

// setOIDC replaces one OIDC_* variable of the Job.
func (r *bootstrapRig) setOIDC(name, value string) {
	for i, e := range r.oidc {
		if strings.HasPrefix(e, name+"=") {
			r.oidc[i] = name + "=" + value
			return
		}
	}
	r.t.Fatalf("the Job sets no %s", name)
}

// newPod returns a fresh memory volume, as a new Job pod gets.
func (r *bootstrapRig) newPod() string { return r.t.TempDir() }

func (r *bootstrapRig) touch(name, content string) {
	if err := os.WriteFile(filepath.Join(r.state, name), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// run runs one script with the interpreter the Job uses and returns its exit code and stderr.
func (r *bootstrapRig) run(script, pod string) (int, string) {
	r.t.Helper()
	shell := "sh"
	if script == "store.sh" {
		shell = "bash"
	}
	abs, err := filepath.Abs(filepath.Join(bootstrapDir, script))
	if err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.Command(shell, abs)
	cmd.Env = []string{
		"PATH=" + r.bin + ":" + os.Getenv("PATH"),
		"FAKE_STATE=" + r.state,
		"VAULT_ADDR=http://vault.test:8200",
		"BOOTSTRAP_DIR=" + pod,
		"POLICY_DIR=" + filepath.Dir(abs),
		"WAIT_SECONDS=0",
		"VAULT_INIT_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:test",
	}
	cmd.Env = append(cmd.Env, r.oidc...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), stderr.String()
	}
	if err != nil {
		r.t.Fatalf("running %s: %v", script, err)
	}
	return 0, stderr.String()
}

// log returns the CLI calls made since the last call of log.
func (r *bootstrapRig) log() string {
	path := filepath.Join(r.state, "log")
	data, _ := os.ReadFile(path)
	_ = os.Remove(path)
	return string(data)
}

func (r *bootstrapRig) mustRun(pod string, scripts ...string) {
	r.t.Helper()
	for _, s := range scripts {
		if code, stderr := r.run(s, pod); code != 0 {
			r.t.Fatalf("%s exited %d: %s", s, code, stderr)
		}
	}
}

func TestVaultBootstrapScriptsFirstAndLaterRuns(t *testing.T) {
	r := newBootstrapRig(t)

	pod := r.newPod()
	r.mustRun(pod, "init.sh", "store.sh", "configure.sh")
	calls := r.log()
	for _, want := range []string{
		"vault operator init -recovery-shares=5 -recovery-threshold=3 -format=json",
		"aws secretsmanager put-secret-value --secret-id arn:aws:secretsmanager:eu-west-1:123456789012:secret:test",
		"vault secrets enable -path=secret -version=2 kv",
		"vault auth enable kubernetes",
		"vault write auth/kubernetes/config kubernetes_host=https://kubernetes.default.svc",
		"vault policy write external-secrets",
		"vault policy write sample-app",
		"vault write auth/kubernetes/role/external-secrets bound_service_account_namespaces=external-secrets bound_service_account_names=external-secrets token_policies=external-secrets",
		"vault write auth/kubernetes/role/sample-app bound_service_account_namespaces=sample-app bound_service_account_names=sample-app token_policies=sample-app",
		"vault policy write sso-admin",
		"vault policy write sso-read",
		"vault auth enable oidc",
		"vault write auth/oidc/config oidc_discovery_url=https://auth.${DOMAIN}/application/o/vault/ oidc_client_id=vault oidc_client_secret=@",
		"vault write auth/oidc/role/default user_claim=sub groups_claim=groups oidc_scopes=openid,email,profile allowed_redirect_uris=https://vault.${DOMAIN}/ui/vault/auth/oidc/oidc/callback,http://localhost:8250/oidc/callback token_policies=default",
		"vault write identity/group/name/bkt-platform-engineers type=external policies=sso-admin",
		"vault write identity/group/name/bkt-developers type=external policies=sso-read",
		"vault write identity/group-alias name=bkt-platform-engineers mount_accessor=auth_oidc_fake canonical_id=id-bkt-platform-engineers",
		"vault write identity/group-alias name=bkt-developers mount_accessor=auth_oidc_fake canonical_id=id-bkt-developers",
	} {
		if !strings.Contains(calls, want) {
			t.Errorf("first run: no call %q; calls were:\n%s", want, calls)
		}
	}
	saved, err := os.ReadFile(filepath.Join(r.state, "secret"))
	if err != nil || !strings.Contains(string(saved), `"recovery_keys_b64"`) || !strings.Contains(string(saved), `"root_token": "hvs.root"`) {
		t.Errorf("first run: Secrets Manager must hold the whole init output (recovery keys and root token), holds %q (%v)", saved, err)
	}
	if _, err := os.Stat(filepath.Join(pod, "init.json")); err == nil {
		t.Error("first run: init.json stays in the memory volume after it was saved")
	}

	// A later run (a script change, a new cluster node) finds Vault initialised and configured.
	pod = r.newPod()
	r.mustRun(pod, "init.sh", "store.sh", "configure.sh")
	calls = r.log()
	for _, unwanted := range []string{"vault operator init -recovery", "put-secret-value", "secrets enable", "auth enable", "identity/group-alias"} {
		if strings.Contains(calls, unwanted) {
			t.Errorf("later run: must not repeat %q; calls were:\n%s", unwanted, calls)
		}
	}
	for _, want := range []string{"aws secretsmanager get-secret-value", "vault policy write sample-app", "vault write auth/kubernetes/role/sample-app",
		"vault write auth/oidc/config", "vault write identity/group/name/bkt-developers type=external policies=sso-read"} {
		if !strings.Contains(calls, want) {
			t.Errorf("later run: no call %q; calls were:\n%s", want, calls)
		}
	}
	if token, _ := os.ReadFile(filepath.Join(pod, "root-token")); string(token) != "hvs.root\n" {
		t.Errorf("later run: root token in the memory volume is %q, want the saved one", token)
	}
}

// A failed put leaves the init output in the pod's memory; the restarted container saves it.
func TestVaultBootstrapStoreRetriesAfterFailedPut(t *testing.T) {
	r := newBootstrapRig(t)
	pod := r.newPod()
	r.mustRun(pod, "init.sh")
	broken := filepath.Join(r.bin, "aws")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho 'AccessDeniedException' >&2\nexit 254\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _ := r.run("store.sh", pod); code == 0 {
		t.Fatal("store.sh succeeded although put-secret-value failed")
	}
	if _, err := os.Stat(filepath.Join(pod, "init.json")); err != nil {
		t.Fatalf("after a failed put the init output must stay for the retry: %v", err)
	}
	if err := os.WriteFile(broken, []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	r.mustRun(pod, "store.sh", "configure.sh")
	if _, err := os.Stat(filepath.Join(r.state, "secret")); err != nil {
		t.Errorf("the retried store.sh did not save the init output: %v", err)
	}
}

func TestVaultBootstrapScriptsFailClearly(t *testing.T) {
	cases := []struct {
		name, script string
		setup        func(r *bootstrapRig, pod string)
		code         int
		message      string
	}{
		{"vault never answers", "init.sh", func(r *bootstrapRig, _ string) { r.touch("unreachable", "") },
			1, "did not answer within 0 s"},
		{"initialised elsewhere, nothing saved", "store.sh", func(r *bootstrapRig, _ string) { r.touch("initialised", "") },
			1, "cannot be read"},
		{"saved value without a root token", "store.sh", func(r *bootstrapRig, _ string) { r.touch("secret", `{"recovery_keys_b64": []}`) },
			1, "holds no root_token"},
		{"revoked root token", "configure.sh", func(r *bootstrapRig, pod string) {
			_ = os.WriteFile(filepath.Join(pod, "root-token"), []byte("hvs.revoked\n"), 0o600)
		}, 1, "is not valid (revoked?)"},
		{"KV version 1 at secret/", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.touch("mounts", `{"secret/": {}}`)
			r.touch("kv-options", "map[version:1]")
		}, 1, "vault kv enable-versioning secret/"},
		{"sealed", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.touch("sealed", "")
		}, 1, "is not unsealed within 0 s"},
		{"SSO client secret not copied", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_CLIENT_SECRET_FILE", filepath.Join(pod, "missing"))
		}, 1, "check the Secret sso-vault in namespace vault"},
		{"OIDC discovery unreachable", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.touch("no-discovery", "")
		}, 1, "that its worker applied the blueprint"},
		{"group granted a policy the Job does not ship", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_GROUP_POLICIES", "bkt-developers=sso-write")
		}, 1, "sso-write.hcl is not in the ConfigMap"},
		{"group mapping without a policy", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_GROUP_POLICIES", "bkt-developers")
		}, 2, "is not group=policy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newBootstrapRig(t)
			pod := r.newPod()
			if c.setup != nil {
				c.setup(r, pod)
			}
			code, stderr := r.run(c.script, pod)
			if code != c.code || !strings.Contains(stderr, c.message) {
				t.Errorf("%s: exit %d, stderr %q; want exit %d and a message containing %q", c.script, code, stderr, c.code, c.message)
			}
		})
	}
}

func TestVaultBootstrapScriptsNameMissingInput(t *testing.T) {
	for _, script := range []string{"init.sh", "store.sh", "configure.sh"} {
		r := newBootstrapRig(t)
		cmd := exec.Command(map[bool]string{true: "bash", false: "sh"}[script == "store.sh"], filepath.Join(bootstrapDir, script))
		cmd.Env = []string{"PATH=" + r.bin + ":" + os.Getenv("PATH"), "FAKE_STATE=" + r.state}
		out, err := cmd.CombinedOutput()
		exit, ok := err.(*exec.ExitError)
		if !ok || exit.ExitCode() != 2 || !strings.Contains(string(out), "is not set") {
			t.Errorf("%s without its environment: %v, output %q; want exit 2 naming the missing variable", script, err, out)
		}
	}
}
