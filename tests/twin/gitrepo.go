package twin

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// GitRepo is a temporary Git repository holding a copy of the generated layout, served over
// smart HTTP on loopback by git's own http-backend, so source-controller clones it exactly as
// it clones the real repository.
type GitRepo struct {
	Dir    string // the work tree (and its .git)
	URL    string // http://127.0.0.1:port/repo.git
	Branch string
	srv    *http.Server
}

// folders the generator writes and the twin copies: the generated layout and its one input.
var copiedFolders = []string{"environments", "gitops", "terraform"}

// NewGitRepo copies the layout from the repository at root into dir and serves dir's Git
// repository; the caller commits.
func NewGitRepo(root, dir string) (*GitRepo, error) {
	r := &GitRepo{Dir: dir, Branch: "main"}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, f := range copiedFolders {
		if out, err := exec.Command("cp", "-a", filepath.Join(root, f), dir).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("copying %s: %v: %s", f, err, out)
		}
	}
	// Build outputs that are not part of the layout stay out of the copy.
	_ = os.RemoveAll(filepath.Join(dir, "terraform", ".terraform"))
	if err := r.git("init", "-q", "-b", r.Branch); err != nil {
		return nil, err
	}
	if err := r.git("config", "http.receivepack", "false"); err != nil {
		return nil, err
	}
	backend, err := exec.LookPath("git")
	if err != nil {
		return nil, err
	}
	handler := &cgi.Handler{
		Path: backend,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + filepath.Dir(dir),
			"GIT_HTTP_EXPORT_ALL=1",
		},
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.URL = fmt.Sprintf("http://%s/%s/.git", l.Addr(), filepath.Base(dir))
	r.srv = &http.Server{Handler: handler}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

func (r *GitRepo) git(args ...string) error {
	_, err := r.gitOut(args...)
	return err
}

func (r *GitRepo) gitOut(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=twin", "GIT_AUTHOR_EMAIL=twin@localhost",
		"GIT_COMMITTER_NAME=twin", "GIT_COMMITTER_EMAIL=twin@localhost",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// Commit records every change in the work tree and returns the commit's hash.
func (r *GitRepo) Commit(message string) (string, error) {
	if err := r.git("add", "-A"); err != nil {
		return "", err
	}
	if err := r.git("commit", "-q", "--allow-empty", "-m", message); err != nil {
		return "", err
	}
	return r.gitOut("rev-parse", "HEAD")
}

// Close stops the HTTP server.
func (r *GitRepo) Close() {
	if r.srv != nil {
		_ = r.srv.Close()
	}
}
