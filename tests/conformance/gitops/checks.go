package gitops

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/bkt-platform/platform/tests/conformance/internal/kube"
)

// Policy holds the platform's fixed names; tests and fixtures share one value.
type Policy struct {
	// ALBs are the load balancers Ingresses may use, one IngressClass each.
	ALBs         []ALB
	ALBScheme    string
	ALBSSLPolicy string
	// ExemptNamespaces are namespaces the tree uses but does not create, with the reason.
	ExemptNamespaces map[string]string
	// UnverifiableGroups are API groups whose published Go types cannot be used here, with the
	// reason; their objects are decoded strictly into the shapes of shapes.go instead.
	UnverifiableGroups map[string]string
}

// ALB is one load balancer as Ingresses see it: its class, the IngressClassParams and IngressGroup
// behind it, and the cluster var holding its frontend security group (Terraform's). Every Ingress
// of the class must name exactly that group, or the controller would create an open one.
type ALB struct {
	IngressClass       string
	IngressClassParams string
	Group              string
	SecurityGroupVar   string
}

// PlatformPolicy is what the dev tree must satisfy.
var PlatformPolicy = Policy{
	ALBs: []ALB{
		{IngressClass: "alb", IngressClassParams: "public", Group: "bkt-public", SecurityGroupVar: "ALB_PUBLIC_SECURITY_GROUP_ID"},
		{IngressClass: "alb-admin", IngressClassParams: "admin", Group: "bkt-admin", SecurityGroupVar: "ALB_ADMIN_SECURITY_GROUP_ID"},
	},
	ALBScheme:    "internet-facing",
	ALBSSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
	ExemptNamespaces: map[string]string{
		"kube-system": "managed by EKS; aws-node and kube-proxy need privileged pods",
		"flux-system": "created by make up; the Flux Operator's FluxInstance (cluster.networkPolicy) gives it Flux's own NetworkPolicies",
	},
	UnverifiableGroups: map[string]string{
		"external-secrets.io":            "Go types are a separate module with no published version on the Go proxy",
		"generators.external-secrets.io": "Go types are a separate module with no published version on the Go proxy",
		"elbv2.k8s.aws":                  "Go types live in the controller's main module, not on the Go proxy here",
		"postgresql.cnpg.io":             "Go types live in the operator's main module, not on the Go proxy here",
		"k8s.mariadb.com":                "Go types live in the operator's main module, not on the Go proxy here",
		"fluxcd.controlplane.io":         "Go types live in the Flux Operator's main module, whose v0.59.0 needs Go 1.27 (this suite builds with 1.26)",
	},
}

var (
	// varRef finds ${NAME} and ${NAME:=default}; a preceding $ escapes it (Flux writes ${NAME}).
	varRef      = regexp.MustCompile(`(\$?)\$\{([^}]*)\}`)
	varName     = regexp.MustCompile(`^[_A-Za-z][_A-Za-z0-9]*$`)
	exactSemver = regexp.MustCompile(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	secretValue = regexp.MustCompile(`(?i)^(password|passwd|secret|secret_key|token|api_?key|admin_?password|root_?password|client_?secret)$`)
	privateKey  = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)
)

// VarRefs returns the cluster-var references of one unsubstituted object: name → has default.
func VarRefs(unsubstituted []byte) map[string]bool {
	refs := map[string]bool{}
	for _, m := range varRef.FindAllSubmatch(unsubstituted, -1) {
		if len(m[1]) > 0 {
			continue
		}
		expr := string(m[2])
		name, _, hasDefault := strings.Cut(expr, ":=")
		refs[name] = refs[name] || hasDefault
	}
	return refs
}

