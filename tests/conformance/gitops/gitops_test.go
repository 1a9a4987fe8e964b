package gitops

import (
	"errors"
	"fmt"
	"io/fs"
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

const repoRoot = "../../.."

// builtCluster is one environment's Flux entry (gitops/clusters/<Env>) built as Flux would.
type builtCluster struct {
	Env      string
	Dir      string
	Tree     *Tree
	Vars     map[string]string
	VarsFile string
	Err      error
}

var (
	clustersOnce  sync.Once
	clustersBuilt []*builtCluster
	clustersErr   error
)

// clusters builds every environment's cluster entry once for all tests of the package, two at a
// time (the machines have two cores).
func clusters(t *testing.T) []*builtCluster {
	t.Helper()
	clustersOnce.Do(func() {
		var envs []string
		if envs, clustersErr = ClusterEnvs(repoRoot); clustersErr != nil {
			return
		}
		var wg sync.WaitGroup
		for _, env := range envs {
			c := &builtCluster{Env: env, Dir: ClustersDir + "/" + env}
			clustersBuilt = append(clustersBuilt, c)
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.Vars, c.VarsFile, c.Err = LoadVars(repoRoot, c.Env)
				if c.Err == nil {
					c.Tree, c.Err = Build(repoRoot, c.Dir, c.Vars)
				}
			}()
		}
		wg.Wait()
	})
	if clustersErr != nil {
		t.Fatalf("listing %s: %v", ClustersDir, clustersErr)
	}
	return clustersBuilt
}

// forEachCluster runs check once per environment's cluster entry, as a subtest named after the
// environment; a cluster that does not build fails its subtest, naming the folder.
func forEachCluster(t *testing.T, check func(t *testing.T, c *builtCluster)) {
	t.Helper()
	for _, c := range clusters(t) {
		t.Run(c.Env, func(t *testing.T) {
			if c.Err != nil {
				t.Fatalf("building %s: %v", c.Dir, c.Err)
			}
			check(t, c)
		})
	}
}

// Every environment file has its cluster entry and every cluster entry its environment file, so
// the table of trees below can miss no environment.
func TestEveryEnvironmentHasAClusterEntry(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "environments", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var fromFiles []string
	for _, f := range files {
		fromFiles = append(fromFiles, strings.TrimSuffix(filepath.Base(f), ".toml"))
	}
	slices.Sort(fromFiles)
	envs, err := ClusterEnvs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fromFiles, envs) {
		t.Errorf("environments/*.toml name %v but %s holds entries %v (besides %q); run make generate", fromFiles, ClustersDir, envs, LocalFlavour)
	}
}

func report(t *testing.T, findings []Finding) {
	t.Helper()
	for _, f := range findings {
		t.Error(f.String())
	}
}

func TestClusterTree(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkClusterTree(t, c) })
}

