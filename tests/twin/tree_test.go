package twin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The dev root's node group, as the twin shapes it: read from the generated Terraform.
func TestNodeGroupsOfDev(t *testing.T) {
	groups, err := ReadNodeGroups(filepath.Join("..", ".."), "dev", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 {
		t.Fatalf("groups: %+v", groups)
	}
	g := groups[0]
	if g.Name != "default" || g.CapacityType != "ON_DEMAND" || g.DesiredSize != 3 ||
		strings.Join(g.InstanceTypes, ",") != "t3.large,t3a.large" || strings.Join(g.Zones, ",") != "eu-west-1a,eu-west-1b" {
		t.Fatalf("unexpected node group %+v", g)
	}
	cpu, mem := instanceTypes["t3.large"].allocatable()
	if cpu != 1930 || mem != 7452 {
		t.Fatalf("t3.large allocatable: %dm %dMi, want 1930m 7452Mi", cpu, mem)
	}
}

func TestUnknownInstanceTypeIsNamed(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, "terraform", "envs", "x")
	if err := os.MkdirAll(env, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"variables.tf": `variable "nodes" {
  type = object({
    instance_types = optional(list(string), ["z9.huge"])
    capacity_type  = optional(string, "ON_DEMAND")
    desired_size   = optional(number, 1)
  })
  default = {}
}
`,
		"eks.tf":    "module \"eks\" {\n  node_groups = {\n    main = {}\n  }\n}\n",
		"locals.tf": "locals {\n  availability_zones = [\"${var.region}a\"]\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(env, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ReadNodeGroups(dir, "x", "r")
	if err == nil || !strings.Contains(err.Error(), `"z9.huge"`) || !strings.Contains(err.Error(), `"main"`) {
		t.Fatalf("want an error naming the type and the group, got %v", err)
	}
}

// The twin's copy scopes exactly the layers that hold HelmReleases or chart-dependent Jobs.
func TestScopeHealthOnlyTouchesTheCopy(t *testing.T) {
	root := filepath.Join("..", "..")
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-a", filepath.Join(root, "gitops"), dir).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	layers, err := ReadLayers(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	changes, err := ScopeHealth(dir, layers)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		t.Log(c)
	}
	after, err := ReadLayers(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range after {
		var wait any
		for _, o := range mustObjects(t, dir, l.File) {
			if o.Name == l.Name {
				wait = o.Body["spec"].(map[string]any)["wait"]
			}
		}
		scoped := len(l.Offline) > 0
		if scoped && wait != false {
			t.Errorf("%s holds releases or other offline kinds but keeps wait: %v", l.Name, wait)
		}
		if !scoped && wait != true {
			t.Errorf("%s was changed to wait: %v", l.Name, wait)
		}
	}
	if len(changes) == 0 {
		t.Fatal("no layer scoped: the dev tree has HelmReleases")
	}
}

func mustObjects(t *testing.T, repo, file string) []Object {
	t.Helper()
	objs, err := fileObjects(repo, filepath.Join(repo, file))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// The sync objects come from the generated FluxInstance of each environment, not from values
// of the twin's own; an entry without one is an error naming it.
func TestSyncComesFromTheFluxInstance(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		sync, err := ReadSync(filepath.Join("..", ".."), env)
		if err != nil {
			t.Fatal(err)
		}
		if sync.Path != "./gitops/clusters/"+env || !strings.HasPrefix(sync.Ref, "refs/heads/") ||
			sync.File != "gitops/clusters/"+env+"/flux-instance.yaml" {
			t.Fatalf("%s: unexpected sync %+v", env, sync)
		}
	}
	dir := t.TempDir()
	entry := filepath.Join(dir, "gitops", "clusters", "x")
	if err := os.MkdirAll(entry, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(entry, "kustomization.yaml"), []byte("resources: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSync(dir, "x"); err == nil || !strings.Contains(err.Error(), "gitops/clusters/x lists no FluxInstance") {
		t.Fatalf("want the missing instance named, got %v", err)
	}
}
