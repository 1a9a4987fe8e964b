package gitops

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Names the SSO design fixes (docs/gitops.md): one blueprint, in a ConfigMap in Authentik's
// namespace, listed in the authentik HelmRelease so the chart mounts it into the worker.
const (
	AuthentikNamespace    = "authentik"
	AuthentikRelease      = "authentik"
	SSOBlueprintConfigMap = "authentik-blueprints-sso"
	SSOBlueprintKey       = "sso.yaml"
)

// CheckAuthentikBlueprints finds the ConfigMaps the authentik HelmRelease lists in
// values.blueprints.configMaps and checks every blueprint in them against Authentik's documented
// schema (authentik_schema.go). A release that lists none fails: the SSO blueprint is missing.
func CheckAuthentikBlueprints(tree *Tree) []Finding {
	hrObj, found := findObject(tree, helmv2.HelmReleaseKind, AuthentikNamespace, AuthentikRelease)
	if !found {
		return []Finding{{Object: "HelmRelease/" + AuthentikNamespace + "/" + AuthentikRelease,
			Message: "is not in the tree; the SSO blueprint is mounted through its values.blueprints.configMaps"}}
	}
	hr, err := decodeAs[helmv2.HelmRelease](hrObj)
	if err != nil {
		return []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	values, err := ComposeValues(tree, hr)
	if err != nil {
		return []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	names, problem := stringList(values, "blueprints", "configMaps")
	if problem != "" {
		return []Finding{{hrObj.File, hrObj.ID(), "values.blueprints.configMaps " + problem}}
	}
	if len(names) == 0 {
		return []Finding{{hrObj.File, hrObj.ID(), fmt.Sprintf(
			"values.blueprints.configMaps lists no ConfigMap: the SSO blueprint is missing; render ConfigMap %s (data key %s) in namespace %s and list it there, so the chart mounts it into the worker",
			SSOBlueprintConfigMap, SSOBlueprintKey, AuthentikNamespace)}}
	}
	env := newEnvSources(tree, values)
	var out []Finding
	for _, name := range names {
		cmObj, found := findObject(tree, "ConfigMap", AuthentikNamespace, name)
		if !found {
			out = append(out, Finding{hrObj.File, hrObj.ID(), fmt.Sprintf(
				"values.blueprints.configMaps lists %s, which is not a ConfigMap of namespace %s in the tree; the worker would never start", name, AuthentikNamespace)})
			continue
		}
		data, _, _ := unstructured.NestedStringMap(cmObj.Fields, "data")
		if len(data) == 0 {
			out = append(out, Finding{cmObj.File, cmObj.ID(), "holds no data; a blueprint ConfigMap needs one key <name>.yaml per blueprint"})
		}
		for _, key := range SortedKeys(data) {
			// The worker discovers blueprints as *.yaml files under its blueprints folder.
			if !strings.HasSuffix(key, ".yaml") {
				out = append(out, Finding{cmObj.File, cmObj.ID(), fmt.Sprintf(
					"data key %s does not end in .yaml; Authentik's worker only reads *.yaml blueprint files", key)})
				continue
			}
			out = append(out, CheckBlueprint(cmObj.File, cmObj.ID(), key, data[key], env)...)
		}
	}
	return out
}

func findObject(tree *Tree, kind, namespace, name string) (Object, bool) {
	for _, o := range objectsOfKind(tree, kind) {
		u := o.Unstructured()
		if u.GetNamespace() == namespace && u.GetName() == name {
			return o, true
		}
	}
	return Object{}, false
}

// stringList reads a list of strings at path; a missing path is an empty list.
func stringList(values map[string]any, path ...string) ([]string, string) {
	raw, found, err := unstructured.NestedFieldNoCopy(values, path...)
	if err != nil || !found || raw == nil {
		return nil, ""
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, fmt.Sprintf("is a %T, want a list of ConfigMap names", raw)
	}
	var out []string
	for _, item := range items {
		s, ok := item.(string)
		if !ok || s == "" {
			return nil, fmt.Sprintf("holds %v, want ConfigMap names", item)
		}
		out = append(out, s)
	}
	return out, ""
}

// EnvSources says where each environment variable of Authentik's pods comes from, so a
// blueprint's !Env can be traced to a Secret the tree produces.
type EnvSources struct {
	// vars maps a name in values.global.env to its secretKeyRef; Secret is empty for a literal value.
	vars map[string]secretKeyRef
	// secrets maps each Secret an ExternalSecret in Authentik's namespace produces to its keys;
	// a nil key set means the keys cannot be known from the tree (dataFrom without a template).
	secrets map[string]map[string]bool
}

type secretKeyRef struct{ Secret, Key string }

func newEnvSources(tree *Tree, values map[string]any) EnvSources {
	src := EnvSources{vars: map[string]secretKeyRef{}, secrets: map[string]map[string]bool{}}
	env, _, _ := unstructured.NestedSlice(values, "global", "env")
	for _, item := range env {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		secret, _, _ := unstructured.NestedString(m, "valueFrom", "secretKeyRef", "name")
		key, _, _ := unstructured.NestedString(m, "valueFrom", "secretKeyRef", "key")
		src.vars[name] = secretKeyRef{secret, key}
	}
	for _, o := range objectsOfKind(tree, "ExternalSecret") {
		u := o.Unstructured()
		if u.GetNamespace() != AuthentikNamespace {
			continue
		}
		target, _, _ := unstructured.NestedString(o.Fields, "spec", "target", "name")
		if target == "" {
			target = u.GetName()
		}
		src.secrets[target] = externalSecretKeys(o.Fields)
	}
	return src
}

// externalSecretKeys lists the keys of the Secret an ExternalSecret writes: the template's keys
// when it has a template (plus spec.data with mergePolicy Merge), else spec.data's secretKeys;
// nil when dataFrom decides them.
func externalSecretKeys(fields map[string]any) map[string]bool {
	keys := map[string]bool{}
	templateData, hasTemplate, _ := unstructured.NestedMap(fields, "spec", "target", "template", "data")
	mergePolicy, _, _ := unstructured.NestedString(fields, "spec", "target", "template", "mergePolicy")
	for k := range templateData {
		keys[k] = true
	}
	if !hasTemplate || mergePolicy == "Merge" {
		if _, hasDataFrom, _ := unstructured.NestedSlice(fields, "spec", "dataFrom"); hasDataFrom {
			return nil
		}
		data, _, _ := unstructured.NestedSlice(fields, "spec", "data")
		for _, d := range data {
			if m, ok := d.(map[string]any); ok {
				if k, ok := m["secretKey"].(string); ok {
					keys[k] = true
				}
			}
		}
	}
	return keys
}

// problem says why !Env name would not resolve to a generated secret, or "" when it would.
func (e EnvSources) problem(name string) string {
	ref, ok := e.vars[name]
	switch {
	case !ok:
		return fmt.Sprintf("the authentik HelmRelease defines no %s in values.global.env; Authentik would read an empty value. Add it there with valueFrom.secretKeyRef", name)
	case ref.Secret == "":
		return fmt.Sprintf("%s in values.global.env is not read from a Secret (valueFrom.secretKeyRef); a literal value would put the secret in Git", name)
	}
	keys, produced := e.secrets[ref.Secret]
	switch {
	case !produced:
		return fmt.Sprintf("%s reads Secret %s, which no ExternalSecret in namespace %s produces; generate it in the cluster", name, ref.Secret, AuthentikNamespace)
	case keys != nil && !keys[ref.Key]:
		return fmt.Sprintf("%s reads key %q of Secret %s, which its ExternalSecret does not write (it writes %v)", name, ref.Key, ref.Secret, SortedKeys(keys))
	}
	return ""
}

// CheckBlueprint checks one blueprint file against the schema facts of authentik_schema.go.
// file and object name the ConfigMap that holds it; key is its data key.
func CheckBlueprint(file, object, key, content string, env EnvSources) []Finding {
	c := &blueprintChecker{file: file, object: object, key: key, env: env, defined: map[string]bool{}, ids: map[string]int{}}
	dec := yaml.NewDecoder(strings.NewReader(content))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		c.out = append(c.out, Finding{file, object, fmt.Sprintf("data key %s is not YAML: %v", key, err)})
		return c.out
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		c.addf(&extra, "holds more than one YAML document; Authentik reads one blueprint per file")
	}
	if len(doc.Content) == 0 {
		c.addf(&doc, "is empty")
		return c.out
	}
	c.blueprint(doc.Content[0])
	return c.out
}

type blueprintChecker struct {
	file, object, key string
	env               EnvSources
	// ids maps every entry id to its 1-based position; defined holds those seen so far.
	ids     map[string]int
	defined map[string]bool
	out     []Finding
}

func (c *blueprintChecker) addf(n *yaml.Node, format string, args ...any) {
	c.out = append(c.out, Finding{c.file, c.object,
		fmt.Sprintf("data key %s line %d: %s", c.key, n.Line, fmt.Sprintf(format, args...))})
}

// pairs returns a mapping's keys and values in order, reporting a key that is not in allowed.
func (c *blueprintChecker) pairs(n *yaml.Node, where string, allowed []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			c.addf(k, "%s: key %q is not in %s; documented keys: %s", where, k.Value, BlueprintSchemaVersion, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			c.addf(k, "%s: key %q is set twice", where, k.Value)
		}
		out[k.Value] = v
	}
	return out
}

