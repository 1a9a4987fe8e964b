#!/usr/bin/env bash
# Destroy what scripts/tf-emulator-apply.sh created: envs/dev first (through its S3 backend), then
# the state bucket's contents and terraform/bootstrap.
#
# Usage: scripts/tf-emulator-destroy.sh <workdir>
#   <workdir> is the one given to tf-emulator-apply.sh; needs the same emulator environment.
#   Safe to re-run: a root that was never applied or is already gone is skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "tf-emulator-destroy.sh: $*" >&2; exit 1; }

(($# == 1)) || die "usage: scripts/tf-emulator-destroy.sh <workdir>"
work="$1"
tf="$work/terraform"
[[ -d "$tf" ]] || die "$tf not found; pass the workdir given to scripts/tf-emulator-apply.sh"
[[ "${AWS_ENDPOINT_URL:-}" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] ||
  die "AWS_ENDPOINT_URL must point at the local emulator (got '${AWS_ENDPOINT_URL:-}'); source the emulator env file"
export TF_IN_AUTOMATION=1 TF_INPUT=0

if [[ -d "$tf/envs/dev/.terraform" ]]; then
  start=$SECONDS
  terraform -chdir="$tf/envs/dev" destroy -auto-approve -no-color -var-file=emulator.tfvars >"$work/dev-destroy.log" ||
    { tail -n 40 "$work/dev-destroy.log" >&2; die "envs/dev destroy failed; log: $work/dev-destroy.log"; }
  echo "envs/dev destroyed in $((SECONDS - start))s"
fi

if [[ -f "$work/state-bucket" ]]; then
  start=$SECONDS
  # The bucket refuses deletion while it holds state versions (force_destroy is off on purpose).
  "$root/.venv/bin/python" "$root/terraform/envs/dev/tests/emulator_checks.py" empty-bucket "$(cat "$work/state-bucket")"
  terraform -chdir="$tf/bootstrap" destroy -auto-approve -no-color -var "region=$AWS_REGION" >"$work/bootstrap-destroy.log" ||
    { tail -n 40 "$work/bootstrap-destroy.log" >&2; die "bootstrap destroy failed; log: $work/bootstrap-destroy.log"; }
  rm -f "$work/state-bucket"
  echo "bootstrap destroyed in $((SECONDS - start))s"
fi
