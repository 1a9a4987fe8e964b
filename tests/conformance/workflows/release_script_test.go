package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	placeholderTag = "0000000000000000000000000000000000000000"
	releaseTag     = "0123456789abcdef0123456789abcdef01234567"
	tagFile        = "gitops/apps/dev/sample-app/kustomization.yaml"
)

// releaseFixture is a bare "GitHub" repository holding what the deploy job
// needs (Makefile, the tools module with tagbump, a gitops/apps/dev tag line) and a
// checkout of it to run .github/scripts/commit-image-tag.sh in.
type releaseFixture struct {
	server, remote, checkout string
	env                      []string
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func newReleaseFixture(t *testing.T) releaseFixture {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	f := releaseFixture{server: tmp, remote: filepath.Join(tmp, "owner/repo.git"), checkout: filepath.Join(tmp, "checkout")}

	seed := filepath.Join(tmp, "seed")
	files := map[string]string{
		tagFile: "images:\n  - name: sample-app\n    newTag: \"" + placeholderTag + "\" # {\"bkt\":\"image-tag\"}\n",
	}
	for _, p := range []string{"Makefile", "tools/go.mod", "tools/go.sum", "tools/cmd/tagbump/main.go"} {
		data, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("the deploy job needs %s: %v", p, err)
		}
		files[p] = string(data)
	}
	for p, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(seed, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(seed, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, tmp, "init", "--quiet", "--bare", "--initial-branch=main", f.remote)
	git(t, seed, "init", "--quiet", "--initial-branch=main")
	git(t, seed, "add", ".")
	git(t, seed, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "seed")
	git(t, seed, "push", "--quiet", f.remote, "main")
	git(t, tmp, "clone", "--quiet", "--depth=1", "file://"+f.remote, f.checkout)

	f.env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GITHUB_TOKEN=unused-for-file-urls",
		"GITHUB_SERVER_URL=file://"+tmp,
		"GITHUB_REPOSITORY=owner/repo",
	)
	return f
}

func (f releaseFixture) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, ".github/scripts/commit-image-tag.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(script, args...)
	cmd.Dir = f.checkout
	cmd.Env = f.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (f releaseFixture) mainTip(t *testing.T) string {
	return git(t, f.server, "--git-dir="+f.remote, "rev-parse", "main")
}

func TestCommitImageTagPushesOneLineCommitOnce(t *testing.T) {
	f := newReleaseFixture(t)
	before := f.mainTip(t)

	out, err := f.run(t, releaseTag)
	if err != nil {
		t.Fatalf("commit-image-tag.sh: %v\n%s", err, out)
	}
	after := f.mainTip(t)
	if after == before {
		t.Fatalf("main did not move:\n%s", out)
	}
	if parent := git(t, f.server, "--git-dir="+f.remote, "rev-parse", "main^"); parent != before {
		t.Errorf("the tag commit's parent is %s, want the previous tip %s", parent, before)
	}
	diff := git(t, f.server, "--git-dir="+f.remote, "diff", "--unified=0", before, after)
	changed := 0
	for _, l := range strings.Split(diff, "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			changed++
		}
	}
	if changed != 2 || !strings.Contains(diff, "+    newTag: \""+releaseTag+"\" # {\"bkt\":\"image-tag\"}") {
		t.Errorf("want exactly the marked line changed to the new tag, got:\n%s", diff)
	}
	if author := git(t, f.server, "--git-dir="+f.remote, "log", "-1", "--format=%an"); author != "github-actions[bot]" {
		t.Errorf("author = %q, want github-actions[bot]", author)
	}

	// A re-run (say, "re-run all jobs") must not add a second commit.
	out, err = f.run(t, releaseTag)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if tip := f.mainTip(t); tip != after {
		t.Errorf("second run moved main from %s to %s", after, tip)
	}
	if !strings.Contains(out, "nothing to commit") {
		t.Errorf("second run output %q, want it to say nothing to commit", out)
	}
}

func TestCommitImageTagRetriesWhenThePushIsRejected(t *testing.T) {
	f := newReleaseFixture(t)
	// Reject the first push, as GitHub does when main moved after the fetch.
	hook := filepath.Join(f.remote, "hooks/pre-receive")
	marker := filepath.Join(f.server, "rejected-once")
	script := "#!/bin/sh\nif [ ! -e " + marker + " ]; then touch " + marker + "; echo 'main moved' >&2; exit 1; fi\n"
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	before := f.mainTip(t)
	out, err := f.run(t, releaseTag)
	if err != nil {
		t.Fatalf("commit-image-tag.sh: %v\n%s", err, out)
	}
	if !strings.Contains(out, "attempt 1") {
		t.Errorf("output %q does not show a retry", out)
	}
	if git(t, f.server, "--git-dir="+f.remote, "rev-parse", "main^") != before {
		t.Errorf("after the retry main is not one commit ahead of %s", before)
	}
}

func TestCommitImageTagRejectsBadInputAndPushesNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no argument", nil, "usage:"},
		{"two arguments", []string{releaseTag, releaseTag}, "usage:"},
		{"short SHA", []string{releaseTag[:7]}, "not a full commit SHA"},
		{"branch name", []string{"main"}, "not a full commit SHA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newReleaseFixture(t)
			before := f.mainTip(t)
			out, err := f.run(t, tc.args...)
			if err == nil {
				t.Fatalf("succeeded, want failure:\n%s", out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output %q, want it to contain %q", out, tc.want)
			}
			if tip := f.mainTip(t); tip != before {
				t.Errorf("main moved to %s on bad input", tip)
			}
		})
	}
}
