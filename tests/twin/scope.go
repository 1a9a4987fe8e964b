package twin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// ScopeHealth edits the twin's copy of the cluster entry: a layer whose health wait would include
// an object of offlineKinds (a HelmRelease: no helm-controller runs here, so no release ever
// reports Ready) gets wait: false and an explicit healthChecks list of its workloads
// (Deployments, StatefulSets, DaemonSets, Jobs), which kustomize-controller still waits for. Returns one
// line per change, to print. The repository's own files are never touched.
func ScopeHealth(repo string, layers []*Layer) ([]string, error) {
	var changes []string
	byFile := map[string][]*Layer{}
	for _, l := range layers {
		if len(l.Offline) > 0 {
			byFile[l.File] = append(byFile[l.File], l)
		}
	}
	for file, ls := range byFile {
		path := filepath.Join(repo, file)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		dec := yamlv3.NewDecoder(bytes.NewReader(b))
		var docs []*yamlv3.Node
		for {
			var n yamlv3.Node
			if err := dec.Decode(&n); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			docs = append(docs, &n)
		}
		for _, l := range ls {
			doc := findKustomization(docs, l.Name)
			if doc == nil {
				return nil, fmt.Errorf("%s: Kustomization %s not found", file, l.Name)
			}
			spec := mapGet(doc, "spec")
			mapSet(spec, "wait", &yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!bool", Value: "false"})
			checks := &yamlv3.Node{Kind: yamlv3.SequenceNode}
			var names []string
			for _, o := range l.HealthChecks {
				entry := &yamlv3.Node{Kind: yamlv3.MappingNode}
				mapSet(entry, "apiVersion", scalar(o.APIVersion))
				mapSet(entry, "kind", scalar(o.Kind))
				mapSet(entry, "name", scalar(o.Name))
				if o.Namespace != "" {
					mapSet(entry, "namespace", scalar(o.Namespace))
				}
				checks.Content = append(checks.Content, entry)
				names = append(names, o.String())
			}
			if len(checks.Content) > 0 {
				mapSet(spec, "healthChecks", checks)
			}
			var why []string
			for _, o := range l.Offline {
				why = append(why, fmt.Sprintf("%s (%s)", o, offlineKinds[o.Kind]))
			}
			kept := "none"
			if len(names) > 0 {
				kept = strings.Join(names, ", ")
			}
			changes = append(changes, fmt.Sprintf("Kustomization %s: wait: true → wait: false; health checks kept: %s; left out: %s",
				l.Name, kept, strings.Join(why, ", ")))
		}
		var out bytes.Buffer
		enc := yamlv3.NewEncoder(&out)
		enc.SetIndent(2)
		for _, d := range docs {
			if err := enc.Encode(d); err != nil {
				return nil, err
			}
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

func scalar(v string) *yamlv3.Node { return &yamlv3.Node{Kind: yamlv3.ScalarNode, Value: v} }

func findKustomization(docs []*yamlv3.Node, name string) *yamlv3.Node {
	for _, d := range docs {
		if len(d.Content) == 0 {
			continue
		}
		m := d.Content[0]
		if k := mapGet(m, "kind"); k != nil && k.Value == "Kustomization" {
			if md := mapGet(m, "metadata"); md != nil {
				if n := mapGet(md, "name"); n != nil && n.Value == name {
					return m
				}
			}
		}
	}
	return nil
}

func mapGet(m *yamlv3.Node, key string) *yamlv3.Node {
	if m == nil || m.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapSet(m *yamlv3.Node, key string, v *yamlv3.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}
