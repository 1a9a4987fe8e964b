package gitops

import (
	"regexp"
	"strings"
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Logs need no manual step (issue 21): Fluent Bit writes with credentials other than OpenSearch's
// admin, and a Job in namespace opensearch runs a script (from a generated ConfigMap) that
// installs a retention policy over the very indices Fluent Bit writes, with a retention the
// cluster substitutes as a number of days, and provisions the Dashboards' index pattern and
// saved search idempotently (overwrite=true).
func TestClusterTreeLogsNeedNoSetup(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { report(t, CheckLogsSetup(c.Tree)) })
}

var (
	logstashPrefix = regexp.MustCompile(`(?m)^\s*Logstash_Prefix\s+(\S+)\s*$`)
	retentionAge   = regexp.MustCompile(`^[1-9][0-9]*d$`)
)

// CheckLogsSetup is the check of TestClusterTreeLogsNeedNoSetup.
func CheckLogsSetup(tree *Tree) []Finding {
	const ns = "logging"
	hrObj, values, failed := releaseValues(tree, ns, "fluent-bit")
	if failed != nil {
		return failed
	}
	var out []Finding
	outputs, _, _ := unstructured.NestedString(values, "config", "outputs")
	m := logstashPrefix.FindStringSubmatch(outputs)
	if m == nil {
		return []Finding{{hrObj.File, hrObj.ID(), "values.config.outputs sets no Logstash_Prefix: the retention policy cannot know which indices Fluent Bit writes"}}
	}
	prefix := m[1]

	// Fluent Bit's credentials: the Secret of envFrom, copied from which Secret of namespace opensearch.
	envFrom, _, _ := unstructured.NestedSlice(values, "envFrom")
	for _, item := range envFrom {
		name, _, _ := unstructured.NestedString(item.(map[string]any), "secretRef", "name")
		for _, o := range objectsOfKind(tree, "ExternalSecret") {
			target, _, _ := unstructured.NestedString(o.Fields, "spec", "target", "name")
			if o.Unstructured().GetNamespace() != ns || target != name {
				continue
			}
			from, _, _ := unstructured.NestedSlice(o.Fields, "spec", "dataFrom")
			for _, f := range from {
				key, _, _ := unstructured.NestedString(f.(map[string]any), "extract", "key")
				if key == "opensearch-admin" {
					out = append(out, Finding{o.File, o.ID(), "Fluent Bit writes with OpenSearch's admin credentials (opensearch-admin); give it its own user that may only write its indices"})
				}
			}
		}
	}

	// The setup Job and its script.
	scripts := map[string]string{}
	for _, o := range objectsOfKind(tree, "ConfigMap") {
		if o.Unstructured().GetNamespace() != "opensearch" {
			continue
		}
		data, _, _ := unstructured.NestedStringMap(o.Fields, "data")
		scripts[o.Unstructured().GetName()] = strings.Join(mapValues(data), "\n")
	}
	jobs := 0
	for _, o := range objectsOfKind(tree, "Job") {
		job, err := decodeAs[batchv1.Job](o)
		if err != nil || job.Namespace != "opensearch" {
			continue
		}
		script := ""
		for _, v := range job.Spec.Template.Spec.Volumes {
			if v.ConfigMap != nil {
				script += scripts[v.ConfigMap.Name]
			}
		}
		if !strings.Contains(script, "_plugins/_ism/policies/") {
			continue
		}
		jobs++
		env := map[string]string{}
		for _, c := range job.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				env[e.Name] = e.Value
			}
		}
		if env["INDEX_PREFIX"] != prefix {
			out = append(out, Finding{o.File, o.ID(), "INDEX_PREFIX is " + env["INDEX_PREFIX"] + " but Fluent Bit writes " + prefix + "-*: the retention policy would miss its indices"})
		}
		if !retentionAge.MatchString(env["RETENTION"]) {
			out = append(out, Finding{o.File, o.ID(), "RETENTION is " + env["RETENTION"] + " once substituted; want a number of days followed by d (7d), from cluster var LOG_RETENTION_DAYS"})
		}
		for _, call := range []string{"api/saved_objects/index-pattern/", "api/saved_objects/search/"} {
			if !strings.Contains(script, call) {
				out = append(out, Finding{o.File, o.ID(), "its script does not call " + call + ": Dashboards would need a person to create it"})
			}
		}
		if strings.Count(script, "?overwrite=true") < 2 {
			out = append(out, Finding{o.File, o.ID(), "its script does not create the saved objects with ?overwrite=true: a re-run would fail on the existing objects"})
		}
	}
	if jobs == 0 {
		out = append(out, Finding{Object: "namespace opensearch", Message: "no Job runs a script that installs an index state management policy (_plugins/_ism/policies/): the log volume fills up"})
	}
	return out
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, k := range SortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

