package gitops

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

// The Vault scripts run here against stand-ins for the vault and aws CLIs that keep Vault's and
// Secrets Manager's state in files. They prove the scripts' decisions (initialise once, save then
// reuse the root token, configure idempotently, fail clearly); the real CLIs and APIs are proven
// only on a cluster. The scripts run under dash and bash here, busybox sh in the image, each from
// a folder holding exactly what its Job's ConfigMap holds (the configMapGenerator's files, keyed
// by file name), so a script sourcing a file its ConfigMap lacks fails here too.

const (
	bootstrapDir = "../../../gitops/infrastructure/vault-bootstrap"
	oidcDir      = "../../../gitops/infrastructure/vault-oidc"
)

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
	// configMaps: per Job (vault-bootstrap, vault-oidc), the folder of its ConfigMap's files
	// (also its POLICY_DIR).
	configMaps map[string]string
	// oidc: the OIDC_* variables the generated OIDC Job gives oidc.sh, its client secret file
	// moved into the rig.
	oidc []string
}

// jobOIDCEnv reads the OIDC_* variables of the oidc container from the generated Job, so the
// script runs with what ships.
func jobOIDCEnv(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(oidcDir, "job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatalf("job.yaml: %v", err)
	}
	var env []string
	for _, c := range job.Spec.Template.Spec.Containers {
		if c.Name != "oidc" {
			continue
		}
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "OIDC_") {
				env = append(env, e.Name+"="+e.Value)
			}
		}
	}
	if len(env) == 0 {
		t.Fatal("vault-oidc/job.yaml: the oidc container has no OIDC_* variables")
	}
	return env
}