// CheckVars fails on a reference that is not a cluster var and has no default, and on a cluster
// var nobody uses.
func CheckVars(tree *Tree, vars map[string]string, varsFile string) []Finding {
	var out []Finding
	used := map[string]bool{}
	for _, o := range tree.Objects {
		for name, hasDefault := range VarRefs(o.Unsubstituted) {
			used[name] = true
			switch {
			case !varName.MatchString(name):
				out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("${%s} is not a valid variable reference; write ${UPPER_SNAKE} or escape a literal as $${...}", name)})
			case !hasDefault && !hasKey(vars, name):
				out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("${%s} is not a key of Terraform's cluster_vars output (%s) and has no ${%s:=default}; add the key to cluster_vars or fix the name", name, varsFile, name)})
			}
		}
	}
	for _, k := range SortedKeys(vars) {
		if !used[k] {
			out = append(out, Finding{varsFile, "", fmt.Sprintf("cluster var %s is used nowhere under gitops/; use it or remove it from Terraform's cluster_vars output", k)})
		}
	}
	return out
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// CheckDecode decodes every object strictly into its published Go type.
func CheckDecode(tree *Tree, p Policy) []Finding {
	var out []Finding
	for _, o := range tree.Objects {
		if _, err := kube.DecodeStrict(o.YAML); err != nil {
			if errors.Is(err, kube.ErrUnregisteredKind) {
				av, k := o.Kind()
				group, _, _ := strings.Cut(av, "/")
				if _, ok := p.UnverifiableGroups[group]; ok && strings.Contains(av, "/") {
					if err := checkShape(av, k, o.YAML); err != nil {
						out = append(out, Finding{o.File, o.ID(), "does not decode strictly into its shape: " + err.Error()})
					}
					continue
				}
			}
			out = append(out, Finding{o.File, o.ID(), "does not decode strictly into its API type: " + err.Error()})
		}
	}
	return out
}

// Unverified lists objects checked against a shape instead of a published Go type, for the test log.
func Unverified(tree *Tree, p Policy) []string {
	var out []string
	for _, o := range tree.Objects {
		av, _ := o.Kind()
		group, _, _ := strings.Cut(av, "/")
		if reason, ok := p.UnverifiableGroups[group]; ok && strings.Contains(av, "/") {
			out = append(out, fmt.Sprintf("%s: %s (%s)", o.File, o.ID(), reason))
		}
	}
	return out
}

func decodeAs[T any](o Object) (*T, error) {
	obj, err := kube.DecodeStrict(o.YAML)
	if err != nil {
		return nil, err
	}
	t, ok := any(obj).(*T)
	if !ok {
		return nil, fmt.Errorf("decoded as %T", obj)
	}
	return t, nil
}

func objectsOfKind(tree *Tree, kind string) []Object {
	var out []Object
	for _, o := range tree.Objects {
		if _, k := o.Kind(); k == kind {
			out = append(out, o)
		}
	}
	return out
}

