package workflows

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

const (
	releaseTag = "0123456789abcdef0123456789abcdef01234567"
	dataFile   = "environments/dev.toml"
	// deployBranch is the branch the script proposes the tag commit from.
	deployBranch = "deploy/dev-0123456789ab"
)

// releaseFixture is a bare "GitHub" repository holding what the deploy job
// works on (the Makefile, environments/dev.toml and the generated terraform/
// and gitops/ trees of this checkout) and a clone of it to run
// .github/scripts/commit-image-tag.sh in. A stand-in `cargo` on PATH runs the
// generator built once from this checkout, so `make image-tag` runs the real
// generator without compiling the workspace in every fixture. A stand-in `gh`
// records each call (GitHub's pull request API is not here) and knows a pull
// request once `gh pr create` made it.
type releaseFixture struct {
	server, remote, checkout string
	// ghLog is where the stand-in gh writes one line per call.
	ghLog string
	env   []string
	// seed is every seeded file with its content; oldTag the tag it deploys.
	seed   map[string]string
	oldTag string
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

var (
	generatorOnce sync.Once
	generatorPath string
	generatorErr  error
)

// generator builds the `generate` example of this checkout (once per test
// binary) and returns the executable's path.
func generator(t *testing.T) string {
	t.Helper()
	generatorOnce.Do(func() {
		// --workspace, as `cargo xtask generate` builds it: the same features, so the same build.
		cmd := exec.Command("cargo", "build", "--locked", "--quiet", "--workspace", "--example", "generate", "--message-format=json")
		cmd.Dir = repoRoot
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			generatorErr = err
			return
		}
		scanner := bufio.NewScanner(strings.NewReader(string(out)))
		scanner.Buffer(make([]byte, 1<<20), 1<<24)
		for scanner.Scan() {
			var msg struct {
				Reason     string  `json:"reason"`
				Executable *string `json:"executable"`
				Target     struct {
					Name string   `json:"name"`
					Kind []string `json:"kind"`
				} `json:"target"`
			}
			if json.Unmarshal(scanner.Bytes(), &msg) == nil && msg.Reason == "compiler-artifact" &&
				msg.Target.Name == "generate" && slices.Contains(msg.Target.Kind, "example") && msg.Executable != nil {
				generatorPath = *msg.Executable
			}
		}
	})
	if generatorErr != nil || generatorPath == "" {
		t.Fatalf("building the generator (cargo build --example generate): %v", generatorErr)
	}
	return generatorPath
}

