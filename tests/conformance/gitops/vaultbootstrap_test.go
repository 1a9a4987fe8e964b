package gitops

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

const (
	vaultNamespace   = "vault"
	vaultBootstrapSA = "vault-bootstrap"
	vaultBootstrapKS = "infrastructure-vault-bootstrap"
	vaultOidcKS      = "infrastructure-vault-oidc"
)

// vaultJobs are the Kustomizations that each apply one Job in namespace vault running scripts
// from a generated ConfigMap.
var vaultJobs = []string{vaultBootstrapKS, vaultOidcKS}

// The labels the vault chart gives its server pods (templates/server-statefulset.yaml); the
// chart is not rendered here, so they are stated, and the tree's allow-vault-api selects them.
var vaultServerPodLabels = map[string]string{"app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "vault", "component": "server"}

// vaultJob returns the one Job Kustomization ks applies and the ConfigMap it runs.
func vaultJob(t *testing.T, tree *Tree, ks string) (Object, *batchv1.Job, *corev1.ConfigMap) {
	t.Helper()
	var found []Object
	for _, o := range objectsOfKind(tree, "Job") {
		if o.Kustomization == ks {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Kustomization %s must apply exactly one Job, found %d", ks, len(found))
	}
	job, err := decodeAs[batchv1.Job](found[0])
	if err != nil {
		t.Fatalf("%s: %v", found[0].File, err)
	}
	var cm *corev1.ConfigMap
	for _, v := range job.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		for _, o := range objectsOfKind(tree, "ConfigMap") {
			if u := o.Unstructured(); u.GetNamespace() == job.Namespace && u.GetName() == v.ConfigMap.Name {
				if cm, err = decodeAs[corev1.ConfigMap](o); err != nil {
					t.Fatalf("%s: %v", o.File, err)
				}
			}
		}
	}
	if cm == nil {
		t.Fatalf("%s: %s mounts no ConfigMap of the tree (its scripts)", found[0].File, found[0].ID())
	}
	return found[0], job, cm
}

// kustomizationOf names the Flux Kustomization that applies the first object matching match.
func kustomizationOf(tree *Tree, match func(Object) bool) string {
	for _, o := range tree.Objects {
		if match(o) {
			return o.Kustomization
		}
	}
	return ""
}

// dependsOnClosure returns every Kustomization name reachable from name through dependsOn.
func dependsOnClosure(tree *Tree, name string) map[string]bool {
	byName := map[string]FluxKustomization{}
	for _, k := range tree.Kustomizations {
		byName[k.Spec.Name] = k
	}
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		for _, d := range byName[n].Spec.Spec.DependsOn {
			if !seen[d.Name] {
				seen[d.Name] = true
				visit(d.Name)
			}
		}
	}
	visit(name)
	return seen
}

// kustomizationNamed returns the Flux Kustomization name of the tree.
func kustomizationNamed(t *testing.T, tree *Tree, name string) *FluxKustomization {
	t.Helper()
	for i, k := range tree.Kustomizations {
		if k.Spec.Name == name {
			return &tree.Kustomizations[i]
		}
	}
	t.Fatalf("the cluster entry declares no Kustomization %s", name)
	return nil
}

// isRelease matches the HelmRelease name.
func isRelease(name string) func(Object) bool {
	return func(o Object) bool {
		_, k := o.Kind()
		return k == helmv2.HelmReleaseKind && o.Unstructured().GetName() == name
	}
}

// Each Vault Job runs after what it needs and Flux waits for it to complete: the bootstrap after
// Vault's release and its StorageClass only (Vault's core must not wait for the platform), the
// OIDC Job after the bootstrap (the root token) and Authentik (the discovery document, the
// generated client secret it mounts); everything that logs in to Vault waits for the bootstrap's
// roles and for nothing of people's sign-in.
func TestVaultBootstrapReconcileOrder(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkVaultBootstrapReconcileOrder(t, c.Tree) })
}