// CheckHelmReleases requires an exact chart version from a source in the tree (or a chart
// folder of this repository), a timeout, retries for install and upgrade, and a comment that
// links the values reference.
func CheckHelmReleases(tree *Tree) []Finding {
	var out []Finding
	present := map[string]bool{}
	for _, o := range tree.Objects {
		_, k := o.Kind()
		u := o.Unstructured()
		present[k+"/"+u.GetNamespace()+"/"+u.GetName()] = true
	}
	for _, o := range objectsOfKind(tree, helmv2.HelmReleaseKind) {
		hr, err := decodeAs[helmv2.HelmRelease](o)
		if err != nil {
			continue // CheckDecode reports it
		}
		add := func(msg string) { out = append(out, Finding{o.File, o.ID(), msg}) }
		if hr.Spec.Chart == nil {
			add("spec.chart.spec is required (chartRef releases cannot be pinned and checked here)")
			continue
		}
		chart := hr.Spec.Chart.Spec
		ref := chart.SourceRef
		refNS := ref.Namespace
		if refNS == "" {
			refNS = hr.Namespace
		}
		switch ref.Kind {
		case "HelmRepository":
			if !exactSemver.MatchString(chart.Version) {
				add(fmt.Sprintf("chart %s version %q is not an exact version; pin it, e.g. version: \"1.2.3\"", chart.Chart, chart.Version))
			}
			if !present["HelmRepository/"+refNS+"/"+ref.Name] {
				add(fmt.Sprintf("sourceRef HelmRepository %s/%s is not defined in the tree", refNS, ref.Name))
			}
			if !fileContains(tree.Root, o.File, "Values reference: https://") {
				add("add a comment `# Values reference: https://...` linking the chart's values.yaml")
			}
		case "GitRepository":
			if ref.Name != FluxSourceName {
				add("charts from Git must come from GitRepository flux-system (this repository)")
			} else if _, err := os.Stat(filepath.Join(tree.Root, chart.Chart, "Chart.yaml")); err != nil {
				add(fmt.Sprintf("chart %s has no Chart.yaml in this repository", chart.Chart))
			}
			if chart.Version != "" && !exactSemver.MatchString(chart.Version) {
				add(fmt.Sprintf("chart version %q is not exact", chart.Version))
			}
		default:
			add(fmt.Sprintf("chart source kind %q cannot be verified here; use a HelmRepository or this repository", ref.Kind))
		}
		if hr.Spec.Timeout == nil || hr.Spec.Timeout.Duration <= 0 {
			add("spec.timeout is required so a stuck install fails instead of hanging")
		}
		if !retries(hr.Spec.Install) {
			add("spec.install needs remediation.retries > 0 or strategy.name: RetryOnFailure (the default is 0 retries)")
		}
		if !retries(hr.Spec.Upgrade) {
			add("spec.upgrade needs remediation.retries > 0 or strategy.name: RetryOnFailure (the default is 0 retries)")
		}
		for _, dep := range hr.Spec.DependsOn {
			ns := dep.Namespace
			if ns == "" {
				ns = hr.Namespace
			}
			if !present["HelmRelease/"+ns+"/"+dep.Name] {
				add(fmt.Sprintf("dependsOn HelmRelease %s/%s is not defined in the tree", ns, dep.Name))
			}
		}
		if ref.Kind == "HelmRepository" && !setsResources(hr.GetValues()) {
			add("values set no resources; give every workload of the chart requests and a memory limit sized for the dev cluster")
		}
		if ref.Kind == "HelmRepository" && enablesIngress(hr.GetValues()) {
			add("values enable the chart's own Ingress, which cannot be rendered and checked here; write an Ingress object next to the release instead (class alb, host <service>.${DOMAIN})")
		}
		out = append(out, secretsInValues(o, hr)...)
	}
	return out
}

type retrier interface {
	GetRemediation() helmv2.Remediation
	GetRetry(bool) helmv2.Retry
}

func retries[T retrier](action *T) bool {
	if action == nil {
		return false
	}
	a := *action
	if a.GetRetry(false) != nil {
		return true
	}
	return a.GetRemediation().GetRetries() > 0
}

func fileContains(root, file, text string) bool {
	data, err := os.ReadFile(filepath.Join(root, file))
	return err == nil && strings.Contains(string(data), text)
}

// setsResources reports whether any resources block with requests appears in the values.
func setsResources(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if r, ok := t["resources"].(map[string]any); ok {
			if _, ok := r["requests"]; ok {
				return true
			}
		}
		for _, child := range t {
			if setsResources(child) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if setsResources(e) {
				return true
			}
		}
	}
	return false
}

// enablesIngress reports whether any ingress block of the values is enabled.
func enablesIngress(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if ing, ok := t["ingress"].(map[string]any); ok && ing["enabled"] == true {
			return true
		}
		for _, child := range t {
			if enablesIngress(child) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if enablesIngress(e) {
				return true
			}
		}
	}
	return false
}

