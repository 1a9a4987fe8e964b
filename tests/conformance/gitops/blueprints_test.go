package gitops

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const blueprintFixtures = "testdata/blueprints"

// blueprintTree builds a tree of testdata/blueprints/context.yaml (the authentik HelmRelease and
// an ExternalSecret) plus ConfigMap authentik-blueprints-sso holding the blueprint under key;
// editRelease, when given, changes the HelmRelease's fields first.
func blueprintTree(t *testing.T, blueprint, key string, editRelease func(map[string]any)) *Tree {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(blueprintFixtures, "context.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tree := &Tree{}
	for _, doc := range bytes.Split(raw, []byte("\n---\n")) {
		fields := map[string]any{}
		if err := yaml.Unmarshal(doc, &fields); err != nil {
			t.Fatalf("context.yaml: %v", err)
		}
		if fields["kind"] == "HelmRelease" && editRelease != nil {
			editRelease(fields)
		}
		tree.Objects = append(tree.Objects, fixtureObject(t, "context.yaml", fields))
	}
	content, err := os.ReadFile(filepath.Join(blueprintFixtures, blueprint))
	if err != nil {
		t.Fatal(err)
	}
	tree.Objects = append(tree.Objects, fixtureObject(t, blueprint, map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": SSOBlueprintConfigMap, "namespace": AuthentikNamespace},
		"data":     map[string]any{key: string(content)},
	}))
	return tree
}

func fixtureObject(t *testing.T, file string, fields map[string]any) Object {
	t.Helper()
	out, err := yaml.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return Object{File: file, YAML: out, Unsubstituted: out, Fields: fields}
}

func findingLines(findings []Finding) string {
	var lines []string
	for _, f := range findings {
		lines = append(lines, f.String())
	}
	return strings.Join(lines, "\n  ")
}

func TestBlueprintValidFixturePasses(t *testing.T) {
	tree := blueprintTree(t, "valid.yaml", SSOBlueprintKey, nil)
	if findings := CheckAuthentikBlueprints(tree); len(findings) > 0 {
		t.Errorf("the valid blueprint fixture must pass, got:\n  %s", findingLines(findings))
	}
}

// Every rule must be able to fail: each bad fixture is valid.yaml with one change, and must be
// rejected with exactly one finding that names the entry and says what is wrong.
func TestBlueprintBadFixturesAreRejected(t *testing.T) {
	cases := []struct{ fixture, want string }{
		{"unknown-attr", `entry 2 (id provider-grafana, model authentik_providers_oauth2.oauth2provider): attrs key "skip_consent" is not a property of authentik_providers_oauth2.oauth2provider`},
		{"unknown-entry-key", `entry 1: key "description" is not in Authentik blueprint schema`},
		{"unknown-model", `entry 1 (id group-bkt-developers, model authentik_core.groups): model "authentik_core.groups" is not one the SSO blueprint may declare`},
		{"dangling-keyof", `entry 3 (id application-grafana, model authentik_core.application): !KeyOf provider-grafna refers to no entry`},
		{"keyof-later", `entry 1 (id group-bkt-developers, model authentik_core.group): !KeyOf provider-grafana refers to entry 2, which comes later`},
		{"env-undefined", `!Env BKT_SSO_GRAFAN_CLIENT_SECRET: the authentik HelmRelease defines no BKT_SSO_GRAFAN_CLIENT_SECRET in values.global.env`},
		{"env-not-generated", `!Env BKT_SSO_ORPHAN_CLIENT_SECRET: BKT_SSO_ORPHAN_CLIENT_SECRET reads Secret sso-orphan, which no ExternalSecret in namespace authentik produces`},
		{"env-literal", `!Env BKT_SSO_LITERAL_CLIENT_SECRET: BKT_SSO_LITERAL_CLIENT_SECRET in values.global.env is not read from a Secret`},
		{"bad-client-type", `attrs.client_type is "secret", not one of confidential, public`},
		{"bad-sub-mode", `attrs.sub_mode is "username", not one of hashed_user_id, user_id, user_uuid, user_username, user_email, user_upn`},
		{"bad-state", `entry 1 (id group-bkt-developers, model authentik_core.group): state "enabled" is not one of absent, created, must_created, present`},
		{"http-redirect", `attrs.redirect_uris[0].url "http://grafana.fixture.test/login/generic_oauth" is not https://`},
		{"redirect-without-mode", `attrs.redirect_uris[1]: matching_mode is required`},
		{"unknown-tag", `tag !Keyof is not one of Authentik's documented tags`},
		{"find-unknown-model", `!Find queries model "authentik_flows.flows"`},
		{"find-not-a-pair", `!Find arguments after the model must be [field, value] pairs`},
		{"missing-required", `entry 4 (model authentik_policies.policybinding): order is not set in identifiers or attrs`},
		{"wrong-type", `attrs.order is "0" (str), the schema wants an integer`},
		{"version-2", `version is "2"; the schema's blueprints are version 1`},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			findings := CheckAuthentikBlueprints(blueprintTree(t, filepath.Join("bad", c.fixture+".yaml"), SSOBlueprintKey, nil))
			if len(findings) != 1 || !strings.Contains(findings[0].Message, c.want) {
				t.Errorf("want exactly one finding containing %q, got %d:\n  %s", c.want, len(findings), findingLines(findings))
				return
			}
			if findings[0].Object != "ConfigMap/authentik/"+SSOBlueprintConfigMap || !strings.HasPrefix(findings[0].Message, "data key sso.yaml line ") {
				t.Errorf("the finding must name the ConfigMap, the data key and the line: %s", findings[0])
			}
		})
	}
}