func (c *blueprintChecker) blueprint(root *yaml.Node) {
	if root.Kind != yaml.MappingNode {
		c.addf(root, "a blueprint is a mapping of %s", strings.Join(blueprintTopKeys, ", "))
		return
	}
	top := c.pairs(root, "blueprint", blueprintTopKeys)
	switch v, ok := top["version"]; {
	case !ok:
		c.addf(root, "version is required; write version: 1")
	case v.ShortTag() != "!!int" || v.Value != "1":
		c.addf(v, "version is %q; the schema's blueprints are version 1", v.Value)
	}
	if m, ok := top["metadata"]; ok {
		c.metadata(m)
	} else {
		c.addf(root, "metadata.name is required: Authentik lists and logs the blueprint by it")
	}
	if ctx, ok := top["context"]; ok && ctx.Kind != yaml.MappingNode {
		c.addf(ctx, "context must be a mapping")
	}
	entries, ok := top["entries"]
	if !ok {
		c.addf(root, "entries is required")
		return
	}
	var list []*yaml.Node
	switch entries.Kind {
	case yaml.SequenceNode:
		list = entries.Content
	case yaml.MappingNode:
		// The schema also allows named groups of entries.
		for i := 1; i < len(entries.Content); i += 2 {
			if g := entries.Content[i]; g.Kind == yaml.SequenceNode {
				list = append(list, g.Content...)
			} else {
				c.addf(g, "entries: each named group must be a list of entries")
			}
		}
	default:
		c.addf(entries, "entries must be a list of entries")
		return
	}
	for i, e := range list {
		if e.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(e.Content); j += 2 {
			if e.Content[j].Value == "id" {
				id := e.Content[j+1].Value
				if first, dup := c.ids[id]; dup {
					c.addf(e.Content[j+1], "entry %d: id %q is already the id of entry %d; !KeyOf would resolve to the first", i+1, id, first)
					continue
				}
				c.ids[id] = i + 1
			}
		}
	}
	for i, e := range list {
		c.entry(i+1, e)
	}
}

