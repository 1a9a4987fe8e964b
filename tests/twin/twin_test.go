package twin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// requeueDependency is kustomize-controller's --requeue-dependency in the twin: how long a
// Kustomization waits before looking again at a dependency that is not Ready. Flux's default is
// 30 s; the twin uses 5 s so the chain's figures show the controllers' work more than this wait.
const requeueDependency = 5 * time.Second

// builtinGroups are served by the API server itself; every other group needs a CRD.
var builtinGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "networking.k8s.io": true, "policy": true,
	"rbac.authorization.k8s.io": true, "storage.k8s.io": true, "autoscaling": true,
	"scheduling.k8s.io": true, "admissionregistration.k8s.io": true, "apiextensions.k8s.io": true,
	"coordination.k8s.io": true, "discovery.k8s.io": true,
}

type reporter struct {
	t     *testing.T
	lines []string
}

func (r *reporter) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.lines = append(r.lines, line)
	r.t.Log(line)
}

// writeReport saves the environments' reports, in name order, where `make twin` prints them
// (TWIN_REPORT), also when the test fails.
func writeReport(lines []string) {
	path := os.Getenv("TWIN_REPORT")
	if path == "" {
		return
	}
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	_ = os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func TestTwin(t *testing.T) {
	bin := os.Getenv("TWIN_BIN")
	if bin == "" {
		t.Fatal("TWIN_BIN is not set: run `make twin`, which builds the programs with tests/twin/build.sh and passes their folder")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "gitops", "clusters"))
	if err != nil {
		t.Fatal(err)
	}
	var envs []string
	for _, e := range entries {
		// clusters/local is the kind flavour of dev (e2e on a real kind cluster), not an environment.
		if e.IsDir() && e.Name() != "local" {
			envs = append(envs, e.Name())
		}
	}
	if len(envs) == 0 {
		t.Fatal("no cluster entry under gitops/clusters")
	}
	sort.Strings(envs)
	// Each environment runs on a stack of its own, in parallel: they share nothing but the
	// machine, and most of a run is waiting on the controllers' intervals. The first environment
	// (in name order) also carries the figures that do not depend on the environment — the median
	// of three image-tag commits, prune and the negative cases; every other one runs the whole
	// reconcile, Jobs, the local chart's install, scheduling on its own shaped nodes and one
	// image-tag commit through its own overlay (docs/twin.md).
	stacks := &stackSet{}
	stopSignals := stacks.stopOnSignal()
	defer stopSignals()
	reports := make([]*reporter, len(envs))
	defer func() {
		var lines []string
		for _, r := range reports {
			if r != nil {
				lines = append(lines, r.lines...)
			}
		}
		writeReport(lines)
	}()
	t.Run("env", func(t *testing.T) {
		for i, env := range envs {
			t.Run(env, func(t *testing.T) {
				t.Parallel()
				r := &reporter{t: t}
				reports[i] = r
				runEnv(t, r, stacks, root, bin, env, i == 0)
			})
		}
	})
}

// stackSet holds the stacks of the environments running in parallel, so that an interrupt stops
// every program each of them started before the test binary exits.
type stackSet struct {
	mu     sync.Mutex
	stacks []*Stack
}

func (s *stackSet) add(st *Stack) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stacks = append(s.stacks, st)
}

func (s *stackSet) stopOnSignal() (stop func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals: // interrupted: stop what was started, keep the logs, and end here
			s.mu.Lock()
			for _, st := range s.stacks {
				st.Stop()
			}
			s.mu.Unlock()
			fmt.Fprintln(os.Stderr, "twin: interrupted; every program it started is stopped; logs in the work folders it printed")
			os.Exit(2)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(signals)
		close(done)
	}
}