// secretsInValues flags a literal, non-empty value under a key that names a secret.
func secretsInValues(o Object, hr *helmv2.HelmRelease) []Finding {
	values := hr.GetValues()
	var out []Finding
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range SortedKeys(t) {
				child := t[k]
				if s, ok := child.(string); ok && s != "" && secretValue.MatchString(k) {
					out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("values %s%s holds a literal secret; generate it in the cluster or read it from Vault and reference the Secret", path, k)})
				}
				walk(path+k+".", child)
			}
		case []any:
			for i, e := range t {
				walk(fmt.Sprintf("%s%d.", path, i), e)
			}
		}
	}
	walk("", values)
	return out
}

// CheckSecrets fails on any Secret in Git and on anything that looks like a private key.
func CheckSecrets(tree *Tree) []Finding {
	var out []Finding
	for _, o := range tree.Objects {
		if av, k := o.Kind(); k == "Secret" && av == "v1" {
			out = append(out, Finding{o.File, o.ID(), "a Secret in Git is plaintext (base64 is not encryption); generate it with an External Secrets generator or read it from Vault with an ExternalSecret"})
		}
		if privateKey.Match(o.YAML) {
			out = append(out, Finding{o.File, o.ID(), "contains a private key; keys belong in Vault"})
		}
	}
	return out
}

var clusterScoped = map[string]bool{
	"Namespace": true, "StorageClass": true, "IngressClass": true, "IngressClassParams": true,
	"ClusterSecretStore": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"CustomResourceDefinition": true, "PriorityClass": true, "ClusterGenerator": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
}

var psaLevels = []string{"privileged", "baseline", "restricted"}

// CheckNamespaces requires Pod Security labels and a default-deny NetworkPolicy in every
// namespace the tree creates, and that every namespace it uses is created by it or exempt.
func CheckNamespaces(tree *Tree, p Policy) []Finding {
	var out []Finding
	declared := map[string]Object{}
	for _, o := range objectsOfKind(tree, "Namespace") {
		ns, err := decodeAs[corev1.Namespace](o)
		if err != nil {
			continue
		}
		declared[ns.Name] = o
		for _, mode := range []string{"enforce", "audit", "warn"} {
			label := "pod-security.kubernetes.io/" + mode
			if v, ok := ns.Labels[label]; !ok || !slices.Contains(psaLevels, v) {
				out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("label %s must be one of %v (restricted unless the workload needs less; say why in a comment)", label, psaLevels)})
			}
		}
		if level := ns.Labels["pod-security.kubernetes.io/enforce"]; level != "" && level != "restricted" && !fileContains(tree.Root, o.File, "#") {
			out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("enforces %s, less than restricted; add a comment saying which workload needs it and why", level)})
		}
	}
	denies := map[string]bool{}
	for _, o := range objectsOfKind(tree, "NetworkPolicy") {
		np, err := decodeAs[networkingv1.NetworkPolicy](o)
		if err != nil {
			continue
		}
		if isDefaultDeny(np) {
			denies[np.Namespace] = true
		}
	}
	for _, name := range SortedKeys(declared) {
		if !denies[name] {
			o := declared[name]
			out = append(out, Finding{o.File, o.ID(), "no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); include gitops/infrastructure/components/namespace-baseline"})
		}
	}
	reported := map[string]bool{}
	for _, o := range tree.Objects {
		_, k := o.Kind()
		if clusterScoped[k] {
			continue
		}
		ns := o.Unstructured().GetNamespace()
		if ns == "" {
			out = append(out, Finding{o.File, o.ID(), "namespaced object without a namespace; set it in the folder's kustomization.yaml"})
			continue
		}
		if _, ok := declared[ns]; ok {
			continue
		}
		if _, ok := p.ExemptNamespaces[ns]; ok || reported[ns] {
			continue
		}
		reported[ns] = true
		out = append(out, Finding{o.File, o.ID(), fmt.Sprintf("namespace %s is not created by the tree; add its Namespace (with Pod Security labels) next to the component", ns)})
	}
	return out
}

