package twin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// prune deletes one manifest from the twin's copy (a NetworkPolicy alone in its file, listed by
// its kustomization.yaml), commits, and waits until kustomize-controller has deleted the object.
func prune(ctx context.Context, t *testing.T, r *reporter, c *Clients, repo *GitRepo, layers []*Layer) {
	var victim *Object
	for _, l := range layers {
		for i, o := range l.Objects {
			// Not a component's file: components are shared by several namespaces.
			if o.Kind != "NetworkPolicy" || strings.Contains(o.File, "/components/") {
				continue
			}
			alone := 0
			for _, p := range l.Objects {
				if p.File == o.File {
					alone++
				}
			}
			if alone == 1 {
				victim = &l.Objects[i]
				break
			}
		}
		if victim != nil {
			break
		}
	}
	if victim == nil {
		t.Fatal("no NetworkPolicy alone in its file to delete")
	}
	kfile := filepath.Join(repo.Dir, filepath.Dir(victim.File), "kustomization.yaml")
	b, err := os.ReadFile(kfile)
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`(?m)^\s*-\s*` + regexp.QuoteMeta(filepath.Base(victim.File)) + `\s*\n`)
	if !entry.Match(b) {
		t.Fatalf("%s does not list %s", rel(repo.Dir, kfile), filepath.Base(victim.File))
	}
	if err := os.WriteFile(kfile, entry.ReplaceAll(b, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(repo.Dir, victim.File)); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Commit("delete " + victim.File); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	if err := c.RequestReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	for time.Since(committed) < 2*time.Minute {
		_, err := c.Kube.NetworkingV1().NetworkPolicies(victim.Namespace).Get(ctx, victim.Name, metav1.GetOptions{})
		if isNotFound(err) {
			r.printf("prune: deleting %s removed %s from the cluster %.2f s after the commit", victim.File, victim, time.Since(committed).Seconds())
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.printf("FAIL prune: %s still exists 2 min after %s was deleted", victim, victim.File)
	t.Fatalf("%s still exists 2 min after %s was deleted", victim, victim.File)
}

// negatives commits a set of deliberately broken manifests next to the tree and checks that the
// twin's own checks fail on each with a message naming the object, then reverts the commit.
func negatives(ctx context.Context, t *testing.T, r *reporter, c *Clients, repo *GitRepo, env string, layers []*Layer) {
	ns := ""
	for _, l := range layers {
		for _, o := range l.Objects {
			labels, _ := o.Body["metadata"].(map[string]any)["labels"].(map[string]any)
			if o.Kind == "Namespace" && labels["pod-security.kubernetes.io/enforce"] == "restricted" && ns == "" {
				ns = o.Name
			}
		}
	}
	if ns == "" {
		t.Fatal("no namespace of the tree enforces Pod Security restricted")
	}
	// A request above what one node of the group offers: the scheduler must refuse it.
	cpu := "64"
	files := map[string]string{
		"gitops/twin-negative/schema/kustomization.yaml":        kustomizationOf("release.yaml"),
		"gitops/twin-negative/schema/release.yaml":              fmt.Sprintf(negSchema, ns),
		"gitops/twin-negative/unknown-field/kustomization.yaml": kustomizationOf("release.yaml"),
		"gitops/twin-negative/unknown-field/release.yaml":       fmt.Sprintf(negUnknownField, ns),
		"gitops/twin-negative/podsecurity/kustomization.yaml":   kustomizationOf("pod.yaml"),
		"gitops/twin-negative/podsecurity/pod.yaml":             fmt.Sprintf(negPod, ns),
		"gitops/twin-negative/workloads/kustomization.yaml":     kustomizationOf("job.yaml", "deployment.yaml", "control-job.yaml"),
		"gitops/twin-negative/workloads/control-job.yaml":       fmt.Sprintf(controlJob, ns),
		"gitops/twin-negative/workloads/job.yaml":               fmt.Sprintf(negJob, ns),
		"gitops/twin-negative/workloads/deployment.yaml":        fmt.Sprintf(negDeployment, ns, cpu),
		"gitops/clusters/" + env + "/twin-negative.yaml":        negLayers,
	}
	for path, content := range files {
		p := filepath.Join(repo.Dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entry := filepath.Join(repo.Dir, "gitops", "clusters", env, "kustomization.yaml")
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(entry, append(b, []byte("  - twin-negative.yaml\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Commit("twin: negative cases"); err != nil {
		t.Fatal(err)
	}
	if err := c.RequestReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]time.Time{}
	// expect runs one of the twin's own checks until it fails with a message holding every wanted
	// text, or until the case's time is up: a case passes as soon as the check fails as stated,
	// instead of each case waiting out its whole timeout (the checks are the ones the twin runs on
	// the real tree; only their polling window is short here).
	expect := func(name string, within time.Duration, check func(window time.Duration) error, want ...string) {
		t.Run(name, func(t *testing.T) {
			deadline := time.Now().Add(within)
			var err error
			for {
				err = check(2 * time.Second)
				if err != nil && containsAll(err.Error(), want) {
					break
				}
				if time.Now().After(deadline) {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err == nil {
				r.printf("FAIL negative %s: the twin did not fail", name)
				t.Fatalf("the twin did not fail")
			}
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					r.printf("FAIL negative %s: the message does not contain %q: %v", name, w, err)
					t.Fatalf("the message does not contain %q: %v", w, err)
				}
			}
			r.printf("  negative %s: the twin fails: %s", name, firstLine(err.Error(), want[0]))
		})
	}
	kustomization := func(name string) func(time.Duration) error {
		return func(window time.Duration) error {
			return c.WaitKustomizations(ctx, []string{name}, window, seen)
		}
	}
	// The workloads layer applies (its objects are valid); what follows must then fail.
	if err := c.WaitKustomizations(ctx, []string{"twin-neg-workloads"}, time.Minute, seen); err != nil {
		t.Fatalf("the negative workloads did not apply: %v", err)
	}
	expect("crd-schema", 30*time.Second, kustomization("twin-neg-schema"),
		"HelmRelease/"+ns+"/twin-neg-schema", "spec.interval")
	expect("crd-unknown-field", 30*time.Second, kustomization("twin-neg-unknown-field"),
		"HelmRelease/"+ns+"/twin-neg-unknown-field", "twinUnknownField")
	expect("pod-security", 30*time.Second, kustomization("twin-neg-podsecurity"),
		"Pod/"+ns+"/twin-neg-privileged", "PodSecurity")
	expect("job-serviceaccount", 30*time.Second, func(window time.Duration) error {
		return c.CheckJobs(ctx, []string{ns + "/twin-neg-missing-sa"}, window)
	}, "Job "+ns+"/twin-neg-missing-sa", "twin-neg-missing")
	expect("unschedulable", 30*time.Second, func(window time.Duration) error {
		return c.CheckScheduling(ctx, []string{ns}, window)
	}, "twin-neg-unschedulable", "Insufficient cpu")
	expect("depends-on-never-ready", 30*time.Second, kustomization("twin-neg-dependent"),
		"flux-system/twin-neg-dependent", "twin-neg-never")

	// The control: a valid Job beside the broken ones passes the same check (kwok completes it).
	t.Run("control-job-admitted", func(t *testing.T) {
		if err := c.CheckJobs(ctx, []string{ns + "/twin-control-job"}, 30*time.Second); err != nil {
			r.printf("FAIL control Job: %v", err)
			t.Fatalf("a valid Job failed the check: %v", err)
		}
		r.printf("  control: Job %s/twin-control-job (ServiceAccount default) admitted, scheduled and completed by kwok", ns)
	})

	// Back to the good tree: the negative Kustomizations and their objects are pruned.
	if err := repo.git("revert", "--no-edit", "HEAD"); err != nil {
		t.Fatal(err)
	}
	head, _ := repo.gitOut("rev-parse", "HEAD")
	if err := c.RequestReconcile(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		states, err := c.Kustomizations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		left := 0
		for n := range states {
			if strings.HasPrefix(n, "twin-neg-") {
				left++
			}
		}
		if left == 0 && strings.HasSuffix(states["flux-system"].Revision, head) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the negative Kustomizations were not pruned after the revert (%d left)", left)
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.printf("  negatives reverted: their Kustomizations pruned")
}

func containsAll(msg string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(msg, w) {
			return false
		}
	}
	return true
}

func firstLine(msg, about string) string {
	for _, l := range strings.Split(msg, "\n") {
		if strings.Contains(l, about) {
			return strings.TrimSpace(l)
		}
	}
	return strings.Split(msg, "\n")[0]
}

func kustomizationOf(files ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
	for _, f := range files {
		b.WriteString("  - " + f + "\n")
	}
	return b.String()
}

const negLayers = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-unknown-field, namespace: flux-system}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  wait: false
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/unknown-field
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-schema, namespace: flux-system}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  wait: false
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/schema
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-podsecurity, namespace: flux-system}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/podsecurity
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-workloads, namespace: flux-system}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  wait: false
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/workloads
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-never, namespace: flux-system}
spec:
  interval: 1h
  timeout: 1m
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/does-not-exist
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: twin-neg-dependent, namespace: flux-system}
spec:
  dependsOn:
    - name: twin-neg-never
  interval: 1h
  timeout: 1m
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./gitops/twin-negative/workloads
`

// A HelmRelease whose interval is not a duration: the CRD's schema pattern rejects it.
const negSchema = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: twin-neg-schema
  namespace: %s
spec:
  interval: every-hour
  chart:
    spec:
      chart: twin
      sourceRef: {kind: HelmRepository, name: twin}
`

// A HelmRelease with a field its schema does not declare.
const negUnknownField = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: twin-neg-unknown-field
  namespace: %s
spec:
  interval: 1h
  twinUnknownField: true
  chart:
    spec:
      chart: twin
      sourceRef: {kind: HelmRepository, name: twin}
`

// A privileged Pod in a namespace that enforces restricted.
const negPod = `apiVersion: v1
kind: Pod
metadata:
  name: twin-neg-privileged
  namespace: %s
spec:
  containers:
    - name: main
      image: registry.k8s.io/pause:3.10
      securityContext: {privileged: true}
`

const restrictedPod = `      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`

// A Job that runs as a ServiceAccount nothing creates.
const negJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: twin-neg-missing-sa
  namespace: %s
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: twin-neg-missing
` + restrictedPod

// A valid Job: the default ServiceAccount, restricted-compliant.
const controlJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: twin-control-job
  namespace: %s
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
` + restrictedPod

// A Deployment that asks for more CPU than any node offers.
const negDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: twin-neg-unschedulable
  namespace: %s
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: twin-neg-unschedulable}
  template:
    metadata:
      labels: {app.kubernetes.io/name: twin-neg-unschedulable}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          resources:
            requests: {cpu: "%s"}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`