func checkVaultBootstrapReconcileOrder(t *testing.T, tree *Tree) {
	needs := map[string]map[string]func(Object) bool{
		vaultBootstrapKS: {
			"the vault HelmRelease": isRelease("vault"),
			"the default StorageClass (Vault's volumes)": func(o Object) bool {
				_, k := o.Kind()
				return k == "StorageClass" && o.Unstructured().GetAnnotations()["storageclass.kubernetes.io/is-default-class"] == "true"
			},
		},
		vaultOidcKS: {
			"the Vault bootstrap Job (Vault initialised, the root token in Secrets Manager)": func(o Object) bool {
				_, k := o.Kind()
				return k == "Job" && o.Kustomization == vaultBootstrapKS
			},
			"the authentik HelmRelease (the OIDC discovery document)": isRelease("authentik"),
		},
	}
	for _, name := range vaultJobs {
		ks := kustomizationNamed(t, tree, name)
		wantPath := "./gitops/infrastructure/" + strings.TrimPrefix(name, "infrastructure-")
		if ks.Spec.Spec.Path != wantPath || !ks.Spec.Spec.Wait {
			t.Errorf("%s: Kustomization %s must apply %s with wait: true (Ready only once the Job completed); has path %q, wait %v",
				ks.File, name, wantPath, ks.Spec.Spec.Path, ks.Spec.Spec.Wait)
		}
		_, job, _ := vaultJob(t, tree, name)
		if job.Spec.ActiveDeadlineSeconds != nil && ks.Spec.Spec.Timeout != nil &&
			float64(*job.Spec.ActiveDeadlineSeconds) >= ks.Spec.Spec.Timeout.Seconds() {
			t.Errorf("%s: Kustomization %s times out after %s, before the Job's own deadline of %ds reports", ks.File, name, ks.Spec.Spec.Timeout.Duration, *job.Spec.ActiveDeadlineSeconds)
		}
		// Each Secret a Job mounts (the SSO client secret) is copied in its own folder from a
		// Secret generated in namespace authentik; the pod starts only once the copy exists, so
		// the generating ExternalSecret must be applied first.
		var mounted int
		for _, v := range job.Spec.Template.Spec.Volumes {
			if v.Secret == nil {
				continue
			}
			mounted++
			secret := v.Secret.SecretName
			needs[name]["the Secret "+secret+" the Job mounts, generated in namespace authentik"] = func(o Object) bool {
				_, k := o.Kind()
				u := o.Unstructured()
				return k == "ExternalSecret" && u.GetNamespace() == "authentik" && u.GetName() == secret
			}
		}
		if name == vaultOidcKS && mounted == 0 {
			t.Errorf("the Job of %s mounts no Secret; it needs the vault application's client secret (sso-vault)", name)
		}
		before := dependsOnClosure(tree, name)
		for _, what := range SortedKeys(needs[name]) {
			owner := kustomizationOf(tree, needs[name][what])
			if owner == "" || !before[owner] {
				t.Errorf("Kustomization %s must depend (directly or through others) on %q, which applies %s; its dependsOn closure is %v", name, owner, what, SortedKeys(before))
			}
		}
	}
	// Vault's core waits for no platform service: one unhealthy release must not hold back Vault's
	// init, its KV store and Kubernetes auth. The platform never logs in to Vault (checked below),
	// so the OIDC Job waiting for it cannot deadlock.
	platform := kustomizationOf(tree, isRelease("authentik"))
	if platform == "" {
		t.Fatal("no Kustomization applies the authentik HelmRelease")
	}
	if before := dependsOnClosure(tree, vaultBootstrapKS); before[platform] {
		t.Errorf("Kustomization %s depends on %s (the platform): Vault would not be initialised until every platform service is healthy; move what needs the platform to %s", vaultBootstrapKS, platform, vaultOidcKS)
	}

	// Everything that logs in to Vault must wait for the roles the bootstrap writes, and not for
	// people's sign-in: it logs in with Kubernetes auth.
	var clients int
	for _, o := range tree.Objects {
		if !logsInToVault(o) {
			continue
		}
		clients++
		before := dependsOnClosure(tree, o.Kustomization)
		if !before[vaultBootstrapKS] {
			t.Errorf("%s: %s logs in to Vault, but its Kustomization %s does not depend on %s", o.File, o.ID(), o.Kustomization, vaultBootstrapKS)
		}
		if before[vaultOidcKS] || o.Kustomization == vaultOidcKS {
			t.Errorf("%s: %s logs in to Vault with Kubernetes auth, but its Kustomization %s waits for %s (people's OIDC sign-in)", o.File, o.ID(), o.Kustomization, vaultOidcKS)
		}
	}
	if clients == 0 {
		t.Error("found no object that logs in to Vault (ClusterSecretStore vault, its ExternalSecrets/PushSecrets, the sample app's agent): the check above proves nothing")
	}
}

