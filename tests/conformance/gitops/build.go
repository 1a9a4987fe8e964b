// Package gitops builds the Flux tree of a cluster exactly as kustomize-controller would and
// checks what Flux would apply. Build is shared by the tests and by tests/conformance/cmd/render.
package gitops

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/kustomize"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

// Names that `make up` gives the objects it creates before Flux reads this tree.
const (
	FluxNamespace     = "flux-system"
	FluxSourceName    = "flux-system"
	ClusterVarsName   = "cluster-vars"
	originAnnotation  = "config.kubernetes.io/origin"
	kustomizationFile = "kustomization.yaml"
)

// treeDirs are the top-level folders Flux reads; only these are copied into the build workspace.
var treeDirs = []string{"gitops"}

// Object is one manifest as Flux would apply it.
type Object struct {
	// File is the source file, relative to the repository root.
	File string
	// Kustomization is the Flux Kustomization that applies the object.
	Kustomization string
	// Unsubstituted is the object before postBuild substitution.
	Unsubstituted []byte
	// YAML is the object after substitution.
	YAML []byte
	// Fields is YAML decoded generically.
	Fields map[string]any
}

// Kind returns apiVersion and kind.
func (o Object) Kind() (string, string) {
	av, _ := o.Fields["apiVersion"].(string)
	k, _ := o.Fields["kind"].(string)
	return av, k
}

// ID names the object as kind/namespace/name for failure messages.
func (o Object) ID() string {
	_, k := o.Kind()
	u := unstructured.Unstructured{Object: o.Fields}
	if ns := u.GetNamespace(); ns != "" {
		return fmt.Sprintf("%s/%s/%s", k, ns, u.GetName())
	}
	return fmt.Sprintf("%s/%s", k, u.GetName())
}

// Unstructured gives access to metadata helpers.
func (o Object) Unstructured() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: o.Fields}
}

// FluxKustomization is one Flux Kustomization found under the cluster folder.
type FluxKustomization struct {
	File string
	Spec kustomizev1.Kustomization
}

// Tree is the result of building a cluster folder and every path its Kustomizations point at.
type Tree struct {
	Root           string
	Kustomizations []FluxKustomization
	// Objects holds every object, in the order Flux would build them.
	Objects []Object
	// Findings are build failures: a path that does not build, a failed substitution.
	Findings []Finding
}

// Finding is one reason the tree must not be merged, naming the file and the object.
type Finding struct {
	File    string
	Object  string
	Message string
}

func (f Finding) String() string {
	switch {
	case f.File != "" && f.Object != "":
		return fmt.Sprintf("%s: %s: %s", f.File, f.Object, f.Message)
	case f.File != "":
		return fmt.Sprintf("%s: %s", f.File, f.Message)
	}
	return f.Message
}

const fluxInstanceAPIVersion = "fluxcd.controlplane.io/v1"

// checkInstance checks the cluster's FluxInstance, the one object of the cluster folder that is
// not a Kustomization: its shape, and that the sync the Flux Operator makes of it is the
// GitRepository flux-system/flux-system and the flux-system Kustomization applying clusterDir,
// the entry this suite (and the twin) build.
func checkInstance(o Object, clusterDir string) []Finding {
	finding := func(msg string) []Finding { return []Finding{{File: o.File, Object: o.ID(), Message: msg}} }
	var instance shapeObject[fluxInstanceSpec]
	if err := yaml.UnmarshalStrict(o.YAML, &instance); err != nil {
		return finding(err.Error())
	}
	if instance.Metadata.Name != "flux" || instance.Metadata.Namespace != FluxNamespace {
		return finding("the Flux Operator accepts one FluxInstance, flux, here in " + FluxNamespace)
	}
	sync := instance.Spec.Sync
	if sync == nil {
		return finding("the FluxInstance has no sync: nothing would create GitRepository " + FluxSourceName + " or apply " + clusterDir)
	}
	name := sync.Name
	if name == "" {
		name = instance.Metadata.Namespace
	}
	path := strings.TrimSuffix(strings.TrimPrefix(sync.Path, "./"), "/")
	if sync.Kind != "GitRepository" || name != FluxSourceName || path != filepath.ToSlash(clusterDir) {
		return finding(fmt.Sprintf("the sync makes %s %s applying %s; the tree is built as GitRepository %s applying %s",
			sync.Kind, name, sync.Path, FluxSourceName, clusterDir))
	}
	return nil
}

