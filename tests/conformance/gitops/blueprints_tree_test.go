package gitops

import (
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Each cluster tree's Authentik blueprints pass the schema checks of blueprints.go, and the SSO
// blueprint is where the design puts it and declares every model the design names.
func TestClusterTreeAuthentikBlueprints(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkAuthentikBlueprints(t, c.Tree) })
}

func checkAuthentikBlueprints(t *testing.T, tree *Tree) {
	report(t, CheckAuthentikBlueprints(tree))

	cm, found := findObject(tree, "ConfigMap", AuthentikNamespace, SSOBlueprintConfigMap)
	if !found {
		t.Fatalf("no ConfigMap %s/%s in the tree: the SSO blueprint is missing", AuthentikNamespace, SSOBlueprintConfigMap)
	}
	data, _, _ := unstructured.NestedStringMap(cm.Fields, "data")
	content, ok := data[SSOBlueprintKey]
	if !ok {
		t.Fatalf("%s: %s has no data key %s (keys: %v)", cm.File, cm.ID(), SSOBlueprintKey, SortedKeys(data))
	}
	var bp struct {
		Entries []struct {
			Model string `yaml:"model"`
		} `yaml:"entries"`
	}
	// Custom tags decode into plain values here; only the models are read.
	if err := yaml.Unmarshal([]byte(content), &bp); err != nil {
		t.Fatalf("%s: %s: %v", cm.File, SSOBlueprintKey, err)
	}
	var models []string
	for _, e := range bp.Entries {
		models = append(models, e.Model)
	}
	for _, want := range SortedKeys(blueprintModels) {
		if !slices.Contains(models, want) {
			t.Errorf("%s: %s declares no %s entry; the SSO design needs groups, OAuth2 providers, applications and policy bindings", cm.File, SSOBlueprintKey, want)
		}
	}
	t.Logf("%s: %d entries checked against %s", SSOBlueprintKey, len(bp.Entries), BlueprintSchemaVersion)
}
