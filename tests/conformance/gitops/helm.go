package gitops

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/strvals"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// ComposeValues merges a HelmRelease's values the way helm-controller does: each valuesFrom
// source in order, then spec.values on top. Helm then coalesces the result over the chart's
// own defaults. Sources are looked up among the tree's objects, as they would be in the cluster.
func ComposeValues(tree *Tree, hr *helmv2.HelmRelease) (map[string]any, error) {
	result := map[string]any{}
	for _, ref := range hr.Spec.ValuesFrom {
		data, found, err := valuesSource(tree, hr.Namespace, ref)
		if err != nil {
			return nil, err
		}
		if !found {
			if ref.Optional {
				continue
			}
			return nil, fmt.Errorf("valuesFrom %s/%s is not in the tree and not optional", ref.Kind, ref.Name)
		}
		key := ref.ValuesKey
		if key == "" {
			key = "values.yaml"
		}
		raw, ok := data[key]
		if !ok {
			if ref.Optional {
				continue
			}
			return nil, fmt.Errorf("valuesFrom %s/%s has no key %s", ref.Kind, ref.Name, key)
		}
		if ref.TargetPath != "" {
			if err := strvals.ParseInto(fmt.Sprintf("%s=%s", ref.TargetPath, raw), result); err != nil {
				return nil, fmt.Errorf("valuesFrom %s/%s targetPath %s: %w", ref.Kind, ref.Name, ref.TargetPath, err)
			}
			continue
		}
		values := map[string]any{}
		if err := yaml.Unmarshal([]byte(raw), &values); err != nil {
			return nil, fmt.Errorf("valuesFrom %s/%s key %s: %w", ref.Kind, ref.Name, key, err)
		}
		result = MergeMaps(result, values)
	}
	return MergeMaps(result, hr.GetValues()), nil
}

func valuesSource(tree *Tree, namespace string, ref helmv2.ValuesReference) (map[string]string, bool, error) {
	for _, o := range tree.Objects {
		_, k := o.Kind()
		u := o.Unstructured()
		if k != ref.Kind || u.GetName() != ref.Name || u.GetNamespace() != namespace {
			continue
		}
		switch k {
		case "ConfigMap":
			cm, err := decodeAs[corev1.ConfigMap](o)
			if err != nil {
				return nil, false, err
			}
			return cm.Data, true, nil
		default:
			return nil, false, fmt.Errorf("valuesFrom %s/%s: only ConfigMaps can be checked here (a Secret in Git is not allowed)", ref.Kind, ref.Name)
		}
	}
	return nil, false, nil
}

// MergeMaps merges b into a recursively: maps merge key by key, any other value in b replaces
// the one in a. This is helm-controller's merge for valuesFrom and values.
func MergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = MergeMaps(am, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// RenderChart renders a chart folder of this repository with Helm's own install action in
// client-only mode, as helm-controller would install it (chart defaults coalesced under the
// given values, values.schema.json enforced, hooks such as Helm tests included).
func RenderChart(repoRoot, chartPath, release, namespace string, values map[string]any) ([]Object, error) {
	chrt, err := loader.Load(filepath.Join(repoRoot, chartPath))
	if err != nil {
		return nil, fmt.Errorf("loading chart %s: %w", chartPath, err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.ClientOnly = true
	install.DryRun = true
	install.ReleaseName = release
	install.Namespace = namespace
	install.IncludeCRDs = true
	install.KubeVersion = &chartutil.KubeVersion{Version: "v1.34.0", Major: "1", Minor: "34"}
	rel, err := install.Run(chrt, values)
	if err != nil {
		return nil, fmt.Errorf("rendering chart %s: %w", chartPath, err)
	}
	manifests := []string{rel.Manifest}
	for _, h := range rel.Hooks {
		manifests = append(manifests, fmt.Sprintf("# Source: %s\n%s", h.Path, h.Manifest))
	}
	var objs []Object
	for _, m := range manifests {
		for _, doc := range strings.Split(m, "\n---") {
			file := chartPath
			if s := sourceComment.FindStringSubmatch(doc); s != nil {
				// "# Source: <chart name>/templates/x.yaml" → the file in this repository.
				_, rest, _ := strings.Cut(s[1], "/")
				file = filepath.ToSlash(filepath.Join(chartPath, rest))
			}
			fields := map[string]any{}
			if err := yaml.Unmarshal([]byte(doc), &fields); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if len(fields) == 0 {
				continue
			}
			obj := Object{File: file, Fields: fields}
			u := obj.Unstructured()
			if _, k := obj.Kind(); !clusterScoped[k] && u.GetNamespace() == "" {
				u.SetNamespace(namespace)
			}
			if obj.YAML, err = yaml.Marshal(u.Object); err != nil {
				return nil, err
			}
			obj.Unsubstituted = obj.YAML
			objs = append(objs, obj)
		}
	}
	return objs, nil
}
