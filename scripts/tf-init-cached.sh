#!/usr/bin/env bash
# `scripts/tf-init.sh <dir> -backend=false`, skipped when <dir> was initialised this way after its
# last *.tf change: hashing the 700 MB provider costs ~2 s of CPU per directory and `make check`
# runs it for every module. Local module sources need no re-init when their contents change.
# Usage: scripts/tf-init-cached.sh <dir>
# Not Rust: one terraform init behind a hash of the directory's *.tf files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 1)) && [[ -d "$1" ]] || { echo "usage: scripts/tf-init-cached.sh <terraform dir> (got '${1:-}')" >&2; exit 2; }
dir="$1"
stamp="$dir/.terraform/bkt-init-no-backend.stamp"

if [[ -f "$stamp" && -z "$(find "$dir" -maxdepth 1 -name '*.tf' -newer "$stamp")" ]]; then
  exit 0
fi
"$root/scripts/tf-init.sh" "$dir" -backend=false
touch "$stamp"
