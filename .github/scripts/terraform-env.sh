#!/usr/bin/env bash
# Plans, or plans and applies, one Terraform environment against real AWS — what
# terraform.yml runs (`make tf-plan` / `make tf-apply`), runnable by hand too.
# Usage: terraform-env.sh plan|apply <env>     e.g. terraform-env.sh plan dev
# AWS credentials come from the caller: in CI the role configure-aws-credentials
# assumed (plan: read-only role, apply: apply role), locally your own profile.
# Writes build/tf/<env>.tfplan and build/tf/<env>-plan.md, a short summary that
# the workflow appends to the job summary.
set -euo pipefail

usage() { echo "usage: $0 plan|apply <env>  (env: a directory under terraform/envs/)" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
env=$2
[[ $action == plan || $action == apply ]] || usage
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$root/terraform/envs/$env
[[ $env =~ ^[a-z0-9-]+$ && -d $dir ]] || { echo "no Terraform environment terraform/envs/$env" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is required for the plan summary" >&2; exit 1; }

# terraform.tfvars is gitignored (local experiments); CI only sees inputs committed to Git.
shopt -s nullglob
inputs=("$dir"/*.auto.tfvars)
[[ -f $dir/terraform.tfvars ]] && inputs+=("$dir/terraform.tfvars")
if ((${#inputs[@]} == 0)); then
  echo "terraform/envs/$env has no inputs: commit them (they are not secret) as" >&2
  echo "terraform/envs/$env/$env.auto.tfvars, starting from terraform.tfvars.example" >&2
  exit 1
fi

out=$root/build/tf
mkdir -p "$out"
plan=$out/$env.tfplan
summary=$out/$env-plan.md

# A backend that names no bucket (the default: no account ID in Git) gets it from
# TF_STATE_BUCKET, the bootstrap root's state_bucket output (a repository variable in CI).
backend=()
[[ -n ${TF_STATE_BUCKET:-} ]] && backend=("-backend-config=bucket=$TF_STATE_BUCKET")
if ! "$root/scripts/tf-init.sh" "$dir" "${backend[@]}"; then
  [[ -z ${TF_STATE_BUCKET:-} ]] &&
    echo "terraform init failed; if the backend names no bucket, set TF_STATE_BUCKET to the state_bucket output of terraform/bootstrap" >&2
  exit 1
fi

# The plan role is read-only, so it cannot write the S3 lock file; a plan changes
# nothing, so it runs unlocked. The apply takes the lock.
lock=-lock=true
[[ $action == plan ]] && lock=-lock=false
terraform -chdir="$dir" plan -input=false "$lock" -out="$plan"

terraform -chdir="$dir" show -json "$plan" | jq -r --arg env "$env" '
  [.resource_changes[]? | select(.change.actions != ["no-op"] and .change.actions != ["read"])
   | {a: (.change.actions | join("/")), address}] as $changes
  | "### terraform plan: envs/\($env)\n",
    (if ($changes | length) == 0 then "No changes."
     else
       ($changes | group_by(.a) | map("\(length) to \(.[0].a)") | join(", ")) + "\n",
       "| action | address |", "|---|---|",
       ($changes[] | "| \(.a) | `\(.address)` |")
     end)' >"$summary"
cat "$summary"

if [[ $action == apply ]]; then
  terraform -chdir="$dir" apply -input=false "$plan"
fi
