package gitops

import (
	"strings"
	"testing"
)

// The cluster's FluxInstance must sync the entry this suite builds into the source every layer
// reads; one that syncs another folder, another source or carries an unknown field is reported.
func TestCheckInstance(t *testing.T) {
	const good = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.9.6"
    registry: ghcr.io/fluxcd
  cluster:
    type: aws
    networkPolicy: true
  sync:
    kind: GitRepository
    url: https://github.com/example-org/bkt-platform.git
    ref: refs/heads/main
    path: ./gitops/clusters/dev
`
	check := func(doc string) []Finding {
		return checkInstance(Object{File: "gitops/clusters/dev/flux-instance.yaml", YAML: []byte(doc)}, "gitops/clusters/dev")
	}
	if f := check(good); len(f) != 0 {
		t.Fatalf("the good instance: %v", f)
	}
	for name, c := range map[string]struct{ from, to, want string }{
		"another folder":   {"path: ./gitops/clusters/dev", "path: ./gitops/clusters/prod", "applying ./gitops/clusters/prod"},
		"another source":   {"kind: GitRepository", "kind: OCIRepository", "OCIRepository flux-system"},
		"another name":     {"  name: flux\n", "  name: flux-dev\n", "one FluxInstance, flux"},
		"an unknown field": {"networkPolicy: true", "networkPolicies: true", "unknown field"},
	} {
		doc := strings.Replace(good, c.from, c.to, 1)
		f := check(doc)
		if len(f) != 1 || !strings.Contains(f[0].Message, c.want) {
			t.Errorf("%s: findings %v, want one saying %q", name, f, c.want)
		}
	}
}