// Grafana's logs need no setup either: each cluster provisions a datasource of the OpenSearch
// plugin (a ConfigMap the datasource sidecar loads), the grafana release installs that plugin at
// an exact version, and the datasource's password is a variable of Grafana's environment (never
// the file's text, which Flux must then leave alone).
func TestClusterTreeGrafanaHasALogsDatasource(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { report(t, CheckGrafanaLogs(c.Tree)) })
}

var pinnedPlugin = regexp.MustCompile(`^([a-z0-9-]+)@[0-9]+\.[0-9]+\.[0-9]+$`)

// CheckGrafanaLogs is the check of TestClusterTreeGrafanaHasALogsDatasource.
func CheckGrafanaLogs(tree *Tree) []Finding {
	const plugin = "grafana-opensearch-datasource"
	hrObj, values, failed := releaseValues(tree, "grafana", "grafana")
	if failed != nil {
		return failed
	}
	installed := map[string]bool{}
	preinstall, _, _ := unstructured.NestedString(values, "env", "GF_PLUGINS_PREINSTALL")
	var out []Finding
	for _, item := range strings.Split(preinstall, ",") {
		if m := pinnedPlugin.FindStringSubmatch(strings.TrimSpace(item)); m != nil {
			installed[m[1]] = true
		} else if item != "" {
			out = append(out, Finding{hrObj.File, hrObj.ID(), "GF_PLUGINS_PREINSTALL entry " + item + " is not <plugin>@<exact version>"})
		}
	}
	envFrom, _, _ := unstructured.NestedMap(values, "envValueFrom")
	logs := 0
	for _, o := range objectsOfKind(tree, "ConfigMap") {
		u := o.Unstructured()
		if u.GetLabels()["grafana_datasource"] != "1" {
			continue
		}
		data, _, _ := unstructured.NestedStringMap(o.Fields, "data")
		for _, key := range SortedKeys(data) {
			var file struct {
				Datasources []struct {
					Type           string            `json:"type"`
					SecureJSONData map[string]string `json:"secureJsonData"`
				} `json:"datasources"`
			}
			if err := yaml.Unmarshal([]byte(data[key]), &file); err != nil {
				out = append(out, Finding{o.File, o.ID(), "data key " + key + " is not a provisioning file: " + err.Error()})
				continue
			}
			for _, ds := range file.Datasources {
				if ds.Type != plugin {
					continue
				}
				logs++
				if !installed[plugin] {
					out = append(out, Finding{o.File, o.ID(), "provisions a " + plugin + " datasource, but the grafana release does not install the plugin (values.env.GF_PLUGINS_PREINSTALL)"})
				}
				for field, value := range ds.SecureJSONData {
					variable := strings.TrimPrefix(value, "$")
					if _, ok := envFrom[variable]; variable == value || !ok {
						out = append(out, Finding{o.File, o.ID(), "secureJsonData." + field + " must name a variable of Grafana's environment (values.envValueFrom), not hold the secret"})
					}
				}
				if u.GetAnnotations()["kustomize.toolkit.fluxcd.io/substitute"] != "disabled" {
					out = append(out, Finding{o.File, o.ID(), "names environment variables Grafana expands: annotate it kustomize.toolkit.fluxcd.io/substitute: disabled"})
				}
			}
		}
	}
	if logs == 0 {
		out = append(out, Finding{hrObj.File, hrObj.ID(), "no ConfigMap labelled grafana_datasource provisions a " + plugin + " datasource: Grafana shows no logs without manual setup"})
	}
	return out
}

// releaseValues finds HelmRelease namespace/name and composes its values as Flux would; a
// finding when either fails.
func releaseValues(tree *Tree, namespace, name string) (Object, map[string]any, []Finding) {
	hrObj, found := findObject(tree, helmv2.HelmReleaseKind, namespace, name)
	if !found {
		return hrObj, nil, []Finding{{Object: "HelmRelease/" + namespace + "/" + name, Message: "is not in the tree"}}
	}
	hr, err := decodeAs[helmv2.HelmRelease](hrObj)
	if err != nil {
		return hrObj, nil, []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	values, err := ComposeValues(tree, hr)
	if err != nil {
		return hrObj, nil, []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	return hrObj, values, nil
}
