#!/usr/bin/env bash
# Monthly list-price estimate of an environment (make cost): plan terraform/envs/<env> from empty
# state against the local AWS API emulator — so the plan shows everything the environment creates
# and no AWS account is needed — and price it with tools/cmd/cost.
#
# Usage: scripts/cost.sh <env> [tools/cmd/cost flags, e.g. -budget 250 -node-uptime 0.45]
#   Inputs: terraform/envs/<env>/terraform.tfvars when present, else terraform.tfvars.example.
#   Reuses a running emulator when AWS_ENDPOINT_URL points at one (127.0.0.1); otherwise starts
#   a private one under build/cost/ and stops it on exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "cost.sh: $*" >&2; exit 2; }

(($# >= 1)) || die "usage: scripts/cost.sh <env> [cost flags]   e.g. scripts/cost.sh dev -budget 250"
env="$1"
shift
[[ "$env" =~ ^[a-z0-9-]+$ && -d "$root/terraform/envs/$env" ]] ||
  die "no environment '$env': choose one of: $(ls "$root/terraform/envs")"
vars="$root/terraform/envs/$env/terraform.tfvars"
[[ -f "$vars" ]] || vars="$root/terraform/envs/$env/terraform.tfvars.example"
[[ -f "$vars" ]] || die "neither terraform.tfvars nor terraform.tfvars.example in terraform/envs/$env"

work="$root/build/cost/$env"
mkdir -p "$work"
if [[ ! "${AWS_ENDPOINT_URL:-}" =~ ^https?://127\.0\.0\.1:[0-9]+$ ]]; then
  export EMULATOR_DIR="$work/emulator"
  "$root/scripts/emulator.sh" start >/dev/null
  trap '"$root/scripts/emulator.sh" stop >/dev/null' EXIT
  # shellcheck source=/dev/null
  . "$("$root/scripts/emulator.sh" env)"
fi

# A copy with a local backend: the estimate must not need (or touch) the real state bucket.
rsync -a --delete --exclude .terraform --exclude '*.tfstate*' --exclude .terraform.lock.hcl "$root/terraform/" "$work/terraform/"
dir="$work/terraform/envs/$env"
cp "$root/tests/overrides/cost/cost_backend_override.tf" "$dir/"
cp "$vars" "$dir/cost.tfvars"

echo "cost: planning terraform/envs/$env with $(basename "$vars") (offline, empty state)" >&2
"$root/scripts/tf-init.sh" "$dir" -reconfigure >"$work/init.log" 2>&1 || { tail -n 30 "$work/init.log" >&2; die "terraform init failed; log: $work/init.log"; }
export TF_IN_AUTOMATION=1 TF_INPUT=0
terraform -chdir="$dir" plan -no-color -refresh=false -var-file=cost.tfvars -out=cost.tfplan >"$work/plan.log" 2>&1 ||
  { tail -n 30 "$work/plan.log" >&2; die "terraform plan failed; log: $work/plan.log"; }
terraform -chdir="$dir" show -json cost.tfplan >"$work/plan.json"
cd "$root/tools" && go run ./cmd/cost -plan "$work/plan.json" "$@"
