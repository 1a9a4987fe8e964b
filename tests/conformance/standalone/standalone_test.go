// Package standalone proves that the layout `generate --out DIR` writes into an empty folder is
// complete: every kustomization.yaml under DIR/gitops builds with Flux's kustomize library, as
// the gitops suite builds the committed tree, and every chart a HelmRelease takes from this
// repository is in DIR. `make standalone-check` writes build/standalone and runs it.
package standalone

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"sigs.k8s.io/yaml"

	"github.com/bkt-platform/platform/tests/conformance/gitops"
	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

// rootVar names the generated layout; the make target sets it, so the test never guesses.
const rootVar = "STANDALONE_ROOT"

func standaloneRoot(t *testing.T) string {
	t.Helper()
	root := os.Getenv(rootVar)
	if root == "" {
		t.Fatalf("%s is not set: run make standalone-check, which writes the layout with generate --out into an empty build/standalone", rootVar)
	}
	if _, err := os.Stat(filepath.Join(root, "gitops")); err != nil {
		t.Fatalf("%s=%s has no gitops/ folder: %v", rootVar, root, err)
	}
	return root
}

// kustomizationFile is the head of a kustomization.yaml: its kind (Kustomization when unset) and
// the Components it lists.
type kustomizationFile struct {
	Kind       string   `json:"kind"`
	Components []string `json:"components"`
}

// kustomizationFolders lists every folder under root/gitops with a kustomization.yaml, relative
// to root.
func kustomizationFolders(t *testing.T, root string) map[string]kustomizationFile {
	t.Helper()
	folders := map[string]kustomizationFile{}
	err := filepath.WalkDir(filepath.Join(root, "gitops"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "kustomization.yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var head kustomizationFile
		if err := yaml.Unmarshal(data, &head); err != nil {
			rel, _ := filepath.Rel(root, p)
			t.Errorf("%s: not YAML: %v", rel, err)
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		folders[filepath.ToSlash(rel)] = head
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s/gitops: %v", root, err)
	}
	if len(folders) == 0 {
		t.Fatalf("%s/gitops holds no kustomization.yaml: the generator wrote no Flux tree", root)
	}
	return folders
}

// Every kustomization.yaml of the standalone layout builds; each folder is its own subtest, so
// the failures name exactly the folders that do not build and kustomize's reason.
func TestStandaloneLayoutBuilds(t *testing.T) {
	root := standaloneRoot(t)
	folders := kustomizationFolders(t, root)
	// kustomize builds a Component only inside the folders that list it under components:;
	// each must be listed by a folder built here.
	usedBy := map[string][]string{}
	for dir, k := range folders {
		for _, c := range k.Components {
			used := filepath.ToSlash(filepath.Clean(filepath.Join(dir, c)))
			usedBy[used] = append(usedBy[used], dir)
		}
	}
	var failed []string
	components := 0
	for _, dir := range gitops.SortedKeys(folders) {
		if folders[dir].Kind == "Component" {
			components++
			if len(usedBy[dir]) == 0 {
				t.Errorf("%s is a kustomize Component that no folder lists under components:, so nothing builds it", dir)
				failed = append(failed, dir)
			}
			continue
		}
		ok := t.Run(dir, func(t *testing.T) {
			objs, err := gitops.BuildFolder(root, dir)
			if err != nil {
				t.Fatalf("%s does not build standalone: %v", dir, err)
			}
			if len(objs) == 0 {
				t.Errorf("%s builds to no object", dir)
			}
			checkLocalCharts(t, root, objs)
		})
		if !ok {
			failed = append(failed, dir)
		}
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d folders of %s/gitops do not build standalone: %s", len(failed), len(folders), root, strings.Join(failed, ", "))
	} else {
		t.Logf("all %d folders with a kustomization.yaml under %s/gitops build (%d of them Components, built inside the folders that list them)", len(folders), root, components)
	}
}

// checkLocalCharts fails for each HelmRelease whose chart is a folder of this repository
// (sourceRef GitRepository) that the standalone layout does not hold.
func checkLocalCharts(t *testing.T, root string, objs []gitops.Object) {
	t.Helper()
	for _, o := range objs {
		if _, k := o.Kind(); k != helmv2.HelmReleaseKind {
			continue
		}
		decoded, err := kube.DecodeStrict(o.YAML)
		if err != nil {
			t.Errorf("%s: %s: %v", o.File, o.ID(), err)
			continue
		}
		hr, ok := decoded.(*helmv2.HelmRelease)
		if !ok || hr.Spec.Chart == nil || hr.Spec.Chart.Spec.SourceRef.Kind != "GitRepository" {
			continue
		}
		chart := strings.TrimPrefix(hr.Spec.Chart.Spec.Chart, "./")
		if _, err := os.Stat(filepath.Join(root, chart, "Chart.yaml")); err != nil {
			t.Errorf("%s: %s takes chart %s from the repository, but the standalone layout has no %s/Chart.yaml", o.File, o.ID(), chart, chart)
		}
	}
}
