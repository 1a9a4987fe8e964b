package gitops

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// fixtureTree builds testdata/good with the files of testdata/bad/<name> laid over it; an empty
// name builds the good tree alone. Each bad case changes one thing, so a finding can only come
// from that change.
func fixtureTree(t *testing.T, name string) []Finding {
	t.Helper()
	root := t.TempDir()
	layers := []string{"testdata/good"}
	if name != "" {
		layers = append(layers, filepath.Join("testdata/bad", name))
	}
	for _, layer := range layers {
		err := filepath.WalkDir(layer, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(layer, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	vars, varsFile, err := loadFixtureVars(root)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := Build(root, fixtureClusterDir, vars)
	if err != nil {
		return []Finding{{Message: err.Error()}}
	}
	return CheckAll(tree, PlatformPolicy, vars, varsFile)
}

func loadFixtureVars(root string) (map[string]string, string, error) {
	data, err := os.ReadFile(filepath.Join(root, "cluster-vars.json"))
	if err != nil {
		return nil, "", err
	}
	vars := map[string]string{}
	return vars, "cluster-vars.json", yaml.Unmarshal(data, &vars)
}

func TestGoodFixturePasses(t *testing.T) {
	findings := fixtureTree(t, "")
	report(t, findings)
}

// Every check must be able to fail: each bad fixture has to be rejected with a message that
// names the file (and the object, where there is one) and says what is wrong.
func TestBadFixturesAreRejected(t *testing.T) {
	cases := []struct {
		name, file, object, message string
	}{
		{"unresolved-var", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "${HOSTED_ZONE} is not a key of Terraform's cluster_vars"},
		{"unused-key", "cluster-vars.json", "", "cluster var VPC_ID is used nowhere"},
		{"unknown-field", "gitops/apps/release.yaml", "HelmRelease/demo/demo", `unknown field "spec.chart.spec.versoin"`},
		{"crd-unknown-field", "gitops/infrastructure/alb.yaml", "IngressClassParams/public", `does not decode strictly into its shape: error unmarshaling JSON: while decoding JSON: json: unknown field "healthcheckPath"`},
		{"floating-version", "gitops/apps/release.yaml", "HelmRelease/demo/demo", `version ">=1.2.0" is not an exact version`},
		{"no-timeout-no-retries", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "spec.timeout is required"},
		{"no-timeout-no-retries", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "spec.install needs remediation.retries"},
		{"no-timeout-no-retries", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "spec.upgrade needs remediation.retries"},
		{"no-values-reference", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "Values reference"},
		{"chart-ingress", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "values enable the chart's own Ingress"},
		{"no-resources", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "values set no resources"},
		{"privileged-without-reason", "gitops/apps/namespace.yaml", "Namespace/demo", "enforces privileged, less than restricted; add a comment"},
		{"secret-in-values", "gitops/apps/release.yaml", "HelmRelease/demo/demo", "values admin.password holds a literal secret"},
		{"plaintext-secret", "gitops/apps/secret.yaml", "Secret/demo/demo-admin", "a Secret in Git is plaintext"},
		{"namespace-no-psa", "gitops/apps/namespace.yaml", "Namespace/demo", "label pod-security.kubernetes.io/enforce"},
		{"namespace-no-deny", "gitops/apps/namespace.yaml", "Namespace/demo", "no default-deny NetworkPolicy"},
		{"undeclared-namespace", "gitops/apps/", "", "namespace demo is not created by the tree"},
		{"ingress-other-class", "gitops/apps/ingress.yaml", "Ingress/demo/demo", `spec.ingressClassName must be one of "alb", "alb-admin"`},
		{"ingress-own-group", "gitops/apps/ingress.yaml", "Ingress/demo/demo", "annotation alb.ingress.kubernetes.io/group.name overrides the ALB settings"},
		{"ingress-no-security-group", "gitops/apps/ingress.yaml", "Ingress/demo/demo", `annotation alb.ingress.kubernetes.io/security-groups is "", want ${ALB_PUBLIC_SECURITY_GROUP_ID} ("sg-0f1e2d3c4b5a69788")`},
		{"ingress-no-security-group", "gitops/apps/ingress.yaml", "Ingress/demo/demo", `annotation alb.ingress.kubernetes.io/manage-backend-security-group-rules is "true", want "false"`},
		{"ingress-http-only", "gitops/apps/ingress.yaml", "Ingress/demo/demo", `listen-ports must include {"HTTPS": 443}`},
		{"ingress-foreign-host", "gitops/apps/ingress.yaml", "Ingress/demo/demo", `host "demo.example.org" must be <service>.fixture.test`},
		{"alb-weak-tls", "gitops/infrastructure/alb.yaml", "IngressClassParams/public", `spec.sslPolicy is "ELBSecurityPolicy-2016-08"`},
		{"dependson-missing", "gitops/clusters/dev/layers.yaml", "Kustomization/apps", "dependsOn infra names no Kustomization"},
		{"dependson-cycle", "gitops/clusters/dev/layers.yaml", "Kustomization/", "dependsOn cycle: flux-system/"},
		{"kustomization-unsafe", "gitops/clusters/dev/layers.yaml", "Kustomization/infrastructure", "spec.prune must be true"},
		{"kustomization-unsafe", "gitops/clusters/dev/layers.yaml", "Kustomization/infrastructure", "spec.wait: true"},
		{"kustomization-unsafe", "gitops/clusters/dev/layers.yaml", "Kustomization/infrastructure", "spec.retryInterval is required"},
		{"kustomization-unsafe", "gitops/clusters/dev/layers.yaml", "Kustomization/infrastructure", "substituteFrom must include the ConfigMap cluster-vars"},
		{"cluster-folder-stray", "gitops/clusters/dev/stray.yaml", "ConfigMap/flux-system/stray", "the cluster folder must hold only Flux Kustomizations"},
		{"privileged-workload", "gitops/apps/deployment.yaml", "Deployment/demo/demo", "violates Pod Security restricted: privileged"},
		{"path-missing", "gitops/clusters/dev/layers.yaml", "Kustomization/apps", `path ./gitops/apps-missing does not build`},
		{"job-stale-name", "gitops/apps/job.yaml", "Job/demo/demo-migrate-2b4g6h55kc", "so its name must end in the same hash"},
		{"job-unbounded", "gitops/apps/job.yaml", "Job/demo/demo-migrate-2b4g6h55kc", "spec.ttlSecondsAfterFinished deletes the finished Job"},
		{"job-unbounded", "gitops/apps/job.yaml", "Job/demo/demo-migrate-2b4g6h55kc", "spec.backoffLimit is required"},
		{"job-unbounded", "gitops/apps/job.yaml", "Job/demo/demo-migrate-2b4g6h55kc", "spec.activeDeadlineSeconds is required"},
	}
	for _, c := range cases {
		t.Run(c.name+": "+c.message, func(t *testing.T) {
			t.Parallel()
			findings := fixtureTree(t, c.name)
			for _, f := range findings {
				if strings.HasPrefix(f.File, c.file) && strings.HasPrefix(f.Object, c.object) && strings.Contains(f.Message, c.message) {
					return
				}
			}
			var got []string
			for _, f := range findings {
				got = append(got, f.String())
			}
			t.Errorf("want a finding %s: %s: ...%s..., got:\n  %s", c.file, c.object, c.message, strings.Join(got, "\n  "))
		})
	}
}

// fixtureClusterDir is the cluster entry of the fixture trees under testdata/.
const fixtureClusterDir = "gitops/clusters/dev"
