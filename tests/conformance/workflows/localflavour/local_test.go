// Package localflavour checks gitops/clusters/local, the overlay the kind e2e run syncs.
package localflavour

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/kustomize"
	"go.yaml.in/yaml/v3"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

const repoRoot = "../../../.."

// build runs the same kustomize build kustomize-controller runs.
func build(t *testing.T, dir string) []kube.Document {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	res, err := kustomize.SecureBuild(root, filepath.Join(root, dir), false)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := kube.SplitYAML(out)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return docs
}

// The local flavour must build, keep only what a kind cluster can run, and its
// sample-app patch must hit a HelmRelease and chart values that really exist —
// otherwise the e2e workflow would fail on its first run, which nothing here can.
func TestLocalFlavourBuildsAndTargetsRealObjects(t *testing.T) {
	inDev := map[string]bool{}
	for _, d := range build(t, "gitops/clusters/dev") {
		inDev[d.Name()] = true
	}
	var apps *kustomizev1.Kustomization
	var local []*kustomizev1.Kustomization
	for _, d := range build(t, "gitops/clusters/local") {
		obj, err := kube.DecodeStrict(d.Raw)
		if err != nil {
			t.Errorf("gitops/clusters/local: %s %q: %v", d.Fields["kind"], d.Name(), err)
			continue
		}
		ks, ok := obj.(*kustomizev1.Kustomization)
		if !ok {
			t.Errorf("gitops/clusters/local renders a %T (%s); it should hold only Flux Kustomizations", obj, d.Name())
			continue
		}
		local = append(local, ks)
		delete(inDev, ks.Name)
		if ks.Name == "apps" {
			apps = ks
		}
	}
	t.Logf("gitops/clusters/local leaves out %v", inDev)
	// A dependency on a Kustomization the overlay removed never becomes ready.
	for _, ks := range local {
		for _, dep := range ks.Spec.DependsOn {
			if inDev[dep.Name] {
				t.Errorf("Kustomization %s depends on %s, which gitops/clusters/local removes: it would never become ready; delete it in the overlay too, or drop the dependency", ks.Name, dep.Name)
			}
		}
	}
	if apps == nil {
		t.Fatal("gitops/clusters/local has no `apps` Kustomization, which the e2e run waits for")
	}
	if apps.Spec.SourceRef.Kind != "GitRepository" || apps.Spec.SourceRef.Name != "flux-system" {
		t.Errorf("apps reads from %s/%s; e2e-local.sh creates GitRepository/flux-system", apps.Spec.SourceRef.Kind, apps.Spec.SourceRef.Name)
	}

	// The HelmRelease the overlay patches must be in what apps builds, under the
	// name and namespace e2e-local.sh waits for.
	script, err := os.ReadFile(filepath.Join(repoRoot, ".github/scripts/e2e-local.sh"))
	if err != nil {
		t.Fatal(err)
	}
	waitRe := regexp.MustCompile(`kubectl -n (\S+) wait helmrelease/(\S+) `)
	w := waitRe.FindStringSubmatch(string(script))
	if w == nil {
		t.Fatal("e2e-local.sh does not wait for a HelmRelease")
	}
	wantNS, wantName := w[1], w[2]
	found := false
	for _, d := range build(t, strings.TrimPrefix(apps.Spec.Path, "./")) {
		if _, kind := d.Kind(); kind == "HelmRelease" && d.Name() == wantName {
			meta, _ := d.Fields["metadata"].(map[string]any)
			if ns, _ := meta["namespace"].(string); ns != wantNS {
				t.Errorf("HelmRelease %s is in namespace %q; e2e-local.sh waits in %q", wantName, ns, wantNS)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("%s builds no HelmRelease %s, which gitops/clusters/local patches and e2e-local.sh waits for", apps.Spec.Path, wantName)
	}

	// Every value the overlay sets must be a key of the chart's values.yaml.
	chartValues := map[string]any{}
	data, err := os.ReadFile(filepath.Join(repoRoot, "gitops/charts/sample-app/values.yaml"))
	if err != nil {
		t.Fatalf("the sample-app chart's values: %v", err)
	}
	if err := yaml.Unmarshal(data, &chartValues); err != nil {
		t.Fatal(err)
	}
	patched := 0
	for _, p := range apps.Spec.Patches {
		if p.Target == nil || p.Target.Kind != "HelmRelease" || p.Target.Name != wantName {
			continue
		}
		var hr struct {
			Spec struct {
				Test   struct{ Enable bool }
				Values map[string]any
			}
		}
		if err := yaml.Unmarshal([]byte(p.Patch), &hr); err != nil {
			t.Fatalf("the HelmRelease patch in gitops/clusters/local: %v", err)
		}
		if !hr.Spec.Test.Enable {
			t.Error("the local HelmRelease patch does not enable Helm tests; the e2e run waits for TestSuccess")
		}
		for _, key := range leafKeys("", hr.Spec.Values) {
			if !hasKey(chartValues, key) {
				t.Errorf("gitops/clusters/local sets values.%s, which gitops/charts/sample-app/values.yaml does not define", key)
			}
		}
		patched++
	}
	if patched != 1 {
		t.Errorf("gitops/clusters/local has %d patches for HelmRelease %s in apps; want exactly one", patched, wantName)
	}
}

func leafKeys(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		key := prefix + k
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			out = append(out, leafKeys(key+".", sub)...)
		} else {
			out = append(out, key)
		}
	}
	return out
}

func hasKey(m map[string]any, dotted string) bool {
	cur := any(m)
	for _, part := range strings.Split(dotted, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = mm[part]; !ok {
			return false
		}
	}
	return true
}
