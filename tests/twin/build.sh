#!/usr/bin/env bash
# Builds the twin's programs and CRDs once per machine (docs/twin.md) and prints the folder that
# holds them. The folder is keyed by a hash of everything that decides its content (the pinned
# go.mod/go.sum of each wrapper module under bins/, this script, the CRD source list, the Go
# version), so a pin change builds a new folder and an unchanged pin is a no-op.
#   tests/twin/build.sh          build if missing, print the folder
#   tests/twin/build.sh --key    print the folder without building
# Environment: TWIN_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/bkt-twin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
cache="${TWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bkt-twin}"

# The Kubernetes release, in one place: the kube wrapper's go.mod pins the module, this stamps the
# version into the binaries (the API server reports it and kwok's nodes copy it).
kube_version="$(cd "$here/bins/kube" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
[[ -n $kube_version ]] || { echo "twin: cannot read the k8s.io/kubernetes pin from bins/kube/go.mod" >&2; exit 1; }

key="$( { go version; cat "${BASH_SOURCE[0]}" "$here"/bins/*/go.mod "$here"/bins/*/go.sum \
  "$here"/bins/*/*.go "$here/bins/schemas/crd-sources.tsv"; } | sha256sum | cut -c1-16)"
out="$cache/$key"
if [[ ${1:-} == --key ]]; then echo "$out"; exit 0; fi
if [[ -f $out/.complete ]]; then echo "$out"; exit 0; fi

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/crds"
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

# CRDs. Flux's own: from the controller modules the binaries were built from.
moddir() { (cd "$1" && go list -m -f '{{.Dir}}' "$2"); }
for m in github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller; do
  cp "$(moddir "$here/bins/flux" "$m")"/config/crd/bases/*.yaml "$tmp/crds/"
done
# Kinds published only as Go API types: controller-gen over the pinned api modules, every served
# version of a group in one run so each CRD carries all its versions (and its storage version).
log "controller-gen: helm-controller and notification-controller APIs, prometheus-operator monitoring/v1"
(cd "$here/bins/schemas" && "$tmp/bin/controller-gen" crd:crdVersions=v1,maxDescLen=0,allowDangerousTypes=true \
  paths=github.com/fluxcd/helm-controller/api/v2 \
  paths=github.com/fluxcd/notification-controller/api/v1 \
  paths=github.com/fluxcd/notification-controller/api/v1beta1 \
  paths=github.com/fluxcd/notification-controller/api/v1beta2 \
  paths=github.com/fluxcd/notification-controller/api/v1beta3 \
  paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 \
  output:crd:dir="$tmp/crds")
# Third-party projects that publish CRD YAML in their module: downloaded by exact version, the
# module's hash compared with the one recorded in crd-sources.tsv.
while IFS=$'\t' read -r module version sum files _; do
  [[ -z $module || $module == \#* ]] && continue
  json="$(cd "$here/bins/schemas" && go mod download -json "$module@$version")"
  got="$(sed -n 's/^\t"Sum": "\(.*\)",$/\1/p' <<<"$json")"
  dir="$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$json")"
  if [[ $got != "$sum" ]]; then
    echo "twin: $module@$version has hash '$got', crd-sources.tsv records '$sum'" >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # the glob in the fourth column is meant to expand
  cp $dir/$files "$tmp/crds/"
done <"$here/bins/schemas/crd-sources.tsv"

# kwok's stages, as kwokctl configures them: nodes initialised at once and kept alive by their
# Lease; pods Ready once bound, Job pods then Succeeded, deleted pods gone.
kwok_dir="$(moddir "$here/bins/kwok" sigs.k8s.io/kwok)/kustomize/stage"
for f in "$kwok_dir"/node/fast/node-initialize.yaml "$kwok_dir"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
  "$kwok_dir"/pod/fast/pod-ready.yaml "$kwok_dir"/pod/fast/pod-complete.yaml "$kwok_dir"/pod/fast/pod-delete.yaml; do
  echo "---"
  cat "$f"
done >"$tmp/kwok-stages.yaml"
cp "$here/bins/schemas/crd-sources.tsv" "$tmp/"
echo "$kube_version" >"$tmp/kube-version"
echo "$((SECONDS - start))" >"$tmp/build-seconds"
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
log "done in $((SECONDS - start)) s: $out"
echo "$out"