// logsInToVault reports objects that use Vault's Kubernetes auth: a secret store with a vault
// provider, what reads or writes through such a store, and a HelmRelease enabling the agent.
func logsInToVault(o Object) bool {
	_, k := o.Kind()
	switch k {
	case "ClusterSecretStore", "SecretStore":
		_, ok, _ := unstructured.NestedMap(o.Fields, "spec", "provider", "vault")
		return ok
	case "ExternalSecret":
		name, _, _ := unstructured.NestedString(o.Fields, "spec", "secretStoreRef", "name")
		kind, _, _ := unstructured.NestedString(o.Fields, "spec", "secretStoreRef", "kind")
		return kind == "ClusterSecretStore" && name == "vault"
	case "PushSecret":
		refs, _, _ := unstructured.NestedSlice(o.Fields, "spec", "secretStoreRefs")
		for _, r := range refs {
			if m, ok := r.(map[string]any); ok && m["kind"] == "ClusterSecretStore" && m["name"] == "vault" {
				return true
			}
		}
	case helmv2.HelmReleaseKind:
		enabled, _, _ := unstructured.NestedBool(o.Fields, "spec", "values", "vault", "enabled")
		return enabled
	}
	return false
}

// Both Vault Jobs run as the bootstrap IRSA role (ServiceAccount vault-bootstrap, declared by the
// tree before they run), Pod Security restricted, the Vault image of the release and an exact AWS
// CLI image, with the root token only in a memory volume; the OIDC Job reads the root token with
// the bootstrap's own store.sh.
func TestVaultBootstrapJob(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkVaultBootstrapJob(t, c.Tree, c.Vars) })
}