func isDefaultDeny(np *networkingv1.NetworkPolicy) bool {
	return len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 &&
		slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) &&
		slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) &&
		len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0
}

// Annotations that would move an Ingress off the shared ALB or weaken its TLS settings.
// The annotations naming an Ingress's frontend security groups, and whether the controller manages
// the node rules for them.
const (
	albSecurityGroups     = "alb.ingress.kubernetes.io/security-groups"
	albManageBackendRules = "alb.ingress.kubernetes.io/manage-backend-security-group-rules"
)

var sharedALBAnnotations = []string{
	"kubernetes.io/ingress.class",
	"alb.ingress.kubernetes.io/group.name",
	"alb.ingress.kubernetes.io/scheme",
	"alb.ingress.kubernetes.io/certificate-arn",
	"alb.ingress.kubernetes.io/ssl-policy",
	"alb.ingress.kubernetes.io/ssl-redirect",
}

// CheckIngresses requires every Ingress to use one of the platform's HTTPS ALBs, naming that
// ALB's frontend security group, with a host under DOMAIN, and each ALB in use to be configured as
// the platform promises.
func CheckIngresses(tree *Tree, p Policy, vars map[string]string) []Finding {
	var out []Finding
	hosts := map[string]string{}
	used := map[string]bool{}
	for _, o := range objectsOfKind(tree, "Ingress") {
		findings, class := checkIngress(o, p, vars, hosts)
		out = append(out, findings...)
		used[class] = true
	}
	for _, alb := range p.ALBs {
		if used[alb.IngressClass] {
			out = append(out, checkALB(tree, alb, p, vars)...)
		}
	}
	return out
}

func (p Policy) classNames() []string {
	var names []string
	for _, alb := range p.ALBs {
		names = append(names, strconv.Quote(alb.IngressClass))
	}
	return names
}

func checkIngress(o Object, p Policy, vars map[string]string, hosts map[string]string) ([]Finding, string) {
	var out []Finding
	ing, err := decodeAs[networkingv1.Ingress](o)
	if err != nil {
		return nil, ""
	}
	domain := vars["DOMAIN"]
	add := func(msg string) { out = append(out, Finding{o.File, o.ID(), msg}) }
	var alb *ALB
	for i := range p.ALBs {
		if ing.Spec.IngressClassName != nil && *ing.Spec.IngressClassName == p.ALBs[i].IngressClass {
			alb = &p.ALBs[i]
		}
	}
	if alb == nil {
		add(fmt.Sprintf("spec.ingressClassName must be one of %s (the platform's HTTPS ALBs)", strings.Join(p.classNames(), ", ")))
	} else {
		for _, a := range sharedALBAnnotations {
			if _, ok := ing.Annotations[a]; ok {
				add(fmt.Sprintf("annotation %s overrides the ALB settings; remove it (IngressClassParams %s sets them)", a, alb.IngressClassParams))
			}
		}
		if got, want := ing.Annotations[albSecurityGroups], vars[alb.SecurityGroupVar]; got != want || want == "" {
			add(fmt.Sprintf("annotation %s is %q, want ${%s} (%q): without Terraform's frontend group the controller creates one open to 0.0.0.0/0", albSecurityGroups, got, alb.SecurityGroupVar, want))
		}
		if got := ing.Annotations[albManageBackendRules]; got != "false" {
			add(fmt.Sprintf("annotation %s is %q, want \"false\": the eks module writes the rule that admits the ALB to the pods", albManageBackendRules, got))
		}
	}
	if lp := ing.Annotations["alb.ingress.kubernetes.io/listen-ports"]; !strings.Contains(strings.ReplaceAll(lp, " ", ""), `{"HTTPS":443}`) {
		add(`annotation alb.ingress.kubernetes.io/listen-ports must include {"HTTPS": 443}`)
	}
	if ing.Spec.DefaultBackend != nil {
		add("spec.defaultBackend would catch every host on the shared ALB; route by host instead")
	}
	if len(ing.Spec.Rules) == 0 {
		add("no rules; every UI needs a host rule <service>.DOMAIN")
	}
	for _, r := range ing.Spec.Rules {
		label, rest, ok := strings.Cut(r.Host, ".")
		if !ok || rest != domain || label == "" {
			add(fmt.Sprintf("host %q must be <service>.%s (cluster var DOMAIN)", r.Host, domain))
			continue
		}
		if prev, dup := hosts[r.Host]; dup {
			add(fmt.Sprintf("host %s is already used by %s", r.Host, prev))
		}
		hosts[r.Host] = o.ID()
	}
	if alb == nil {
		return out, ""
	}
	return out, alb.IngressClass
}

