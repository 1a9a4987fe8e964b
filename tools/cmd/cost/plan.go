package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// plannedResource is a managed resource that exists once the plan is applied.
type plannedResource struct {
	Address       string         `json:"address"`
	ModuleAddress string         `json:"module_address"`
	Mode          string         `json:"mode"`
	Type          string         `json:"type"`
	Index         any            `json:"index"`
	After         map[string]any `json:"-"`
}

type plan struct {
	resources []plannedResource
	variables map[string]any
}

// parsePlan reads `terraform show -json` of a saved plan; resources being deleted, and data
// sources, cost nothing afterwards and are dropped.
func parsePlan(raw []byte) (plan, error) {
	var doc struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			plannedResource
			Change struct {
				Actions []string       `json:"actions"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
		Variables map[string]struct {
			Value any `json:"value"`
		} `json:"variables"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return plan{}, fmt.Errorf("not JSON from `terraform show -json <planfile>`: %w", err)
	}
	if doc.FormatVersion == "" || doc.ResourceChanges == nil {
		return plan{}, errors.New("no format_version or resource_changes: pass `terraform show -json` of a saved plan (terraform plan -out=tfplan), not of the state or the HCL")
	}
	p := plan{variables: map[string]any{}}
	for k, v := range doc.Variables {
		p.variables[k] = v.Value
	}
	for _, rc := range doc.ResourceChanges {
		if rc.Mode != "managed" || slices.Equal(rc.Change.Actions, []string{"delete"}) || rc.Change.After == nil {
			continue
		}
		r := rc.plannedResource
		r.After = rc.Change.After
		p.resources = append(p.resources, r)
	}
	return p, nil
}

func (p plan) region() string {
	for _, k := range []string{"region", "aws_region"} {
		if s, ok := p.variables[k].(string); ok {
			return s
		}
	}
	return ""
}

func (p plan) ofType(t string) []plannedResource {
	var out []plannedResource
	for _, r := range p.resources {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

// sibling finds the resource of type t in the same module instance with the same for_each key:
// how a node group's launch template is written in terraform/modules/eks.
func (p plan) sibling(of plannedResource, t string) (plannedResource, bool) {
	for _, r := range p.resources {
		if r.Type == t && r.ModuleAddress == of.ModuleAddress && fmt.Sprint(r.Index) == fmt.Sprint(of.Index) {
			return r, true
		}
	}
	return plannedResource{}, false
}

// Accessors for the nested, loosely typed `after` values. Blocks are lists of objects.

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func num(m map[string]any, key string) (float64, bool) {
	f, ok := m[key].(float64)
	return f, ok
}

func block(m map[string]any, key string) map[string]any {
	list, _ := m[key].([]any)
	if len(list) == 0 {
		return nil
	}
	b, _ := list[0].(map[string]any)
	return b
}

func stringList(m map[string]any, key string) []string {
	list, _ := m[key].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