func checkVaultBootstrapJob(t *testing.T, tree *Tree, vars map[string]string) {

	// The Vault server's IRSA role reaches the server through the chart's service account; the
	// Jobs have their own (below).
	var hr *helmv2.HelmRelease
	for _, h := range objectsOfKind(tree, helmv2.HelmReleaseKind) {
		if u := h.Unstructured(); u.GetNamespace() == vaultNamespace && u.GetName() == "vault" {
			var err error
			if hr, err = decodeAs[helmv2.HelmRelease](h); err != nil {
				t.Fatalf("%s: %v", h.File, err)
			}
		}
	}
	if hr == nil {
		t.Fatal("no HelmRelease vault/vault in the tree")
	}
	values := hr.GetValues()
	sa, _, _ := unstructured.NestedString(values, "server", "serviceAccount", "name")
	role, _, _ := unstructured.NestedString(values, "server", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn")
	if sa != "vault" || role != vars["VAULT_ROLE_ARN"] {
		t.Errorf("HelmRelease vault: server.serviceAccount must be vault with the IRSA role %s (auto-unseal); has %q with %q", vars["VAULT_ROLE_ARN"], sa, role)
	}
	// The Job initialises vault-0 only; the other replicas must join the raft cluster by themselves.
	replicas, _, _ := unstructured.NestedFieldNoCopy(values, "server", "ha", "replicas")
	raft, _, _ := unstructured.NestedString(values, "server", "ha", "raft", "config")
	if n, ok := replicas.(float64); !ok || strings.Count(raft, "retry_join") != int(n) {
		t.Errorf("HelmRelease vault: server.ha.raft.config needs one retry_join per replica (%v), has %d: the bootstrap Job initialises vault-0 and joins no peer",
			replicas, strings.Count(raft, "retry_join"))
	}
	repo, _, _ := unstructured.NestedString(values, "server", "image", "repository")
	tag, _, _ := unstructured.NestedString(values, "server", "image", "tag")
	vaultImage := repo + ":" + tag
	if repo == "" || !exactSemver.MatchString(tag) {
		t.Errorf("HelmRelease vault: pin server.image.repository and an exact server.image.tag, so the Vault Jobs can run the same Vault; has %q", vaultImage)
	}

	cases := []struct {
		ks      string
		order   []string // init containers, then the container
		vault   []string // the containers that run the release's Vault image
		scripts []string // what the ConfigMap must hold
	}{
		{vaultBootstrapKS, []string{"init", "store", "configure"}, []string{"init", "configure"}, []string{"init.sh", "store.sh", "connect.sh", "configure.sh"}},
		{vaultOidcKS, []string{"store", "oidc"}, []string{"oidc"}, []string{"store.sh", "connect.sh", "oidc.sh"}},
	}
	configMaps := map[string]*corev1.ConfigMap{}
	for _, c := range cases {
		o, job, cm := vaultJob(t, tree, c.ks)
		configMaps[c.ks] = cm
		fail := func(format string, args ...any) { t.Errorf("%s: %s: %s", o.File, o.ID(), fmt.Sprintf(format, args...)) }
		if job.Namespace != vaultNamespace || job.Spec.Template.Spec.ServiceAccountName != vaultBootstrapSA {
			fail("must run in namespace vault as service account %s (the one with the bootstrap IRSA role)", vaultBootstrapSA)
		}
		// Its service account must exist before its pod is created: declared by its own
		// Kustomization or one it depends on, never left to a chart that may not have installed.
		var account *corev1.ServiceAccount
		owner := ""
		for _, a := range objectsOfKind(tree, "ServiceAccount") {
			if u := a.Unstructured(); u.GetNamespace() == job.Namespace && u.GetName() == job.Spec.Template.Spec.ServiceAccountName {
				var err error
				if account, err = decodeAs[corev1.ServiceAccount](a); err != nil {
					t.Fatalf("%s: %v", a.File, err)
				}
				owner = a.Kustomization
			}
		}
		switch {
		case account == nil:
			fail("runs as ServiceAccount %s/%s, which no manifest of the tree declares", job.Namespace, job.Spec.Template.Spec.ServiceAccountName)
		case owner != c.ks && !dependsOnClosure(tree, c.ks)[owner]:
			fail("runs as ServiceAccount %s/%s, declared by Kustomization %s, which %s does not depend on", job.Namespace, account.Name, owner, c.ks)
		case account.Annotations["eks.amazonaws.com/role-arn"] != vars["VAULT_BOOTSTRAP_ROLE_ARN"]:
			fail("ServiceAccount %s/%s must carry the bootstrap IRSA role %s, has %q", job.Namespace, account.Name, vars["VAULT_BOOTSTRAP_ROLE_ARN"], account.Annotations["eks.amazonaws.com/role-arn"])
		}
		if v := kube.CheckPodSecurityRestricted(job); len(v) > 0 {
			fail("violates Pod Security restricted: %v", v)
		}
		if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyOnFailure {
			fail("restartPolicy must be OnFailure: a replaced pod would lose what its memory volume holds (the recovery keys before store.sh saved them, the root token)")
		}
		pod := job.Spec.Template.Spec
		containers := map[string]corev1.Container{}
		var order []string
		for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
			containers[c.Name] = c
			order = append(order, c.Name)
		}
		if !slices.Equal(order, c.order) {
			fail("containers must run in the order %v (init containers, then the last), have %v", c.order, order)
		}
		for _, name := range c.vault {
			if got := containers[name].Image; got != vaultImage {
				fail("container %s runs %s, want the image of HelmRelease vault, %s", name, got, vaultImage)
			}
		}
		if img := containers["store"].Image; !regexp.MustCompile(`^[a-z0-9./-]+/aws-cli:\d+\.\d+\.\d+$`).MatchString(img) {
			fail("container store must run an AWS CLI image with an exact version tag, runs %q", img)
		}
		if cmd := containers["store"].Command; !slices.Equal(cmd, []string{"/bin/bash", "/scripts/store.sh"}) {
			fail("container store must run /scripts/store.sh with bash, runs %v", cmd)
		}
		env := map[string]string{}
		for _, e := range containers["store"].Env {
			env[e.Name] = e.Value
		}
		if env["VAULT_INIT_SECRET_ARN"] != vars["VAULT_INIT_SECRET_ARN"] || env["AWS_REGION"] != vars["AWS_REGION"] {
			fail("container store must get VAULT_INIT_SECRET_ARN and AWS_REGION from the cluster vars, has %v", env)
		}

		// The root token (and the recovery keys) live only in a memory volume every container shares.
		var memoryVolume string
		for _, v := range pod.Volumes {
			if v.EmptyDir != nil && v.EmptyDir.Medium == corev1.StorageMediumMemory {
				memoryVolume = v.Name
			}
		}
		if memoryVolume == "" {
			fail("needs an emptyDir with medium Memory for the init output and root token")
		}
		for _, name := range order {
			if !slices.ContainsFunc(containers[name].VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == memoryVolume }) {
				fail("container %s does not mount the memory volume %q", name, memoryVolume)
			}
		}
		for _, key := range c.scripts {
			if _, ok := cm.Data[key]; !ok {
				fail("ConfigMap %s has no %s", cm.Name, key)
			}
		}
		if cm.Annotations["kustomize.toolkit.fluxcd.io/substitute"] != "disabled" {
			fail("ConfigMap %s must carry kustomize.toolkit.fluxcd.io/substitute: disabled (shell variables are not cluster vars)", cm.Name)
		}
	}
	// One copy of each shared script: the OIDC Job runs the bootstrap's.
	for _, key := range []string{"store.sh", "connect.sh"} {
		if configMaps[vaultOidcKS].Data[key] != configMaps[vaultBootstrapKS].Data[key] {
			t.Errorf("ConfigMap %s holds another %s than ConfigMap %s: read it from infrastructure/vault-bootstrap", configMaps[vaultOidcKS].Name, key, configMaps[vaultBootstrapKS].Name)
		}
	}
}