// The wiring around the blueprint: the release must list it, the list must name ConfigMaps of
// the tree, and the worker only reads *.yaml keys.
func TestBlueprintWiringIsRejected(t *testing.T) {
	setList := func(names ...any) func(map[string]any) {
		return func(hr map[string]any) {
			if names == nil {
				unstructured.RemoveNestedField(hr, "spec", "values", "blueprints")
				return
			}
			if err := unstructured.SetNestedSlice(hr, names, "spec", "values", "blueprints", "configMaps"); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name, key string
		edit      func(map[string]any)
		want      string
	}{
		{"no blueprint listed", SSOBlueprintKey, setList(), "values.blueprints.configMaps lists no ConfigMap: the SSO blueprint is missing"},
		{"listed ConfigMap absent", SSOBlueprintKey, setList(SSOBlueprintConfigMap, "authentik-blueprints-extra"), "lists authentik-blueprints-extra, which is not a ConfigMap of namespace authentik in the tree"},
		{"key the worker ignores", "sso.yml", nil, "data key sso.yml does not end in .yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			findings := CheckAuthentikBlueprints(blueprintTree(t, "valid.yaml", c.key, c.edit))
			if len(findings) != 1 || !strings.Contains(findings[0].Message, c.want) {
				t.Errorf("want exactly one finding containing %q, got %d:\n  %s", c.want, len(findings), findingLines(findings))
			}
		})
	}
}

// Every bad fixture must be used by the table above, so a fixture cannot silently stop being
// checked.
func TestBlueprintBadFixturesAreAllListed(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(blueprintFixtures, "bad"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("blueprints_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".yaml")
		if !bytes.Contains(src, []byte(`{"`+name+`", `)) {
			t.Errorf("testdata/blueprints/bad/%s is not in TestBlueprintBadFixturesAreRejected", e.Name())
		}
	}
}

// A blueprint may hold only one document: Authentik loads one per file.
func TestBlueprintSecondDocumentIsRejected(t *testing.T) {
	content, err := os.ReadFile(filepath.Join(blueprintFixtures, "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	findings := CheckBlueprint("f", "o", "sso.yaml", string(content)+"---\nversion: 1\n", EnvSources{})
	found := false
	for _, f := range findings {
		found = found || strings.Contains(f.Message, "more than one YAML document")
	}
	if !found {
		t.Errorf("want a finding about a second document, got:\n  %s", findingLines(findings))
	}
}