func runEnv(t *testing.T, r *reporter, stacks *stackSet, root, bin, env string, full bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	work, err := os.MkdirTemp("", "twin-"+env+"-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Stack{Bin: bin, Dir: work}
	stacks.add(s)
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("the stack's logs are kept in %s", work)
		} else {
			_ = os.RemoveAll(work)
		}
	})
	kubeVersion, _ := os.ReadFile(filepath.Join(bin, "kube-version"))
	r.printf("== twin: gitops/clusters/%s on Kubernetes %s (work folder %s)", env, strings.TrimSpace(string(kubeVersion)), work)

	// The stack.
	t0 := time.Now()
	fatal := func(step string, err error) {
		t.Helper()
		if err != nil {
			r.printf("FAIL %s: %v", step, err)
			t.Fatalf("%s: %v", step, err)
		}
	}
	fatal("control plane", s.StartControlPlane(ctx))
	c, err := NewClients(s.Kubeconfig)
	fatal("clients", err)
	kinds, err := c.InstallCRDs(ctx, filepath.Join(bin, "crds"))
	fatal("CRDs", err)
	fatal("kwok", s.StartKwok(ctx))
	varsFile := filepath.Join(root, "build", "cluster-vars.json")
	if _, err := os.Stat(varsFile); err != nil {
		varsFile = filepath.Join(root, "tests", "conformance", "testdata", "cluster-vars.json")
	}
	region, err := clusterVar(varsFile, "AWS_REGION")
	fatal("cluster vars", err)
	groups, err := ReadNodeGroups(root, env, region)
	fatal("node groups", err)
	nodes, err := c.CreateNodes(ctx, groups, strings.TrimSpace(string(kubeVersion)))
	fatal("nodes", err)
	fatal("flux controllers", s.StartFlux(ctx, requeueDependency))
	stackStart := time.Since(t0)
	r.printf("stack start: %.1f s (etcd, kube-apiserver, CRDs, controller-manager, scheduler, kwok, %d nodes, source- and kustomize-controller)", stackStart.Seconds(), len(nodes))
	for _, n := range nodes {
		r.printf("  node %s", n)
	}

	// The layout, in a Git repository of its own, its health waits scoped as printed.
	repo, err := NewGitRepo(root, filepath.Join(work, "layout"))
	fatal("git repository", err)
	defer repo.Close()
	// The generator writes into the copy once, so that the copy holds every file it owns (its
	// file list, generated test fixtures) and later commits carry only a change's own edits.
	fatal("generator", runGenerator(root, repo.Dir))
	layers, err := ReadLayers(repo.Dir, env)
	fatal("layers", err)
	reportSchemas(t, r, bin, layers, kinds)
	changes, err := ScopeHealth(repo.Dir, layers)
	fatal("health scope", err)
	r.printf("health waits the twin scopes out (its copy of gitops/clusters/%s only):", env)
	for _, ch := range changes {
		r.printf("  %s", ch)
	}
	if _, err := repo.Commit("the generated layout, health waits scoped to what runs offline"); err != nil {
		fatal("commit", err)
	}
	r.printf("cluster-vars from %s", rel(root, varsFile))
	fatal("cluster-vars", c.ApplyClusterVars(ctx, varsFile))
	sync, err := ReadSync(repo.Dir, env)
	fatal("FluxInstance", err)
	if sync.Ref != "refs/heads/"+repo.Branch {
		fatal("FluxInstance", fmt.Errorf("%s syncs %s; the twin serves refs/heads/%s", sync.File, sync.Ref, repo.Branch))
	}
	r.printf("sync objects from %s: GitRepository flux-system (ref %s) and Kustomization flux-system (path %s), the URL the twin's repository", sync.File, sync.Ref, sync.Path)
	tSync := time.Now()
	fatal("sync objects", c.ApplySync(ctx, repo.URL, sync))

	names := []string{"flux-system"}
	for _, l := range layers {
		names = append(names, l.Name)
	}
	// A layer that waits for a Job whose pod is refused would only time out: the wait fails at
	// once instead, naming the Job and quoting the API server.
	var layerJobs []string
	for _, l := range layers {
		for _, o := range l.Objects {
			if o.Kind == "Job" {
				layerJobs = append(layerJobs, o.Namespace+"/"+o.Name)
			}
		}
	}
	seen := map[string]time.Time{}
	if err := c.WaitKustomizationsOrJobs(ctx, names, 4*time.Minute, seen, layerJobs); err != nil {
		r.printf("FAIL reconcile: %v", err)
		t.Fatalf("reconcile: %v", err)
	}
	states, err := c.Kustomizations(ctx)
	fatal("kustomizations", err)
	r.printf("first full reconcile (s after the sync objects were applied / after the Kustomization was created):")
	order := append([]string(nil), names...)
	sort.Slice(order, func(i, j int) bool { return seen[order[i]].Before(seen[order[j]]) })
	for _, n := range order {
		r.printf("  %-34s %6.1f s  %6.1f s  (%d objects)", n, seen[n].Sub(tSync).Seconds(),
			seen[n].Sub(states[n].Created).Seconds(), len(states[n].Inventory))
	}
	r.printf("all %d Kustomizations Ready %.1f s after the sync objects", len(names), time.Since(tSync).Seconds())
	for _, l := range layers {
		for _, d := range l.DependsOn {
			if seen[l.Name].Before(seen[d]) {
				t.Errorf("dependsOn order: %s was Ready before its dependency %s", l.Name, d)
			}
		}
	}

	// Jobs: every one admitted (its ServiceAccount exists when it runs, Pod Security and RBAC
	// pass) and its pod scheduled.
	var jobs []string
	namespaces := map[string]bool{}
	jobSeen := map[string]bool{}
	for _, l := range layers {
		for _, o := range l.Objects {
			if o.Namespace != "" {
				namespaces[o.Namespace] = true
			}
			id := o.Namespace + "/" + o.Name
			if o.Kind == "Job" && !jobSeen[id] {
				jobSeen[id] = true
				jobs = append(jobs, id)
			}
		}
	}
	for _, n := range names {
		for _, id := range states[n].Inventory {
			ns, name, _, kind := inventoryObject(id)
			if ns != "" {
				namespaces[ns] = true
			}
			if kind == "Job" && !jobSeen[ns+"/"+name] {
				jobSeen[ns+"/"+name] = true
				jobs = append(jobs, ns+"/"+name)
			}
		}
	}
	if err := c.CheckJobs(ctx, jobs, time.Minute); err != nil {
		r.printf("FAIL jobs: %v", err)
		t.Errorf("jobs: %v", err)
	} else {
		r.printf("jobs admitted and scheduled: %d %v", len(jobs), jobs)
	}

	// HelmReleases: the chart in the GitRepository is installed; upstream charts are not.
	installer := &LocalChartRelease{Clients: c, Kubeconfig: s.Kubeconfig, WorkDir: work}
	var local []*unstructured.Unstructured
	for _, l := range layers {
		for _, o := range l.Releases {
			hr, err := c.Dynamic.Resource(helmReleaseGVR).Namespace(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{})
			if err != nil {
				t.Errorf("HelmRelease %s: %v", o, err)
				continue
			}
			if IsLocalChart(hr) {
				local = append(local, hr)
				continue
			}
			chart, _, _ := unstructured.NestedString(hr.Object, "spec", "chart", "spec", "chart")
			version, _, _ := unstructured.NestedString(hr.Object, "spec", "chart", "spec", "version")
			r.printf("  %s (%s %s): accepted by the API server (schema, admission), not installed: chart not reachable offline", o, chart, version)
		}
	}
	for _, hr := range local {
		start := time.Now()
		rel, err := installer.Sync(ctx, hr)
		if err != nil {
			r.printf("FAIL %v", err)
			t.Errorf("%v", err)
			continue
		}
		r.printf("  HelmRelease %s/%s: chart from the GitRepository artifact installed with the Helm SDK as release %s, ready in %.1f s",
			hr.GetNamespace(), hr.GetName(), rel, time.Since(start).Seconds())
	}
	nsList := make([]string, 0, len(namespaces))
	for ns := range namespaces {
		nsList = append(nsList, ns)
	}
	sort.Strings(nsList)
	if err := c.CheckScheduling(ctx, nsList, time.Minute); err != nil {
		r.printf("FAIL scheduling: %v", err)
		t.Errorf("scheduling: %v", err)
	} else {
		r.printf("every pod of the tree's %d namespaces is bound to a shaped node", len(nsList))
	}
	if t.Failed() {
		return
	}

	if !full {
		t.Run("image-tag", func(t *testing.T) { imageTagLatency(ctx, t, r, c, installer, root, env, repo, local, 1) })
		return
	}
	t.Run("image-tag", func(t *testing.T) { imageTagLatency(ctx, t, r, c, installer, root, env, repo, local, 3) })
	t.Run("prune", func(t *testing.T) { prune(ctx, t, r, c, repo, layers) })
	t.Run("negative", func(t *testing.T) { negatives(ctx, t, r, c, repo, env, layers) })
}