// configure.sh writes a role per consumer; every consumer in the tree must find its role bound
// to its own service account, with a policy that allows what it does.
func TestVaultBootstrapRolesMatchConsumers(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkVaultBootstrapRolesMatchConsumers(t, c.Tree) })
}

func checkVaultBootstrapRolesMatchConsumers(t *testing.T, tree *Tree) {
	o, _, cm := vaultJob(t, tree, vaultBootstrapKS)
	roles := map[string][2]string{}
	for _, m := range regexp.MustCompile(`(?m)^role (\S+) (\S+) (\S+)$`).FindAllStringSubmatch(cm.Data["configure.sh"], -1) {
		roles[m[1]] = [2]string{m[2], m[3]}
	}
	type use struct {
		role, namespace, serviceAccount string
		path                            string
		capability                      string
	}
	var uses []use

	for _, s := range objectsOfKind(tree, "ClusterSecretStore") {
		role, _, _ := unstructured.NestedString(s.Fields, "spec", "provider", "vault", "auth", "kubernetes", "role")
		ns, _, _ := unstructured.NestedString(s.Fields, "spec", "provider", "vault", "auth", "kubernetes", "serviceAccountRef", "namespace")
		sa, _, _ := unstructured.NestedString(s.Fields, "spec", "provider", "vault", "auth", "kubernetes", "serviceAccountRef", "name")
		mount, _, _ := unstructured.NestedString(s.Fields, "spec", "provider", "vault", "path")
		for _, p := range objectsOfKind(tree, "PushSecret") {
			if !logsInToVault(p) {
				continue
			}
			data, _, _ := unstructured.NestedSlice(p.Fields, "spec", "data")
			for _, d := range data {
				key, _, _ := unstructured.NestedString(d.(map[string]any), "match", "remoteRef", "remoteKey")
				uses = append(uses, use{role, ns, sa, mount + "/data/" + key, "create"}, use{role, ns, sa, mount + "/data/" + key, "update"})
			}
		}
		for _, e := range objectsOfKind(tree, "ExternalSecret") {
			if !logsInToVault(e) {
				continue
			}
			data, _, _ := unstructured.NestedSlice(e.Fields, "spec", "data")
			for _, d := range data {
				key, _, _ := unstructured.NestedString(d.(map[string]any), "remoteRef", "key")
				uses = append(uses, use{role, ns, sa, mount + "/data/" + key, "read"})
			}
		}
	}
	// The sample app's agent: role and path from its pod annotations, identity from its pod.
	for _, d := range renderedSampleApp(t, tree) {
		if _, k := d.Kind(); k != "Deployment" {
			continue
		}
		dep, err := decodeAs[appsv1.Deployment](d)
		if err != nil {
			t.Fatal(err)
		}
		a := dep.Spec.Template.Annotations
		if a["vault.hashicorp.com/agent-inject"] != "true" {
			continue
		}
		uses = append(uses, use{a["vault.hashicorp.com/role"], dep.Namespace, dep.Spec.Template.Spec.ServiceAccountName,
			a["vault.hashicorp.com/agent-inject-secret-db"], "read"})
	}
	if len(uses) < 2 {
		t.Fatalf("found %d Vault uses in the tree; expected the PushSecret of the DSN and the sample app's agent", len(uses))
	}
	for _, u := range uses {
		bound, ok := roles[u.role]
		switch {
		case !ok:
			t.Errorf("%s: configure.sh writes no role %q (add `role %s %s %s`)", o.File, u.role, u.role, u.namespace, u.serviceAccount)
			continue
		case bound != [2]string{u.namespace, u.serviceAccount}:
			t.Errorf("%s: role %s is bound to %s/%s, but its consumer runs as %s/%s", o.File, u.role, bound[0], bound[1], u.namespace, u.serviceAccount)
		}
		policy, ok := cm.Data[u.role+".hcl"]
		if !ok {
			t.Errorf("%s: no policy file %s.hcl for role %s", o.File, u.role, u.role)
			continue
		}
		caps, err := policyCapabilities(policy, u.path)
		if err != nil {
			t.Errorf("%s.hcl: %v", u.role, err)
			continue
		}
		if !slices.Contains(caps, u.capability) {
			t.Errorf("%s.hcl: role %s needs %q on %s, the policy grants %v", u.role, u.role, u.capability, u.path, caps)
		}
	}
}

