// Package hygiene holds the repository-wide checks: every YAML file parses, every
// Kubernetes-style document is addressable, every shell script passes shellcheck.
package hygiene

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
	"github.com/bkt-platform/platform/tests/conformance/internal/repo"
)

// exempt reports files the repository-wide checks leave out: Helm templates, which are YAML only
// after rendering, and testdata/, which holds broken fixtures that negative tests feed to a check.
func exempt(file string) bool {
	return strings.Contains(file, "/templates/") || strings.HasPrefix(file, "testdata/") || strings.Contains(file, "/testdata/")
}

func repoFiles(t *testing.T) (string, []string) {
	t.Helper()
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	files, err := repo.Files(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, files
}

func yamlFiles(t *testing.T) (string, []string) {
	root, files := repoFiles(t)
	var out []string
	for _, f := range files {
		if ext := path.Ext(f); (ext == ".yaml" || ext == ".yml") && !exempt(f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatal("found no YAML file: the file listing is broken")
	}
	return root, out
}

// forEachYAML calls check with the content of every YAML file and reports what it returns,
// prefixed with the file's path.
func forEachYAML(t *testing.T, check func(data []byte) []string) {
	t.Helper()
	root, files := yamlFiles(t)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, p := range check(data) {
			t.Errorf("%s: %s", f, p)
		}
	}
}

func TestEveryYAMLFileParses(t *testing.T) {
	forEachYAML(t, yamlProblems)
}

func TestEveryKubernetesDocumentIsAddressable(t *testing.T) {
	forEachYAML(t, func(data []byte) []string {
		docs, err := kube.SplitYAML(data)
		if err != nil {
			return nil // reported by TestEveryYAMLFileParses
		}
		return kubernetesProblems(docs)
	})
}

func TestEveryShellScriptPassesShellcheck(t *testing.T) {
	root, files := repoFiles(t)
	var scripts []string
	for _, f := range files {
		if exempt(f) {
			continue
		}
		if isShellScript(filepath.Join(root, f)) {
			scripts = append(scripts, f)
		}
	}
	if len(scripts) == 0 {
		t.Fatal("found no shell script: the file listing is broken (scripts/ and .ci/run exist)")
	}
	shellcheck := filepath.Join(root, ".venv", "bin", "shellcheck")
	if _, err := os.Stat(shellcheck); err != nil {
		t.Fatalf("shellcheck is not installed at %s: run `make setup`", shellcheck)
	}
	cmd := exec.Command(shellcheck, append([]string{"--format=gcc", "--external-sources"}, scripts...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck reported problems (file:line:column):\n%s", out)
	}
	t.Logf("shellcheck checked %d scripts", len(scripts))
}

// isShellScript recognises scripts by extension or by a sh/bash shebang.
func isShellScript(file string) bool {
	if strings.HasSuffix(file, ".sh") || strings.HasSuffix(file, ".bash") {
		return true
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := f.Read(head)
	first, _, _ := bytes.Cut(head[:n], []byte("\n"))
	line := string(first)
	return strings.HasPrefix(line, "#!") && (strings.HasSuffix(line, "/bash") || strings.HasSuffix(line, " bash") || strings.HasSuffix(line, "/sh"))
}