func (c *blueprintChecker) metadata(m *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		c.addf(m, "metadata must be a mapping of %s", strings.Join(blueprintMetadataKeys, ", "))
		return
	}
	meta := c.pairs(m, "metadata", blueprintMetadataKeys)
	if name, ok := meta["name"]; !ok || name.Kind != yaml.ScalarNode || name.ShortTag() != "!!str" || name.Value == "" {
		c.addf(m, "metadata.name is required and must be a string")
	}
	if labels, ok := meta["labels"]; ok {
		if labels.Kind != yaml.MappingNode {
			c.addf(labels, "metadata.labels must be a mapping of strings")
			return
		}
		for i := 1; i < len(labels.Content); i += 2 {
			if v := labels.Content[i]; v.ShortTag() != "!!str" {
				c.addf(v, "metadata.labels.%s must be a string (quote it)", labels.Content[i-1].Value)
			}
		}
	}
}

func (c *blueprintChecker) entry(index int, e *yaml.Node) {
	if e.Kind != yaml.MappingNode {
		c.addf(e, "entry %d must be a mapping of %s", index, strings.Join(blueprintEntryKeys, ", "))
		return
	}
	fields := c.pairs(e, fmt.Sprintf("entry %d", index), blueprintEntryKeys)
	model := ""
	if m, ok := fields["model"]; ok && m.ShortTag() == "!!str" {
		model = m.Value
	} else {
		c.addf(e, "entry %d: model is required (app.model, for example authentik_core.group)", index)
	}
	where := fmt.Sprintf("entry %d (model %s)", index, model)
	if id, ok := fields["id"]; ok {
		if id.ShortTag() != "!!str" {
			c.addf(id, "%s: id must be a string", where)
		}
		where = fmt.Sprintf("entry %d (id %s, model %s)", index, id.Value, model)
	}
	state := "present"
	if s, ok := fields["state"]; ok {
		state = s.Value
		if !slices.Contains(blueprintEntryStates, s.Value) {
			c.addf(s, "%s: state %q is not one of %s", where, s.Value, strings.Join(blueprintEntryStates, ", "))
		}
	}
	if cond, ok := fields["conditions"]; ok && cond.Kind != yaml.SequenceNode {
		c.addf(cond, "%s: conditions must be a list", where)
	}

	spec, known := blueprintModels[model]
	if model != "" && !known {
		c.addf(fields["model"], "%s: model %q is not one the SSO blueprint may declare; the documented models it uses are %s",
			where, model, strings.Join(SortedKeys(blueprintModels), ", "))
	}
	set := map[string]bool{}
	for _, part := range []string{"identifiers", "attrs"} {
		n, ok := fields[part]
		if !ok {
			if part == "identifiers" && known {
				c.addf(e, "%s: identifiers is required; Authentik finds the existing object by them", where)
			}
			continue
		}
		if n.Kind != yaml.MappingNode {
			c.addf(n, "%s: %s must be a mapping of the model's properties", where, part)
			continue
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			set[k.Value] = true
			if !known {
				continue
			}
			prop, documented := spec.Properties[k.Value]
			if !documented {
				if part == "identifiers" && k.Value == "pk" {
					continue
				}
				c.addf(k, "%s: %s key %q is not a property of %s in %s; documented properties: %s",
					where, part, k.Value, model, BlueprintSchemaVersion, strings.Join(SortedKeys(spec.Properties), ", "))
				continue
			}
			c.value(fmt.Sprintf("%s: %s.%s", where, part, k.Value), k.Value, prop, v)
		}
	}
	if known && state != "absent" {
		for _, p := range SortedKeys(spec.MustSet) {
			if !set[p] {
				c.addf(e, "%s: %s is not set in identifiers or attrs; the platform requires it: %s", where, p, spec.MustSet[p])
			}
		}
	}
	if perms, ok := fields["permissions"]; ok {
		c.permissions(where, spec, known, perms)
	}
	c.tags(where, e)
	if id, ok := fields["id"]; ok {
		c.defined[id.Value] = true
	}
}