// renderedSampleApp renders gitops/charts/sample-app with the values its HelmRelease gives it.
func renderedSampleApp(t *testing.T, tree *Tree) []Object {
	t.Helper()
	for _, o := range objectsOfKind(tree, helmv2.HelmReleaseKind) {
		if o.Unstructured().GetName() != "sample-app" {
			continue
		}
		hr, err := decodeAs[helmv2.HelmRelease](o)
		if err != nil {
			t.Fatalf("%s: %v", o.File, err)
		}
		values, err := ComposeValues(tree, hr)
		if err != nil {
			t.Fatalf("%s: %v", o.File, err)
		}
		objs, err := RenderChart(repoRoot, strings.TrimPrefix(hr.Spec.Chart.Spec.Chart, "./"), hr.Name, hr.Namespace, values)
		if err != nil {
			t.Fatalf("%s: %v", o.File, err)
		}
		return objs
	}
	t.Fatal("no HelmRelease sample-app in the tree")
	return nil
}

// policyCapabilities returns the capabilities a Vault policy grants on path, following Vault's
// rules for the forms used here: an exact path, a trailing * (prefix) and + (one segment). The
// most specific match wins, as in Vault.
func policyCapabilities(src, path string) ([]string, error) {
	file, diags := hclsyntax.ParseConfig([]byte(src), "policy.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	bestLen := -1
	var best []string
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "path" || len(b.Labels) != 1 || !vaultPathMatches(b.Labels[0], path) {
			continue
		}
		attr, ok := b.Body.Attributes["capabilities"]
		if !ok {
			return nil, fmt.Errorf("path %q has no capabilities", b.Labels[0])
		}
		v, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return nil, diags
		}
		var caps []string
		for _, c := range v.AsValueSlice() {
			caps = append(caps, c.AsString())
		}
		if n := len(strings.TrimSuffix(b.Labels[0], "*")); n > bestLen {
			bestLen, best = n, caps
		}
	}
	return best, nil
}

