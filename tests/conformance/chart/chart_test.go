// Package chart tests gitops/charts/sample-app with Helm's Go SDK: lint, render every documented
// feature combination, decode every object strictly, hold workloads to Pod Security
// "restricted", and check that the objects fit together (selectors, ports, probes, Vault).
package chart

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"helm.sh/helm/v3/pkg/action"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/bkt-platform/platform/tests/conformance/gitops"
	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
	"github.com/bkt-platform/platform/tests/conformance/internal/repo"
)

const (
	chartPath = "gitops/charts/sample-app"
	release   = "sample-app"
	namespace = "sample-app"
	sha       = "0123456789abcdef0123456789abcdef01234567"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rendered is one render of the chart, decoded.
type rendered struct {
	objects []runtime.Object
	byKind  map[string][]runtime.Object
}

func render(t *testing.T, values map[string]any) *rendered {
	t.Helper()
	objs, err := gitops.RenderChart(root(t), chartPath, release, namespace, values)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	r := &rendered{byKind: map[string][]runtime.Object{}}
	for _, o := range objs {
		obj, err := kube.DecodeStrict(o.YAML)
		if err != nil {
			t.Fatalf("%s (%s) does not decode strictly: %v\n%s", o.ID(), o.File, err, o.YAML)
		}
		_, kind := o.Kind()
		r.objects = append(r.objects, obj)
		r.byKind[kind] = append(r.byKind[kind], obj)
		if violations := kube.CheckPodSecurityRestricted(obj); len(violations) > 0 {
			t.Errorf("%s breaks Pod Security restricted: %v", o.ID(), violations)
		}
	}
	return r
}

func one[T runtime.Object](t *testing.T, r *rendered, kind string) T {
	t.Helper()
	objs := r.byKind[kind]
	if len(objs) != 1 {
		t.Fatalf("want exactly one %s, got %d", kind, len(objs))
	}
	return objs[0].(T)
}

// combinations are the documented feature sets (values.yaml header); each must render cleanly.
var combinations = map[string]map[string]any{
	"defaults": {},
	"gitops dev release": {
		"image":          map[string]any{"repository": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app", "tag": sha},
		"ingress":        map[string]any{"enabled": true, "host": "sample-app.dev.example.com"},
		"serviceMonitor": map[string]any{"enabled": true},
		"config":         map[string]any{"message": "Hello from the dev cluster bkt-dev"},
	},
	"mysql through vault": {
		"database":      map[string]any{"type": "mysql"},
		"vault":         map[string]any{"enabled": true, "role": "sample-app-db"},
		"networkPolicy": map[string]any{"egress": map[string]any{"database": map[string]any{"namespace": "mysql", "podLabels": map[string]any{"app.kubernetes.io/name": "mariadb"}}}},
	},
	"mongodb atlas through vault with a custom template": {
		"database":      map[string]any{"type": "mongodb"},
		"vault":         map[string]any{"enabled": true, "template": `{{- with secret "kv/data/atlas" -}}{{ .Data.data.uri }}{{- end -}}`},
		"networkPolicy": map[string]any{"egress": map[string]any{"database": map[string]any{"cidrs": []any{"192.168.248.0/21"}}}},
	},
	"mongodb with an open database port": {
		"database": map[string]any{"type": "mongodb"},
		"vault":    map[string]any{"enabled": true},
	},
	"autoscaling": {
		"autoscaling": map[string]any{"enabled": true, "minReplicas": 3, "maxReplicas": 8},
	},
	"everything optional off": {
		"networkPolicy":       map[string]any{"enabled": false},
		"podDisruptionBudget": map[string]any{"enabled": false},
		"dashboard":           map[string]any{"enabled": false},
		"serviceAccount":      map[string]any{"create": false},
	},
	"everything on": {
		"image":          map[string]any{"tag": sha},
		"database":       map[string]any{"type": "mysql"},
		"vault":          map[string]any{"enabled": true},
		"ingress":        map[string]any{"enabled": true, "host": "app.example.org", "annotations": map[string]any{"alb.ingress.kubernetes.io/group.order": "10"}},
		"serviceMonitor": map[string]any{"enabled": true, "labels": map[string]any{"release": "kube-prometheus-stack"}},
		"autoscaling":    map[string]any{"enabled": true},
	},
}

func TestLint(t *testing.T) {
	for name, values := range combinations {
		t.Run(name, func(t *testing.T) {
			lint := action.NewLint()
			lint.Strict = true
			lint.Namespace = namespace
			res := lint.Run([]string{filepath.Join(root(t), chartPath)}, values)
			if res.TotalChartsLinted != 1 || len(res.Errors) > 0 {
				t.Fatalf("lint: %d charts linted, errors %v", res.TotalChartsLinted, res.Errors)
			}
			for _, m := range res.Messages {
				if m.Severity > 1 { // warnings and errors; INFO (icon recommended) is fine
					t.Errorf("lint: %s", m)
				}
			}
		})
	}
}

func TestRenderedCombinations(t *testing.T) {
	for name, values := range combinations {
		t.Run(name, func(t *testing.T) {
			r := render(t, values)
			v := effective(values)
			checkLabels(t, r)
			dep := one[*appsv1.Deployment](t, r, "Deployment")
			checkDeployment(t, dep, v)
			checkService(t, r, dep)
			checkConfig(t, r, v)
			checkVault(t, dep, v)
			checkIngress(t, r, v)
			checkOptional(t, r, dep, v)
			checkNetworkPolicy(t, r, dep, v)
			checkHelmTest(t, r)
		})
	}
}

// effective merges a combination over the chart defaults, as Helm does, for the assertions.
func effective(values map[string]any) map[string]any {
	b, err := os.ReadFile(filepath.Join(mustRoot(), chartPath, "values.yaml"))
	if err != nil {
		panic(err)
	}
	defaults := map[string]any{}
	if err := yamlUnmarshal(b, &defaults); err != nil {
		panic(err)
	}
	return gitops.MergeMaps(defaults, values)
}

func mustRoot() string {
	r, err := repo.Root()
	if err != nil {
		panic(err)
	}
	return r
}

func get(v map[string]any, path string) any {
	var cur any = v
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func checkLabels(t *testing.T, r *rendered) {
	t.Helper()
	for _, obj := range r.objects {
		meta := obj.(interface {
			GetLabels() map[string]string
			GetName() string
		})
		l := meta.GetLabels()
		for _, key := range []string{"app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart", "app.kubernetes.io/name"} {
			if l[key] == "" {
				t.Errorf("%T %s lacks label %s", obj, meta.GetName(), key)
			}
		}
	}
}

func checkDeployment(t *testing.T, dep *appsv1.Deployment, v map[string]any) {
	t.Helper()
	autoscaling := get(v, "autoscaling.enabled") == true
	switch {
	case autoscaling && dep.Spec.Replicas != nil:
		t.Errorf("with autoscaling the HPA owns replicas, but the Deployment sets %d", *dep.Spec.Replicas)
	case !autoscaling && (dep.Spec.Replicas == nil || *dep.Spec.Replicas != 2):
		t.Errorf("replicas = %v, want 2", dep.Spec.Replicas)
	}
	if s := dep.Spec.Strategy.RollingUpdate; s == nil || s.MaxUnavailable.IntValue() != 0 {
		t.Errorf("rolling update must keep every pod until its replacement is ready: %+v", s)
	}
	sel, err := labels.ValidatedSelectorFromSet(dep.Spec.Selector.MatchLabels)
	if err != nil || !sel.Matches(labels.Set(dep.Spec.Template.Labels)) {
		t.Errorf("Deployment selector %v does not match its pod labels %v", dep.Spec.Selector.MatchLabels, dep.Spec.Template.Labels)
	}

	pod := dep.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	wantImage := fmt.Sprintf("%s:%s", get(v, "image.repository"), cmpOr(get(v, "image.tag"), "0.1.0"))
	if c.Image != wantImage {
		t.Errorf("image = %q, want %q", c.Image, wantImage)
	}
	probe := func(name string, p *corev1.Probe, path string) {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "http" {
			t.Errorf("%s probe = %+v, want HTTP GET %s on port http", name, p, path)
		}
	}
	probe("startup", c.StartupProbe, "/healthz")
	probe("liveness", c.LivenessProbe, "/healthz")
	probe("readiness", c.ReadinessProbe, "/readyz")
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" || c.Ports[0].ContainerPort != 8080 {
		t.Errorf("ports = %+v, want http 8080", c.Ports)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources must request CPU and memory and limit memory: %+v", c.Resources)
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("root filesystem must be read-only")
	}
	if ps := pod.SecurityContext; ps == nil || ps.RunAsUser == nil || *ps.RunAsUser != 65532 {
		t.Error("pod must run as the image's nonroot uid 65532")
	}

	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if env["DATABASE_TYPE"] != get(v, "database.type") || env["LOG_LEVEL"] != get(v, "config.logLevel") || env["MESSAGE_FILE"] != "/etc/sample-app/message" {
		t.Errorf("env = %v", env)
	}
	if _, ok := env["POD_NAME"]; !ok {
		t.Error("POD_NAME is not set from the downward API")
	}
	delay, err1 := time.ParseDuration(env["SHUTDOWN_DELAY"])
	timeout, err2 := time.ParseDuration(env["SHUTDOWN_TIMEOUT"])
	if err1 != nil || err2 != nil {
		t.Fatalf("shutdown durations %q %q do not parse as the app parses them", env["SHUTDOWN_DELAY"], env["SHUTDOWN_TIMEOUT"])
	}
	if grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second; grace <= delay+timeout {
		t.Errorf("terminationGracePeriodSeconds %s must exceed shutdown delay %s + timeout %s, or the kubelet kills in-flight requests", grace, delay, timeout)
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || (m.MountPath == "/etc/sample-app" && m.SubPath == "" && m.ReadOnly)
	}
	if !mounted {
		t.Error("the ConfigMap must be mounted read-only at /etc/sample-app without subPath (subPath mounts never update)")
	}
}

func cmpOr(v any, def string) string {
	if s, _ := v.(string); s != "" {
		return s
	}
	return def
}

func checkService(t *testing.T, r *rendered, dep *appsv1.Deployment) {
	t.Helper()
	svc := one[*corev1.Service](t, r, "Service")
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)) {
		t.Errorf("Service selector %v does not select the app pods %v", svc.Spec.Selector, dep.Spec.Template.Labels)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "http" || svc.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("Service ports = %+v, want one port named http targeting http", svc.Spec.Ports)
	}
}