func checkALB(tree *Tree, alb ALB, p Policy, vars map[string]string) []Finding {
	var out []Finding
	var class *networkingv1.IngressClass
	var classObj Object
	for _, o := range objectsOfKind(tree, "IngressClass") {
		if ic, err := decodeAs[networkingv1.IngressClass](o); err == nil && ic.Name == alb.IngressClass {
			class, classObj = ic, o
		}
	}
	if class == nil {
		return []Finding{{"", "IngressClass/" + alb.IngressClass, "Ingresses use class " + alb.IngressClass + " but the tree does not define it"}}
	}
	if class.Spec.Controller != "ingress.k8s.aws/alb" || class.Spec.Parameters == nil ||
		class.Spec.Parameters.Kind != "IngressClassParams" || class.Spec.Parameters.Name != alb.IngressClassParams {
		out = append(out, Finding{classObj.File, classObj.ID(), fmt.Sprintf("must use controller ingress.k8s.aws/alb with parameters IngressClassParams/%s", alb.IngressClassParams)})
	}
	var params *unstructured.Unstructured
	var paramsObj Object
	for _, o := range objectsOfKind(tree, "IngressClassParams") {
		if o.Unstructured().GetName() == alb.IngressClassParams {
			params, paramsObj = o.Unstructured(), o
		}
	}
	if params == nil {
		return append(out, Finding{classObj.File, classObj.ID(), "IngressClassParams " + alb.IngressClassParams + " is not defined in the tree"})
	}
	want := map[string]string{
		"group.name":      alb.Group,
		"scheme":          p.ALBScheme,
		"sslPolicy":       p.ALBSSLPolicy,
		"sslRedirectPort": "443",
	}
	for _, field := range SortedKeys(want) {
		got, _, _ := unstructured.NestedString(params.Object, append([]string{"spec"}, strings.Split(field, ".")...)...)
		if got != want[field] {
			out = append(out, Finding{paramsObj.File, paramsObj.ID(), fmt.Sprintf("spec.%s is %q, want %q", field, got, want[field])})
		}
	}
	certs, _, _ := unstructured.NestedStringSlice(params.Object, "spec", "certificateArn")
	if len(certs) != 1 || certs[0] != vars["CERTIFICATE_ARN"] {
		out = append(out, Finding{paramsObj.File, paramsObj.ID(), "spec.certificateArn must be exactly [${CERTIFICATE_ARN}]"})
	}
	return out
}

