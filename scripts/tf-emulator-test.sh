#!/usr/bin/env bash
# The envs/dev integration proof (make tf-emulator): start a private emulator, apply bootstrap and
# envs/dev through the real S3 backend, assert through the AWS API, publish cluster_vars, destroy,
# assert nothing is left, stop the emulator (also on failure).
#
# Usage: scripts/tf-emulator-test.sh [workdir]   (default: build/tf-emulator)
# Writes build/cluster-vars.json (the real cluster_vars as a flat JSON object) for the GitOps suite.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/tf-emulator}"
python="$root/.venv/bin/python"
checks="$root/terraform/envs/dev/tests/emulator_checks.py"
[[ -x "$python" ]] || { echo "tf-emulator-test.sh: $python missing; run 'make setup'" >&2; exit 1; }

mkdir -p "$work"
# A private emulator: other runs (make demo, the workflows suite) keep their own.
export EMULATOR_DIR="$work/emulator"
"$root/scripts/emulator.sh" start
trap '"$root/scripts/emulator.sh" stop' EXIT
# shellcheck source=/dev/null
. "$("$root/scripts/emulator.sh" env)"

total=$SECONDS
"$root/scripts/tf-emulator-apply.sh" "$work"
"$python" "$checks" applied "$work"
mkdir -p "$root/build"
cp "$work/cluster-vars.json" "$root/build/cluster-vars.json"
echo "wrote $root/build/cluster-vars.json"
"$root/scripts/tf-emulator-destroy.sh" "$work"
"$python" "$checks" destroyed
echo "tf-emulator: apply + checks + destroy took $((SECONDS - total))s (target < 240s)"