func checkConfig(t *testing.T, r *rendered, v map[string]any) {
	t.Helper()
	var cm *corev1.ConfigMap
	for _, o := range r.byKind["ConfigMap"] {
		if c := o.(*corev1.ConfigMap); c.Labels["grafana_dashboard"] == "" {
			cm = c
		}
	}
	if cm == nil || cm.Data["message"] != get(v, "config.message") {
		t.Errorf("config ConfigMap = %+v, want message %q", cm, get(v, "config.message"))
	}
}

func checkVault(t *testing.T, dep *appsv1.Deployment, v map[string]any) {
	t.Helper()
	a := dep.Spec.Template.Annotations
	enabled := get(v, "vault.enabled") == true
	if (a["vault.hashicorp.com/agent-inject"] == "true") != enabled {
		t.Fatalf("agent-inject annotation = %q with vault.enabled=%v", a["vault.hashicorp.com/agent-inject"], enabled)
	}
	if *dep.Spec.Template.Spec.AutomountServiceAccountToken != enabled {
		t.Errorf("automountServiceAccountToken must be on only for the Vault agent (vault.enabled=%v)", enabled)
	}
	env := map[string]string{}
	for _, e := range dep.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	if get(v, "database.type") != "memory" && env["DATABASE_DSN_FILE"] != "/vault/secrets/db" {
		t.Errorf("DATABASE_DSN_FILE = %q, want the agent's /vault/secrets/db", env["DATABASE_DSN_FILE"])
	}
	if !enabled {
		return
	}
	if a["vault.hashicorp.com/role"] != get(v, "vault.role") {
		t.Errorf("vault role = %q, want %q", a["vault.hashicorp.com/role"], get(v, "vault.role"))
	}
	tmpl := a["vault.hashicorp.com/agent-inject-template-db"]
	if custom, _ := get(v, "vault.template").(string); custom != "" {
		if tmpl != custom {
			t.Errorf("agent template = %q, want the custom %q", tmpl, custom)
		}
	} else if want := fmt.Sprintf(`{{- with secret %q -}}{{ .Data.data.%s }}{{- end -}}`, get(v, "vault.secretPath"), get(v, "vault.secretKey")); tmpl != want {
		t.Errorf("agent template = %q, want %q", tmpl, want)
	}
	if a["vault.hashicorp.com/agent-inject-secret-db"] == "" {
		t.Error("agent-inject-secret-db is missing: the file would not be named db")
	}
}

