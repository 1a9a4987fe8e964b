package workflows

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	fullSHA        = regexp.MustCompile(`^[0-9a-f]{40}$`)
	versionComment = regexp.MustCompile(`^#\s*v\d+\.\d+\.\d+\S*$`)
	// The only action that needs an OIDC token here: it assumes an AWS role.
	oidcAction = "aws-actions/configure-aws-credentials"
)

// Check applies the hardening rules to the workflows and returns every
// violation as "file:line: what is wrong, and how to fix it". Some rules
// overlap zizmor's audits on purpose: they are this project's contract and
// must hold whatever a zizmor release changes; the rest (version comments, a
// reason per permission, job timeouts, concurrency) zizmor does not check.
func Check(wfs []Workflow) []string {
	var out []string
	pins := map[string]string{} // action → "sha version" first seen, to keep pins consistent
	pinAt := map[string]string{}
	for _, wf := range wfs {
		at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", wf.Name(), n.Line) }
		report := func(n *yaml.Node, format string, args ...any) {
			out = append(out, at(n)+": "+fmt.Sprintf(format, args...))
		}

		for _, t := range wf.Triggers() {
			if t == "pull_request_target" || t == "workflow_run" {
				report(get(wf.Root, "on"), "trigger %s runs with write access on code from forks; use pull_request", t)
			}
		}
		if p := get(wf.Root, "permissions"); p == nil {
			report(wf.Root, "no top-level permissions; add `permissions: {contents: read}` and widen per job")
		} else if p.Kind != yaml.MappingNode || len(p.Content) != 2 || p.Content[0].Value != "contents" || p.Content[1].Value != "read" {
			report(p, "top-level permissions must be exactly `contents: read`; grant more per job, with a comment why")
		}
		if get(wf.Root, "concurrency") == nil {
			report(wf.Root, "no concurrency group; add `concurrency:` so runs of the same ref do not race")
		}

		for _, job := range wf.Jobs() {
			if get(job.Node, "uses") != nil {
				report(job.Node, "job %s calls a reusable workflow; this repository keeps every step visible in its own workflows", job.ID)
				continue
			}
			if get(job.Node, "timeout-minutes") == nil {
				report(job.Node, "job %s has no timeout-minutes; the default of 6 hours burns runner minutes on a hang", job.ID)
			}
			assumesRole := false
			for _, step := range job.Steps() {
				uses := step.Uses()
				if ActionName(uses) == oidcAction {
					assumesRole = true
				}
				if uses == "" || strings.HasPrefix(uses, "./") {
					continue
				}
				usesNode := get(step.Node, "uses")
				if strings.HasPrefix(uses, "docker://") {
					if !strings.Contains(uses, "@sha256:") {
						report(usesNode, "%s is not pinned to an image digest; use docker://image@sha256:<digest>", uses)
					}
					continue
				}
				name, ref, _ := strings.Cut(uses, "@")
				comment := strings.TrimSpace(usesNode.LineComment)
				if !fullSHA.MatchString(ref) {
					report(usesNode, "%s is pinned to %q, not a full commit SHA; pin the 40-hex commit with `# vX.Y.Z` after it", name, ref)
					continue
				}
				if !versionComment.MatchString(comment) {
					report(usesNode, "%s@%s has no `# vX.Y.Z` comment naming the version the SHA is", name, ref[:12])
				}
				pin := ref + " " + comment
				if prev, ok := pins[name]; ok && prev != pin {
					report(usesNode, "%s is pinned to %s here but to %s at %s; use one version everywhere", name, pin, prev, pinAt[name])
				} else if !ok {
					pins[name], pinAt[name] = pin, at(usesNode)
				}
				if ActionName(uses) == "actions/checkout" {
					pc := step.With("persist-credentials")
					if pc == nil || pc.Value != "false" {
						report(usesNode, "actions/checkout without `persist-credentials: false` leaves the token in .git/config for every later step")
					}
				}
			}

			perms := get(job.Node, "permissions")
			if perms == nil || perms.Kind != yaml.MappingNode {
				report(job.Node, "job %s has no permissions mapping; list what it needs (at least `contents: read`) with a comment why", job.ID)
				continue
			}
			idToken := false
			for i := 0; i+1 < len(perms.Content); i += 2 {
				k, v := perms.Content[i], perms.Content[i+1]
				if strings.TrimSpace(v.LineComment+k.LineComment) == "" {
					report(k, "job %s: permission `%s: %s` has no comment saying why the job needs it", job.ID, k.Value, v.Value)
				}
				if k.Value == "id-token" && v.Value == "write" {
					idToken = true
				}
			}
			switch {
			case idToken && !assumesRole:
				report(keyNode(perms, "id-token"), "job %s has id-token: write but assumes no role with %s; drop it", job.ID, oidcAction)
			case assumesRole && !idToken:
				report(perms, "job %s uses %s but lacks id-token: write, so OIDC cannot work", job.ID, oidcAction)
			}
		}
	}
	return out
}
