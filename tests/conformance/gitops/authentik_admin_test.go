package gitops

import (
	"testing"

	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Authentik skips its out-of-box flow (/if/flow/initial-setup/) when AUTHENTIK_BOOTSTRAP_PASSWORD
// and AUTHENTIK_BOOTSTRAP_TOKEN are set on its first start (docs.goauthentik.io, "Automated
// install"). Without them the first person to open the public flow becomes admin. Each cluster's
// authentik release must read them, and the admin's e-mail, from Secrets an ExternalSecret of the
// namespace writes once (refreshPolicy CreatedOnce) from a Password generator.
func TestClusterTreeAuthentikFirstAdminIsGenerated(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *builtCluster) { report(t, CheckAuthentikFirstAdmin(c.Tree)) })
}

// CheckAuthentikFirstAdmin is the check of TestClusterTreeAuthentikFirstAdminIsGenerated.
func CheckAuthentikFirstAdmin(tree *Tree) []Finding {
	hrObj, found := findObject(tree, helmv2.HelmReleaseKind, AuthentikNamespace, AuthentikRelease)
	if !found {
		return []Finding{{Object: "HelmRelease/" + AuthentikNamespace + "/" + AuthentikRelease, Message: "is not in the tree"}}
	}
	hr, err := decodeAs[helmv2.HelmRelease](hrObj)
	if err != nil {
		return []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	values, err := ComposeValues(tree, hr)
	if err != nil {
		return []Finding{{hrObj.File, hrObj.ID(), err.Error()}}
	}
	env := newEnvSources(tree, values)
	var out []Finding
	for _, name := range []string{"AUTHENTIK_BOOTSTRAP_PASSWORD", "AUTHENTIK_BOOTSTRAP_TOKEN", "AUTHENTIK_BOOTSTRAP_EMAIL"} {
		if problem := env.problem(name); problem != "" {
			out = append(out, Finding{hrObj.File, hrObj.ID(), problem + "; without it anyone can claim the first admin through /if/flow/initial-setup/"})
			continue
		}
		secret := env.vars[name].Secret
		for _, o := range objectsOfKind(tree, "ExternalSecret") {
			u := o.Unstructured()
			target, _, _ := unstructured.NestedString(o.Fields, "spec", "target", "name")
			if u.GetNamespace() != AuthentikNamespace || target != secret {
				continue
			}
			if policy, _, _ := unstructured.NestedString(o.Fields, "spec", "refreshPolicy"); policy != "CreatedOnce" {
				out = append(out, Finding{o.File, o.ID(), "refreshPolicy is " + policy + ", want CreatedOnce: a regenerated " + name + " no longer matches the admin Authentik created on its first start"})
			}
			from, _, _ := unstructured.NestedSlice(o.Fields, "spec", "dataFrom")
			generated := false
			for _, item := range from {
				if m, ok := item.(map[string]any); ok {
					kind, _, _ := unstructured.NestedString(m, "sourceRef", "generatorRef", "kind")
					generated = generated || kind == "Password"
				}
			}
			if !generated {
				out = append(out, Finding{o.File, o.ID(), "does not read a Password generator: " + name + " must be generated in the cluster"})
			}
		}
	}
	return out
}