func checkIngress(t *testing.T, r *rendered, v map[string]any) {
	t.Helper()
	if get(v, "ingress.enabled") != true {
		if len(r.byKind["Ingress"]) > 0 {
			t.Error("Ingress rendered while ingress.enabled is false")
		}
		return
	}
	ing := one[*networkingv1.Ingress](t, r, "Ingress")
	host := get(v, "ingress.host").(string)
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "alb" {
		t.Errorf("ingressClassName = %v, want alb (the shared ALB)", ing.Spec.IngressClassName)
	}
	if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].Host != host {
		t.Errorf("rules = %+v, want host %s", ing.Spec.Rules, host)
	}
	if len(ing.Spec.TLS) != 1 || !slices.Equal(ing.Spec.TLS[0].Hosts, []string{host}) {
		t.Errorf("tls = %+v, want hosts [%s] so the controller picks the ACM certificate", ing.Spec.TLS, host)
	}
	paths := ing.Spec.Rules[0].HTTP.Paths
	if len(paths) != 2 || paths[0].Path != "/metrics" || *paths[0].PathType != networkingv1.PathTypeExact || paths[1].Path != "/" {
		t.Fatalf("paths = %+v, want /metrics (exact, first) then /", paths)
	}
	if be := paths[1].Backend.Service; be == nil || be.Name != one[*corev1.Service](t, r, "Service").Name || be.Port.Name != "http" {
		t.Errorf("backend of / = %+v, want the Service's http port", be)
	}
	// /metrics must end at an ALB fixed response, never at the pods.
	hide := paths[0].Backend.Service
	var action struct {
		Type                string
		FixedResponseConfig struct{ StatusCode string }
	}
	raw := ing.Annotations["alb.ingress.kubernetes.io/actions."+hide.Name]
	if hide.Port.Name != "use-annotation" || json.Unmarshal([]byte(raw), &action) != nil ||
		action.Type != "fixed-response" || action.FixedResponseConfig.StatusCode != "404" {
		t.Errorf("/metrics goes to %+v with action %q; want an ALB fixed 404 response", hide, raw)
	}
	if ing.Annotations["alb.ingress.kubernetes.io/target-type"] != "ip" || ing.Annotations["alb.ingress.kubernetes.io/healthcheck-path"] != "/readyz" {
		t.Errorf("ALB annotations = %v", ing.Annotations)
	}
	for k, want := range get(v, "ingress.annotations").(map[string]any) {
		if ing.Annotations[k] != want {
			t.Errorf("extra annotation %s = %q, want %q", k, ing.Annotations[k], want)
		}
	}
}

