package kube

import (
	"errors"
	"strings"
	"testing"
)

const restrictedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: example/web:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`

func TestSplitYAMLKeepsLinesAndDropsEmptyDocuments(t *testing.T) {
	docs, err := SplitYAML([]byte("---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\n---\nkind: X\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents, want 2", len(docs))
	}
	if docs[0].Line != 4 || docs[0].Name() != "a" {
		t.Errorf("first document: line %d name %q, want line 4 name a", docs[0].Line, docs[0].Name())
	}
	if _, kind := docs[1].Kind(); kind != "X" || docs[1].Line != 11 {
		t.Errorf("second document: kind %q line %d, want X at line 11", kind, docs[1].Line)
	}
}

func TestSplitYAMLReportsSyntaxErrorLine(t *testing.T) {
	_, err := SplitYAML([]byte("a: 1\nb: [unclosed\nc: 3\n"))
	if err == nil || !strings.Contains(err.Error(), "line") {
		t.Fatalf("want a syntax error naming a line, got %v", err)
	}
}

func TestDecodeStrict(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{name: "valid deployment", doc: restrictedDeployment},
		{name: "unknown field", doc: strings.Replace(restrictedDeployment, "  selector:", "  replicass: 2\n  selector:", 1), wantErr: "unknown field"},
		{name: "duplicate field", doc: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", wantErr: "already set"},
		{name: "flux kustomization with typo", doc: "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: a\nspec:\n  interval: 1m\n  prune: true\n  dependOn: []\n  sourceRef: {kind: GitRepository, name: flux-system}\n", wantErr: "unknown field"},
		{name: "unregistered kind", doc: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: a\n", wantErr: "no published Go API type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeStrict([]byte(tc.doc))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
			if tc.name == "unregistered kind" && !errors.Is(err, ErrUnregisteredKind) {
				t.Fatalf("error %v is not ErrUnregisteredKind", err)
			}
		})
	}
}

func TestCheckPodSecurityRestricted(t *testing.T) {
	good, err := DecodeStrict([]byte(restrictedDeployment))
	if err != nil {
		t.Fatal(err)
	}
	if v := CheckPodSecurityRestricted(good); len(v) != 0 {
		t.Fatalf("restricted deployment reported violations: %v", v)
	}
	privileged := strings.Replace(restrictedDeployment, "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n            privileged: true", 1)
	bad, err := DecodeStrict([]byte(privileged))
	if err != nil {
		t.Fatal(err)
	}
	v := CheckPodSecurityRestricted(bad)
	if len(v) == 0 || !strings.Contains(strings.Join(v, ";"), "privileged") {
		t.Fatalf("privileged container not reported: %v", v)
	}
	cm, _ := DecodeStrict([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"))
	if v := CheckPodSecurityRestricted(cm); v != nil {
		t.Fatalf("a ConfigMap creates no pods, got %v", v)
	}
}