func vaultPathMatches(pattern, path string) bool {
	prefix := strings.HasSuffix(pattern, "*")
	pattern = strings.TrimSuffix(pattern, "*")
	pp, sp := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(sp) < len(pp) || (!prefix && len(sp) != len(pp)) {
		return false
	}
	for i, seg := range pp {
		last := i == len(pp)-1
		switch {
		case seg == "+":
		case last && prefix:
			if !strings.HasPrefix(sp[i], seg) {
				return false
			}
		case seg != sp[i]:
			return false
		}
	}
	return true
}

func TestVaultPolicyPathMatching(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"secret/data/sample-app/*", "secret/data/sample-app/database", true},
		{"secret/data/sample-app/*", "secret/data/other/database", false},
		{"secret/data/*", "secret/data/flux/github", true},
		{"secret/data/+/database", "secret/data/sample-app/database", true},
		{"secret/data/sample-app/database", "secret/data/sample-app/database/x", false},
	}
	for _, c := range cases {
		if got := vaultPathMatches(c.pattern, c.path); got != c.want {
			t.Errorf("vaultPathMatches(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

// Namespace vault denies by default; each Job's own policy admits exactly what it needs.
func TestVaultBootstrapNetworkPolicies(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkVaultBootstrapNetworkPolicies(t, c.Tree) })
}

func checkVaultBootstrapNetworkPolicies(t *testing.T, tree *Tree) {
	policies := networkPolicies(t, tree)
	nsLabels := namespaceLabels(tree)
	vaultPod := endpoint{namespace: vaultNamespace, labels: vaultServerPodLabels}
	otherPod := endpoint{namespace: vaultNamespace, labels: map[string]string{"app.kubernetes.io/name": "something-else"}}
	dns := endpoint{namespace: "kube-system", labels: map[string]string{"k8s-app": "kube-dns"}}
	aws := endpoint{ip: netip.MustParseAddr("52.94.0.10")} // an AWS API address: not a pod
	for _, ks := range vaultJobs {
		_, job, _ := vaultJob(t, tree, ks)
		jobPod := endpoint{namespace: vaultNamespace, labels: job.Spec.Template.Labels}
		cases := []struct {
			what     string
			from, to endpoint
			port     int32
			protocol corev1.Protocol
			want     bool
		}{
			{"the Job reaches the Vault API", jobPod, vaultPod, 8200, corev1.ProtocolTCP, true},
			{"the Job reaches AWS APIs (STS, Secrets Manager)", jobPod, aws, 443, corev1.ProtocolTCP, true},
			{"the Job resolves names", jobPod, dns, 53, corev1.ProtocolUDP, true},
			{"the Job reaches nothing else", jobPod, aws, 80, corev1.ProtocolTCP, false},
			{"the Job cannot join raft", jobPod, vaultPod, 8201, corev1.ProtocolTCP, false},
			{"another pod in vault cannot reach the API (default deny)", otherPod, vaultPod, 8200, corev1.ProtocolTCP, false},
		}
		for _, c := range cases {
			got := allowed(policies, nsLabels, networkingv1.PolicyTypeEgress, c.from, c.to, c.port, c.protocol)
			if c.to.ip == (netip.Addr{}) {
				got = got && allowed(policies, nsLabels, networkingv1.PolicyTypeIngress, c.to, c.from, c.port, c.protocol)
			}
			if got != c.want {
				t.Errorf("%s, %s: %v -> %v port %d/%s: allowed = %v, want %v", ks, c.what, c.from, c.to, c.port, c.protocol, got, c.want)
			}
		}
	}
}

// endpoint is a pod (namespace and labels) or an address outside the cluster.
type endpoint struct {
	namespace string
	labels    map[string]string
	ip        netip.Addr
}

func (e endpoint) String() string {
	if e.ip.IsValid() {
		return e.ip.String()
	}
	return fmt.Sprintf("%s/%v", e.namespace, e.labels)
}

func networkPolicies(t *testing.T, tree *Tree) []*networkingv1.NetworkPolicy {
	t.Helper()
	var out []*networkingv1.NetworkPolicy
	for _, o := range objectsOfKind(tree, "NetworkPolicy") {
		np, err := decodeAs[networkingv1.NetworkPolicy](o)
		if err != nil {
			t.Fatalf("%s: %v", o.File, err)
		}
		out = append(out, np)
	}
	return out
}

// namespaceLabels gives each namespace the tree creates its labels plus the one Kubernetes sets.
func namespaceLabels(tree *Tree) map[string]map[string]string {
	out := map[string]map[string]string{"kube-system": {"kubernetes.io/metadata.name": "kube-system"}}
	for _, o := range objectsOfKind(tree, "Namespace") {
		u := o.Unstructured()
		l := map[string]string{"kubernetes.io/metadata.name": u.GetName()}
		for k, v := range u.GetLabels() {
			l[k] = v
		}
		out[u.GetName()] = l
	}
	return out
}

// allowed evaluates NetworkPolicy semantics for one direction: a pod no policy of that type
// selects is open; otherwise some selecting policy must have a rule admitting peer and port.
func allowed(policies []*networkingv1.NetworkPolicy, nsLabels map[string]map[string]string, dir networkingv1.PolicyType,
	subject, peer endpoint, port int32, protocol corev1.Protocol) bool {
	isolated := false
	for _, np := range policies {
		if np.Namespace != subject.namespace || !slices.Contains(np.Spec.PolicyTypes, dir) || !selects(&np.Spec.PodSelector, subject.labels) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeEgress {
			for _, r := range np.Spec.Egress {
				if portsAdmit(r.Ports, port, protocol) && peersAdmit(r.To, np.Namespace, nsLabels, peer) {
					return true
				}
			}
		} else {
			for _, r := range np.Spec.Ingress {
				if portsAdmit(r.Ports, port, protocol) && peersAdmit(r.From, np.Namespace, nsLabels, peer) {
					return true
				}
			}
		}
	}
	return !isolated
}

func selects(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(l))
}

