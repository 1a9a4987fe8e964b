package twin

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

// Clients talks to the twin's API server.
type Clients struct {
	Config  *rest.Config
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
	Mapper  *restmapper.DeferredDiscoveryRESTMapper
}

// NewClients reads the stack's kubeconfig.
func NewClients(kubeconfig string) (*Clients, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 200, 400
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery()))
	return &Clients{Config: cfg, Kube: kube, Dynamic: dyn, Mapper: mapper}, nil
}

func (c *Clients) resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	m, err := c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		c.Mapper.Reset()
		if m, err = c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return nil, err
		}
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return c.Dynamic.Resource(m.Resource).Namespace(obj.GetNamespace()), nil
	}
	return c.Dynamic.Resource(m.Resource), nil
}

// Apply server-side applies obj as the field manager "twin".
func (c *Clients) Apply(ctx context.Context, obj *unstructured.Unstructured) error {
	r, err := c.resource(obj)
	if err != nil {
		return err
	}
	_, err = r.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: "twin", Force: true})
	return err
}

var (
	crdGVR           = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	kustomizationGVR = schema.GroupVersionResource{Group: "kustomize.toolkit.fluxcd.io", Version: "v1", Resource: "kustomizations"}
	gitRepositoryGVR = schema.GroupVersionResource{Group: "source.toolkit.fluxcd.io", Version: "v1", Resource: "gitrepositories"}
	helmReleaseGVR   = schema.GroupVersionResource{Group: "helm.toolkit.fluxcd.io", Version: "v2", Resource: "helmreleases"}
)

