package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// terraform-atlas.sh against a stand-in terraform: without the Atlas keys it says it skipped the
// root and runs nothing (so repositories without Atlas keep green plans); with them it inits
// from the registry (not the offline AWS mirror) and plans unlocked.
func TestTerraformAtlasPlansOnlyWithKeys(t *testing.T) {
	root, script := copyScript(t, "terraform-atlas.sh")
	dir := filepath.Join(root, "terraform/atlas/dev")
	bin := filepath.Join(root, "bin")
	log := filepath.Join(root, "terraform.log")
	files := map[string]string{
		filepath.Join(dir, "main.tf"):             "",
		filepath.Join(root, "scripts/tf-init.sh"): "#!/usr/bin/env bash\necho \"init mirror=$TF_PLUGIN_MIRROR $*\" >>" + log + "\n",
		filepath.Join(bin, "terraform"):           "#!/usr/bin/env bash\necho \"$*\" >>" + log + "\n",
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := "PATH=" + bin + ":" + os.Getenv("PATH")

	t.Run("without keys", func(t *testing.T) {
		_ = os.Remove(log)
		out, code := runScript(t, script, []string{path, "MONGODB_ATLAS_PUBLIC_KEY=pub"}, "dev")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		if !strings.Contains(out, "SKIPPED: terraform/atlas/dev is not planned: MONGODB_ATLAS_PRIVATE_KEY TF_VAR_atlas_org_id not set") {
			t.Errorf("does not say clearly that it skipped the root and why:\n%s", out)
		}
		if _, err := os.Stat(log); err == nil {
			calls, _ := os.ReadFile(log)
			t.Errorf("ran terraform without the keys:\n%s", calls)
		}
	})
	t.Run("with keys", func(t *testing.T) {
		_ = os.Remove(log)
		env := []string{path, "MONGODB_ATLAS_PUBLIC_KEY=pub", "MONGODB_ATLAS_PRIVATE_KEY=priv", "TF_VAR_atlas_org_id=0123456789abcdef01234567"}
		out, code := runScript(t, script, env, "dev")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		calls, _ := os.ReadFile(log)
		want := "init mirror=none " + dir + "\n" +
			"-chdir=" + dir + " plan -input=false -lock=false -out=" + filepath.Join(root, "build/tf/atlas-dev.tfplan") + "\n"
		if string(calls) != want {
			t.Errorf("terraform calls:\n%s\nwant:\n%s", calls, want)
		}
	})
	t.Run("unknown root", func(t *testing.T) {
		if out, code := runScript(t, script, []string{path}, "qa"); code != 2 || !strings.Contains(out, "no Atlas root terraform/atlas/qa") {
			t.Errorf("exit %d, want 2 naming the missing root:\n%s", code, out)
		}
	})
}
