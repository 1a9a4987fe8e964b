package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// workflowsDir is the repository's workflow directory, relative to this package.
const (
	repoRoot     = "../../.."
	workflowsDir = repoRoot + "/.github/workflows"
)

func TestRepositoryWorkflowsAreHardened(t *testing.T) {
	wfs, err := LoadDir(workflowsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ci.yml", "release.yml", "terraform.yml", "e2e.yml"} {
		if _, err := os.Stat(filepath.Join(workflowsDir, want)); err != nil {
			t.Errorf("workflow %s is missing: %v", want, err)
		}
	}
	for _, v := range Check(wfs) {
		t.Error(v)
	}
}

// A well-formed workflow; each case below breaks one rule of it.
const good = `name: good
on:
  pull_request:
permissions:
  contents: read
concurrency:
  group: good-${{ github.ref }}
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    permissions:
      contents: read # check out the code
      id-token: write # assume the AWS role
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3
        with:
          role-to-assume: ${{ vars.AWS_CI_ROLE_ARN }}
          aws-region: ${{ vars.AWS_REGION }}
      - run: make test
`

func TestCheckAcceptsAGoodWorkflow(t *testing.T) {
	if v := checkText(t, good); len(v) != 0 {
		t.Fatalf("violations in the good workflow: %v", v)
	}
}

func TestCheckRejectsEachBrokenRule(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"pull_request_target", "  pull_request:\n", "  pull_request_target:\n", "trigger pull_request_target"},
		{"no top-level permissions", "permissions:\n  contents: read\nconcurrency", "concurrency", "no top-level permissions"},
		{"write-all at top level", "permissions:\n  contents: read\nconcurrency", "permissions: write-all\nconcurrency", "must be exactly `contents: read`"},
		{"contents: write at top level", "permissions:\n  contents: read\nconcurrency", "permissions:\n  contents: write\nconcurrency", "must be exactly `contents: read`"},
		{"no concurrency", "concurrency:\n  group: good-${{ github.ref }}\n", "", "no concurrency group"},
		{"no timeout", "    timeout-minutes: 5\n", "", "has no timeout-minutes"},
		{"no job permissions", "    permissions:\n      contents: read # check out the code\n      id-token: write # assume the AWS role\n", "", "has no permissions mapping"},
		{"permission without a reason", "contents: read # check out the code", "contents: read", "`contents: read` has no comment"},
		{"tag instead of SHA", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "actions/checkout@v7", `pinned to "v7", not a full commit SHA`},
		{"short SHA", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", "actions/checkout@3d3c42e", "not a full commit SHA"},
		{"SHA without version comment", "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1", "has no `# vX.Y.Z` comment"},
		{"credentials persisted", "          persist-credentials: false\n", "          persist-credentials: true\n", "without `persist-credentials: false`"},
		{"checkout without with", "        with:\n          persist-credentials: false\n", "", "without `persist-credentials: false`"},
		{"id-token without a role", "      - uses: aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3\n        with:\n          role-to-assume: ${{ vars.AWS_CI_ROLE_ARN }}\n          aws-region: ${{ vars.AWS_REGION }}\n", "", "has id-token: write but assumes no role"},
		{"role without id-token", "      id-token: write # assume the AWS role\n", "", "lacks id-token: write"},
		{"unpinned docker action", "      - run: make test\n", "      - uses: docker://alpine:3.22\n", "not pinned to an image digest"},
		{"reusable workflow", "    runs-on: ubuntu-24.04\n", "    uses: ./.github/workflows/other.yml\n", "calls a reusable workflow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("test case edits text that is not in the good workflow: %q", tc.old)
			}
			v := checkText(t, strings.Replace(good, tc.old, tc.new, 1))
			if !anyContains(v, tc.want) {
				t.Errorf("violations %q; want one containing %q", v, tc.want)
			}
		})
	}
}

func TestCheckRejectsTwoPinsOfOneAction(t *testing.T) {
	dir := t.TempDir()
	other := strings.ReplaceAll(good, "3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", "0123456789abcdef0123456789abcdef01234567 # v7.0.0")
	for name, text := range map[string]string{"a.yml": good, "b.yml": other} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wfs, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(wfs); !anyContains(v, "use one version everywhere") {
		t.Errorf("violations %q; want the inconsistent checkout pin reported", v)
	}
}

func checkText(t *testing.T, text string) []string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "wf.yml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	wf, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return Check([]Workflow{wf})
}

func anyContains(list []string, s string) bool {
	for _, v := range list {
		if strings.Contains(v, s) {
			return true
		}
	}
	return false
}
