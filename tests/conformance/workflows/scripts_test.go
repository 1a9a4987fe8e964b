package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyScript puts one of .github/scripts into a scratch repository layout, so
// a test can run it against files it controls.
func copyScript(t *testing.T, name string) (root, script string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github/scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	root = t.TempDir()
	script = filepath.Join(root, ".github/scripts", name)
	if err := os.MkdirAll(filepath.Dir(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return root, script
}

func runScript(t *testing.T, script string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(script, args...)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// The scripts the workflows call check their input before touching anything;
// these cases stop before any cloud, cluster or network call.
func TestScriptsRejectBadInput(t *testing.T) {
	tfRoot, tfScript := copyScript(t, "terraform-env.sh")
	if err := os.MkdirAll(filepath.Join(tfRoot, "terraform/envs/dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tfRoot, "terraform/envs/dev/main.tf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, e2eScript := copyScript(t, "e2e-local.sh")
	base := []string{"PATH=" + os.Getenv("PATH")}
	github := append([]string{"GITHUB_TOKEN=x", "GITHUB_REPOSITORY=o/r", "GITHUB_SERVER_URL=https://github.com"}, base...)

	tests := []struct {
		name     string
		script   string
		env      []string
		args     []string
		wantCode int
		want     string
	}{
		{"terraform: no arguments", tfScript, base, nil, 2, "usage:"},
		{"terraform: unknown action", tfScript, base, []string{"destroy", "dev"}, 2, "usage:"},
		{"terraform: unknown environment", tfScript, base, []string{"plan", "prod"}, 2, "no Terraform environment terraform/envs/prod"},
		{"terraform: path in the environment name", tfScript, base, []string{"plan", "../dev"}, 2, "no Terraform environment"},
		{"terraform: no committed inputs", tfScript, base, []string{"plan", "dev"}, 1, "commit them (they are not secret) as\nterraform/envs/dev/dev.auto.tfvars"},
		{"e2e: no ref", e2eScript, github, nil, 2, "usage:"},
		{"e2e: branch name instead of a ref", e2eScript, github, []string{"main"}, 2, "usage:"},
		{"e2e: no token", e2eScript, base, []string{"refs/heads/main"}, 1, "set GITHUB_TOKEN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runScript(t, tc.script, tc.env, tc.args...)
			if code != tc.wantCode || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out, tc.wantCode, tc.want)
			}
		})
	}
}

// terraform-env.sh against a stand-in terraform that records its arguments
// and returns a fixed plan: the plan is unlocked, the apply locked and applied
// from the same plan file, and the summary counts and lists the changes.
func TestTerraformEnvPlansAppliesAndSummarises(t *testing.T) {
	root, script := copyScript(t, "terraform-env.sh")
	dir := filepath.Join(root, "terraform/envs/dev")
	bin := filepath.Join(root, "bin")
	log := filepath.Join(root, "terraform.log")
	files := map[string]string{
		filepath.Join(dir, "main.tf"):             "",
		filepath.Join(dir, "dev.auto.tfvars"):     "region = \"eu-west-1\"\n",
		filepath.Join(root, "scripts/tf-init.sh"): "#!/usr/bin/env bash\necho \"init $*\" >>" + log + "\n",
		filepath.Join(bin, "terraform"): "#!/usr/bin/env bash\necho \"$*\" >>" + log + "\n" +
			"case \" $* \" in *' show -json '*) cat <<'JSON'\n" +
			`{"resource_changes":[` +
			`{"address":"module.ecr.aws_ecr_repository.this[\"bkt-sample-app\"]","change":{"actions":["create"]}},` +
			`{"address":"module.eks.aws_eks_cluster.this","change":{"actions":["update"]}},` +
			`{"address":"module.network.aws_nat_gateway.this","change":{"actions":["delete","create"]}},` +
			`{"address":"aws_iam_role.unchanged","change":{"actions":["no-op"]}},` +
			`{"address":"data.aws_caller_identity.current","change":{"actions":["read"]}}]}` +
			"\nJSON\n;; esac\n",
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=" + bin + ":" + os.Getenv("PATH")}

	for _, action := range []string{"plan", "apply"} {
		t.Run(action, func(t *testing.T) {
			_ = os.Remove(log)
			out, code := runScript(t, script, env, action, "dev")
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			calls, _ := os.ReadFile(log)
			lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
			planFile := filepath.Join(root, "build/tf/dev.tfplan")
			want := []string{
				"init " + dir,
				"-chdir=" + dir + " plan -input=false -lock=" + map[string]string{"plan": "false", "apply": "true"}[action] + " -out=" + planFile,
				"-chdir=" + dir + " show -json " + planFile,
			}
			if action == "apply" {
				want = append(want, "-chdir="+dir+" apply -input=false "+planFile)
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("terraform calls:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			summary, err := os.ReadFile(filepath.Join(root, "build/tf/dev-plan.md"))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{
				"### terraform plan: envs/dev",
				"1 to create, 1 to delete/create, 1 to update",
				"| create | `module.ecr.aws_ecr_repository.this[\"bkt-sample-app\"]` |",
				"| delete/create | `module.network.aws_nat_gateway.this` |",
			} {
				if !strings.Contains(string(summary), s) {
					t.Errorf("summary lacks %q:\n%s", s, summary)
				}
			}
			if strings.Contains(string(summary), "unchanged") || strings.Contains(string(summary), "caller_identity") {
				t.Errorf("summary lists no-op or read entries:\n%s", summary)
			}
		})
	}
}