func (c *blueprintChecker) permissions(where string, spec modelSpec, known bool, perms *yaml.Node) {
	if perms.Kind != yaml.SequenceNode {
		c.addf(perms, "%s: permissions must be a list of {permission, user, role}", where)
		return
	}
	for _, p := range perms.Content {
		if p.Kind != yaml.MappingNode {
			c.addf(p, "%s: each permission must be a mapping of %s", where, strings.Join(permissionKeys, ", "))
			continue
		}
		fields := c.pairs(p, where+": permissions[]", permissionKeys)
		perm, ok := fields["permission"]
		switch {
		case !ok:
			c.addf(p, "%s: permissions[].permission is required", where)
		case known && isPlain(perm) && !slices.Contains(spec.Permissions, perm.Value):
			c.addf(perm, "%s: permission %q is not one of %s", where, perm.Value, strings.Join(spec.Permissions, ", "))
		}
	}
}

// isTagged is true for a node carrying one of Authentik's custom tags (or a typo of one): its
// value is computed by Authentik, so its type is checked through the tag instead.
func isTagged(n *yaml.Node) bool {
	return strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")
}

func isPlain(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && !isTagged(n) }

var yamlKinds = map[valueKind]string{kindString: "!!str", kindBoolean: "!!bool", kindInteger: "!!int"}

