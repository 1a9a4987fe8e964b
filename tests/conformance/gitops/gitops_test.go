package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"
	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

const (
	repoRoot   = "../../.."
	clusterDir = "gitops/clusters/dev"
)

var (
	devOnce  sync.Once
	devTree  *Tree
	devVars  map[string]string
	devFile  string
	devError error
)

// dev builds the dev tree once for all tests of the package.
func dev(t *testing.T) (*Tree, map[string]string, string) {
	t.Helper()
	devOnce.Do(func() {
		devVars, devFile, devError = LoadVars(repoRoot)
		if devError == nil {
			devTree, devError = Build(repoRoot, clusterDir, devVars)
		}
	})
	if devError != nil {
		t.Fatalf("building %s: %v", clusterDir, devError)
	}
	return devTree, devVars, devFile
}

func report(t *testing.T, findings []Finding) {
	t.Helper()
	for _, f := range findings {
		t.Error(f.String())
	}
}

func TestDevTree(t *testing.T) {
	tree, vars, varsFile := dev(t)
	t.Logf("cluster vars from %s; %d Kustomizations, %d objects", varsFile, len(tree.Kustomizations), len(tree.Objects))
	if len(tree.Kustomizations) == 0 || len(tree.Objects) == 0 {
		t.Fatal("the dev tree built to nothing; gitops/clusters/dev must declare the layer Kustomizations")
	}
	checks := []struct {
		name string
		run  func() []Finding
	}{
		{"every Kustomization path builds and substitutes strictly", func() []Finding { return tree.Findings }},
		{"Kustomizations are chained, retried, pruned, waited on and read cluster-vars", func() []Finding { return CheckKustomizations(tree) }},
		{"every variable is a cluster var and every cluster var is used", func() []Finding { return CheckVars(tree, vars, varsFile) }},
		{"every object decodes strictly into its published type", func() []Finding { return CheckDecode(tree, PlatformPolicy) }},
		{"every HelmRelease is pinned, bounded and retried", func() []Finding { return CheckHelmReleases(tree) }},
		{"no plaintext secret", func() []Finding { return CheckSecrets(tree) }},
		{"every namespace has Pod Security labels and a default deny", func() []Finding { return CheckNamespaces(tree, PlatformPolicy) }},
		{"every Ingress is on the shared HTTPS ALB", func() []Finding { return CheckIngresses(tree, PlatformPolicy, vars) }},
		{"workloads meet their namespace's Pod Security level", func() []Finding { return CheckWorkloads(tree) }},
		{"Jobs are bounded, stay visible to Flux and carry their scripts' hash", func() []Finding { return CheckJobs(tree) }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { report(t, c.run()) })
	}
	for _, u := range Unverified(tree, PlatformPolicy) {
		t.Logf("decoded strictly into a shape of shapes.go, not a published type: %s", u)
	}
}

// Every Ingress the platform exposes must be present: one host per UI the issue lists.
func TestDevTreeExposesEveryUI(t *testing.T) {
	tree, vars, _ := dev(t)
	var hosts []string
	for _, o := range objectsOfKind(tree, "Ingress") {
		rules, _, _ := unstructuredSlice(o.Fields, "spec", "rules")
		for _, r := range rules {
			if h, ok := r.(map[string]any)["host"].(string); ok {
				hosts = append(hosts, strings.TrimSuffix(h, "."+vars["DOMAIN"]))
			}
		}
	}
	for _, ui := range []string{"vault", "grafana", "logs", "auth", "headlamp", "flux-webhook"} {
		if !slices.Contains(hosts, ui) {
			t.Errorf("no Ingress for host %s.%s (found %v)", ui, vars["DOMAIN"], hosts)
		}
	}
}

func unstructuredSlice(m map[string]any, path ...string) ([]any, bool, error) {
	cur := any(m)
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false, nil
		}
		cur = mm[p]
	}
	s, ok := cur.([]any)
	return s, ok, nil
}

// The fixture stands in for Terraform's output when no emulator run has happened; its keys
// must be exactly the keys of the cluster_vars output in terraform/envs/dev.
func TestClusterVarsFixtureMatchesTerraform(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "tests/conformance/testdata/cluster-vars.json"))
	if err != nil {
		t.Fatalf("reading the fixture: %v", err)
	}
	fixtureVars := map[string]string{}
	if err := yaml.Unmarshal(data, &fixtureVars); err != nil {
		t.Fatalf("tests/conformance/testdata/cluster-vars.json: %v", err)
	}
	tfKeys, file, err := terraformClusterVarsKeys(filepath.Join(repoRoot, "terraform/envs/dev"))
	if err != nil {
		t.Fatalf("reading Terraform's cluster_vars output: %v", err)
	}
	got := SortedKeys(fixtureVars)
	if !slices.Equal(got, tfKeys) {
		t.Errorf("tests/conformance/testdata/cluster-vars.json keys %v differ from output \"cluster_vars\" in %s: %v", got, file, tfKeys)
	}
	if data, err := os.ReadFile(filepath.Join(repoRoot, "build/cluster-vars.json")); err == nil {
		built := map[string]string{}
		if err := yaml.Unmarshal(data, &built); err != nil {
			t.Fatalf("build/cluster-vars.json: %v", err)
		}
		if !slices.Equal(SortedKeys(built), tfKeys) {
			t.Errorf("build/cluster-vars.json keys %v differ from Terraform's cluster_vars keys %v", SortedKeys(built), tfKeys)
		}
	}
}

