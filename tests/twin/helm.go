package twin

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/kube"
	"helm.sh/helm/v4/pkg/storage/driver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericclioptions"
)

// LocalChartRelease installs a HelmRelease whose chart is in the GitRepository (the sample app)
// with the Helm SDK, from the artifact source-controller serves, with the release's values as
// kustomize-controller applied them (substituted). It stands in for helm-controller, whose main
// module the module proxy does not serve, and it writes nothing into the HelmRelease's status:
// the twin asserts on the workloads the release creates instead.
type LocalChartRelease struct {
	Clients    *Clients
	Kubeconfig string
	WorkDir    string
}

// IsLocalChart reports whether a HelmRelease takes its chart from a GitRepository.
func IsLocalChart(hr *unstructured.Unstructured) bool {
	kind, _, _ := unstructured.NestedString(hr.Object, "spec", "chart", "spec", "sourceRef", "kind")
	return kind == "GitRepository"
}

// Sync installs or upgrades the release and waits until its resources are ready (Helm's kstatus
// watcher: Deployments available, Jobs complete). It returns the release's name and namespace.
func (l *LocalChartRelease) Sync(ctx context.Context, hr *unstructured.Unstructured) (string, error) {
	spec := func(path ...string) string {
		s, _, _ := unstructured.NestedString(hr.Object, append([]string{"spec"}, path...)...)
		return s
	}
	srcNS := spec("chart", "spec", "sourceRef", "namespace")
	if srcNS == "" {
		srcNS = hr.GetNamespace()
	}
	src, err := l.Clients.Dynamic.Resource(gitRepositoryGVR).Namespace(srcNS).Get(ctx, spec("chart", "spec", "sourceRef", "name"), metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("HelmRelease %s/%s: source: %w", hr.GetNamespace(), hr.GetName(), err)
	}
	url, _, _ := unstructured.NestedString(src.Object, "status", "artifact", "url")
	rev, _, _ := unstructured.NestedString(src.Object, "status", "artifact", "revision")
	if url == "" {
		return "", fmt.Errorf("HelmRelease %s/%s: GitRepository %s/%s has no artifact", hr.GetNamespace(), hr.GetName(), srcNS, src.GetName())
	}
	dir, err := os.MkdirTemp(l.WorkDir, "artifact-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := fetchArtifact(ctx, url, dir); err != nil {
		return "", fmt.Errorf("artifact %s (%s): %w", url, rev, err)
	}
	chrt, err := loader.Load(filepath.Join(dir, filepath.Clean(spec("chart", "spec", "chart"))))
	if err != nil {
		return "", fmt.Errorf("HelmRelease %s/%s: chart %s: %w", hr.GetNamespace(), hr.GetName(), spec("chart", "spec", "chart"), err)
	}
	values, _, _ := unstructured.NestedMap(hr.Object, "spec", "values")
	ns := spec("targetNamespace")
	name := spec("releaseName")
	if name == "" {
		name = hr.GetName()
		if ns != "" {
			name = ns + "-" + name
		}
	}
	if ns == "" {
		ns = hr.GetNamespace()
	}
	timeout := 5 * time.Minute
	if t := spec("timeout"); t != "" {
		if d, err := time.ParseDuration(t); err == nil {
			timeout = d
		}
	}
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig = &l.Kubeconfig
	flags.Namespace = &ns
	cfg := action.NewConfiguration()
	cfg.SetLogger(slog.New(slog.DiscardHandler).Handler())
	if err := cfg.Init(flags, ns, "secret"); err != nil {
		return "", err
	}
	_, err = action.NewHistory(cfg).Run(name)
	switch {
	case errors.Is(err, driver.ErrReleaseNotFound):
		install := action.NewInstall(cfg)
		install.ReleaseName, install.Namespace = name, ns
		install.WaitStrategy, install.Timeout = kube.StatusWatcherStrategy, timeout
		if _, err := install.RunWithContext(ctx, chrt, values); err != nil {
			return "", fmt.Errorf("HelmRelease %s/%s: install %s: %w", hr.GetNamespace(), hr.GetName(), name, err)
		}
	case err != nil:
		return "", err
	default:
		upgrade := action.NewUpgrade(cfg)
		upgrade.Namespace = ns
		upgrade.WaitStrategy, upgrade.Timeout = kube.StatusWatcherStrategy, timeout
		if _, err := upgrade.RunWithContext(ctx, name, chrt, values); err != nil {
			return "", fmt.Errorf("HelmRelease %s/%s: upgrade %s: %w", hr.GetNamespace(), hr.GetName(), name, err)
		}
	}
	return ns + "/" + name, nil
}

func fetchArtifact(ctx context.Context, url, dir string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	gz, err := gzip.NewReader(resp.Body)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.Clean(h.Name))
		if target != dir && !strings.HasPrefix(target, dir+string(os.PathSeparator)) {
			return fmt.Errorf("artifact entry %q leaves the folder", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.Create(target)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil { //nolint:gosec // our own artifact
				f.Close()
				return err
			}
			f.Close()
		}
	}
}
