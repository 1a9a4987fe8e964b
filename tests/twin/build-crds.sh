#!/usr/bin/env bash
# Gathers the twin's CRDs (docs/twin.md#schemas-real-ones-only) into the folder given, beside a
# link to the programs' bin/ and their kube-version and kwok stages: the folder the harness is
# given as TWIN_BIN. Called by build.sh, whose key for this folder covers the programs' key, this
# script, build.sh and crd-sources.tsv: a CRD source bump gathers the CRDs again (seconds)
# and reuses the programs.
#   tests/twin/build-crds.sh <programs folder> <folder>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
programs="${1:?usage: build-crds.sh <programs folder> <folder>}"
out="${2:?usage: build-crds.sh <programs folder> <folder>}"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/crds"
log() { echo "twin-build: $*" >&2; }
start=$SECONDS
ln -s "$programs/bin" "$tmp/bin"
cp "$programs/kube-version" "$programs/kwok-stages.yaml" "$tmp/"

# CRDs. Flux's own: from the controller modules the binaries were built from.
moddir() { (cd "$1" && go list -m -f '{{.Dir}}' "$2"); }
for m in github.com/fluxcd/source-controller github.com/fluxcd/kustomize-controller; do
  cp "$(moddir "$here/bins/flux" "$m")"/config/crd/bases/*.yaml "$tmp/crds/"
done
# Kinds published only as Go API types: controller-gen over the pinned api modules, every served
# version of a group in one run so each CRD carries all its versions (and its storage version).
log "controller-gen: helm-controller and notification-controller APIs, prometheus-operator monitoring/v1"
(cd "$here/bins/schemas" && "$programs/bin/controller-gen" crd:crdVersions=v1,maxDescLen=0,allowDangerousTypes=true \
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

cp "$here/bins/schemas/crd-sources.tsv" "$tmp/"
echo "$((SECONDS - start))" >"$tmp/build-seconds"
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
log "CRDs gathered in $((SECONDS - start)) s: $out"
