#!/usr/bin/env bash
# `terraform test` (mock provider, no cloud) of every module and root that has tests/, in parallel
# (one job per CPU), printing each run's summary and the wall time.
# Usage: scripts/tf-test.sh [dir...]   (default: every directory scripts/tf-roots.sh --with-tests lists)
# Not Rust: terraform test over the roots scripts/tf-roots.sh lists, in parallel (xargs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if (($# > 0)); then
  dirs=("$@")
else
  mapfile -t dirs < <(scripts/tf-roots.sh --with-tests)
fi
for dir in "${dirs[@]}"; do
  compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || { echo "tf-test: $dir has no tests/*.tftest.hcl" >&2; exit 2; }
done

out=build/tf-test
# The provider schema makes Terraform and the plugin garbage-collect constantly; a larger heap
# target cuts their CPU time by about a fifth for ~10% more memory (measured).
export GOGC=400
mkdir -p "$out"
start=$SECONDS
# Each `terraform test` loads the ~700 MB provider schema; more jobs than CPUs only thrash.
# Longest suites (most run blocks) start first so the CPUs finish together.
# shellcheck disable=SC2016 # the inner script expands its own positional arguments
for dir in "${dirs[@]}"; do
  echo "$(cat "$dir"/tests/*.tftest.hcl | grep -c '^run ') $dir"
done | sort -rn | cut -d' ' -f2 | xargs -P "$(nproc)" -I{} bash -c '
  log="$1/$(echo "$2" | tr / _).log"
  { scripts/tf-init-cached.sh "$2" >/dev/null && terraform -chdir="$2" test -no-color; } >"$log" 2>&1
  echo $? >"$log.rc"' _ "$out" {}

failed=0
for dir in "${dirs[@]}"; do
  log="$out/$(echo "$dir" | tr / _).log"
  summary="$(grep -E '^(Success|Failure)!' "$log" || echo "no summary (init failed?)")"
  if [[ "$(cat "$log.rc")" == 0 ]]; then
    echo "pass: $dir: $summary"
  else
    failed=1
    echo "FAIL: $dir: $summary" >&2
    grep -E '\.\.\. fail|Error:|error_message|condition' -A6 "$log" >&2 || cat "$log" >&2
  fi
done
echo "tf-test: ${#dirs[@]} directories in $((SECONDS - start))s (target < 60s warm)"
exit "$failed"
