#!/usr/bin/env bash
# Fast static checks of all Terraform code: formatting, then `terraform validate` of every root
# (which validates the modules it calls) and of any module no root calls; no backend, no
# credentials, one job per CPU. Part of `make check`.
# Usage: scripts/tf-check.sh
# Not Rust: terraform fmt and validate over the roots scripts/tf-roots.sh lists, in parallel
#   (xargs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
terraform fmt -check -recursive -diff terraform ||
  { echo "tf-check: run 'terraform fmt -recursive terraform' to fix the formatting above" >&2; exit 1; }

out=build/tf-check
# A larger heap target cuts the CPU time of loading the provider schema by about a fifth (measured).
export GOGC=400
mkdir -p "$out"
start=$SECONDS
mapfile -t dirs < <(scripts/tf-roots.sh --validate)
# Each validate loads the ~700 MB provider schema; more jobs than CPUs only thrash.
# shellcheck disable=SC2016 # the inner script expands its own positional arguments
printf '%s\n' "${dirs[@]}" | xargs -P "$(nproc)" -I{} bash -c '
  log="$1/$(echo "$2" | tr / _).log"
  { scripts/tf-init-cached.sh "$2" && terraform -chdir="$2" validate -no-color; } >"$log" 2>&1
  echo $? >"$log.rc"' _ "$out" {}

failed=0
for dir in "${dirs[@]}"; do
  log="$out/$(echo "$dir" | tr / _).log"
  if [[ "$(cat "$log.rc")" == 0 ]]; then
    echo "valid: $dir"
  else
    failed=1
    echo "INVALID: $dir" >&2
    grep -A8 "Error" "$log" >&2 || cat "$log" >&2
  fi
done
echo "tf-check: fmt + validate of ${#dirs[@]} directories in $((SECONDS - start))s"
exit "$failed"