// value checks one property value against its schema type, enum and length.
func (c *blueprintChecker) value(where, name string, prop propertySpec, v *yaml.Node) {
	if isTagged(v) {
		return
	}
	switch prop.Kind {
	case kindString, kindBoolean, kindInteger:
		if v.Kind != yaml.ScalarNode || v.ShortTag() != yamlKinds[prop.Kind] {
			c.addf(v, "%s is %s, the schema wants %s", where, describe(v), withArticle(prop.Kind))
			return
		}
		if len(prop.Enum) > 0 && !slices.Contains(prop.Enum, v.Value) {
			c.addf(v, "%s is %q, not one of %s", where, v.Value, strings.Join(prop.Enum, ", "))
		}
		if len(v.Value) < prop.MinLength {
			c.addf(v, "%s must not be empty", where)
		}
		if prop.MaxLength > 0 && len(v.Value) > prop.MaxLength {
			c.addf(v, "%s is %d characters long, the schema allows %d", where, len(v.Value), prop.MaxLength)
		}
	case kindObject:
		if v.Kind != yaml.MappingNode {
			c.addf(v, "%s is %s, the schema wants an object", where, describe(v))
		}
	case kindArray:
		if v.Kind != yaml.SequenceNode {
			c.addf(v, "%s is %s, the schema wants a list", where, describe(v))
			return
		}
		if prop.Item == nil {
			return
		}
		for i, item := range v.Content {
			itemWhere := fmt.Sprintf("%s[%d]", where, i)
			if isTagged(item) {
				continue
			}
			if item.Kind != yaml.MappingNode {
				c.addf(item, "%s is %s, the schema wants a mapping of %s", itemWhere, describe(item), strings.Join(SortedKeys(prop.Item.Properties), ", "))
				continue
			}
			fields := c.pairs(item, itemWhere, SortedKeys(prop.Item.Properties))
			for _, r := range prop.Item.Required {
				if _, ok := fields[r]; !ok {
					c.addf(item, "%s: %s is required", itemWhere, r)
				}
			}
			for _, k := range SortedKeys(fields) {
				if p, ok := prop.Item.Properties[k]; ok {
					c.value(itemWhere+"."+k, k, p, fields[k])
				}
			}
			if name == "redirect_uris" {
				c.redirect(itemWhere, fields["matching_mode"], fields["url"])
			}
		}
	}
}

func withArticle(k valueKind) string {
	if k == kindInteger {
		return "an integer"
	}
	return "a " + string(k)
}

func describe(v *yaml.Node) string {
	switch v.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q (%s)", v.Value, strings.TrimPrefix(v.ShortTag(), "!!"))
}

