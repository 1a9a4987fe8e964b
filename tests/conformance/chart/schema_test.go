package chart

import (
	"strings"
	"testing"

	"github.com/bkt-platform/platform/tests/conformance/gitops"
)

// Values that break the chart's rules must be refused with a message that names the problem.
func TestValuesViolatingTheSchemaAreRejected(t *testing.T) {
	tests := map[string]struct {
		values map[string]any
		want   string
	}{
		"unknown top-level key":        {map[string]any{"replicas": 3}, "additional properties 'replicas'"},
		"unknown nested key":           {map[string]any{"ingress": map[string]any{"hostname": "a.example.com"}}, "additional properties 'hostname'"},
		"ingress without host":         {map[string]any{"ingress": map[string]any{"enabled": true}}, "/ingress/host"},
		"ingress host with a scheme":   {map[string]any{"ingress": map[string]any{"enabled": true, "host": "https://a.example.com"}}, "/ingress/host"},
		"unknown database type":        {map[string]any{"database": map[string]any{"type": "postgres"}}, "/database/type"},
		"database without vault":       {map[string]any{"database": map[string]any{"type": "mysql"}}, "/vault/enabled"},
		"mutable image tag":            {map[string]any{"image": map[string]any{"tag": "latest"}}, "/image/tag"},
		"short sha":                    {map[string]any{"image": map[string]any{"tag": "0123abc"}}, "/image/tag"},
		"zero replicas":                {map[string]any{"replicaCount": 0}, "/replicaCount"},
		"empty message":                {map[string]any{"config": map[string]any{"message": ""}}, "/config/message"},
		"bad log level":                {map[string]any{"config": map[string]any{"logLevel": "trace"}}, "/config/logLevel"},
		"shutdown delay without unit":  {map[string]any{"shutdownDelay": "10"}, "/shutdownDelay"},
		"CIDR that is not one":         {map[string]any{"networkPolicy": map[string]any{"ingress": map[string]any{"loadBalancerCIDRs": []any{"vpc"}}}}, "/networkPolicy/ingress/loadBalancerCIDRs/0"},
		"service monitor bad interval": {map[string]any{"serviceMonitor": map[string]any{"enabled": true, "interval": "often"}}, "/serviceMonitor/interval"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := gitops.RenderChart(root(t), chartPath, release, namespace, tc.values)
			if err == nil {
				t.Fatalf("values %v rendered; want a schema error", tc.values)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not point at %q", err, tc.want)
			}
		})
	}
}

// The schema alone cannot see every cross-key rule; the template guard must hold even when a
// schema check is bypassed (helm --skip-schema-validation).
func TestTemplateGuardRefusesDatabaseWithoutVault(t *testing.T) {
	err := renderSkippingSchema(t, map[string]any{"database": map[string]any{"type": "mongodb"}})
	if err == nil || !strings.Contains(err.Error(), "needs vault.enabled=true") {
		t.Fatalf("render = %v; want the template's vault guard", err)
	}
}
