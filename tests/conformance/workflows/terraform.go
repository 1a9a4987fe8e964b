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

// Resource is one resource from `terraform show -json`.
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

// State is the part of `terraform show -json` (after an apply) the tests read.
type State struct {
	Values struct {
		RootModule planModule `json:"root_module"`
	} `json:"values"`
}

// Resources returns every managed resource of the given type, in all modules.
func (st State) Resources(typ string) []Resource {
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
	visit(st.Values.RootModule)
	return out
}

// Env is a copy of one Terraform root wired to its own local AWS emulator, with
// a local backend, so neither the real S3 backend, the source tree nor any
// other run of the emulator is touched. Close stops the emulator.
type Env struct {
	repo, dir, tfvars, work string
	env                     []string
}

// NewEnv prepares terraform/envs/<name> of the repository at repo in the
// scratch directory work: copy, emulator start, terraform init.
func NewEnv(repo, name, work string) (*Env, error) {
	repo, err := filepath.Abs(repo)
	if err != nil {
		return nil, err
	}
	src := filepath.Join(repo, "terraform")
	root := filepath.Join(src, "envs", name)
	if tf, _ := filepath.Glob(filepath.Join(root, "*.tf")); len(tf) == 0 {
		return nil, fmt.Errorf("terraform/envs/%s has no *.tf files: the workflows need the Terraform root that creates their roles and ECR repository", name)
	}
	tfvars := filepath.Join(root, "emulator.tfvars")
	if _, err := os.Stat(tfvars); err != nil {
		return nil, fmt.Errorf("terraform/envs/%s/emulator.tfvars not found (%v): it holds the inputs for offline runs", name, err)
	}
	for _, tool := range []string{"scripts/emulator.sh", "scripts/tf-init.sh"} {
		if _, err := os.Stat(filepath.Join(repo, tool)); err != nil {
			return nil, fmt.Errorf("%s is missing (%v); it is part of the repository's foundation", tool, err)
		}
	}

	dst := filepath.Join(work, "terraform")
	if err := copyTree(src, dst); err != nil {
		return nil, err
	}
	e := &Env{repo: repo, dir: filepath.Join(dst, "envs", name), tfvars: tfvars, work: work}
	// The real backend is S3; these runs need no shared state, so keep it local.
	override := "terraform {\n  backend \"local\" {}\n}\n"
	if err := os.WriteFile(filepath.Join(e.dir, "zz_workflows_test_override.tf"), []byte(override), 0o644); err != nil {
		return nil, err
	}

	emuEnv := append(os.Environ(), "EMULATOR_DIR="+filepath.Join(work, "emulator"))
	if out, err := command(repo, emuEnv, filepath.Join(repo, "scripts/emulator.sh"), "start"); err != nil {
		return nil, fmt.Errorf("starting the emulator: %v\n%s", err, out)
	}
	emu, err := emulatorEnv(filepath.Join(work, "emulator", "emulator.env"))
	if err != nil {
		e.Close()
		return nil, err
	}
	e.env = append(append(emuEnv, emu...), "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	if out, err := command(repo, e.env, filepath.Join(repo, "scripts/tf-init.sh"), e.dir); err != nil {
		e.Close()
		return nil, fmt.Errorf("terraform init: %v\n%s", err, out)
	}
	return e, nil
}

// Close stops the emulator.
func (e *Env) Close() {
	_, _ = command(e.repo, e.env, filepath.Join(e.repo, "scripts/emulator.sh"), "stop")
}

// ModuleCalls returns the keys of the root's module calls whose source ends in suffix.
func (e *Env) ModuleCalls(suffix string) ([]string, error) {
	cmd := exec.Command("terraform", "modules", "-json")
	cmd.Dir, cmd.Env = e.dir, e.env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform modules -json: %v", err)
	}
	var doc struct {
		Modules []struct{ Key, Source string }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("decoding terraform modules -json: %v", err)
	}
	var calls []string
	for _, m := range doc.Modules {
		if strings.HasSuffix(strings.TrimSuffix(m.Source, "/"), suffix) && !strings.Contains(m.Key, ".") {
			calls = append(calls, m.Key)
		}
	}
	return calls, nil
}

// Apply applies only the given targets (and what they depend on) and returns the state.
func (e *Env) Apply(targets ...string) (State, error) {
	args := []string{"apply", "-input=false", "-auto-approve", "-var-file=" + e.tfvars}
	for _, t := range targets {
		args = append(args, "-target="+t)
	}
	if out, err := command(e.dir, e.env, "terraform", args...); err != nil {
		return State{}, fmt.Errorf("terraform apply %v against the emulator: %v\n%s", targets, err, out)
	}
	return e.show()
}

func (e *Env) show() (State, error) {
	cmd := exec.Command("terraform", "show", "-json")
	cmd.Dir, cmd.Env = e.dir, e.env
	out, err := cmd.Output()
	if err != nil {
		return State{}, fmt.Errorf("terraform show -json: %v", err)
	}
	var st State
	if err := json.Unmarshal(out, &st); err != nil {
		return State{}, fmt.Errorf("decoding terraform show -json: %v", err)
	}
	return st, nil
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
