// Command tagbump sets the sample app's image tag in the GitOps tree.
//
// The tag lives on exactly one YAML line that ends with the marker comment
// `# {"bkt":"image-tag"}`, for example
//
//	newTag: 0123456789abcdef0123456789abcdef01234567 # {"bkt":"image-tag"}
//
// The release workflow runs it (through `make image-tag`) after pushing an
// image tagged with the full commit SHA, and the e2e run reads the tag with
// -current:
//
//	go run ./cmd/tagbump -tag "$GITHUB_SHA" ../gitops/apps/dev
//	go run ./cmd/tagbump -current ../gitops/apps/dev
//
// PATH is a YAML file or a directory searched recursively for *.yaml/*.yml;
// either way exactly one marked line must exist. Only the value on that line
// changes (its quoting and the rest of the file are kept byte for byte), the
// file is replaced atomically, and a run with the tag already in place writes
// nothing. Any error leaves every file untouched.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Marker is the trailing comment that identifies the image tag line.
const Marker = `# {"bkt":"image-tag"}`

var (
	// A Docker tag: https://docs.docker.com/reference/cli/docker/image/tag/
	dockerTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// The repository is immutable and tags are full commit SHAs, so anything
	// shorter (or upper case, which git never prints) is a mistake.
	commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)
	// `key: value` with an optional quote around the value, then the marker.
	// Groups: 1 = text up to the value, 2 = value with its quotes, 3 = spacing before the marker.
	markedLine = regexp.MustCompile(`^(\s*(?:-\s+)?[A-Za-z0-9_.-]+:\s+)("[^"]*"|'[^']*'|[^\s"'#]+)(\s+)` + regexp.QuoteMeta(Marker) + `\s*$`)
)

// Result says what Bump did.
type Result struct {
	File    string // the file holding the marked line
	Line    int    // 1-based line number of the marked line
	Old     string // the previous tag, without quotes
	Changed bool   // false when the tag was already in place
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("tagbump", flag.ContinueOnError)
	flags.SetOutput(stderr)
	tag := flags.String("tag", "", "new image tag: the full 40-character commit SHA")
	current := flags.Bool("current", false, "print the tag on the marked line instead of setting it")
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: tagbump -tag <40-hex commit SHA> <file-or-directory>\n"+
			"       tagbump -current <file-or-directory>\n\n"+
			"Sets (or prints) the value on the one line marked %s.\n", Marker)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		fmt.Fprintf(stderr, "tagbump: expected exactly one file or directory argument, got %d\n", flags.NArg())
		flags.Usage()
		return 2
	}
	if *current {
		if *tag != "" {
			fmt.Fprintln(stderr, "tagbump: -current prints the tag and -tag sets it; pass one of them")
			return 2
		}
		res, err := Current(flags.Arg(0))
		if err != nil {
			fmt.Fprintf(stderr, "tagbump: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, res.Old)
		return 0
	}
	res, err := Bump(flags.Arg(0), *tag)
	if err != nil {
		fmt.Fprintf(stderr, "tagbump: %v\n", err)
		return 1
	}
	if res.Changed {
		fmt.Fprintf(stdout, "%s:%d: image tag %s -> %s\n", res.File, res.Line, res.Old, *tag)
	} else {
		fmt.Fprintf(stdout, "%s:%d: image tag already %s, nothing to do\n", res.File, res.Line, *tag)
	}
	return 0
}

// ValidateTag reports why tag cannot be an image tag of this project.
func ValidateTag(tag string) error {
	switch {
	case tag == "":
		return errors.New("no tag given: pass -tag with the full 40-character commit SHA (e.g. -tag \"$GITHUB_SHA\")")
	case !dockerTag.MatchString(tag):
		return fmt.Errorf("malformed tag %q: an image tag is 1-128 characters of [A-Za-z0-9_.-] and must not start with '.' or '-'", tag)
	case !commitSHA.MatchString(tag):
		return fmt.Errorf("tag %q is not a full commit SHA: use the 40 lower-case hex characters of `git rev-parse HEAD`, not a short SHA, branch or version", tag)
	}
	return nil
}

// marked is the one marked line found under a path.
type marked struct {
	file           string
	lines          []string // the whole file, split on \n
	idx            int      // index of the marked line in lines
	prefix, quoted string   // text before the value; the value with its quotes
	gap            string   // spacing between the value and the marker
	crlf           bool
}

// value is the current tag without its quotes.
func (m marked) value() string { return strings.Trim(m.quoted, `"'`) }

// find locates the single marked line under path and parses it.
func find(path string) (marked, error) {
	files, err := yamlFiles(path)
	if err != nil {
		return marked{}, err
	}
	var hits []marked
	var where []string
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			return marked{}, err
		}
		lines := strings.Split(string(content), "\n")
		for i, line := range lines {
			if strings.HasSuffix(strings.TrimRight(line, " \t\r"), Marker) {
				hits = append(hits, marked{file: f, lines: lines, idx: i})
				where = append(where, fmt.Sprintf("%s:%d", f, i+1))
			}
		}
	}
	switch len(hits) {
	case 0:
		return marked{}, fmt.Errorf("no line ends with the marker %s in %s: add it after the image tag value, e.g. `newTag: <sha> %s`", Marker, path, Marker)
	case 1:
	default:
		return marked{}, fmt.Errorf("%d lines carry the marker %s (%s): keep it on exactly one line so the tag has one home", len(hits), Marker, strings.Join(where, ", "))
	}

	h := hits[0]
	line := h.lines[h.idx]
	h.crlf = strings.HasSuffix(line, "\r")
	m := markedLine.FindStringSubmatch(strings.TrimSuffix(line, "\r"))
	if m == nil {
		return marked{}, fmt.Errorf("%s:%d: marked line %q is not `key: value %s`: put the tag value on that line as a plain or quoted scalar", h.file, h.idx+1, line, Marker)
	}
	h.prefix, h.quoted, h.gap = m[1], m[2], m[3]
	return h, nil
}

// Current returns the tag on the single marked line under path.
func Current(path string) (Result, error) {
	h, err := find(path)
	if err != nil {
		return Result{}, err
	}
	return Result{File: h.file, Line: h.idx + 1, Old: h.value()}, nil
}

// Bump sets the tag on the single marked line under path.
func Bump(path, tag string) (Result, error) {
	if err := ValidateTag(tag); err != nil {
		return Result{}, err
	}
	h, err := find(path)
	if err != nil {
		return Result{}, err
	}
	res := Result{File: h.file, Line: h.idx + 1, Old: h.value()}
	if res.Old == tag {
		return res, nil
	}

	value := tag
	if q := h.quoted[0]; q == '"' || q == '\'' {
		value = string(q) + tag + string(q)
	}
	newLine := h.prefix + value + h.gap + Marker
	if h.crlf {
		newLine += "\r"
	}
	h.lines[h.idx] = newLine
	if err := writeAtomic(h.file, []byte(strings.Join(h.lines, "\n"))); err != nil {
		return Result{}, err
	}
	res.Changed = true
	return res, nil
}

// yamlFiles returns path itself when it is a file, or every YAML file below it.
func yamlFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: pass the YAML file or the directory (e.g. gitops/apps/dev) that holds the marked image tag line", path)
	}
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := filepath.Ext(p)
		if d.Type().IsRegular() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// writeAtomic replaces file with content through a rename, so a reader (or a
// crash) never sees a half-written file, and keeps the file's permissions.
func writeAtomic(file string, content []byte) (err error) {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tagbump-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Chmod(info.Mode().Perm()); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
