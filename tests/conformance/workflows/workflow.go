// Package workflows checks the GitHub Actions workflows under .github/workflows:
// the hardening rules of docs/development-workflow.md (hardening_test.go, part
// of `make check`) and that the roles, repository variables and ECR repository
// they expect are what Terraform creates (names_test.go, `make workflows-test`).
package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workflow is one parsed workflow file. The YAML node tree is kept because the
// hardening rules need line numbers and the comments next to values.
type Workflow struct {
	Path string
	Root *yaml.Node // the top-level mapping
}

// Job is one entry under `jobs:`.
type Job struct {
	ID   string
	Node *yaml.Node
}

// Step is one entry of a job's `steps:`.
type Step struct {
	Job  string
	Node *yaml.Node
}

// LoadDir parses every *.yml and *.yaml file in dir.
func LoadDir(dir string) ([]Workflow, error) {
	var paths []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no workflow files (*.yml, *.yaml) in %s", dir)
	}
	var wfs []Workflow
	for _, p := range paths {
		wf, err := Load(p)
		if err != nil {
			return nil, err
		}
		wfs = append(wfs, wf)
	}
	return wfs, nil
}

// Load parses one workflow file.
func Load(path string) (Workflow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Workflow{}, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Workflow{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return Workflow{}, fmt.Errorf("%s: a workflow must be one YAML mapping", path)
	}
	return Workflow{Path: path, Root: doc.Content[0]}, nil
}

// Name is the file name, used in messages.
func (w Workflow) Name() string { return filepath.Base(w.Path) }

// Jobs returns the jobs in file order.
func (w Workflow) Jobs() []Job {
	jobs := get(w.Root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil
	}
	var out []Job
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		out = append(out, Job{ID: jobs.Content[i].Value, Node: jobs.Content[i+1]})
	}
	return out
}

// Steps returns the job's steps.
func (j Job) Steps() []Step {
	steps := get(j.Node, "steps")
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Step
	for _, s := range steps.Content {
		out = append(out, Step{Job: j.ID, Node: s})
	}
	return out
}

// Uses is the step's `uses:` value, or "".
func (s Step) Uses() string {
	if n := get(s.Node, "uses"); n != nil {
		return n.Value
	}
	return ""
}

// With returns a `with:` input of the step, or nil.
func (s Step) With(input string) *yaml.Node { return get(get(s.Node, "with"), input) }

// ActionName is the `owner/repo[/path]` part of a `uses:` value.
func ActionName(uses string) string {
	name, _, _ := strings.Cut(uses, "@")
	return name
}

// Triggers lists the event names under `on:`, in any of its three forms.
func (w Workflow) Triggers() []string {
	on := get(w.Root, "on")
	if on == nil {
		return nil
	}
	switch on.Kind {
	case yaml.ScalarNode:
		return []string{on.Value}
	case yaml.SequenceNode:
		var out []string
		for _, n := range on.Content {
			out = append(out, n.Value)
		}
		return out
	case yaml.MappingNode:
		var out []string
		for i := 0; i < len(on.Content); i += 2 {
			out = append(out, on.Content[i].Value)
		}
		return out
	}
	return nil
}

// expr matches one `${{ … }}` expression.
var expr = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// varRef matches a repository variable reference inside an expression.
var varRef = regexp.MustCompile(`\bvars\.([A-Za-z_][A-Za-z0-9_]*)`)

// VarRefs returns the repository variables (vars.NAME) used anywhere below n,
// each with the line of its first use.
func VarRefs(n *yaml.Node) map[string]int {
	out := map[string]int{}
	walk(n, func(s *yaml.Node) {
		for _, e := range expr.FindAllStringSubmatch(s.Value, -1) {
			for _, m := range varRef.FindAllStringSubmatch(e[1], -1) {
				if _, seen := out[m[1]]; !seen {
					out[m[1]] = s.Line
				}
			}
		}
	})
	return out
}

// walk calls fn for every scalar below n.
func walk(n *yaml.Node, fn func(*yaml.Node)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		fn(n)
	}
	for _, c := range n.Content {
		walk(c, fn)
	}
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyNode returns the key node of key in mapping m, or nil.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}
