// Command render writes what Flux would apply to each environment's cluster into
// build/rendered/<env>/: one file per Flux Kustomization (built and substituted exactly as the
// gitops suite builds it) plus the sample app chart rendered with its HelmRelease values. Without
// -env it renders every environment with a folder in gitops/clusters (the local flavour aside).
// `make render` runs it; `make demo` and `make security-kubernetes` read the result.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"sigs.k8s.io/yaml"

	"github.com/bkt-platform/platform/tests/conformance/gitops"
	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

func main() {
	root := flag.String("root", "../..", "repository root")
	env := flag.String("env", "", "render only this environment's cluster entry, gitops/clusters/<env> (default: every environment)")
	out := flag.String("out", "../../build/rendered", "output folder; each environment's subfolder <env>/ is replaced")
	flag.Parse()
	envs := []string{*env}
	if *env == "" {
		var err error
		if envs, err = gitops.ClusterEnvs(*root); err != nil {
			fmt.Fprintf(os.Stderr, "render: listing the cluster entries under %s (run from tests/conformance/ or pass -root): %v\n", *root, err)
			os.Exit(1)
		}
	}
	for _, e := range envs {
		if err := run(*root, e, filepath.Join(*out, e)); err != nil {
			fmt.Fprintf(os.Stderr, "render: %s: %v\n", e, err)
			os.Exit(1)
		}
	}
}

func run(root, env, out string) error {
	cluster := gitops.ClustersDir + "/" + env
	if _, err := os.Stat(filepath.Join(root, cluster)); err != nil {
		return fmt.Errorf("cluster folder %s not found under %s (run from tests/conformance/ or pass -root): %w", cluster, root, err)
	}
	vars, varsFile, err := gitops.LoadVars(root, env)
	if err != nil {
		return err
	}
	tree, err := gitops.Build(root, cluster, vars)
	if err != nil {
		return err
	}
	if len(tree.Findings) > 0 {
		var msgs []string
		for _, f := range tree.Findings {
			msgs = append(msgs, f.String())
		}
		return fmt.Errorf("%s does not build:\n  %s", cluster, strings.Join(msgs, "\n  "))
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := map[string]*bytes.Buffer{}
	var order []string
	add := func(name string, o gitops.Object) {
		if files[name] == nil {
			files[name] = &bytes.Buffer{}
			order = append(order, name)
		}
		fmt.Fprintf(files[name], "---\n# Source: %s\n%s", o.File, o.YAML)
	}
	kinds := map[string]int{}
	// The cluster folder itself, as the flux-system Kustomization applies it.
	for _, ks := range tree.Kustomizations {
		data, err := yaml.Marshal(ks.Spec)
		if err != nil {
			return err
		}
		add("flux-system", gitops.Object{File: ks.File, YAML: data})
		kinds[kustomizev1.KustomizationKind]++
	}
	for _, o := range tree.Objects {
		add(o.Kustomization, o)
		_, k := o.Kind()
		kinds[k]++
		if k != helmv2.HelmReleaseKind {
			continue
		}
		rendered, err := renderLocalChart(tree, o)
		if err != nil {
			return err
		}
		for _, r := range rendered {
			add(o.Kustomization+"-helmrelease-"+o.Unstructured().GetName(), r)
			_, rk := r.Kind()
			kinds[rk+" (chart)"]++
		}
	}
	for _, name := range order {
		if err := os.WriteFile(filepath.Join(out, name+".yaml"), files[name].Bytes(), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("render: cluster vars from %s; %d Kustomizations in %s, %d objects from their paths, into %s\n", varsFile, len(tree.Kustomizations), cluster, len(tree.Objects), out)
	for _, k := range gitops.SortedKeys(kinds) {
		fmt.Printf("  %-28s %d\n", k, kinds[k])
	}
	return nil
}

// renderLocalChart renders a HelmRelease whose chart is a folder of this repository; releases of
// upstream charts cannot be rendered here (their charts cannot be downloaded) and yield nothing.
func renderLocalChart(tree *gitops.Tree, o gitops.Object) ([]gitops.Object, error) {
	obj, err := kube.DecodeStrict(o.YAML)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", o.File, o.ID(), err)
	}
	hr := obj.(*helmv2.HelmRelease)
	if hr.Spec.Chart == nil || hr.Spec.Chart.Spec.SourceRef.Kind != "GitRepository" {
		return nil, nil
	}
	values, err := gitops.ComposeValues(tree, hr)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", o.File, o.ID(), err)
	}
	return gitops.RenderChart(tree.Root, strings.TrimPrefix(hr.Spec.Chart.Spec.Chart, "./"), hr.Name, hr.Namespace, values)
}
