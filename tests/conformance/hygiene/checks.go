package hygiene

import (
	"fmt"
	"strings"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

// yamlProblems returns the parse error of a YAML stream, with its line, if any.
func yamlProblems(data []byte) []string {
	if _, err := kube.SplitYAML(data); err != nil {
		return []string{err.Error()}
	}
	return nil
}

// kubernetesProblems names, by line, every Kubernetes-style document (one with a kind, or with an
// apiVersion and metadata) that lacks apiVersion, kind or metadata.name. Kustomize's own config
// files are build instructions, not API objects, and carry no name.
func kubernetesProblems(docs []kube.Document) []string {
	var problems []string
	for _, d := range docs {
		apiVersion, kind := d.Kind()
		_, hasKind := d.Fields["kind"]
		_, hasMeta := d.Fields["metadata"]
		_, hasAPIVersion := d.Fields["apiVersion"]
		if !hasKind && !(hasAPIVersion && hasMeta) {
			continue
		}
		var missing []string
		if apiVersion == "" {
			missing = append(missing, "apiVersion")
		}
		if kind == "" {
			missing = append(missing, "kind")
		}
		if d.Name() == "" && !strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") {
			missing = append(missing, "metadata.name")
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("line %d: %s %q is missing %s", d.Line, kind, d.Name(), strings.Join(missing, ", ")))
		}
	}
	return problems
}
