package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	oldSHA = "1111111111111111111111111111111111111111"
	newSHA = "0123456789abcdef0123456789abcdef01234567"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot records every file under dir, so a test can prove nothing changed
// (including that no temporary file was left behind).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBumpRewritesOnlyTheMarkedValue(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "kustomization newTag, plain scalar",
			in: "images:\n  - name: sample-app\n    newName: 123.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app\n" +
				"    newTag: " + oldSHA + " # {\"bkt\":\"image-tag\"}\n",
			want: "images:\n  - name: sample-app\n    newName: 123.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app\n" +
				"    newTag: " + newSHA + " # {\"bkt\":\"image-tag\"}\n",
		},
		{
			name: "values patch, double quotes kept",
			in:   "spec:\n  values:\n    image:\n      tag: \"" + oldSHA + "\"   # {\"bkt\":\"image-tag\"}\n      pullPolicy: IfNotPresent\n",
			want: "spec:\n  values:\n    image:\n      tag: \"" + newSHA + "\"   # {\"bkt\":\"image-tag\"}\n      pullPolicy: IfNotPresent\n",
		},
		{
			name: "single quotes kept, trailing spaces dropped",
			in:   "tag: '" + oldSHA + "' # {\"bkt\":\"image-tag\"}  \n",
			want: "tag: '" + newSHA + "' # {\"bkt\":\"image-tag\"}\n",
		},
		{
			name: "list item and CRLF line endings kept",
			in:   "a: b\r\n- newTag: placeholder # {\"bkt\":\"image-tag\"}\r\nc: d\r\n",
			want: "a: b\r\n- newTag: " + newSHA + " # {\"bkt\":\"image-tag\"}\r\nc: d\r\n",
		},
		{
			name: "no trailing newline",
			in:   "newTag: " + oldSHA + " # {\"bkt\":\"image-tag\"}",
			want: "newTag: " + newSHA + " # {\"bkt\":\"image-tag\"}",
		},
		{
			name: "other tags and look-alike comments untouched",
			in:   "# the line below is set by CI\nother:\n  tag: " + oldSHA + " # {\"bkt\":\"other\"}\nnewTag: " + oldSHA + " # {\"bkt\":\"image-tag\"}\n",
			want: "# the line below is set by CI\nother:\n  tag: " + oldSHA + " # {\"bkt\":\"other\"}\nnewTag: " + newSHA + " # {\"bkt\":\"image-tag\"}\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "kustomization.yaml", tc.in)
			res, err := Bump(file, newSHA)
			if err != nil {
				t.Fatalf("Bump: %v", err)
			}
			if !res.Changed {
				t.Errorf("Changed = false, want true")
			}
			got, _ := os.ReadFile(file)
			if string(got) != tc.want {
				t.Errorf("file after bump:\n%q\nwant:\n%q", got, tc.want)
			}
			info, _ := os.Stat(file)
			if info.Mode().Perm() != 0o640 {
				t.Errorf("mode = %v, want 0640 kept", info.Mode().Perm())
			}
			if left := snapshot(t, filepath.Dir(file)); len(left) != 1 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func TestBumpIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "gitops/apps/dev/sample-app/kustomization.yaml", "newTag: "+oldSHA+" # {\"bkt\":\"image-tag\"}\n")

	first, err := Bump(filepath.Join(dir, "gitops/apps/dev"), newSHA)
	if err != nil || !first.Changed || first.Old != oldSHA || first.File != file || first.Line != 1 {
		t.Fatalf("first Bump = %+v, %v; want a change from %s in %s:1", first, err, oldSHA, file)
	}
	before := snapshot(t, dir)
	infoBefore, _ := os.Stat(file)

	second, err := Bump(filepath.Join(dir, "gitops/apps/dev"), newSHA)
	if err != nil || second.Changed {
		t.Fatalf("second Bump = %+v, %v; want no change", second, err)
	}
	infoAfter, _ := os.Stat(file)
	if !infoAfter.ModTime().Equal(infoBefore.ModTime()) {
		t.Errorf("file was rewritten although the tag was already in place")
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("second run changed files:\nbefore %v\nafter  %v", before, after)
	}
}

