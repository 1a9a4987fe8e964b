#!/usr/bin/env bash
# Builds the twin's programs into the folder given (docs/twin.md): bin/ with etcd, the Kubernetes
# control plane, kwok, the Flux controllers and controller-gen, each from its pinned wrapper module
# under bins/, plus kube-version and kwok's stages. Called by build.sh, whose programs key covers
# this script, the Go version and every wrapper's go.mod, go.sum and *.go: only a change to one of
# those rebuilds the programs.
#   tests/twin/build-programs.sh <folder>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build-programs.sh <folder>}"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

# The Kubernetes release, in one place: the kube wrapper's go.mod pins the module, this stamps the
# version into the binaries (the API server reports it and kwok's nodes copy it).
kube_version="$(cd "$here/bins/kube" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
[[ -n $kube_version ]] || { echo "twin: cannot read the k8s.io/kubernetes pin from bins/kube/go.mod" >&2; exit 1; }

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
log() { echo "twin-build: $*" >&2; }
start=$SECONDS

build() { # build <module folder> <ldflags> <packages...>
  local mod="$1" ldflags="$2"
  shift 2
  log "building $* ($(basename "$mod"))"
  (cd "$mod" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/" "$@")
}

minor="${kube_version#v1.}"
minor="${minor%%.*}"
kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=$kube_version"
build "$here/bins/etcd" "-s -w" .
build "$here/bins/kube" "$kube_ldflags" k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
build "$here/bins/flux" "-s -w" github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller
build "$here/bins/kwok" "-s -w" sigs.k8s.io/kwok/cmd/kwok
build "$here/bins/schemas" "-s -w" sigs.k8s.io/controller-tools/cmd/controller-gen

moddir() { (cd "$1" && go list -m -f '{{.Dir}}' "$2"); }
# kwok's stages, as kwokctl configures them: nodes initialised at once and kept alive by their
# Lease; pods Ready once bound, Job pods then Succeeded, deleted pods gone.
kwok_dir="$(moddir "$here/bins/kwok" sigs.k8s.io/kwok)/kustomize/stage"
for f in "$kwok_dir"/node/fast/node-initialize.yaml "$kwok_dir"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
  "$kwok_dir"/pod/fast/pod-ready.yaml "$kwok_dir"/pod/fast/pod-complete.yaml "$kwok_dir"/pod/fast/pod-delete.yaml; do
  echo "---"
  cat "$f"
done >"$tmp/kwok-stages.yaml"
echo "$kube_version" >"$tmp/kube-version"
echo "$((SECONDS - start))" >"$tmp/build-seconds"
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
log "programs built in $((SECONDS - start)) s: $out"