func portsAdmit(ports []networkingv1.NetworkPolicyPort, port int32, protocol corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		if proto != protocol {
			continue
		}
		if p.Port == nil {
			return true
		}
		end := p.Port.IntVal
		if p.EndPort != nil {
			end = *p.EndPort
		}
		if p.Port.IntVal != 0 && port >= p.Port.IntVal && port <= end {
			return true
		}
	}
	return false
}

func peersAdmit(peers []networkingv1.NetworkPolicyPeer, policyNS string, nsLabels map[string]map[string]string, peer endpoint) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		if p.IPBlock != nil {
			if peer.ip.IsValid() && cidrContains(p.IPBlock.CIDR, peer.ip) &&
				!slices.ContainsFunc(p.IPBlock.Except, func(c string) bool { return cidrContains(c, peer.ip) }) {
				return true
			}
			continue
		}
		if peer.ip.IsValid() {
			continue // pod and namespace selectors select pods only
		}
		nsOK := peer.namespace == policyNS
		if p.NamespaceSelector != nil {
			nsOK = selects(p.NamespaceSelector, nsLabels[peer.namespace])
		}
		if nsOK && (p.PodSelector == nil || selects(p.PodSelector, peer.labels)) {
			return true
		}
	}
	return false
}

func cidrContains(cidr string, ip netip.Addr) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Contains(ip)
}