// Build builds clusterDir (relative to root, e.g. gitops/clusters/dev) the way the flux-system
// Kustomization does, then every Kustomization path it declares, substituting vars the way
// kustomize-controller does with --feature-gates=StrictPostBuildSubstitutions=true.
// Build works on a copy of root, because kustomize-controller's generator edits files in place.
func Build(root, clusterDir string, vars map[string]string) (*Tree, error) {
	work, err := os.MkdirTemp("", "gitops-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := copyTree(root, work); err != nil {
		return nil, fmt.Errorf("copying the tree: %w", err)
	}
	if _, err := os.Stat(filepath.Join(work, clusterDir)); err != nil {
		return nil, fmt.Errorf("cluster folder %s: %w", clusterDir, err)
	}

	tree := &Tree{Root: root}
	entry := fluxSystemKustomization("./" + filepath.ToSlash(clusterDir))
	objs, _, err := buildPath(work, entry, nil)
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", clusterDir, err)
	}
	for _, o := range objs {
		av, k := o.Kind()
		if av == fluxInstanceAPIVersion && k == "FluxInstance" {
			tree.Findings = append(tree.Findings, checkInstance(o, clusterDir)...)
			continue
		}
		if k != kustomizev1.KustomizationKind || !strings.HasPrefix(av, kustomizev1.GroupVersion.Group+"/") {
			tree.Findings = append(tree.Findings, Finding{File: o.File, Object: o.ID(),
				Message: "the cluster folder must hold only Flux Kustomizations; move this object into the layer that owns it"})
			continue
		}
		decoded, err := kube.DecodeStrict(o.YAML)
		if err != nil {
			tree.Findings = append(tree.Findings, Finding{File: o.File, Object: o.ID(), Message: err.Error()})
			continue
		}
		ks, ok := decoded.(*kustomizev1.Kustomization)
		if !ok {
			tree.Findings = append(tree.Findings, Finding{File: o.File, Object: o.ID(),
				Message: fmt.Sprintf("decoded as %T, want kustomize.toolkit.fluxcd.io/v1 Kustomization", decoded)})
			continue
		}
		tree.Kustomizations = append(tree.Kustomizations, FluxKustomization{File: o.File, Spec: *ks})
	}

	client := fake.NewClientBuilder().WithObjects(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: ClusterVarsName, Namespace: FluxNamespace},
		Data:       vars,
	}).Build()
	for _, ks := range tree.Kustomizations {
		if ks.Spec.Spec.SourceRef.Kind != "GitRepository" || ks.Spec.Spec.SourceRef.Name != FluxSourceName {
			tree.Findings = append(tree.Findings, Finding{File: ks.File, Object: "Kustomization/" + ks.Spec.Name,
				Message: "sourceRef must be GitRepository/flux-system (this repository); other sources cannot be verified here"})
			continue
		}
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&ks.Spec)
		if err != nil {
			return nil, err
		}
		objs, subErrs, err := buildPath(work, unstructured.Unstructured{Object: u}, client)
		for _, e := range subErrs {
			e.Message = fmt.Sprintf("Kustomization %s: %s", ks.Spec.Name, e.Message)
			tree.Findings = append(tree.Findings, e)
		}
		if err != nil {
			tree.Findings = append(tree.Findings, Finding{File: ks.File, Object: "Kustomization/" + ks.Spec.Name,
				Message: fmt.Sprintf("path %s does not build: %v", ks.Spec.Spec.Path, err)})
			continue
		}
		for i := range objs {
			objs[i].Kustomization = ks.Spec.Name
		}
		tree.Objects = append(tree.Objects, objs...)
	}
	return tree, nil
}

