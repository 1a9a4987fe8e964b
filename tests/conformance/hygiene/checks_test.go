package hygiene

import (
	"os"
	"strings"
	"testing"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

// The repository-wide tests pass on a healthy tree; these prove each check rejects what it should.

func TestYAMLProblemsNamesTheLine(t *testing.T) {
	p := yamlProblems([]byte("a: 1\nb: 2\nc: @x\n"))
	if len(p) != 1 || !strings.Contains(p[0], "line 3") {
		t.Fatalf("got %v, want one problem at line 3", p)
	}
	if p := yamlProblems([]byte("a: 1\n")); p != nil {
		t.Fatalf("valid YAML reported %v", p)
	}
}

func TestKubernetesProblems(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"complete object", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n", ""},
		{"not kubernetes-style", "replicaCount: 2\nimage: {tag: x}\n", ""},
		{"helm Chart.yaml", "apiVersion: v2\nname: x\nversion: 0.1.0\n", ""},
		{"kustomize config", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n", ""},
		{"missing name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n", "line 1: ConfigMap \"\" is missing metadata.name"},
		{"missing apiVersion", "kind: Service\nmetadata:\n  name: s\n", "is missing apiVersion"},
		{"missing kind", "apiVersion: v1\nmetadata:\n  name: s\n", "is missing kind"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := kube.SplitYAML([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(kubernetesProblems(docs), "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIsShellScript(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := writeFile(p, content); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if !isShellScript(write("run", "#!/usr/bin/env bash\necho hi\n")) {
		t.Error("bash shebang not recognised")
	}
	if isShellScript(write("tool.py", "#!/usr/bin/env python3\n")) {
		t.Error("python script taken for shell")
	}
	if !isShellScript(write("x.sh", "echo\n")) {
		t.Error(".sh not recognised")
	}
}

func writeFile(p, content string) error { return os.WriteFile(p, []byte(content), 0o600) }
