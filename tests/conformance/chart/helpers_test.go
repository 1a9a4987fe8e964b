package chart

import (
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"sigs.k8s.io/yaml"
)

func yamlUnmarshal(b []byte, v any) error { return yaml.Unmarshal(b, v) }

// renderSkippingSchema renders like `helm template --skip-schema-validation`.
func renderSkippingSchema(t *testing.T, values map[string]any) error {
	t.Helper()
	chrt, err := loader.Load(filepath.Join(root(t), chartPath))
	if err != nil {
		t.Fatal(err)
	}
	install := action.NewInstall(&action.Configuration{})
	install.ClientOnly, install.DryRun, install.SkipSchemaValidation = true, true, true
	install.ReleaseName, install.Namespace = release, namespace
	_, err = install.Run(chrt, values)
	return err
}
