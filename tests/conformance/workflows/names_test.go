package workflows

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The repository variables table in the docs is what a user copies into the
// repository settings; this test proves the workflows, that table and the
// Terraform plan of envs/dev agree on every name in it.
const docsPath = "../../../docs/development-workflow.md"

var (
	tableRow  = regexp.MustCompile("^\\|\\s*`([A-Z][A-Z0-9_]*)`\\s*\\|([^|]*)\\|")
	roleCell  = regexp.MustCompile("IAM role `([A-Za-z0-9+=,.@_-]+)`")
	ecrCell   = regexp.MustCompile("ECR repository `([a-z0-9._/-]+)`")
	outputKey = regexp.MustCompile("`cluster_vars` key `([A-Z0-9_]+)`")
	bootstrap = regexp.MustCompile("`state_bucket` output of `terraform/bootstrap`")
)

type documentedVar struct {
	role, ecr, clusterVar string
	stateBucket           bool
}

func readVariablesTable(t *testing.T) map[string]documentedVar {
	t.Helper()
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatalf("reading the repository variables table: %v", err)
	}
	vars := map[string]documentedVar{}
	for _, line := range strings.Split(string(data), "\n") {
		m := tableRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var d documentedVar
		if r := roleCell.FindStringSubmatch(m[2]); r != nil {
			d.role = r[1]
		}
		if r := ecrCell.FindStringSubmatch(m[2]); r != nil {
			d.ecr = r[1]
		}
		if r := outputKey.FindStringSubmatch(m[2]); r != nil {
			d.clusterVar = r[1]
		}
		d.stateBucket = bootstrap.MatchString(m[2])
		if d == (documentedVar{}) {
			t.Errorf("%s: variable %s says neither `IAM role `name``, `ECR repository `name``, `cluster_vars` key `KEY`` nor the `state_bucket` output of `terraform/bootstrap`, so nothing ties it to Terraform", docsPath, m[1])
		}
		vars[m[1]] = d
	}
	if len(vars) == 0 {
		t.Fatalf("%s has no repository variables table (rows like | `AWS_REGION` | ... |)", docsPath)
	}
	return vars
}

// roleUse is one job that assumes a role through a repository variable.
type roleUse struct {
	where    string
	variable string
	subjects []string // OIDC `sub` suffixes the job's tokens carry, after "repo:OWNER/REPO:"
	workflow string   // the job's workflow file, as its token's job_workflow_ref names it
}

func TestWorkflowVariablesAreDocumented(t *testing.T) {
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	documented := readVariablesTable(t)
	used := map[string]string{}
	for _, wf := range wfs {
		for v, line := range VarRefs(wf.Root) {
			if _, seen := used[v]; !seen {
				used[v] = fmt.Sprintf("%s:%d", wf.Name(), line)
			}
		}
	}
	for v, where := range used {
		if _, ok := documented[v]; !ok {
			t.Errorf("%s uses vars.%s, which the repository variables table in %s does not list", where, v, docsPath)
		}
	}
	for v := range documented {
		if _, ok := used[v]; !ok {
			t.Errorf("%s lists %s, but no workflow uses it; remove the row", docsPath, v)
		}
	}
	for _, u := range roleUses(t, wfs) {
		if documented[u.variable].role == "" {
			t.Errorf("%s assumes vars.%s, which the table does not document as an IAM role", u.where, u.variable)
		}
	}
}