func checkOptional(t *testing.T, r *rendered, dep *appsv1.Deployment, v map[string]any) {
	t.Helper()
	count := func(kind string) int { return len(r.byKind[kind]) }
	want := func(key string) int {
		if get(v, key) == true {
			return 1
		}
		return 0
	}
	for kind, key := range map[string]string{
		"ServiceMonitor": "serviceMonitor.enabled", "PodDisruptionBudget": "podDisruptionBudget.enabled",
		"HorizontalPodAutoscaler": "autoscaling.enabled", "ServiceAccount": "serviceAccount.create",
	} {
		if count(kind) != want(key) {
			t.Errorf("%d %s rendered with %s=%v", count(kind), kind, key, get(v, key))
		}
	}
	podLabels := labels.Set(dep.Spec.Template.Labels)
	if count("ServiceMonitor") == 1 {
		sm := one[*monitoringv1.ServiceMonitor](t, r, "ServiceMonitor")
		svc := one[*corev1.Service](t, r, "Service")
		if !labels.SelectorFromSet(sm.Spec.Selector.MatchLabels).Matches(labels.Set(svc.Labels)) {
			t.Errorf("ServiceMonitor selector %v does not select the Service %v", sm.Spec.Selector.MatchLabels, svc.Labels)
		}
		if len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" {
			t.Errorf("ServiceMonitor endpoints = %+v", sm.Spec.Endpoints)
		}
		for k, val := range get(v, "serviceMonitor.labels").(map[string]any) {
			if sm.Labels[k] != val {
				t.Errorf("ServiceMonitor label %s = %q, want %q", k, sm.Labels[k], val)
			}
		}
	}
	if count("PodDisruptionBudget") == 1 {
		pdb := one[*policyv1.PodDisruptionBudget](t, r, "PodDisruptionBudget")
		if !labels.SelectorFromSet(pdb.Spec.Selector.MatchLabels).Matches(podLabels) || pdb.Spec.MinAvailable.IntValue() != 1 {
			t.Errorf("PDB = %+v", pdb.Spec)
		}
	}
	if count("HorizontalPodAutoscaler") == 1 {
		hpa := one[*autoscalingv2.HorizontalPodAutoscaler](t, r, "HorizontalPodAutoscaler")
		if hpa.Spec.ScaleTargetRef.Name != dep.Name || hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 2 {
			t.Errorf("HPA = %+v", hpa.Spec)
		}
	}
	if sa := dep.Spec.Template.Spec.ServiceAccountName; count("ServiceAccount") == 1 && one[*corev1.ServiceAccount](t, r, "ServiceAccount").Name != sa {
		t.Errorf("pod uses service account %q, not the rendered one", sa)
	}

	var dashboards []*corev1.ConfigMap
	for _, o := range r.byKind["ConfigMap"] {
		if c := o.(*corev1.ConfigMap); c.Labels["grafana_dashboard"] == "1" {
			dashboards = append(dashboards, c)
		}
	}
	if len(dashboards) != want("dashboard.enabled") {
		t.Fatalf("%d dashboard ConfigMaps with dashboard.enabled=%v", len(dashboards), get(v, "dashboard.enabled"))
	}
	if len(dashboards) == 1 {
		checkDashboard(t, dashboards[0].Data["sample-app.json"])
	}
}

