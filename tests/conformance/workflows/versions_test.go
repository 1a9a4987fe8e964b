package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The e2e run must install the Flux version every environment's FluxInstance runs on EKS
// (gitops/clusters/<env>/flux-instance.yaml), or it proves the tree against controllers the
// real cluster does not run. The version is pinned once, in the Rust sources: e2e.yml reads it
// with `generate --print-pin flux` into the action's `version` input, and the action's own pin
// is a release of the same minor.
func TestE2EUsesTheFluxVersionOfTheInstances(t *testing.T) {
	instances, err := filepath.Glob(filepath.Join(repoRoot, "gitops/clusters/*/flux-instance.yaml"))
	if err != nil || len(instances) == 0 {
		t.Fatalf("no gitops/clusters/*/flux-instance.yaml (%v)", err)
	}
	want := ""
	for _, path := range instances {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var instance struct {
			Spec struct {
				Distribution struct{ Version string } `yaml:"distribution"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal(raw, &instance); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		v := instance.Spec.Distribution.Version
		if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
			t.Errorf("%s pins Flux %q; pin an exact release", path, v)
		}
		if want != "" && v != want {
			t.Errorf("%s runs Flux %s, another environment %s", path, v, want)
		}
		want = v
	}
	minor := want[:strings.LastIndex(want, ".")+1]

	wf, err := Load(filepath.Join(workflowsDir, "e2e.yml"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, job := range wf.Jobs() {
		printers := map[string]bool{} // ids of steps that print the pinned version
		for _, step := range job.Steps() {
			if run, id := get(step.Node, "run"), get(step.Node, "id"); run != nil && id != nil &&
				strings.Contains(run.Value, "--print-pin flux)") && strings.Contains(run.Value, `"$GITHUB_OUTPUT"`) {
				printers[id.Value] = true
			}
			if ActionName(step.Uses()) != "fluxcd/flux2/action" {
				continue
			}
			found++
			m := regexp.MustCompile(`^\$\{\{ steps\.([A-Za-z0-9_-]+)\.outputs\.version \}\}$`).FindStringSubmatch(valueOf(step.With("version")))
			if m == nil || !printers[m[1]] {
				t.Errorf("e2e.yml job %s installs Flux %q; give it ${{ steps.<id>.outputs.version }} of an earlier step that writes `generate --print-pin flux` to $GITHUB_OUTPUT (Flux %s, the instances')", job.ID, valueOf(step.With("version")), want)
			}
			if c := strings.TrimSpace(get(step.Node, "uses").LineComment); !strings.HasPrefix(c, "# v"+minor) {
				t.Errorf("e2e.yml job %s pins fluxcd/flux2/action %q; pin the commit of a v%sx release", job.ID, c, minor)
			}
		}
	}
	if found != 1 {
		t.Errorf("e2e.yml has %d fluxcd/flux2/action steps; want one", found)
	}
}

func valueOf(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// Toolchain versions are pinned in each workflow that sets one up; they must
// agree, or jobs of one change would build and test with different tools.
func TestWorkflowsPinOneVersionPerTool(t *testing.T) {
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{
		"actions/setup-go":          "go-version",
		"actions/setup-python":      "python-version",
		"hashicorp/setup-terraform": "terraform_version",
	}
	seen := map[string]string{} // input → "value (where)"
	for _, wf := range wfs {
		for _, job := range wf.Jobs() {
			for _, step := range job.Steps() {
				input, ok := inputs[ActionName(step.Uses())]
				if !ok {
					continue
				}
				where := wf.Name() + " job " + job.ID
				v := step.With(input)
				if v == nil {
					t.Errorf("%s: %s without an exact %s", where, ActionName(step.Uses()), input)
					continue
				}
				if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v.Value) {
					t.Errorf("%s: %s %q is not an exact version", where, input, v.Value)
				}
				if prev, ok := seen[input]; ok && !strings.HasPrefix(prev, v.Value+" ") {
					t.Errorf("%s: %s %s, but %s", where, input, v.Value, prev)
				} else if !ok {
					seen[input] = v.Value + " (" + where + ")"
				}
			}
		}
	}
	if len(seen) != len(inputs) {
		t.Errorf("found versions for %v only; the workflows set up Go, Python and Terraform", seen)
	}
}

// Every job that builds the Rust workspace installs one exact toolchain, the
// one Cargo.toml's rust-version names, so the generator CI runs is the one
// the workspace is tested with.
func TestWorkflowsInstallTheWorkspaceRustToolchain(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join(repoRoot, "Cargo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^rust-version = "(\d+\.\d+)"$`).FindSubmatch(manifest)
	if m == nil {
		t.Fatal(`Cargo.toml has no rust-version = "X.Y" line`)
	}
	want := string(m[1])
	install := regexp.MustCompile(`rustup toolchain install (\S+)`)
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, wf := range wfs {
		for _, job := range wf.Jobs() {
			for _, step := range job.Steps() {
				run := get(step.Node, "run")
				if run == nil {
					continue
				}
				where := wf.Name() + " job " + job.ID
				for _, v := range install.FindAllStringSubmatch(run.Value, -1) {
					found[where] = true
					if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v[1]) || !strings.HasPrefix(v[1], want+".") {
						t.Errorf("%s installs Rust %s; want an exact %s.x release (Cargo.toml rust-version)", where, v[1], want)
					}
				}
				if strings.Contains(run.Value, "cargo ") || strings.Contains(run.Value, "make image-tag") ||
					strings.Contains(run.Value, "commit-image-tag.sh") || strings.Contains(run.Value, "make e2e-local") {
					if !found[where] {
						t.Errorf("%s runs cargo (directly or through make/scripts) before installing the Rust toolchain", where)
					}
				}
			}
		}
	}
	for _, want := range []string{"ci.yml job test", "release.yml job deploy", "e2e.yml job kind"} {
		if !found[want] {
			t.Errorf("%s installs no Rust toolchain; it builds the workspace", want)
		}
	}
}