func clusterVar(file, key string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var vars map[string]string
	if err := json.Unmarshal(b, &vars); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	v, ok := vars[key]
	if !ok {
		return "", fmt.Errorf("%s has no %s", file, key)
	}
	return v, nil
}

// reportSchemas prints where each custom kind's schema comes from and fails on a kind with none.
func reportSchemas(t *testing.T, r *reporter, bin string, layers []*Layer, kinds map[string]string) {
	used := map[string]bool{}
	for _, l := range layers {
		for _, o := range l.Objects {
			group, _, _ := strings.Cut(o.APIVersion, "/")
			if !strings.Contains(o.APIVersion, "/") {
				group = ""
			}
			if builtinGroups[group] {
				continue
			}
			used[o.Kind+"."+group] = true
		}
	}
	list := make([]string, 0, len(used))
	for k := range used {
		list = append(list, k)
	}
	sort.Strings(list)
	r.printf("custom kinds in the tree and their real schemas (CRD file):")
	var missing []string
	for _, k := range list {
		f, ok := kinds[k]
		if !ok {
			missing = append(missing, k)
			r.printf("  %-50s NO SCHEMA", k)
			continue
		}
		r.printf("  %-50s %s", k, f)
	}
	if notes, err := os.ReadFile(filepath.Join(bin, "crd-sources.tsv")); err == nil {
		r.printf("schema versions that differ from the chart pin (crd-sources.tsv):")
		for _, line := range strings.Split(string(notes), "\n") {
			cols := strings.Split(line, "\t")
			if len(cols) >= 6 && !strings.HasPrefix(line, "#") {
				r.printf("  %s %s for chart %s: %s", cols[0], cols[1], cols[4], cols[5])
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("kinds with no schema: %s", strings.Join(missing, ", "))
	}
}

func randomTag() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// imageTagLatency commits an image tag change three times, made by the generator exactly as CI's
// image bump makes it, and measures commit → HelmRelease applied by Flux → Deployment rolled out.
func imageTagLatency(ctx context.Context, t *testing.T, r *reporter, c *Clients, installer *LocalChartRelease, root, env string, repo *GitRepo, local []*unstructured.Unstructured, commits int) {
	if len(local) == 0 {
		t.Fatal("no HelmRelease takes its chart from the GitRepository: nothing carries the image tag")
	}
	var fluxLat, totalLat []float64
	for i := range commits {
		tag := randomTag()
		if err := runGenerator(root, repo.Dir, "--env", env, "--set-image-tag", tag); err != nil {
			t.Fatal(err)
		}
		// The generator rewrites every generated file that differs from its render, the twin's
		// health scoping among them: scope again, so the commit holds only the generator's edit.
		fresh, err := ReadLayers(repo.Dir, env)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ScopeHealth(repo.Dir, fresh); err != nil {
			t.Fatal(err)
		}
		diff, _ := repo.gitOut("status", "--porcelain")
		if _, err := repo.Commit("sample app image " + tag); err != nil {
			t.Fatal(err)
		}
		committed := time.Now()
		if err := c.RequestReconcile(ctx); err != nil {
			t.Fatal(err)
		}
		hr := local[0]
		var applied time.Time
		for time.Since(committed) < 2*time.Minute {
			cur, err := c.Dynamic.Resource(helmReleaseGVR).Namespace(hr.GetNamespace()).Get(ctx, hr.GetName(), metav1.GetOptions{})
			if err == nil {
				got, _, _ := unstructured.NestedString(cur.Object, "spec", "values", "image", "tag")
				if got == tag {
					applied = time.Now()
					hr = cur
					break
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if applied.IsZero() {
			t.Fatalf("commit %d: HelmRelease %s/%s did not get image tag %s within 2 min", i+1, hr.GetNamespace(), hr.GetName(), tag)
		}
		if _, err := installer.Sync(ctx, hr); err != nil {
			t.Fatal(err)
		}
		if err := waitDeploymentImage(ctx, c, hr.GetNamespace(), tag); err != nil {
			t.Fatal(err)
		}
		done := time.Now()
		fluxLat = append(fluxLat, applied.Sub(committed).Seconds())
		totalLat = append(totalLat, done.Sub(committed).Seconds())
		r.printf("  image tag commit %d (%s; files changed: %s): HelmRelease applied %.2f s, Deployment rolled out %.2f s after the commit",
			i+1, tag[:12], strings.Join(strings.Fields(strings.ReplaceAll(diff, "\n", ", ")), " "), fluxLat[i], totalLat[i])
	}
	if commits > 1 {
		r.printf("commit → applied (median of %d): HelmRelease %.2f s, Deployment rolled out %.2f s", commits, median(fluxLat), median(totalLat))
	}
}

// runGenerator runs the repository's generator (`cargo xtask generate`, which builds it as the
// tests do) with --out dir; inside make test through XTASK_BIN, the lane runner's xtask, which
// does not wait for Cargo's lock of target/ behind another lane's compile.
func runGenerator(root, dir string, args ...string) error {
	xtask := []string{"cargo", "xtask"}
	if bin := os.Getenv("XTASK_BIN"); bin != "" {
		xtask = []string{bin}
	}
	argv := append(append(xtask, "generate", "--out", dir), args...)
	gen := exec.Command(argv[0], argv[1:]...)
	gen.Dir = root
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("generate --out %s %s: %v\n%s", dir, strings.Join(args, " "), err, out)
	}
	return nil
}

func waitDeploymentImage(ctx context.Context, c *Clients, ns, tag string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		deps, err := c.Kube.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, d := range deps.Items {
			for _, ctr := range d.Spec.Template.Spec.Containers {
				if strings.HasSuffix(ctr.Image, ":"+tag) && d.Status.UpdatedReplicas == d.Status.Replicas &&
					d.Status.ReadyReplicas == d.Status.Replicas && d.Status.ObservedGeneration >= d.Generation {
					return nil
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no Deployment in %s runs image tag %s after 2 min", ns, tag)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}
