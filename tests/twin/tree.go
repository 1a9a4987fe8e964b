package twin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Object is one manifest of the tree, as its file declares it (before Flux's substitution).
type Object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Body       map[string]any
	File       string
}

func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// readDocs splits a YAML file into its documents.
func readDocs(path string) ([]map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var node yamlv3.Node
		if err := dec.Decode(&node); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		raw, err := yamlv3.Marshal(&node)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[p]
	}
	s, _ := cur.(string)
	return s
}

// LayerObjects lists the objects a Flux Kustomization's path yields, following each
// kustomization.yaml's resources and components (or, in a folder without one, every YAML file
// below it, as kustomize-controller generates), with a kustomization's namespace applied.
// Patches are not applied: the twin uses this list to know kinds and names, and the API server
// judges the built result.
func LayerObjects(repo, path string) ([]Object, error) {
	return walkKustomization(repo, filepath.Join(repo, path))
}

func walkKustomization(repo, dir string) ([]Object, error) {
	kfile := filepath.Join(dir, "kustomization.yaml")
	if _, err := os.Stat(kfile); err != nil {
		var objs []Object
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			o, err := fileObjects(repo, p)
			objs = append(objs, o...)
			return err
		})
		return objs, err
	}
	docs, err := readDocs(kfile)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	k := docs[0]
	var objs []Object
	for _, field := range []string{"resources", "components"} {
		list, _ := k[field].([]any)
		for _, item := range list {
			s, _ := item.(string)
			p := filepath.Join(dir, s)
			st, err := os.Stat(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %q: %w", rel(repo, kfile), field, s, err)
			}
			var o []Object
			if st.IsDir() {
				o, err = walkKustomization(repo, p)
			} else {
				o, err = fileObjects(repo, p)
			}
			if err != nil {
				return nil, err
			}
			objs = append(objs, o...)
		}
	}
	if ns := str(k, "namespace"); ns != "" {
		for i := range objs {
			if objs[i].Kind != "Namespace" && !clusterScoped[objs[i].Kind] {
				objs[i].Namespace = ns
			}
		}
	}
	return objs, nil
}

var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "StorageClass": true,
	"IngressClass": true, "IngressClassParams": true, "ClusterSecretStore": true,
	"CustomResourceDefinition": true, "PriorityClass": true,
}

func fileObjects(repo, path string) ([]Object, error) {
	docs, err := readDocs(path)
	if err != nil {
		return nil, err
	}
	var objs []Object
	for _, d := range docs {
		objs = append(objs, Object{
			APIVersion: str(d, "apiVersion"), Kind: str(d, "kind"),
			Name: str(d, "metadata", "name"), Namespace: str(d, "metadata", "namespace"),
			Body: d, File: rel(repo, path),
		})
	}
	return objs, nil
}

func rel(repo, p string) string {
	r, err := filepath.Rel(repo, p)
	if err != nil {
		return p
	}
	return r
}

// Layer is one Kustomization of the cluster entry and what the twin knows of its objects.
type Layer struct {
	Name      string
	Path      string
	DependsOn []string
	File      string // the cluster entry file that declares it
	Objects   []Object
	// Releases whose chart the twin cannot install (an upstream chart) or installs itself (a
	// chart in the GitRepository): no controller writes their status here, so the layer's health
	// wait cannot include them.
	Releases []Object
	// Offline: the objects whose health no controller here can ever report (see offlineKinds).
	Offline []Object
	// HealthChecks the twin's copy lists instead of wait: true, when Offline is not empty.
	HealthChecks []Object
}

// offlineKinds are the kinds whose health kustomize-controller's wait can never see pass here,
// and why. Their CRDs default status.observedGeneration to -1, so until their controller
// observes them kstatus reads them as in progress.
var offlineKinds = map[string]string{
	"HelmRelease":    "helm-controller does not run here",
	"Receiver":       "notification-controller does not run here",
	"HelmRepository": "the chart repository is not reachable offline",
}

// ReadLayers reads the Flux Kustomizations of gitops/clusters/<env> and the objects of each.
func ReadLayers(repo, env string) ([]*Layer, error) {
	entry, err := walkKustomization(repo, filepath.Join(repo, "gitops", "clusters", env))
	if err != nil {
		return nil, err
	}
	var layers []*Layer
	for _, o := range entry {
		if o.Kind != "Kustomization" || !strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") {
			continue
		}
		l := &Layer{Name: o.Name, Path: strings.TrimPrefix(str(o.Body, "spec", "path"), "./"), File: o.File}
		deps, _ := o.Body["spec"].(map[string]any)["dependsOn"].([]any)
		for _, d := range deps {
			if m, ok := d.(map[string]any); ok {
				l.DependsOn = append(l.DependsOn, str(m, "name"))
			}
		}
		if l.Objects, err = LayerObjects(repo, l.Path); err != nil {
			return nil, fmt.Errorf("Kustomization %s: %w", l.Name, err)
		}
		layers = append(layers, l)
	}
	for _, l := range layers {
		for _, o := range l.Objects {
			if o.Kind == "HelmRelease" {
				l.Releases = append(l.Releases, o)
			}
			if _, ok := offlineKinds[o.Kind]; ok {
				l.Offline = append(l.Offline, o)
			}
		}
		if len(l.Offline) == 0 {
			continue
		}
		for _, o := range l.Objects {
			switch o.Kind {
			case "Deployment", "StatefulSet", "DaemonSet", "Job":
				l.HealthChecks = append(l.HealthChecks, o)
			}
		}
	}
	sort.SliceStable(layers, func(i, j int) bool { return layers[i].Name < layers[j].Name })
	return layers, nil
}