// fluxSystemKustomization stands in for the Kustomization `make up` creates: it applies the
// cluster folder as is, without substitution.
func fluxSystemKustomization(path string) unstructured.Unstructured {
	return unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kustomizev1.GroupVersion.String(),
		"kind":       kustomizev1.KustomizationKind,
		"metadata":   map[string]any{"name": FluxSourceName, "namespace": FluxNamespace},
		"spec":       map[string]any{"path": path},
	}}
}

// buildPath runs kustomize-controller's build steps for one Kustomization: generate, secure
// build, and (when a client is given and postBuild is set) strict substitution per resource.
// A failed substitution is returned as a finding and the object is kept unsubstituted, so the
// other checks still see it.
func buildPath(work string, ks unstructured.Unstructured, varsClient client.Client) ([]Object, []Finding, error) {
	path, _, _ := unstructured.NestedString(ks.Object, "spec", "path")
	dir := filepath.Join(work, filepath.FromSlash(strings.TrimPrefix(path, "./")))
	if rel, err := filepath.Rel(work, dir); err != nil || strings.HasPrefix(rel, "..") {
		return nil, nil, fmt.Errorf("path %q leaves the repository", path)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("path %q does not exist in the repository", path)
	}
	if _, err := kustomize.NewGenerator(work, ks).WriteFile(dir); err != nil {
		return nil, nil, err
	}
	resMap, err := kustomize.SecureBuild(work, dir, false)
	if err != nil {
		return nil, nil, err
	}
	_, hasPostBuild, _ := unstructured.NestedMap(ks.Object, "spec", "postBuild")
	var objs []Object
	var findings []Finding
	for _, res := range resMap.Resources() {
		file := originFile(work, dir, res.GetAnnotations()[originAnnotation])
		annotations := res.GetAnnotations()
		delete(annotations, originAnnotation)
		if err := res.SetAnnotations(annotations); err != nil {
			return nil, nil, err
		}
		before, err := res.AsYAML()
		if err != nil {
			return nil, nil, err
		}
		after := before
		if hasPostBuild && varsClient != nil {
			out, err := kustomize.SubstituteVariables(context.Background(), varsClient, ks, res,
				kustomize.SubstituteWithStrict(true))
			switch {
			case err != nil:
				findings = append(findings, Finding{File: file, Object: res.GetKind() + "/" + res.GetName(),
					Message: "postBuild substitution (strict, as kustomize-controller runs it) fails: " + err.Error()})
			case out != nil:
				if after, err = out.AsYAML(); err != nil {
					return nil, nil, err
				}
			}
		}
		fields := map[string]any{}
		if err := yaml.Unmarshal(after, &fields); err != nil {
			return nil, nil, fmt.Errorf("%s: %s/%s: %w", file, res.GetKind(), res.GetName(), err)
		}
		objs = append(objs, Object{File: file, Unsubstituted: before, YAML: after, Fields: fields})
	}
	return objs, findings, nil
}

// originFile turns kustomize's origin annotation (a path relative to the built folder) into a
// path relative to the repository root.
func originFile(work, dir, origin string) string {
	var o struct {
		Path string `json:"path"`
	}
	if origin == "" || yaml.Unmarshal([]byte(origin), &o) != nil || o.Path == "" {
		rel, _ := filepath.Rel(work, dir)
		return filepath.ToSlash(rel)
	}
	rel, err := filepath.Rel(work, filepath.Join(dir, o.Path))
	if err != nil {
		return o.Path
	}
	return filepath.ToSlash(rel)
}

