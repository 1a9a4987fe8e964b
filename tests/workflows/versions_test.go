package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The e2e run must install the Flux version `make up` installs on EKS, or it
// proves the tree against controllers the real cluster does not run.
func TestE2EUsesTheFluxVersionOfMakeUp(t *testing.T) {
	up, err := os.ReadFile(filepath.Join(repoRoot, "scripts/up.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^flux_version=([0-9.]+)$`).FindSubmatch(up)
	if m == nil {
		t.Fatal("scripts/up.sh has no `flux_version=X.Y.Z` line")
	}
	want := string(m[1])

	wf, err := Load(filepath.Join(workflowsDir, "e2e.yml"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, job := range wf.Jobs() {
		for _, step := range job.Steps() {
			if ActionName(step.Uses()) != "fluxcd/flux2/action" {
				continue
			}
			found++
			if v := step.With("version"); v == nil || v.Value != want {
				t.Errorf("e2e.yml job %s does not install Flux %s (`with: version`), the version scripts/up.sh installs", job.ID, want)
			}
			if c := strings.TrimSpace(get(step.Node, "uses").LineComment); c != "# v"+want {
				t.Errorf("e2e.yml job %s pins fluxcd/flux2/action %q; pin the commit of v%s", job.ID, c, want)
			}
		}
	}
	if found != 1 {
		t.Errorf("e2e.yml has %d fluxcd/flux2/action steps; want one", found)
	}
}
