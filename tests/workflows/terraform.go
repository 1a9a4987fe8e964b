package workflows

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Resource is one planned resource from `terraform show -json`.
type Resource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

type planModule struct {
	Resources    []Resource   `json:"resources"`
	ChildModules []planModule `json:"child_modules"`
}

// Plan is the part of `terraform show -json <plan>` the tests read.
type Plan struct {
	PlannedValues struct {
		Outputs    map[string]struct{ Value any } `json:"outputs"`
		RootModule planModule                     `json:"root_module"`
	} `json:"planned_values"`
	Variables map[string]struct{ Value any } `json:"variables"`
}

// Resources returns every planned managed resource of the given type, in all modules.
func (p Plan) Resources(typ string) []Resource {
	var out []Resource
	var visit func(m planModule)
	visit = func(m planModule) {
		for _, r := range m.Resources {
			if r.Mode == "managed" && r.Type == typ {
				out = append(out, r)
			}
		}
		for _, c := range m.ChildModules {
			visit(c)
		}
	}
	visit(p.PlannedValues.RootModule)
	return out
}

// PlanEnv plans the Terraform root terraform/envs/<env> against a local AWS
// emulator and returns the plan. It works on a copy of terraform/ with a local
// backend, so the real S3 backend, the source tree and any other run of the
// emulator are untouched. repo is the repository root; work a scratch dir.
func PlanEnv(repo, env, work string) (Plan, error) {
	src := filepath.Join(repo, "terraform")
	root := filepath.Join(src, "envs", env)
	if tf, _ := filepath.Glob(filepath.Join(root, "*.tf")); len(tf) == 0 {
		return Plan{}, fmt.Errorf("terraform/envs/%s has no *.tf files: the workflows need the Terraform root that creates their roles and ECR repository", env)
	}
	tfvars := filepath.Join(root, "emulator.tfvars")
	if _, err := os.Stat(tfvars); err != nil {
		return Plan{}, fmt.Errorf("terraform/envs/%s/emulator.tfvars not found (%v): it holds the inputs for offline runs", env, err)
	}
	for _, tool := range []string{"scripts/emulator.sh", "scripts/tf-init.sh"} {
		if _, err := os.Stat(filepath.Join(repo, tool)); err != nil {
			return Plan{}, fmt.Errorf("%s is missing (%v); it is part of the repository's foundation", tool, err)
		}
	}

	dst := filepath.Join(work, "terraform")
	if err := copyTree(src, dst); err != nil {
		return Plan{}, err
	}
	dir := filepath.Join(dst, "envs", env)
	// The real backend is S3; a plan for names needs no state, so keep it local.
	override := "terraform {\n  backend \"local\" {}\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "zz_workflows_test_override.tf"), []byte(override), 0o644); err != nil {
		return Plan{}, err
	}

	emuDir := filepath.Join(work, "emulator")
	emuEnv := append(os.Environ(), "EMULATOR_DIR="+emuDir)
	if out, err := command(repo, emuEnv, filepath.Join(repo, "scripts/emulator.sh"), "start"); err != nil {
		return Plan{}, fmt.Errorf("starting the emulator: %v\n%s", err, out)
	}
	defer command(repo, emuEnv, filepath.Join(repo, "scripts/emulator.sh"), "stop") //nolint:errcheck // best effort; the plan result matters
	env2, err := emulatorEnv(filepath.Join(emuDir, "emulator.env"))
	if err != nil {
		return Plan{}, err
	}
	tfEnv := append(os.Environ(), env2...)
	tfEnv = append(tfEnv, "TF_IN_AUTOMATION=1", "TF_INPUT=0")

	if out, err := command(repo, tfEnv, filepath.Join(repo, "scripts/tf-init.sh"), dir); err != nil {
		return Plan{}, fmt.Errorf("terraform init: %v\n%s", err, out)
	}
	planFile := filepath.Join(work, "plan.bin")
	if out, err := command(dir, tfEnv, "terraform", "plan", "-input=false", "-lock=false", "-var-file="+tfvars, "-out="+planFile); err != nil {
		return Plan{}, fmt.Errorf("terraform plan against the emulator: %v\n%s", err, out)
	}
	out, err := exec.Command("terraform", "-chdir="+dir, "show", "-json", planFile).Output()
	if err != nil {
		return Plan{}, fmt.Errorf("terraform show -json: %v", err)
	}
	var plan Plan
	if err := json.Unmarshal(out, &plan); err != nil {
		return Plan{}, fmt.Errorf("decoding the plan JSON: %v", err)
	}
	return plan, nil
}

func command(dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd.CombinedOutput()
}

// emulatorEnv reads the `export K=V` lines scripts/emulator.sh writes.
func emulatorEnv(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("emulator env file: %v", err)
	}
	var env []string
	for _, line := range strings.Split(string(data), "\n") {
		if kv, ok := strings.CutPrefix(strings.TrimSpace(line), "export "); ok {
			env = append(env, kv)
		}
	}
	if len(env) == 0 {
		return nil, fmt.Errorf("%s has no `export` lines", path)
	}
	return env, nil
}

// copyTree copies the Terraform sources, leaving out local state and caches.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() || strings.HasPrefix(name, "terraform.tfstate") || strings.HasSuffix(name, ".tfplan") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