// InstallCRDs creates every CRD in dir (the schemas build.sh gathered) and waits until each is
// Established. It returns the kinds served, as "Kind.group".
func (c *Clients) InstallCRDs(ctx context.Context, dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	kinds := map[string]string{}
	var names []string
	for _, f := range files {
		docs, err := readDocs(f)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if str(d, "kind") != "CustomResourceDefinition" {
				continue
			}
			obj := &unstructured.Unstructured{Object: d}
			if err := c.Apply(ctx, obj); err != nil {
				return nil, fmt.Errorf("CRD %s (%s): %w", obj.GetName(), filepath.Base(f), err)
			}
			names = append(names, obj.GetName())
			kinds[str(d, "spec", "names", "kind")+"."+str(d, "spec", "group")] = filepath.Base(f)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, n := range names {
		for {
			u, err := c.Dynamic.Resource(crdGVR).Get(ctx, n, metav1.GetOptions{})
			if err == nil && condition(u, "Established") == "True" {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("CRD %s not Established after 60 s", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	c.Mapper.Reset()
	return kinds, nil
}

// condition returns the status of an object's condition of the given type, or "".
func condition(u *unstructured.Unstructured, typ string) string {
	s, _ := conditionFull(u, typ)
	return s
}

func conditionFull(u *unstructured.Unstructured, typ string) (status, message string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == typ {
			s, _ := m["status"].(string)
			msg, _ := m["message"].(string)
			return s, msg
		}
	}
	return "", ""
}

// CreateNodes registers the node group's nodes for kwok to run: desired_size nodes, the instance
// types taken in turn, spread over the zones, each with the allocatable CPU, memory and pods of
// its type and the labels EKS puts on a managed node group's nodes.
func (c *Clients) CreateNodes(ctx context.Context, groups []NodeGroup, kubeVersion string) ([]string, error) {
	var names, lines []string
	for _, g := range groups {
		for i := range g.DesiredSize {
			typ := g.InstanceTypes[i%len(g.InstanceTypes)]
			zone := g.Zones[i%len(g.Zones)]
			it := instanceTypes[typ]
			cpu, mem := it.allocatable()
			name := fmt.Sprintf("twin-%s-%d", g.Name, i)
			capacity := corev1.ResourceList{
				corev1.ResourceCPU:    *resource.NewQuantity(int64(it.VCPU), resource.DecimalSI),
				corev1.ResourceMemory: *resource.NewQuantity(it.MemoryMiB<<20, resource.BinarySI),
				corev1.ResourcePods:   *resource.NewQuantity(int64(it.MaxPods), resource.DecimalSI),
			}
			allocatable := corev1.ResourceList{
				corev1.ResourceCPU:    *resource.NewMilliQuantity(cpu, resource.DecimalSI),
				corev1.ResourceMemory: *resource.NewQuantity(mem<<20, resource.BinarySI),
				corev1.ResourcePods:   *resource.NewQuantity(int64(it.MaxPods), resource.DecimalSI),
			}
			node := &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{
					Name:        name,
					Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
					Labels: map[string]string{
						"kubernetes.io/hostname":           name,
						"kubernetes.io/os":                 "linux",
						"kubernetes.io/arch":               "amd64",
						"node.kubernetes.io/instance-type": typ,
						"topology.kubernetes.io/zone":      zone,
						"eks.amazonaws.com/nodegroup":      g.Name,
						"eks.amazonaws.com/capacityType":   g.CapacityType,
						"type":                             "kwok",
					},
				},
				Status: corev1.NodeStatus{
					Capacity:    capacity,
					Allocatable: allocatable,
					NodeInfo:    corev1.NodeSystemInfo{KubeletVersion: kubeVersion, OperatingSystem: "linux", Architecture: "amd64"},
				},
			}
			created, err := c.Kube.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
			if err != nil {
				return nil, fmt.Errorf("node %s: %w", name, err)
			}
			// The status subresource carries capacity; kwok keeps the conditions, so this is a
			// patch of the three fields, not an update that would race with kwok.
			status, err := json.Marshal(map[string]any{"status": map[string]any{
				"capacity": node.Status.Capacity, "allocatable": node.Status.Allocatable, "nodeInfo": node.Status.NodeInfo,
			}})
			if err != nil {
				return nil, err
			}
			if _, err := c.Kube.CoreV1().Nodes().Patch(ctx, created.Name, types.StrategicMergePatchType, status, metav1.PatchOptions{}, "status"); err != nil {
				return nil, fmt.Errorf("node %s status: %w", name, err)
			}
			names = append(names, name)
			lines = append(lines, fmt.Sprintf("%s: %s %s in %s, allocatable cpu %dm, memory %dMi, pods %d",
				name, typ, g.CapacityType, zone, cpu, mem, it.MaxPods))
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, n := range names {
		for {
			node, err := c.Kube.CoreV1().Nodes().Get(ctx, n, metav1.GetOptions{})
			if err == nil && nodeReady(node) {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("node %s not Ready after 60 s (kwok manages nodes annotated kwok.x-k8s.io/node=fake)", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return lines, nil
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// ApplyClusterVars creates flux-system and the cluster-vars ConfigMap from a `cluster_vars`
// output as `terraform output -json cluster_vars` prints it, as `cargo xtask up`
// (xtask/src/lifecycle/up.rs) does.
func (c *Clients) ApplyClusterVars(ctx context.Context, jsonFile string) error {
	b, err := os.ReadFile(jsonFile)
	if err != nil {
		return err
	}
	var vars map[string]string
	if err := json.Unmarshal(b, &vars); err != nil {
		return fmt.Errorf("%s: %w", jsonFile, err)
	}
	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "flux-system"},
	}}
	if err := c.Apply(ctx, ns); err != nil {
		return err
	}
	data := map[string]any{}
	for k, v := range vars {
		data[k] = v
	}
	cm := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "cluster-vars", "namespace": "flux-system"},
		"data":     data,
	}}
	return c.Apply(ctx, cm)
}

// Sync is what the environment's FluxInstance (gitops/clusters/<env>/flux-instance.yaml) tells
// the Flux Operator to create: the GitRepository and the entry Kustomization, both flux-system.
type Sync struct {
	File string // the instance's file, relative to the repository
	Ref  string // spec.sync.ref, e.g. refs/heads/main
	Path string // spec.sync.path, e.g. ./gitops/clusters/dev
}

// ReadSync reads the sync of the cluster entry's FluxInstance. The twin runs no operator, so it
// creates the two objects the operator would (its template: GitRepository interval 1m with
// ref.name, Kustomization interval 10m with prune), from the generated instance rather than
// from values of its own; only the URL differs: the twin's repository on loopback.
func ReadSync(repo, env string) (Sync, error) {
	objects, err := walkKustomization(repo, filepath.Join(repo, "gitops", "clusters", env))
	if err != nil {
		return Sync{}, err
	}
	for _, o := range objects {
		if o.Kind != "FluxInstance" {
			continue
		}
		sync := Sync{File: o.File, Ref: str(o.Body, "spec", "sync", "ref"), Path: str(o.Body, "spec", "sync", "path")}
		kind := str(o.Body, "spec", "sync", "kind")
		if kind != "GitRepository" || sync.Ref == "" || sync.Path == "" {
			return Sync{}, fmt.Errorf("%s: FluxInstance %s: spec.sync must be a GitRepository with ref and path (kind %q, ref %q, path %q)", o.File, o.Name, kind, sync.Ref, sync.Path)
		}
		return sync, nil
	}
	return Sync{}, fmt.Errorf("gitops/clusters/%s lists no FluxInstance: the twin takes the sync objects from it, as the operator does", env)
}

// ApplySync creates the GitRepository and the entry Kustomization the FluxInstance's sync makes
// the operator create, with the twin's repository as the URL.
func (c *Clients) ApplySync(ctx context.Context, url string, sync Sync) error {
	repo := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
		"metadata": map[string]any{"name": "flux-system", "namespace": "flux-system"},
		"spec": map[string]any{
			"interval": "1m",
			"url":      url,
			"ref":      map[string]any{"name": sync.Ref},
		},
	}}
	if err := c.Apply(ctx, repo); err != nil {
		return err
	}
	ks := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
		"metadata": map[string]any{"name": "flux-system", "namespace": "flux-system"},
		"spec": map[string]any{
			"interval":  "10m",
			"path":      sync.Path,
			"prune":     true,
			"sourceRef": map[string]any{"kind": "GitRepository", "name": "flux-system"},
		},
	}}
	return c.Apply(ctx, ks)
}