// The GitHub OIDC roles and the ECR repositories of terraform/envs/dev are
// applied (alone, with -target) to the local AWS emulator; the test then reads
// their names and trust policies from the state, as Terraform created them.
func TestWorkflowNamesMatchTerraform(t *testing.T) {
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	documented := readVariablesTable(t)
	env, err := NewEnv(repoRoot, "dev", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()

	var targets []string
	for _, module := range []string{"modules/github-oidc", "modules/ecr"} {
		calls, err := env.ModuleCalls(module)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 {
			t.Fatalf("terraform/envs/dev calls no ../../%s module; the workflows' roles and image repository come from it", module)
		}
		for _, c := range calls {
			targets = append(targets, "module."+c)
		}
	}
	start := time.Now()
	state, err := env.Apply(targets...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("applied %v to the emulator in %s", targets, time.Since(start).Round(time.Second))

	roles := map[string]Resource{}
	for _, r := range state.Resources("aws_iam_role") {
		if name, ok := r.Values["name"].(string); ok {
			roles[name] = r
		}
	}
	repos := map[string]Resource{}
	for _, r := range state.Resources("aws_ecr_repository") {
		if name, ok := r.Values["name"].(string); ok {
			repos[name] = r
		}
	}
	// tests/conformance/testdata/cluster-vars.json has exactly the keys of Terraform's
	// cluster_vars output (the gitops suite checks that against Terraform).
	var clusterVars map[string]string
	if data, err := os.ReadFile(filepath.Join(repoRoot, "tests/conformance/testdata/cluster-vars.json")); err != nil {
		t.Errorf("cluster vars fixture: %v", err)
	} else if err := json.Unmarshal(data, &clusterVars); err != nil {
		t.Errorf("cluster vars fixture: %v", err)
	}

	for v, d := range documented {
		if d.role != "" {
			if _, ok := roles[d.role]; !ok {
				t.Errorf("%s is documented as the ARN of IAM role %s, but terraform/envs/dev creates no role of that name (roles: %s)", v, d.role, keys(roles))
			}
		}
		if d.ecr != "" {
			repo, ok := repos[d.ecr]
			switch {
			case !ok:
				t.Errorf("%s is documented as ECR repository %s, but terraform/envs/dev creates no repository of that name (repositories: %s)", v, d.ecr, keys(repos))
			case repo.Values["image_tag_mutability"] != "IMMUTABLE":
				t.Errorf("ECR repository %s has image_tag_mutability %v; release.yml relies on IMMUTABLE so a commit's tag can never be overwritten", d.ecr, repo.Values["image_tag_mutability"])
			}
		}
		if d.stateBucket {
			outputs, err := os.ReadFile(filepath.Join(repoRoot, "terraform/bootstrap/outputs.tf"))
			if err != nil || !strings.Contains(string(outputs), `output "state_bucket" {`) {
				t.Errorf("%s is documented as the state_bucket output of terraform/bootstrap, which has no such output (%v)", v, err)
			}
		}
		if d.clusterVar != "" {
			if _, ok := clusterVars[d.clusterVar]; !ok {
				t.Errorf("%s is documented as cluster_vars key %s, which Terraform's cluster_vars output does not have", v, d.clusterVar)
			}
		}
	}

	// Each job that assumes a role must present an OIDC subject the role trusts;
	// otherwise the first real run fails in AssumeRoleWithWebIdentity.
	for _, u := range roleUses(t, wfs) {
		roleName := documented[u.variable].role
		role, ok := roles[roleName]
		if !ok {
			continue // reported above
		}
		policy, _ := role.Values["assume_role_policy"].(string)
		trusted, err := trustedSubjects(policy)
		if err != nil {
			t.Errorf("role %s: %v", roleName, err)
			continue
		}
		for _, want := range u.subjects {
			if !anyMatch(trusted, want) {
				t.Errorf("%s runs with OIDC subject repo:<owner>/<repo>:%s, but role %s trusts only %q", u.where, want, roleName, trusted)
			}
		}
		// job_workflow_ref is <owner>/<repo>/<workflow file>@<ref>: the role must pin exactly
		// the file this job lives in, so another workflow reaching the same branch or
		// environment cannot assume it.
		pinned, err := trustedWorkflowRef(policy)
		if err != nil {
			t.Errorf("role %s: %v", roleName, err)
			continue
		}
		if _, file, ok := strings.Cut(strings.TrimSuffix(pinned, "@*"), "/"); !ok || !strings.HasSuffix(pinned, "@*") {
			t.Errorf("role %s pins job_workflow_ref %q, not <owner>/<repo>/<workflow file>@*", roleName, pinned)
		} else if _, file, _ = strings.Cut(file, "/"); file != u.workflow {
			t.Errorf("%s is in %s, but role %s trusts only the workflow file %q (job_workflow_ref %q)", u.where, u.workflow, roleName, file, pinned)
		}
	}
}

// trustedWorkflowRef returns the one job_workflow_ref pattern a trust policy's Allow statement
// matches under StringLike.
func trustedWorkflowRef(policy string) (string, error) {
	var doc struct {
		Statement []struct {
			Effect    string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return "", err
	}
	for _, s := range doc.Statement {
		if ref, ok := s.Condition["StringLike"]["token.actions.githubusercontent.com:job_workflow_ref"].(string); s.Effect == "Allow" && ok {
			return ref, nil
		}
	}
	return "", fmt.Errorf("the trust pins no job_workflow_ref (one string under StringLike)")
}

// roleUses finds every configure-aws-credentials step and works out, from the
// workflow's triggers and the job's environment, which OIDC subjects its token has.
func roleUses(t *testing.T, wfs []Workflow) []roleUse {
	t.Helper()
	roleVar := regexp.MustCompile(`^\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}$`)
	var out []roleUse
	for _, wf := range wfs {
		for _, job := range wf.Jobs() {
			for _, step := range job.Steps() {
				if ActionName(step.Uses()) != oidcAction {
					continue
				}
				where := wf.Name() + " job " + job.ID
				r := step.With("role-to-assume")
				if r == nil {
					t.Errorf("%s: configure-aws-credentials without role-to-assume", where)
					continue
				}
				m := roleVar.FindStringSubmatch(r.Value)
				if m == nil {
					t.Errorf("%s: role-to-assume is %q; take the ARN from a repository variable, ${{ vars.NAME }}", where, r.Value)
					continue
				}
				subjects := jobSubjects(wf, job)
				if len(subjects) == 0 {
					t.Errorf("%s: cannot tell which events run this job; give it an environment or an `if:` on github.event_name", where)
				}
				out = append(out, roleUse{where: where, variable: m[1], subjects: subjects, workflow: ".github/workflows/" + wf.Name()})
			}
		}
	}
	return out
}

// jobSubjects follows GitHub's `sub` claim format: an environment wins; else
// pull_request events give "pull_request" and pushes "ref:refs/heads/<branch>".
func jobSubjects(wf Workflow, job Job) []string {
	if env := get(job.Node, "environment"); env != nil {
		if env.Kind == yaml.MappingNode {
			env = get(env, "name")
		}
		if env != nil {
			return []string{"environment:" + env.Value}
		}
	}
	cond := ""
	if c := get(job.Node, "if"); c != nil {
		cond = c.Value
	}
	var out []string
	for _, event := range wf.Triggers() {
		if strings.Contains(cond, "github.event_name ==") && !strings.Contains(cond, "github.event_name == '"+event+"'") {
			continue
		}
		switch event {
		case "pull_request":
			out = append(out, "pull_request")
		case "push":
			branches := get(get(get(wf.Root, "on"), "push"), "branches")
			if branches == nil {
				return nil // any branch: no fixed subject
			}
			for _, b := range branches.Content {
				out = append(out, "ref:refs/heads/"+b.Value)
			}
		default:
			return nil
		}
	}
	return out
}

// trustedSubjects returns the `sub` values (with "repo:OWNER/REPO:" cut off)
// that a trust policy allows for GitHub's OIDC provider.
func trustedSubjects(policy string) ([]string, error) {
	var doc struct {
		Statement []struct {
			Effect    string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			continue
		}
		for _, cond := range s.Condition {
			v, ok := cond["token.actions.githubusercontent.com:sub"]
			if !ok {
				continue
			}
			values, ok := v.([]any)
			if !ok {
				values = []any{v}
			}
			for _, x := range values {
				sub, _ := x.(string)
				parts := strings.SplitN(sub, ":", 3)
				if len(parts) == 3 && parts[0] == "repo" {
					out = append(out, parts[2])
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("trust policy has no token.actions.githubusercontent.com:sub condition: %s", policy)
	}
	return out, nil
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) string {
	var k []string
	for name := range m {
		k = append(k, name)
	}
	sort.Strings(k)
	return strings.Join(k, ", ")
}