// CheckKustomizations checks the Flux Kustomizations of the cluster folder: reconcile settings,
// the cluster-vars substitution, and a dependsOn graph without missing names or cycles.
func CheckKustomizations(tree *Tree) []Finding {
	var out []Finding
	byName := map[string]FluxKustomization{}
	for _, k := range tree.Kustomizations {
		byName[k.Spec.Namespace+"/"+k.Spec.Name] = k
	}
	for _, k := range tree.Kustomizations {
		s := k.Spec.Spec
		id := "Kustomization/" + k.Spec.Name
		add := func(msg string) { out = append(out, Finding{k.File, id, msg}) }
		if s.Interval.Duration <= 0 {
			add("spec.interval is required")
		}
		if s.RetryInterval == nil {
			add("spec.retryInterval is required so failures are retried sooner than the interval")
		}
		if s.Timeout == nil {
			add("spec.timeout is required")
		}
		if !s.Prune {
			add("spec.prune must be true so objects removed from Git are removed from the cluster")
		}
		if !s.Wait && len(s.HealthChecks) == 0 {
			add("spec.wait: true (or healthChecks) is required so dependents start after this layer is ready")
		}
		vars := false
		if s.PostBuild != nil {
			for _, ref := range s.PostBuild.SubstituteFrom {
				vars = vars || (ref.Kind == "ConfigMap" && ref.Name == ClusterVarsName && !ref.Optional)
			}
		}
		if !vars {
			add("spec.postBuild.substituteFrom must include the ConfigMap cluster-vars (not optional)")
		}
		for _, dep := range s.DependsOn {
			ns := dep.Namespace
			if ns == "" {
				ns = k.Spec.Namespace
			}
			if _, ok := byName[ns+"/"+dep.Name]; !ok {
				add(fmt.Sprintf("dependsOn %s names no Kustomization in the cluster folder", dep.Name))
			}
		}
	}
	// Depth-first search; a node met again while on the stack closes a cycle.
	state := map[string]int{}
	var stack []string
	var visit func(key string)
	visit = func(key string) {
		state[key] = 1
		stack = append(stack, key)
		k := byName[key]
		for _, dep := range k.Spec.Spec.DependsOn {
			ns := dep.Namespace
			if ns == "" {
				ns = k.Spec.Namespace
			}
			next := ns + "/" + dep.Name
			if _, ok := byName[next]; !ok {
				continue
			}
			switch state[next] {
			case 0:
				visit(next)
			case 1:
				i := slices.Index(stack, next)
				cycle := append(slices.Clone(stack[i:]), next)
				out = append(out, Finding{k.File, "Kustomization/" + k.Spec.Name, "dependsOn cycle: " + strings.Join(cycle, " -> ")})
			}
		}
		stack = stack[:len(stack)-1]
		state[key] = 2
	}
	for _, key := range SortedKeys(byName) {
		if state[key] == 0 {
			visit(key)
		}
	}
	return out
}

// CheckWorkloads evaluates every pod template in the tree against its namespace's enforced
// Pod Security level (restricted for namespaces the tree does not create).
func CheckWorkloads(tree *Tree) []Finding {
	levels := map[string]string{}
	for _, o := range objectsOfKind(tree, "Namespace") {
		levels[o.Unstructured().GetName()] = o.Unstructured().GetLabels()["pod-security.kubernetes.io/enforce"]
	}
	var out []Finding
	for _, o := range tree.Objects {
		obj, err := kube.DecodeStrict(o.YAML)
		if err != nil {
			continue
		}
		level := levels[o.Unstructured().GetNamespace()]
		if level == "" {
			level = "restricted"
		}
		violations, err := kube.CheckPodSecurity(obj, level)
		if err != nil {
			out = append(out, Finding{o.File, o.ID(), err.Error()})
		}
		for _, v := range violations {
			out = append(out, Finding{o.File, o.ID(), "violates Pod Security " + level + ": " + v})
		}
	}
	return out
}

// CheckAll runs every tree check.
func CheckAll(tree *Tree, p Policy, vars map[string]string, varsFile string) []Finding {
	var out []Finding
	out = append(out, tree.Findings...)
	out = append(out, CheckKustomizations(tree)...)
	out = append(out, CheckVars(tree, vars, varsFile)...)
	out = append(out, CheckDecode(tree, p)...)
	out = append(out, CheckHelmReleases(tree)...)
	out = append(out, CheckSecrets(tree)...)
	out = append(out, CheckNamespaces(tree, p)...)
	out = append(out, CheckIngresses(tree, p, vars)...)
	out = append(out, CheckWorkloads(tree)...)
	out = append(out, CheckJobs(tree)...)
	return out
}