// RequestReconcile does what notification-controller's Receiver does on a valid webhook call:
// it annotates the GitRepository with reconcile.fluxcd.io/requestedAt, and source-controller
// fetches at once instead of at its next interval.
func (c *Clients) RequestReconcile(ctx context.Context) error {
	patch := fmt.Sprintf(`{"metadata":{"annotations":{"reconcile.fluxcd.io/requestedAt":%q}}}`, time.Now().Format(time.RFC3339Nano))
	_, err := c.Dynamic.Resource(gitRepositoryGVR).Namespace("flux-system").Patch(ctx, "flux-system", types.MergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

// KustomizationState is what the twin reads of one Kustomization.
type KustomizationState struct {
	Name       string
	Created    time.Time
	Ready      string
	Message    string
	Revision   string
	Inventory  []string // ids: <namespace>_<name>_<group>_<kind>
	ReadySince time.Time
}

// Kustomizations lists flux-system's Kustomizations.
func (c *Clients) Kustomizations(ctx context.Context) (map[string]KustomizationState, error) {
	list, err := c.Dynamic.Resource(kustomizationGVR).Namespace("flux-system").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string]KustomizationState{}
	for i := range list.Items {
		u := &list.Items[i]
		st, msg := conditionFull(u, "Ready")
		rev, _, _ := unstructured.NestedString(u.Object, "status", "lastAppliedRevision")
		entries, _, _ := unstructured.NestedSlice(u.Object, "status", "inventory", "entries")
		var inv []string
		for _, e := range entries {
			if m, ok := e.(map[string]any); ok {
				id, _ := m["id"].(string)
				inv = append(inv, id)
			}
		}
		sort.Strings(inv)
		out[u.GetName()] = KustomizationState{
			Name: u.GetName(), Created: u.GetCreationTimestamp().Time, Ready: st, Message: msg,
			Revision: rev, Inventory: inv,
		}
	}
	return out, nil
}

// inventoryObject splits an inventory id into namespace, name, group and kind.
func inventoryObject(id string) (ns, name, group, kind string) {
	parts := strings.Split(id, "_")
	if len(parts) < 4 {
		return "", id, "", ""
	}
	kind = parts[len(parts)-1]
	group = parts[len(parts)-2]
	ns = parts[0]
	name = strings.Join(parts[1:len(parts)-2], "_")
	return ns, name, group, kind
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }
