#!/usr/bin/env bash
# Builds the twin's programs and gathers its CRDs once per machine (docs/twin.md) and prints the
# folder that holds both (bin/, crds/, kube-version, kwok-stages.yaml, crd-sources.tsv). Two cache
# keys, so that what changes often does not rebuild what is slow:
# - the programs (build-programs.sh, 5-35 min): a hash of the Go version, that script and every
#   wrapper's go.mod/go.sum/*.go under bins/, in programs-<hash>/;
# - the CRDs (build-crds.sh, seconds): a hash of the programs' key, this script,
#   build-crds.sh and bins/schemas/crd-sources.tsv, in <hash>/, which links the programs' bin/.
# A pin change builds a new folder; an unchanged pin is a no-op.
#   tests/twin/build.sh          build what is missing, print the folder
#   tests/twin/build.sh --key    print the folder without building
# Environment: TWIN_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/bkt-twin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
cache="${TWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bkt-twin}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

programs_key="$( { go version; cat "$here/build-programs.sh" "$here"/bins/*/go.mod "$here"/bins/*/go.sum \
  "$here"/bins/*/*.go; } | sha256sum | cut -c1-16)"
programs="$cache/programs-$programs_key"
key="$( { echo "$programs_key"; cat "${BASH_SOURCE[0]}" "$here/build-crds.sh" \
  "$here/bins/schemas/crd-sources.tsv"; } | sha256sum | cut -c1-16)"
out="$cache/$key"
if [[ ${1:-} == --key ]]; then echo "$out"; exit 0; fi
if [[ -f $out/.complete ]]; then echo "$out"; exit 0; fi

[[ -f $programs/.complete ]] || "$here/build-programs.sh" "$programs"
"$here/build-crds.sh" "$programs" "$out"
echo "$out"