// copyTree copies the folders Flux reads and turns on kustomize's origin annotations in every
// kustomization.yaml of the copy, so each object can be traced to its file. The annotation is
// removed again before checks, so it never changes what is verified.
func copyTree(root, work string) error {
	for _, top := range treeDirs {
		src := filepath.Join(root, top)
		if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			dst := filepath.Join(work, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if d.Name() == kustomizationFile {
				if data, err = withOriginAnnotations(data); err != nil {
					return fmt.Errorf("%s: %w", rel, err)
				}
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func withOriginAnnotations(data []byte) ([]byte, error) {
	k := map[string]any{}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, err
	}
	k["buildMetadata"] = []any{"originAnnotations"}
	return yaml.Marshal(k)
}

// ClustersDir holds one Flux entry per environment, plus the local flavour.
const ClustersDir = "gitops/clusters"

// LocalFlavour is the folder of ClustersDir that is dev's local flavour for the kind e2e, not an
// environment's entry; tests/conformance/workflows/localflavour builds it.
const LocalFlavour = "local"

// FixtureVarsFile stands in for Terraform's cluster_vars when no emulator run has written an
// environment's own file. The generator writes it with dev's values; its keys are every
// environment's (one ClusterVars type), which is what strict substitution needs.
const FixtureVarsFile = "tests/conformance/testdata/cluster-vars.json"

// ClusterEnvs lists the environments that have a Flux entry: every folder of gitops/clusters
// except the local flavour, sorted.
func ClusterEnvs(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, ClustersDir))
	if err != nil {
		return nil, err
	}
	var envs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != LocalFlavour {
			envs = append(envs, e.Name())
		}
	}
	if len(envs) == 0 {
		return nil, fmt.Errorf("%s holds no environment's cluster entry (only %q or nothing)", ClustersDir, LocalFlavour)
	}
	sort.Strings(envs)
	return envs, nil
}

// EmulatorVarsFile is where `cargo xtask tf-emulator` (make tf-emulator) writes env's cluster_vars from a real
// apply of terraform/envs/<env> to the emulator.
func EmulatorVarsFile(env string) string {
	return "build/" + env + "/cluster-vars.json"
}

// EnvFixtureVarsFile is the checked-in fixture of an environment whose cluster_vars lack keys of
// FixtureVarsFile (one that does not use MongoDB Atlas has no SAMPLE_APP_MONGODB_* keys).
func EnvFixtureVarsFile(env string) string {
	return strings.TrimSuffix(FixtureVarsFile, ".json") + "-" + env + ".json"
}

// LoadVars reads env's cluster vars: EmulatorVarsFile(env) from a Terraform emulator run when
// present, else env's own checked-in fixture, else the shared one. It returns the file it used.
func LoadVars(repoRoot, env string) (map[string]string, string, error) {
	for _, p := range []string{EmulatorVarsFile(env), EnvFixtureVarsFile(env), FixtureVarsFile} {
		data, err := os.ReadFile(filepath.Join(repoRoot, p))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		vars := map[string]string{}
		if err := yaml.Unmarshal(data, &vars); err != nil {
			return nil, p, fmt.Errorf("%s: want a JSON object of string to string: %w", p, err)
		}
		return vars, p, nil
	}
	return nil, "", fmt.Errorf("no cluster vars for %s: neither %s nor %s exists", env, EmulatorVarsFile(env), FixtureVarsFile)
}

// SortedKeys returns the keys of m in order, for stable messages.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// BuildFolder builds one folder (relative to root) with Flux's kustomize library the way
// kustomize-controller builds a Kustomization's path: generate, then secure build. No
// substitution: the folder alone, as any Kustomization pointing at it would read it.
// Like Build it works on a copy of root's Flux folders.
func BuildFolder(root, dir string) ([]Object, error) {
	work, err := os.MkdirTemp("", "gitops-folder-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	if err := copyTree(root, work); err != nil {
		return nil, fmt.Errorf("copying the tree: %w", err)
	}
	objs, _, err := buildPath(work, fluxSystemKustomization("./"+filepath.ToSlash(dir)), nil)
	if err != nil {
		// kustomize names files by their path in the scratch copy; name them as in root.
		return nil, errors.New(strings.ReplaceAll(err.Error(), work+string(filepath.Separator), ""))
	}
	return objs, nil
}