// seedFiles copies what the deploy job's checkout needs from this checkout:
// the Makefile, .gitignore, the suite's go.mod, the environment files, the generated trees (tool state in
// dot-folders such as .terraform/ left out) and the generated files the
// manifest .generated-files lists elsewhere.
func seedFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	// tests/conformance/go.mod: the deploy job checks out the whole repository, and the
	// generator writes the repository's own fixtures only where it finds the suite they feed.
	paths := []string{"Makefile", ".gitignore", ".generated-files", "tests/conformance/go.mod"}
	manifest, err := os.ReadFile(filepath.Join(repoRoot, ".generated-files"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(manifest), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			paths = append(paths, line)
		}
	}
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(repoRoot, p))
		if err != nil {
			t.Fatalf("the deploy job needs %s: %v", p, err)
		}
		files[p] = string(data)
	}
	for _, dir := range []string{"environments", "terraform", "gitops"} {
		root := filepath.Join(repoRoot, dir)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.Type().IsRegular() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(repoRoot, p)
			files[filepath.ToSlash(rel)] = string(data)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// currentTag is the image tag of the data file, read as the e2e script reads it.
func currentTag(t *testing.T, generate, root string) string {
	t.Helper()
	out, err := exec.Command(generate, "--out", root, "--print-image-tag").Output()
	if err != nil {
		t.Fatalf("generate --print-image-tag: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func newReleaseFixture(t *testing.T) releaseFixture {
	t.Helper()
	generate := generator(t)
	tmp := t.TempDir()
	f := releaseFixture{server: tmp, remote: filepath.Join(tmp, "owner/repo.git"), checkout: filepath.Join(tmp, "checkout")}

	seed := filepath.Join(tmp, "seed")
	f.seed = seedFiles(t)
	for p, content := range f.seed {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(seed, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(seed, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.oldTag = currentTag(t, generate, seed)
	if f.oldTag == releaseTag {
		t.Fatalf("the checkout already deploys %s; the test needs another tag", releaseTag)
	}
	git(t, tmp, "init", "--quiet", "--bare", "--initial-branch=main", f.remote)
	git(t, seed, "init", "--quiet", "--initial-branch=main")
	git(t, seed, "add", ".")
	git(t, seed, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-m", "seed")
	git(t, seed, "push", "--quiet", f.remote, "main")
	git(t, tmp, "clone", "--quiet", "--depth=1", "file://"+f.remote, f.checkout)

	// The Makefile's GENERATE is `cargo xtask generate`.
	bin := filepath.Join(tmp, "bin")
	stub := "#!/bin/sh\n" +
		"if [ \"$1 $2\" != 'xtask generate' ]; then\n" +
		"  echo \"unexpected cargo call: cargo $*\" >&2; exit 97\nfi\n" +
		"shift 2\nexec '" + generate + "' --out \"$PWD\" \"$@\"\n"
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "cargo"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	f.ghLog = filepath.Join(tmp, "gh.log")
	opened := filepath.Join(tmp, "pr-opened")
	gh := "#!/bin/sh\necho \"$*\" >> '" + f.ghLog + "'\n" +
		"case \"$1 $2\" in\n" +
		"  'pr view') [ -e '" + opened + "' ] || { echo 'no pull requests found' >&2; exit 1; } ;;\n" +
		"  'pr create') touch '" + opened + "'; echo https://github.example/owner/repo/pull/1 ;;\n" +
		"esac\n"
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(gh), 0o755); err != nil {
		t.Fatal(err)
	}

	f.env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
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

// branchTip is the deploy branch's commit on the remote, or "" when it does not exist.
func (f releaseFixture) branchTip(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "--git-dir="+f.remote, "rev-parse", "--verify", "--quiet", "refs/heads/"+deployBranch).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// ghCalls is every call of the stand-in gh, one per line.
func (f releaseFixture) ghCalls(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(f.ghLog)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// The tag commit changes the data file's tag line and every generated line
// that carries the tag — each of them only by the tag — and no other line. It
// goes to main through one pull request set to merge once main's protection
// allows it: the script never pushes to main itself.
func TestCommitImageTagProposesOneCommitOfTheTagLinesOnce(t *testing.T) {
	f := newReleaseFixture(t)
	before := f.mainTip(t)

	out, err := f.run(t, releaseTag)
	if err != nil {
		t.Fatalf("commit-image-tag.sh: %v\n%s", err, out)
	}
	if tip := f.mainTip(t); tip != before {
		t.Errorf("main moved to %s; under branch protection only a merged pull request may move it", tip)
	}
	after := f.branchTip(t)
	if after == "" {
		t.Fatalf("no branch %s on the remote:\n%s", deployBranch, out)
	}
	if parent := git(t, f.server, "--git-dir="+f.remote, "rev-parse", after+"^"); parent != before {
		t.Errorf("the tag commit's parent is %s, want main's tip %s", parent, before)
	}
	wantCalls := []string{
		"pr view " + deployBranch + " --json url",
		"pr create --base main --head " + deployBranch + " --title dev: deploy sample-app 0123456789ab --body Image: " + releaseTag + ". Opened by the release workflow; merges once main's required checks pass.",
		"pr merge " + deployBranch + " --auto --squash",
	}
	if calls := f.ghCalls(t); !slices.Equal(calls, wantCalls) {
		t.Errorf("gh calls:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(wantCalls, "\n"))
	}

	// Another environment may deploy the same tag; the release sets dev's alone.
	otherEnvironment := func(p string) bool {
		for _, prefix := range []string{"environments/", "gitops/apps/"} {
			if rest, ok := strings.CutPrefix(p, prefix); ok {
				return !strings.HasPrefix(rest, "dev") && !strings.HasPrefix(rest, "base/")
			}
		}
		return false
	}
	var wantFiles []string
	for p, content := range f.seed {
		if strings.Contains(content, f.oldTag) && !otherEnvironment(p) {
			wantFiles = append(wantFiles, p)
		}
	}
	slices.Sort(wantFiles)
	changed := strings.Fields(git(t, f.server, "--git-dir="+f.remote, "diff", "--name-only", before, after))
	if !slices.Equal(changed, wantFiles) || !slices.Contains(changed, dataFile) {
		t.Errorf("the tag commit changed %v; want exactly the files that carried the old tag %s: %v (the data file %s among them)", changed, f.oldTag, wantFiles, dataFile)
	}
	diff := git(t, f.server, "--git-dir="+f.remote, "diff", "--unified=0", before, after)
	var removed, added []string
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed = append(removed, l[1:])
		case strings.HasPrefix(l, "+"):
			added = append(added, l[1:])
		}
	}
	if len(removed) != len(added) || len(removed) < len(wantFiles) {
		t.Fatalf("want each changed line replaced by one line, got -%d +%d:\n%s", len(removed), len(added), diff)
	}
	// The YAML writer quotes a tag only where a YAML 1.1 reader would not see a string
	// (forty zeros look like an integer), so quotes around the tag may come and go.
	unquote := func(line, tag string) string {
		return strings.NewReplacer(`"`+tag+`"`, tag, `'`+tag+`'`, tag).Replace(line)
	}
	for i := range removed {
		before, after := unquote(removed[i], f.oldTag), unquote(added[i], releaseTag)
		if !strings.Contains(before, f.oldTag) || strings.ReplaceAll(before, f.oldTag, releaseTag) != after {
			t.Errorf("line %q became %q; want only the tag changed", removed[i], added[i])
		}
	}
	if !slices.Contains(added, `image_tag = "`+releaseTag+`"`) {
		t.Errorf("the data file's tag line is not among the added lines:\n%s", diff)
	}
	if author := git(t, f.server, "--git-dir="+f.remote, "log", "-1", "--format=%an", after); author != "github-actions[bot]" {
		t.Errorf("author = %q, want github-actions[bot]", author)
	}

	// The proposed tree is what the generator renders from it: a check on a
	// clone of the branch finds no drift.
	verify := filepath.Join(f.server, "verify")
	git(t, f.server, "clone", "--quiet", "--depth=1", "--branch="+deployBranch, "file://"+f.remote, verify)
	if check, err := exec.Command(generator(t), "--out", verify, "--check").CombinedOutput(); err != nil {
		t.Errorf("generate --check on the proposed tip: %v\n%s", err, check)
	}
	if tag := currentTag(t, generator(t), verify); tag != releaseTag {
		t.Errorf("--print-image-tag on the proposed tip = %q, want %s", tag, releaseTag)
	}

	// A re-run (say, "re-run all jobs") before the merge must neither move the
	// branch nor open a second pull request.
	out, err = f.run(t, releaseTag)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if tip := f.branchTip(t); tip != after {
		t.Errorf("second run moved %s from %s to %s", deployBranch, after, tip)
	}
	if !strings.Contains(out, "already proposes") {
		t.Errorf("second run output %q, want it to say the branch already proposes the tag", out)
	}
	for _, call := range f.ghCalls(t)[len(wantCalls):] {
		if strings.HasPrefix(call, "pr create") {
			t.Errorf("second run opened another pull request: %s", call)
		}
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
	if tip := f.branchTip(t); tip == "" || git(t, f.server, "--git-dir="+f.remote, "rev-parse", tip+"^") != before {
		t.Errorf("after the retry %s is not one commit ahead of main's %s", deployBranch, before)
	}
}

// Main out of sync with the generator is no job for the bot: regenerating
// would change more than the tag, so nothing is pushed.
func TestCommitImageTagRefusesWhenMainHasDrift(t *testing.T) {
	f := newReleaseFixture(t)
	seedDir := filepath.Join(f.server, "seed")
	edited := "terraform/modules/network/main.tf"
	if err := os.WriteFile(filepath.Join(seedDir, edited), []byte(f.seed[edited]+"# hand edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, seedDir, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "--quiet", "-am", "hand edit")
	git(t, seedDir, "push", "--quiet", f.remote, "main")
	before := f.mainTip(t)
	out, err := f.run(t, releaseTag)
	if err == nil {
		t.Fatalf("succeeded on a main with drift:\n%s", out)
	}
	if !strings.Contains(out, "regenerating changed more than the image tag") || !strings.Contains(out, edited) {
		t.Errorf("output %q does not name the drifted file", out)
	}
	if tip := f.mainTip(t); tip != before {
		t.Errorf("main moved to %s", tip)
	}
	if tip, calls := f.branchTip(t), f.ghCalls(t); tip != "" || len(calls) > 0 {
		t.Errorf("a main with drift still got branch %q and gh calls %v", tip, calls)
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
		{"short SHA", []string{releaseTag[:7]}, "is not a 40-character lowercase hex commit SHA"},
		{"branch name", []string{"main"}, "is not a 40-character lowercase hex commit SHA"},
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
