#!/usr/bin/env bash
# The environment roots' integration proof (make tf-emulator): start a private emulator, apply
# bootstrap, then for each environment in turn apply terraform/envs/<env> through the real S3
# backend, assert through the AWS API, publish its cluster_vars and destroy it; destroy the
# bootstrap, assert nothing is left, stop the emulator (also on failure).
#
# The environments run one after the other in one emulator account because each root is meant
# for its own AWS account: dev and prod would collide on the ECR repository bkt-sample-app and the
# GitHub OIDC provider. Destroying one before applying the next also proves each destroy.
#
# Usage: scripts/tf-emulator-test.sh [workdir]   (default: build/tf-emulator)
#   TF_EMULATOR_ENVS: the environments, in order (default: every terraform/envs/<env> with an
#   emulator.tfvars, in name order).
# Writes build/<env>/cluster-vars.json (the real cluster_vars as a flat JSON object) for the GitOps
# suite, and dev's also to build/cluster-vars.json, where the tools and docs read it.
# Not Rust: composes the emulator, apply and destroy scripts for each environment; process glue.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/tf-emulator}"
python="$root/.venv/bin/python"
checks="$root/scripts/emulator_checks.py"
[[ -x "$python" ]] || { echo "tf-emulator-test.sh: $python missing; run 'make setup'" >&2; exit 1; }
if [[ -n "${TF_EMULATOR_ENVS:-}" ]]; then
  read -ra envs <<<"$TF_EMULATOR_ENVS"
else
  envs=()
  for tfvars in "$root"/terraform/envs/*/emulator.tfvars; do
    if [[ -f "$tfvars" ]]; then envs+=("$(basename "$(dirname "$tfvars")")"); fi
  done
fi
((${#envs[@]} > 0)) || { echo "tf-emulator-test.sh: no terraform/envs/<env>/emulator.tfvars found" >&2; exit 1; }

mkdir -p "$work"
# A private emulator: other runs (make demo, the workflows suite) keep their own.
export EMULATOR_DIR="$work/emulator"
"$root/scripts/emulator.sh" start
trap '"$root/scripts/emulator.sh" stop' EXIT
# shellcheck source=/dev/null
. "$("$root/scripts/emulator.sh" env)"

total=$SECONDS
for env in "${envs[@]}"; do
  start=$SECONDS
  "$root/scripts/tf-emulator-apply.sh" "$work" "$env"
  "$python" "$checks" applied "$work" "$env"
  mkdir -p "$root/build/$env"
  cp "$work/$env/cluster-vars.json" "$root/build/$env/cluster-vars.json"
  echo "wrote $root/build/$env/cluster-vars.json"
  if [[ "$env" == dev ]]; then
    cp "$work/dev/cluster-vars.json" "$root/build/cluster-vars.json"
    echo "wrote $root/build/cluster-vars.json (dev's)"
  fi
  if [[ "$env" == "${envs[0]}" ]]; then
    # The emulator's duplicate route table, planted: the destroy must delete it and say so, or
    # it would wait on the VPC.
    terraform -chdir="$work/terraform/envs/$env" show -json >"$work/$env/state.json"
    planted="$("$python" "$checks" plant-route-table "$work/$env/state.json")"
    destroyed="$("$root/scripts/tf-emulator-destroy.sh" "$work" "$env")"
    echo "$destroyed"
    grep -q "deleted stray route table $planted " <<<"$destroyed" ||
      { echo "tf-emulator: the destroy did not report deleting the planted route table $planted" >&2; exit 1; }
  else
    "$root/scripts/tf-emulator-destroy.sh" "$work" "$env"
  fi
  echo "tf-emulator: envs/$env apply + checks + destroy took $((SECONDS - start))s"
done
"$root/scripts/tf-emulator-destroy.sh" "$work"
"$python" "$checks" destroyed
echo "tf-emulator: bootstrap + ${envs[*]} took $((SECONDS - total))s (target < 240s for dev alone)"