func TestBumpFindsTheLineInADirectoryTree(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "kustomization.yaml", "resources:\n  - sample-app\n")
	writeFile(t, dir, "sample-app/README.md", "newTag: x # {\"bkt\":\"image-tag\"}\n") // not YAML: ignored
	file := writeFile(t, dir, "sample-app/values.yml", "image:\n  tag: "+oldSHA+" # {\"bkt\":\"image-tag\"}\n")

	res, err := Bump(dir, newSHA)
	if err != nil {
		t.Fatal(err)
	}
	if res.File != file || res.Line != 2 {
		t.Errorf("bumped %s:%d, want %s:2", res.File, res.Line, file)
	}
	if got, _ := os.ReadFile(file); !strings.Contains(string(got), newSHA) {
		t.Errorf("new tag not written: %q", got)
	}
}

func TestBumpRejectsBadInputAndChangesNothing(t *testing.T) {
	good := "newTag: " + oldSHA + " # {\"bkt\":\"image-tag\"}\n"
	tests := []struct {
		name    string
		files   map[string]string
		target  string // relative to the temp dir
		tag     string
		wantErr string
	}{
		{"missing file", map[string]string{"k.yaml": good}, "nope.yaml", newSHA, "does not exist"},
		{"missing directory", map[string]string{"k.yaml": good}, "gitops/apps/prod", newSHA, "does not exist"},
		{"empty tag", map[string]string{"k.yaml": good}, "k.yaml", "", "no tag given"},
		{"tag with a space", map[string]string{"k.yaml": good}, "k.yaml", "abc def", "malformed tag"},
		{"tag with a newline", map[string]string{"k.yaml": good}, "k.yaml", newSHA + "\nx: y", "malformed tag"},
		{"tag starting with a dash", map[string]string{"k.yaml": good}, "k.yaml", "-" + newSHA[1:], "malformed tag"},
		{"tag too long", map[string]string{"k.yaml": good}, "k.yaml", strings.Repeat("a", 129), "malformed tag"},
		{"short SHA", map[string]string{"k.yaml": good}, "k.yaml", newSHA[:7], "not a full commit SHA"},
		{"41 hex characters", map[string]string{"k.yaml": good}, "k.yaml", newSHA + "0", "not a full commit SHA"},
		{"upper-case SHA", map[string]string{"k.yaml": good}, "k.yaml", strings.ToUpper(newSHA), "not a full commit SHA"},
		{"version tag", map[string]string{"k.yaml": good}, "k.yaml", "v1.2.3", "not a full commit SHA"},
		{"latest", map[string]string{"k.yaml": good}, "k.yaml", "latest", "not a full commit SHA"},
		{"no marked line", map[string]string{"k.yaml": "newTag: " + oldSHA + "\n"}, "k.yaml", newSHA, "no line ends with the marker"},
		{"marker not at end of line", map[string]string{"k.yaml": "newTag: x # {\"bkt\":\"image-tag\"} old\n"}, "k.yaml", newSHA, "no line ends with the marker"},
		{"empty directory", map[string]string{"other/k.txt": good}, "other", newSHA, "no line ends with the marker"},
		{"two marked lines in one file", map[string]string{"k.yaml": good + good}, "k.yaml", newSHA, "2 lines carry the marker"},
		{"two marked lines in two files", map[string]string{"a/k.yaml": good, "b/v.yaml": good}, ".", newSHA, "2 lines carry the marker"},
		{"marker on a comment line", map[string]string{"k.yaml": "# {\"bkt\":\"image-tag\"}\n"}, "k.yaml", newSHA, "is not `key: value"},
		{"marker without a value", map[string]string{"k.yaml": "newTag: # {\"bkt\":\"image-tag\"}\n"}, "k.yaml", newSHA, "is not `key: value"},
		{"marker after a flow mapping", map[string]string{"k.yaml": "image: {tag: x} # {\"bkt\":\"image-tag\"}\n"}, "k.yaml", newSHA, "is not `key: value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				writeFile(t, dir, name, content)
			}
			before := snapshot(t, dir)

			res, err := Bump(filepath.Join(dir, tc.target), tc.tag)
			if err == nil {
				t.Fatalf("Bump succeeded (%+v), want error containing %q", res, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantErr)
			}
			if after := snapshot(t, dir); !maps.Equal(before, after) {
				t.Errorf("files changed on error:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestRunCommandLine(t *testing.T) {
	tests := []struct {
		name       string
		args       func(file string) []string
		wantCode   int
		wantOut    string
		wantErr    string
		wantBumped bool
	}{
		{"bumps", func(f string) []string { return []string{"-tag", newSHA, f} }, 0, "image tag " + oldSHA + " -> " + newSHA, "", true},
		{"no path", func(string) []string { return []string{"-tag", newSHA} }, 2, "", "expected exactly one file or directory argument, got 0", false},
		{"two paths", func(f string) []string { return []string{"-tag", newSHA, f, f} }, 2, "", "got 2", false},
		{"unknown flag", func(f string) []string { return []string{"-sha", newSHA, f} }, 2, "", "flag provided but not defined", false},
		{"bad tag", func(f string) []string { return []string{"-tag", "main", f} }, 1, "", "tagbump: tag \"main\" is not a full commit SHA", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "k.yaml", "newTag: "+oldSHA+" # {\"bkt\":\"image-tag\"}\n")
			var stdout, stderr bytes.Buffer
			code := run(tc.args(file), &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), tc.wantOut)
			}
			if !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tc.wantErr)
			}
			got, _ := os.ReadFile(file)
			if bumped := strings.Contains(string(got), newSHA); bumped != tc.wantBumped {
				t.Errorf("file bumped = %v, want %v", bumped, tc.wantBumped)
			}
		})
	}

	t.Run("-current prints the tag and changes nothing", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "gitops/apps/dev/k.yaml", "newTag: '"+oldSHA+"' # {\"bkt\":\"image-tag\"}\n")
		before := snapshot(t, dir)
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-current", filepath.Join(dir, "gitops/apps/dev")}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit code = %d, stderr %q", code, stderr.String())
		}
		if stdout.String() != oldSHA+"\n" {
			t.Errorf("stdout = %q, want the bare tag %s", stdout.String(), oldSHA)
		}
		if after := snapshot(t, dir); !maps.Equal(before, after) {
			t.Errorf("-current changed files")
		}
	})

	t.Run("-current with -tag is refused", func(t *testing.T) {
		file := writeFile(t, t.TempDir(), "k.yaml", "newTag: "+oldSHA+" # {\"bkt\":\"image-tag\"}\n")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-current", "-tag", newSHA, file}, &stdout, &stderr); code != 2 {
			t.Errorf("exit code = %d, want 2", code)
		}
		if got, _ := os.ReadFile(file); strings.Contains(string(got), newSHA) {
			t.Errorf("file changed: %q", got)
		}
	})

	t.Run("-current reports a missing or doubled marker", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "a.yaml", "newTag: x # {\"bkt\":\"image-tag\"}\n")
		writeFile(t, dir, "b.yaml", "newTag: y # {\"bkt\":\"image-tag\"}\n")
		for path, want := range map[string]string{filepath.Join(dir, "none"): "does not exist", dir: "2 lines carry the marker"} {
			var stdout, stderr bytes.Buffer
			if code := run([]string{"-current", path}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), want) {
				t.Errorf("%s: exit %d, stderr %q; want 1 and %q", path, code, stderr.String(), want)
			}
		}
	})

	t.Run("second run reports nothing to do", func(t *testing.T) {
		file := writeFile(t, t.TempDir(), "k.yaml", "newTag: "+newSHA+" # {\"bkt\":\"image-tag\"}\n")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-tag", newSHA, file}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit code = %d, stderr %q", code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "nothing to do") {
			t.Errorf("stdout = %q, want it to say nothing to do", stdout.String())
		}
	})
}