// configMapFiles copies the files the configMapGenerator of folder's kustomization.yaml reads
// into a new folder, each under its key (its file name), as the Job's ConfigMap volume holds
// them.
func configMapFiles(t *testing.T, folder string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(folder, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		ConfigMapGenerator []struct {
			Files []string `json:"files"`
		} `json:"configMapGenerator"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", folder, err)
	}
	if len(k.ConfigMapGenerator) != 1 {
		t.Fatalf("%s/kustomization.yaml: want one configMapGenerator (the Job's scripts), have %d", folder, len(k.ConfigMapGenerator))
	}
	out := t.TempDir()
	for _, file := range k.ConfigMapGenerator[0].Files {
		body, err := os.ReadFile(filepath.Join(folder, filepath.FromSlash(file)))
		if err != nil {
			t.Fatalf("%s/kustomization.yaml lists %s: %v", folder, file, err)
		}
		if err := os.WriteFile(filepath.Join(out, path.Base(file)), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func newBootstrapRig(t *testing.T) *bootstrapRig {
	t.Helper()
	for _, tool := range []string{"sh", "bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the bootstrap scripts (the AWS CLI image ships jq): %v", tool, err)
		}
	}
	r := &bootstrapRig{t: t, state: t.TempDir(), bin: t.TempDir(), configMaps: map[string]string{
		"vault-bootstrap": configMapFiles(t, bootstrapDir),
		"vault-oidc":      configMapFiles(t, oidcDir),
	}}
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

// script returns the path of script in its Job's ConfigMap folder: "JOB/NAME" (vault-oidc/store.sh)
// or NAME alone for the bootstrap Job's.
func (r *bootstrapRig) script(script string) string {
	job, name, ok := strings.Cut(script, "/")
	if !ok {
		job, name = "vault-bootstrap", script
	}
	dir, ok := r.configMaps[job]
	if !ok {
		r.t.Fatalf("no Job %s", job)
	}
	file := filepath.Join(dir, name)
	if _, err := os.Stat(file); err != nil {
		r.t.Fatalf("the ConfigMap of Job %s holds no %s: %v", job, name, err)
	}
	return file
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

// run runs one script ("JOB/NAME" or NAME, as script takes it) with the interpreter the Job uses
// and returns its exit code and stderr; oidc.sh also gets the OIDC Job's OIDC_* variables.
func (r *bootstrapRig) run(script, pod string) (int, string) {
	r.t.Helper()
	shell := "sh"
	if path.Base(script) == "store.sh" {
		shell = "bash"
	}
	file := r.script(script)
	cmd := exec.Command(shell, file)
	cmd.Env = []string{
		"PATH=" + r.bin + ":" + os.Getenv("PATH"),
		"FAKE_STATE=" + r.state,
		"VAULT_ADDR=http://vault.test:8200",
		"BOOTSTRAP_DIR=" + pod,
		"POLICY_DIR=" + filepath.Dir(file),
		"WAIT_SECONDS=0",
		"VAULT_INIT_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:test",
	}
	if path.Base(script) == "oidc.sh" {
		cmd.Env = append(cmd.Env, r.oidc...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
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

// oidcCalls are the CLI calls that configure OIDC sign-in, made by the OIDC Job only.
var oidcCalls = []string{
	"vault policy write sso-admin",
	"vault policy write sso-read",
	"vault auth enable oidc",
	"vault write auth/oidc/config oidc_discovery_url=https://auth.${DOMAIN}/application/o/vault/ oidc_client_id=vault oidc_client_secret=@",
	"vault write auth/oidc/role/default user_claim=sub groups_claim=groups oidc_scopes=openid,email,profile allowed_redirect_uris=https://vault.${DOMAIN}/ui/vault/auth/oidc/oidc/callback,http://localhost:8250/oidc/callback token_policies=default",
	"vault write identity/group/name/bkt-platform-engineers type=external policies=sso-admin",
	"vault write identity/group/name/bkt-developers type=external policies=sso-read",
	"vault write identity/group-alias name=bkt-platform-engineers mount_accessor=auth_oidc_fake canonical_id=id-bkt-platform-engineers",
	"vault write identity/group-alias name=bkt-developers mount_accessor=auth_oidc_fake canonical_id=id-bkt-developers",
}

func TestVaultBootstrapScriptsFirstAndLaterRuns(t *testing.T) {
	r := newBootstrapRig(t)

	// The bootstrap Job configures Vault's core and nothing of OIDC sign-in.
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
	} {
		if !strings.Contains(calls, want) {
			t.Errorf("first run: no call %q; calls were:\n%s", want, calls)
		}
	}
	for _, unwanted := range append([]string{"sso-", "oidc"}, oidcCalls...) {
		if strings.Contains(calls, unwanted) {
			t.Errorf("first run: the bootstrap Job must leave OIDC sign-in to the OIDC Job, made call %q; calls were:\n%s", unwanted, calls)
		}
	}
	saved, err := os.ReadFile(filepath.Join(r.state, "secret"))
	if err != nil || !strings.Contains(string(saved), `"recovery_keys_b64"`) || !strings.Contains(string(saved), `"root_token": "hvs.root"`) {
		t.Errorf("first run: Secrets Manager must hold the whole init output (recovery keys and root token), holds %q (%v)", saved, err)
	}
	if _, err := os.Stat(filepath.Join(pod, "init.json")); err == nil {
		t.Error("first run: init.json stays in the memory volume after it was saved")
	}

	// The OIDC Job, in its own pod: store.sh reads the root token back, oidc.sh configures sign-in.
	pod = r.newPod()
	r.mustRun(pod, "vault-oidc/store.sh", "vault-oidc/oidc.sh")
	calls = r.log()
	for _, want := range append([]string{"aws secretsmanager get-secret-value"}, oidcCalls...) {
		if !strings.Contains(calls, want) {
			t.Errorf("first OIDC run: no call %q; calls were:\n%s", want, calls)
		}
	}
	for _, unwanted := range []string{"operator init -recovery", "put-secret-value", "secrets enable", "auth enable kubernetes", "auth/kubernetes", "policy write sample-app"} {
		if strings.Contains(calls, unwanted) {
			t.Errorf("first OIDC run: must leave Vault's core to the bootstrap Job, made call %q; calls were:\n%s", unwanted, calls)
		}
	}
	if token, _ := os.ReadFile(filepath.Join(pod, "root-token")); string(token) != "hvs.root\n" {
		t.Errorf("OIDC run: root token in the memory volume is %q, want the saved one", token)
	}

	// Later runs (a script change, a new cluster node) find Vault initialised and configured.
	pod = r.newPod()
	r.mustRun(pod, "init.sh", "store.sh", "configure.sh")
	pod = r.newPod()
	r.mustRun(pod, "vault-oidc/store.sh", "vault-oidc/oidc.sh")
	calls = r.log()
	for _, unwanted := range []string{"vault operator init -recovery", "put-secret-value", "secrets enable", "auth enable", "identity/group-alias"} {
		if strings.Contains(calls, unwanted) {
			t.Errorf("later runs: must not repeat %q; calls were:\n%s", unwanted, calls)
		}
	}
	for _, want := range []string{"aws secretsmanager get-secret-value", "vault policy write sample-app", "vault write auth/kubernetes/role/sample-app",
		"vault write auth/oidc/config", "vault policy write sso-read", "vault write identity/group/name/bkt-developers type=external policies=sso-read"} {
		if !strings.Contains(calls, want) {
			t.Errorf("later runs: no call %q; calls were:\n%s", want, calls)
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

// scriptFailure is one way a script must fail: what breaks, the exit code and the message.
type scriptFailure struct {
	name, script string
	setup        func(r *bootstrapRig, pod string)
	code         int
	message      string
}

func TestVaultBootstrapScriptsFailClearly(t *testing.T) {
	cases := []scriptFailure{
		{"vault never answers", "init.sh", func(r *bootstrapRig, _ string) { r.touch("unreachable", "") },
			1, "did not answer within 0 s"},
		{"initialised elsewhere, nothing saved", "store.sh", func(r *bootstrapRig, _ string) { r.touch("initialised", "") },
			1, "cannot be read"},
		{"saved value without a root token", "store.sh", func(r *bootstrapRig, _ string) { r.touch("secret", `{"recovery_keys_b64": []}`) },
			1, "holds no root_token"},
		{"KV version 1 at secret/", "configure.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.touch("mounts", `{"secret/": {}}`)
			r.touch("kv-options", "map[version:1]")
		}, 1, "vault kv enable-versioning secret/"},
		{"SSO client secret not copied", "vault-oidc/oidc.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_CLIENT_SECRET_FILE", filepath.Join(pod, "missing"))
		}, 1, "check the Secret sso-vault in namespace vault"},
		{"OIDC discovery unreachable", "vault-oidc/oidc.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.touch("no-discovery", "")
		}, 1, "that its worker applied the blueprint"},
		{"group granted a policy the Job does not ship", "vault-oidc/oidc.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_GROUP_POLICIES", "bkt-developers=sso-write")
		}, 1, "sso-write.hcl is not in the ConfigMap"},
		{"group mapping without a policy", "vault-oidc/oidc.sh", func(r *bootstrapRig, pod string) {
			rootToken(pod)
			r.setOIDC("OIDC_GROUP_POLICIES", "bkt-developers")
		}, 2, "is not group=policy"},
	}
	// connect.sh's checks, as both scripts that source it meet them.
	for _, script := range []string{"configure.sh", "vault-oidc/oidc.sh"} {
		cases = append(cases, []scriptFailure{
			{"revoked root token, " + script, script, func(r *bootstrapRig, pod string) {
				_ = os.WriteFile(filepath.Join(pod, "root-token"), []byte("hvs.revoked\n"), 0o600)
			}, 1, "is not valid (revoked?)"},
			{"sealed, " + script, script, func(r *bootstrapRig, pod string) {
				rootToken(pod)
				r.touch("sealed", "")
			}, 1, "is not unsealed within 0 s"},
		}...)
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
	for _, script := range []string{"init.sh", "store.sh", "configure.sh", "vault-oidc/store.sh", "vault-oidc/oidc.sh"} {
		r := newBootstrapRig(t)
		cmd := exec.Command(map[bool]string{true: "bash", false: "sh"}[path.Base(script) == "store.sh"], r.script(script))
		cmd.Env = []string{"PATH=" + r.bin + ":" + os.Getenv("PATH"), "FAKE_STATE=" + r.state}
		out, err := cmd.CombinedOutput()
		exit, ok := err.(*exec.ExitError)
		if !ok || exit.ExitCode() != 2 || !strings.Contains(string(out), "is not set") {
			t.Errorf("%s without its environment: %v, output %q; want exit 2 naming the missing variable", script, err, out)
		}
	}
}