var metricName = regexp.MustCompile(`\b(sample_app_[a-z_]+?)(_bucket|_count|_sum)?\b`)

// checkDashboard holds the dashboard to the metrics the app really exports: a renamed metric
// would otherwise leave empty panels nobody notices.
func checkDashboard(t *testing.T, raw string) {
	t.Helper()
	var dash struct {
		UID    string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal([]byte(raw), &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(mustRoot(), "sample-app/src/httpapi/metrics.rs"))
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	// The app writes each series name once, as a quoted constant, full exposition name included.
	for _, m := range regexp.MustCompile(`"(sample_app_[a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		exported[m[1]] = true
	}
	if dash.UID == "" || len(dash.Panels) == 0 || len(exported) == 0 {
		t.Fatalf("dashboard uid %q with %d panels; %d metrics found in the app", dash.UID, len(dash.Panels), len(exported))
	}
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, m := range metricName.FindAllStringSubmatch(tg.Expr, -1) {
				used[m[1]] = true
				if !exported[m[1]] {
					t.Errorf("panel %q queries %s, which the app does not export (it exports %v)", p.Title, m[1], slices.Sorted(maps.Keys(exported)))
				}
			}
		}
	}
	for m := range exported {
		if !used[m] {
			t.Errorf("the app exports %s but no dashboard panel shows it", m)
		}
	}
}

func checkNetworkPolicy(t *testing.T, r *rendered, dep *appsv1.Deployment, v map[string]any) {
	t.Helper()
	if get(v, "networkPolicy.enabled") != true {
		if len(r.byKind["NetworkPolicy"]) > 0 {
			t.Error("NetworkPolicy rendered while networkPolicy.enabled is false")
		}
		return
	}
	var app *networkingv1.NetworkPolicy
	for _, o := range r.byKind["NetworkPolicy"] {
		np := o.(*networkingv1.NetworkPolicy)
		if labels.SelectorFromSet(np.Spec.PodSelector.MatchLabels).Matches(labels.Set(dep.Spec.Template.Labels)) {
			if app != nil {
				t.Fatal("two chart NetworkPolicies select the app pods")
			}
			app = np
		}
	}
	if app == nil {
		t.Fatal("no NetworkPolicy selects the app pods")
	}
	if !slices.Contains(app.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(app.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
		t.Errorf("policy types = %v, want Ingress and Egress", app.Spec.PolicyTypes)
	}
	peersIn := func(rules []networkingv1.NetworkPolicyPeer) (namespaces, cidrs []string) {
		for _, p := range rules {
			if p.NamespaceSelector != nil {
				namespaces = append(namespaces, p.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"])
			}
			if p.IPBlock != nil {
				cidrs = append(cidrs, p.IPBlock.CIDR)
			}
		}
		return namespaces, cidrs
	}
	var inNamespaces, inCIDRs []string
	for _, rule := range app.Spec.Ingress {
		ns, cidrs := peersIn(rule.From)
		inNamespaces, inCIDRs = append(inNamespaces, ns...), append(inCIDRs, cidrs...)
	}
	if !slices.Contains(inNamespaces, "monitoring") || !slices.Contains(inCIDRs, "10.0.0.0/16") {
		t.Errorf("ingress allows namespaces %v and CIDRs %v; want Prometheus (monitoring) and the ALB (VPC CIDR)", inNamespaces, inCIDRs)
	}
	egressPorts := map[int32][]string{}
	openPorts := map[int32]bool{}
	for _, rule := range app.Spec.Egress {
		ns, cidrs := peersIn(rule.To)
		for _, p := range rule.Ports {
			egressPorts[p.Port.IntVal] = append(egressPorts[p.Port.IntVal], append(ns, cidrs...)...)
			if len(rule.To) == 0 {
				openPorts[p.Port.IntVal] = true
			}
		}
	}
	if !slices.Contains(egressPorts[53], "kube-system") {
		t.Errorf("egress lacks DNS: %v", egressPorts)
	}
	if _, ok := egressPorts[8200]; ok != (get(v, "vault.enabled") == true) {
		t.Errorf("Vault egress present=%v with vault.enabled=%v", ok, get(v, "vault.enabled"))
	}
	dbPort := map[string]int32{"mysql": 3306, "mongodb": 27017}[get(v, "database.type").(string)]
	if dbPort == 0 {
		for port := range egressPorts {
			if port != 53 && port != 8200 {
				t.Errorf("the memory store needs no database egress, got port %d: %v", port, egressPorts)
			}
		}
		return
	}
	peers, ok := egressPorts[dbPort]
	if !ok {
		t.Fatalf("no egress to the database port %d: %v", dbPort, egressPorts)
	}
	wantPeers := []string{}
	if ns, _ := get(v, "networkPolicy.egress.database.namespace").(string); ns != "" {
		wantPeers = append(wantPeers, ns)
	}
	for _, c := range get(v, "networkPolicy.egress.database.cidrs").([]any) {
		wantPeers = append(wantPeers, c.(string))
	}
	if !slices.Equal(peers, wantPeers) || openPorts[dbPort] != (len(wantPeers) == 0) {
		t.Errorf("database egress peers %v (open to all: %v), want %v", peers, openPorts[dbPort], wantPeers)
	}
}

func checkHelmTest(t *testing.T, r *rendered) {
	t.Helper()
	pod := one[*corev1.Pod](t, r, "Pod")
	if pod.Annotations["helm.sh/hook"] != "test" {
		t.Errorf("the test pod is not a Helm test hook: %v", pod.Annotations)
	}
	svc := one[*corev1.Service](t, r, "Service")
	if labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
		t.Error("the Service selects the Helm test pod; it would receive app traffic")
	}
	script := strings.Join(pod.Spec.Containers[0].Args, "\n")
	for _, want := range []string{"/readyz", "/api/entries", "$MESSAGE"} {
		if !strings.Contains(script, want) {
			t.Errorf("the Helm test does not check %s", want)
		}
	}
}
