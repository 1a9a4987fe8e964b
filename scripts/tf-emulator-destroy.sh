#!/usr/bin/env bash
# Destroy what scripts/tf-emulator-apply.sh created: one environment root (through its S3
# backend), or every environment root it applied and then the state bucket's contents and
# terraform/bootstrap.
#
# Usage: scripts/tf-emulator-destroy.sh <workdir> [env]
#   <workdir> is the one given to tf-emulator-apply.sh; needs the same emulator environment.
#   With env: destroy terraform/envs/<env> only (the bootstrap stays for the next environment).
#   Without: destroy every environment applied in <workdir>, then bootstrap.
#   Safe to re-run: a root that was never applied or is already gone is skipped.
# Not Rust: terraform destroy calls and the emulator checks (scripts/emulator_checks.py), in order.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "tf-emulator-destroy.sh: $*" >&2; exit 1; }

(($# == 1 || $# == 2)) || die "usage: scripts/tf-emulator-destroy.sh <workdir> [env]"
work="$1"
tf="$work/terraform"
[[ -d "$tf" ]] || die "$tf not found; pass the workdir given to scripts/tf-emulator-apply.sh"
[[ "${AWS_ENDPOINT_URL:-}" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] ||
  die "AWS_ENDPOINT_URL must point at the local emulator (got '${AWS_ENDPOINT_URL:-}'); source the emulator env file"
export TF_IN_AUTOMATION=1 TF_INPUT=0

destroy_env() {
  local env="$1" start=$SECONDS
  [[ -d "$tf/envs/$env/.terraform" ]] || return 0
  mkdir -p "$work/$env"
  # A route table the emulator created twice (docs/terraform.md, "When the emulator itself
  # stumbles") is not in the state and would hold the VPC: delete it first, saying so.
  terraform -chdir="$tf/envs/$env" show -json >"$work/$env/state.json"
  "$root/.venv/bin/python" "$root/scripts/emulator_checks.py" stray-route-tables "$work/$env/state.json"
  terraform -chdir="$tf/envs/$env" destroy -auto-approve -no-color -var-file=emulator.tfvars >"$work/$env/destroy.log" ||
    { tail -n 40 "$work/$env/destroy.log" >&2; die "envs/$env destroy failed; log: $work/$env/destroy.log"; }
  # The parent zone tf-emulator-apply.sh created for the delegation (its NS record is gone now).
  "$root/.venv/bin/python" "$root/scripts/emulator_checks.py" parent-zone-delete \
    "$(sed -n 's/^domain *= *"\(.*\)"$/\1/p' "$tf/envs/$env/emulator.tfvars")"
  # Initialised no more: a later run without env skips it.
  rm -rf "$tf/envs/$env/.terraform"
  echo "envs/$env destroyed in $((SECONDS - start))s"
}

if (($# == 2)); then
  destroy_env "$2"
  exit 0
fi

for dir in "$tf"/envs/*/; do
  destroy_env "$(basename "$dir")"
done

if [[ -f "$work/state-bucket" ]]; then
  start=$SECONDS
  # The bucket refuses deletion while it holds state versions (force_destroy is off on purpose).
  "$root/.venv/bin/python" "$root/scripts/emulator_checks.py" empty-bucket "$(cat "$work/state-bucket")"
  terraform -chdir="$tf/bootstrap" destroy -auto-approve -no-color -var "region=$AWS_REGION" >"$work/bootstrap-destroy.log" ||
    { tail -n 40 "$work/bootstrap-destroy.log" >&2; die "bootstrap destroy failed; log: $work/bootstrap-destroy.log"; }
  rm -f "$work/state-bucket"
  echo "bootstrap destroyed in $((SECONDS - start))s"
fi