var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// redirect requires HTTPS, except for a loopback address (a CLI's local callback), where the
// browser never leaves the machine.
func (c *blueprintChecker) redirect(where string, mode, u *yaml.Node) {
	if u == nil || !isPlain(u) || (mode != nil && !isPlain(mode)) {
		return
	}
	if mode != nil && mode.Value == "regex" {
		pattern := strings.TrimPrefix(u.Value, "^")
		ok := strings.HasPrefix(pattern, "https://")
		for _, h := range []string{`http://localhost`, `http://127\.0\.0\.1`, `http://127.0.0.1`} {
			ok = ok || strings.HasPrefix(pattern, h+":") || strings.HasPrefix(pattern, h+"/") || pattern == h
		}
		if !ok {
			c.addf(u, "%s.url regex %q does not pin the scheme to https:// (http only for localhost or 127.0.0.1)", where, u.Value)
		}
		return
	}
	parsed, err := url.Parse(u.Value)
	switch {
	case err != nil:
		c.addf(u, "%s.url %q is not a URL: %v", where, u.Value, err)
	case parsed.Scheme == "https" && parsed.Host != "":
	case parsed.Scheme == "http" && slices.Contains(loopbackHosts, parsed.Hostname()):
	default:
		c.addf(u, "%s.url %q is not https:// (http is allowed only for a loopback callback on localhost or 127.0.0.1); the authorization code would cross the network in clear text", where, u.Value)
	}
}

// tags checks every custom tag under n: that it is a documented tag of the right shape, and
// what !KeyOf, !Find and !Env refer to.
func (c *blueprintChecker) tags(where string, n *yaml.Node) {
	if isTagged(n) {
		c.tag(where, n)
	}
	for _, child := range n.Content {
		c.tags(where, child)
	}
}

func (c *blueprintChecker) tag(where string, n *yaml.Node) {
	shape, ok := blueprintTags[n.Tag]
	if !ok {
		c.addf(n, "%s: tag %s is not one of Authentik's documented tags: %s", where, n.Tag, strings.Join(SortedKeys(blueprintTags), ", "))
		return
	}
	if (n.Kind == yaml.ScalarNode && !shape.Scalar) || (n.Kind == yaml.SequenceNode && !shape.Sequence) || n.Kind == yaml.MappingNode {
		c.addf(n, "%s: %s takes %s", where, n.Tag, shapeText(shape))
		return
	}
	switch n.Tag {
	case "!KeyOf":
		c.keyOf(where, n)
	case "!Find", "!FindObject":
		c.find(where, n)
	case "!Env":
		c.envTag(where, n)
	}
}

func shapeText(s tagShape) string {
	switch {
	case s.Scalar && s.Sequence:
		return "a scalar or a list"
	case s.Scalar:
		return "a scalar"
	}
	return "a list"
}

func (c *blueprintChecker) keyOf(where string, n *yaml.Node) {
	id := n.Value
	switch pos, exists := c.ids[id]; {
	case c.defined[id]:
	case exists:
		c.addf(n, "%s: !KeyOf %s refers to entry %d, which comes later; Authentik resolves !KeyOf only to entries it has already applied, so move that entry before this one", where, id, pos)
	default:
		c.addf(n, "%s: !KeyOf %s refers to no entry: no earlier entry has id %s", where, id, id)
	}
}

func (c *blueprintChecker) find(where string, n *yaml.Node) {
	if len(n.Content) < 2 {
		c.addf(n, "%s: %s needs a model and at least one [field, value] pair", where, n.Tag)
		return
	}
	if m := n.Content[0]; isPlain(m) && !slices.Contains(findModels, m.Value) {
		c.addf(m, "%s: %s queries model %q, which is not a model of %s this checker knows: %s", where, n.Tag, m.Value, BlueprintSchemaVersion, strings.Join(findModels, ", "))
	}
	for _, pair := range n.Content[1:] {
		if isTagged(pair) {
			continue
		}
		if pair.Kind != yaml.SequenceNode || len(pair.Content) != 2 || pair.Content[0].Kind != yaml.ScalarNode {
			c.addf(pair, "%s: %s arguments after the model must be [field, value] pairs", where, n.Tag)
		}
	}
}

func (c *blueprintChecker) envTag(where string, n *yaml.Node) {
	name := n
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) != 2 || !isPlain(n.Content[0]) {
			c.addf(n, "%s: !Env takes NAME or [NAME, default]", where)
			return
		}
		name = n.Content[0]
	}
	if p := c.env.problem(name.Value); p != "" {
		c.addf(name, "%s: !Env %s: %s", where, name.Value, p)
	}
}