func checkClusterTree(t *testing.T, c *builtCluster) {
	tree, vars, varsFile := c.Tree, c.Vars, c.VarsFile
	t.Logf("%s: cluster vars from %s; %d Kustomizations, %d objects", c.Dir, varsFile, len(tree.Kustomizations), len(tree.Objects))
	if len(tree.Kustomizations) == 0 || len(tree.Objects) == 0 {
		t.Fatalf("the %s tree built to nothing; %s must declare the layer Kustomizations", c.Env, c.Dir)
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
func TestClusterTreeExposesEveryUI(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { checkExposesEveryUI(t, c.Tree, c.Vars) })
}

func checkExposesEveryUI(t *testing.T, tree *Tree, vars map[string]string) {
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

// The fixture stands in for Terraform's output when no emulator run has happened; the keys of
// the one an environment reads (its own, EnvFixtureVarsFile, when it lacks keys of the shared
// one, as an environment without MongoDB Atlas does; else the shared FixtureVarsFile) must be
// exactly the keys of the cluster_vars output of its root (terraform/envs/<env>), and so must
// those of each emulator run's build/<env>/cluster-vars.json.
func TestClusterVarsFixtureMatchesTerraform(t *testing.T) {
	envs, err := ClusterEnvs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			fixture := EnvFixtureVarsFile(env)
			data, err := os.ReadFile(filepath.Join(repoRoot, fixture))
			if errors.Is(err, fs.ErrNotExist) {
				fixture = FixtureVarsFile
				data, err = os.ReadFile(filepath.Join(repoRoot, fixture))
			}
			if err != nil {
				t.Fatalf("reading the fixture: %v", err)
			}
			fixtureVars := map[string]string{}
			if err := yaml.Unmarshal(data, &fixtureVars); err != nil {
				t.Fatalf("%s: %v", fixture, err)
			}
			tfKeys, file, err := terraformClusterVarsKeys(filepath.Join(repoRoot, "terraform/envs", env))
			if err != nil {
				t.Fatalf("reading Terraform's cluster_vars output of %s: %v", env, err)
			}
			if got := SortedKeys(fixtureVars); !slices.Equal(got, tfKeys) {
				t.Errorf("%s keys %v differ from output \"cluster_vars\" in %s: %v", fixture, got, file, tfKeys)
			}
			built := EmulatorVarsFile(env)
			data, err = os.ReadFile(filepath.Join(repoRoot, built))
			if errors.Is(err, fs.ErrNotExist) {
				t.Logf("%s: no emulator run yet (make tf-emulator writes it)", built)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{}
			if err := yaml.Unmarshal(data, &vars); err != nil {
				t.Fatalf("%s: %v", built, err)
			}
			if !slices.Equal(SortedKeys(vars), tfKeys) {
				t.Errorf("%s keys %v differ from Terraform's cluster_vars keys %v in %s", built, SortedKeys(vars), tfKeys, file)
			}
			if vars["ENVIRONMENT"] != env {
				t.Errorf("%s: ENVIRONMENT is %q, want %q: the file holds another environment's apply", built, vars["ENVIRONMENT"], env)
			}
		})
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

// CI sets the image tag in each environment's data file environments/<env>.toml and
// regenerates; the rendered Deployment must run that tag from the ECR repository of the cluster
// vars.
func TestSampleAppImageTag(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) {
		tag := dataFileImageTag(t, c.Env)
		if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(tag) {
			t.Errorf("environments/%s.toml: image tag %q must be a full 40-hex git SHA", c.Env, tag)
		}
	})
}

// dataFileImageTag reads sample_app.image_tag from environments/<env>.toml, strictly within
// [sample_app]: a key there that the test does not know is an error, as it is for the generator.
// The other tables are the generator's to validate.
func dataFileImageTag(t *testing.T, env string) string {
	t.Helper()
	file := "environments/" + env + ".toml"
	var settings struct {
		SampleApp struct {
			ImageTag string `toml:"image_tag"`
		} `toml:"sample_app"`
	}
	md, err := toml.DecodeFile(filepath.Join(repoRoot, file), &settings)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, key := range md.Undecoded() {
		if len(key) > 1 && key[0] == "sample_app" {
			t.Errorf("%s has key %s, which this test does not know", file, key)
		}
	}
	if !md.IsDefined("sample_app", "image_tag") {
		t.Fatalf("%s has no sample_app.image_tag", file)
	}
	return settings.SampleApp.ImageTag
}

// The sample app's chart is rendered with the values its HelmRelease gives it and the rendered
// objects go through the same checks as the tree.
func TestSampleAppRendered(t *testing.T) {
	forEachCluster(t, checkSampleAppRendered)
}

func checkSampleAppRendered(t *testing.T, c *builtCluster) {
	tree, vars := c.Tree, c.Vars
	var hrObj *Object
	for _, o := range objectsOfKind(tree, helmv2.HelmReleaseKind) {
		if o.Unstructured().GetName() == "sample-app" {
			hrObj = &o
		}
	}
	if hrObj == nil {
		t.Fatalf("no HelmRelease sample-app in the %s tree", c.Env)
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

	wantImage := vars["SAMPLE_APP_IMAGE_REPOSITORY"] + ":" + dataFileImageTag(t, c.Env)
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