// terraformClusterVarsKeys finds output "cluster_vars" in a Terraform root and returns the keys
// of its object value.
func terraformClusterVarsKeys(dir string) ([]string, string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		return nil, "", fmt.Errorf("no *.tf files in %s", dir)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, "", err
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, "", diags
		}
		body := file.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			if b.Type != "output" || len(b.Labels) != 1 || b.Labels[0] != "cluster_vars" {
				continue
			}
			attr, ok := b.Body.Attributes["value"]
			if !ok {
				return nil, f, fmt.Errorf("%s: output cluster_vars has no value", f)
			}
			obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr)
			if !ok {
				return nil, f, fmt.Errorf("%s: output cluster_vars must be an object literal { KEY = ... } so its keys can be checked", f)
			}
			var keys []string
			for _, item := range obj.Items {
				k, diags := item.KeyExpr.Value(nil)
				if diags.HasErrors() {
					return nil, f, fmt.Errorf("%s: a cluster_vars key is not a literal: %s", f, diags.Error())
				}
				keys = append(keys, k.AsString())
			}
			slices.Sort(keys)
			return keys, f, nil
		}
	}
	return nil, "", fmt.Errorf("no output \"cluster_vars\" in %s", dir)
}

// CI sets the image tag in the data file environments/dev.toml and regenerates; the rendered
// Deployment must run that tag from the ECR repository of the cluster vars.
func TestSampleAppImageTag(t *testing.T) {
	tag := dataFileImageTag(t)
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(tag) {
		t.Errorf("image tag %q must be a full 40-hex git SHA", tag)
	}
}

// dataFileImageTag reads sample_app.image_tag from environments/dev.toml, strictly: a key the
// test does not know is an error, as it is for the generator.
func dataFileImageTag(t *testing.T) string {
	t.Helper()
	var settings struct {
		SampleApp struct {
			ImageTag string `toml:"image_tag"`
		} `toml:"sample_app"`
	}
	md, err := toml.DecodeFile(filepath.Join(repoRoot, "environments/dev.toml"), &settings)
	if err != nil {
		t.Fatalf("environments/dev.toml: %v", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		t.Errorf("environments/dev.toml has keys this test does not know: %v", undecoded)
	}
	if !md.IsDefined("sample_app", "image_tag") {
		t.Fatal("environments/dev.toml has no sample_app.image_tag")
	}
	return settings.SampleApp.ImageTag
}

// The sample app's chart is rendered with the values its HelmRelease gives it and the rendered
// objects go through the same checks as the tree.
func TestSampleAppRendered(t *testing.T) {
	tree, vars, _ := dev(t)
	var hrObj *Object
	for _, o := range objectsOfKind(tree, helmv2.HelmReleaseKind) {
		if o.Unstructured().GetName() == "sample-app" {
			hrObj = &o
		}
	}
	if hrObj == nil {
		t.Fatal("no HelmRelease sample-app in the dev tree")
	}
	hr, err := decodeAs[helmv2.HelmRelease](*hrObj)
	if err != nil {
		t.Fatalf("%s: %v", hrObj.File, err)
	}
	chartPath := strings.TrimPrefix(hr.Spec.Chart.Spec.Chart, "./")
	if _, err := os.Stat(filepath.Join(repoRoot, chartPath, "values.yaml")); err != nil {
		t.Fatalf("%s: chart %s is missing (gitops/charts/sample-app is written by the app layer): %v", hrObj.File, chartPath, err)
	}
	values, err := ComposeValues(tree, hr)
	if err != nil {
		t.Fatalf("%s: %v", hrObj.File, err)
	}
	rendered, err := RenderChart(repoRoot, chartPath, hr.Name, hr.Namespace, values)
	if err != nil {
		t.Fatalf("%s: %s: %v", hrObj.File, hrObj.ID(), err)
	}
	if len(rendered) == 0 {
		t.Fatalf("chart %s rendered no objects", chartPath)
	}
	// The rendered objects share the tree's namespaces and shared ALB.
	sub := &Tree{Root: repoRoot, Objects: rendered}
	for _, o := range tree.Objects {
		if _, k := o.Kind(); k == "Namespace" || k == "IngressClass" || k == "IngressClassParams" {
			sub.Objects = append(sub.Objects, o)
		}
	}
	report(t, CheckDecode(sub, PlatformPolicy))
	report(t, CheckSecrets(sub))
	report(t, CheckIngresses(sub, PlatformPolicy, vars))
	report(t, CheckWorkloads(sub))

	wantImage := vars["SAMPLE_APP_IMAGE_REPOSITORY"] + ":" + dataFileImageTag(t)
	var deployments, ingresses int
	for _, o := range rendered {
		switch _, k := o.Kind(); k {
		case "Deployment":
			deployments++
			d, err := decodeAs[appsv1.Deployment](o)
			if err != nil {
				continue
			}
			for _, c := range d.Spec.Template.Spec.Containers {
				if c.Image != wantImage {
					t.Errorf("%s: %s: container %s runs %s, want %s", o.File, o.ID(), c.Name, c.Image, wantImage)
				}
			}
		case "Ingress":
			ingresses++
			if !strings.Contains(string(o.YAML), "sample-app."+vars["DOMAIN"]) {
				t.Errorf("%s: %s: host must be sample-app.%s", o.File, o.ID(), vars["DOMAIN"])
			}
		}
	}
	if deployments != 1 || ingresses != 1 {
		t.Errorf("rendered %d Deployments and %d Ingresses, want 1 and 1", deployments, ingresses)
	}
	t.Logf("rendered %d objects from %s", len(rendered), chartPath)
}
