package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// `make a b VAR=x` inside a run: block or a script; makeTargets takes the
	// words up to the first variable assignment, redirection or shell operator.
	makeCall  = regexp.MustCompile(`(?m)(?:^\s*|[;&|(]\s*|\bthen\s+|\bdo\s+)make[ \t]+([^\n]*)`)
	targetArg = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	// A documented target line: `name: deps ## description`.
	makeTarget = regexp.MustCompile(`(?m)^([A-Za-z0-9_-]+):[^=\n]*## `)
)

// The workflows run the project's make targets rather than logic of their own;
// a renamed or undocumented target would only break on GitHub.
func TestWorkflowMakeTargetsExist(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, m := range makeTarget.FindAllStringSubmatch(string(data), -1) {
		defined[m[1]] = true
	}

	sources := map[string]string{}
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, wf := range wfs {
		for _, job := range wf.Jobs() {
			for _, step := range job.Steps() {
				if run := get(step.Node, "run"); run != nil {
					sources[fmt.Sprintf("%s job %s (line %d)", wf.Name(), job.ID, run.Line)] = run.Value
				}
			}
		}
	}
	scripts, _ := filepath.Glob(filepath.Join(repoRoot, ".github/scripts/*.sh"))
	for _, s := range scripts {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		sources[filepath.Base(s)] = string(b)
	}

	calls := 0
	for where, text := range sources {
		for _, target := range makeTargets(text) {
			calls++
			if !defined[target] {
				t.Errorf("%s runs `make %s`, but the Makefile has no documented target %q (a `%s: ... ## description` line)", where, target, target, target)
			}
		}
	}
	if calls == 0 {
		t.Error("no `make` call found in the workflows or their scripts; the pattern is broken")
	}
}

func TestMakeCallPattern(t *testing.T) {
	tests := map[string][]string{
		"make test":                              {"test"},
		"make app-lint app-test chart-test":      {"app-lint", "app-test", "chart-test"},
		"make tf-plan ENV=dev":                   {"tf-plan"},
		"mkdir -p x\nmake test 2>&1 | tee y":     {"test"},
		"  make image-tag TAG=\"$tag\"":          {"image-tag"},
		"echo remake things; cmake build":        nil,
		"if true; then make e2e-local; fi":       {"e2e-local"},
		"x && make setup":                        {"setup"},
		"run `make workflows-lint` (documented)": nil,
	}
	for text, want := range tests {
		got := makeTargets(text)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("targets in %q = %v, want %v", text, got, want)
		}
	}
}

func makeTargets(text string) []string {
	var out []string
	for _, m := range makeCall.FindAllStringSubmatch(text, -1) {
		args, _, _ := strings.Cut(m[1], ";")
		if i := strings.IndexAny(args, "&|)"); i >= 0 {
			args = args[:i]
		}
		for _, word := range strings.Fields(args) {
			if !targetArg.MatchString(word) {
				break
			}
			out = append(out, word)
		}
	}
	return out
}
