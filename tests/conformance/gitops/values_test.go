package gitops

import (
	"reflect"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// helm-controller's order: valuesFrom sources in order, each merged over the previous, then
// spec.values on top; maps merge key by key, anything else is replaced.
func TestComposeValuesMergesLikeHelmController(t *testing.T) {
	cm := func(name, values string) Object {
		fields := map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": "demo"},
			"data":     map[string]any{"values.yaml": values, "tag": "abc"},
		}
		raw, err := yaml.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		return Object{File: name, YAML: raw, Fields: fields}
	}
	tree := &Tree{Objects: []Object{
		cm("first", "image: {repository: one, tag: t1}\nlist: [a, b]\nonly: first\n"),
		cm("second", "image: {tag: t2}\nlist: [c]\n"),
	}}
	hr := &helmv2.HelmRelease{}
	hr.Namespace = "demo"
	hr.Spec.ValuesFrom = []helmv2.ValuesReference{
		{Kind: "ConfigMap", Name: "first"},
		{Kind: "ConfigMap", Name: "second"},
		{Kind: "ConfigMap", Name: "second", ValuesKey: "tag", TargetPath: "image.digest"},
		{Kind: "ConfigMap", Name: "absent", Optional: true},
	}
	hr.Spec.Values = &apiextensionsv1.JSON{Raw: []byte(`{"image":{"pullPolicy":"Always"},"only":"values"}`)}

	got, err := ComposeValues(tree, hr)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"image": map[string]any{"repository": "one", "tag": "t2", "digest": "abc", "pullPolicy": "Always"},
		"list":  []any{"c"},
		"only":  "values",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ComposeValues = %v, want %v", got, want)
	}

	hr.Spec.ValuesFrom = []helmv2.ValuesReference{{Kind: "ConfigMap", Name: "absent"}}
	if _, err := ComposeValues(tree, hr); err == nil {
		t.Error("a missing valuesFrom source that is not optional must be an error")
	}
}

func TestVarRefs(t *testing.T) {
	got := VarRefs([]byte("a: ${ONE}\nb: $${ESCAPED}\nc: ${TWO:=x}\nd: pre-${ONE}-post\n"))
	want := map[string]bool{"ONE": false, "TWO": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("VarRefs = %v, want %v", got, want)
	}
}
