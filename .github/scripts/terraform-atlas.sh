#!/usr/bin/env bash
# Plans the MongoDB Atlas root terraform/atlas/<env> (docs/atlas.md) — what terraform.yml runs
# after the environment's plan, runnable by hand too. The root needs the registry (mongodbatlas,
# random) and Atlas API keys; without the keys it says so and plans nothing, so a repository
# without Atlas still gets green plans.
# Usage: terraform-atlas.sh <env>   Environment: MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY,
#   TF_VAR_atlas_org_id (the organization), AWS credentials (the root reads envs/<env>'s state),
#   TF_STATE_BUCKET (the bootstrap's state_bucket output) when the backend names no bucket.
# Writes build/tf/atlas-<env>.tfplan.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 <env>  (env: a directory under terraform/atlas/)" >&2; exit 2; }
env=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$root/terraform/atlas/$env
[[ $env =~ ^[a-z0-9-]+$ && -d $dir ]] || { echo "no Atlas root terraform/atlas/$env" >&2; exit 2; }

missing=()
for name in MONGODB_ATLAS_PUBLIC_KEY MONGODB_ATLAS_PRIVATE_KEY TF_VAR_atlas_org_id; do
  [[ -n ${!name:-} ]] || missing+=("$name")
done
if ((${#missing[@]} > 0)); then
  echo "SKIPPED: terraform/atlas/$env is not planned: ${missing[*]} not set (repository secrets"
  echo "MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY and MONGODB_ATLAS_ORG_ID; docs/atlas.md)."
  exit 0
fi

out=$root/build/tf
mkdir -p "$out"
# A backend that names no bucket (no account ID in Git) gets it from TF_STATE_BUCKET, and so
# does the state_bucket input the root reads envs/<env>'s outputs with.
backend=()
if [[ -n ${TF_STATE_BUCKET:-} ]]; then
  backend=("-backend-config=bucket=$TF_STATE_BUCKET")
  export TF_VAR_state_bucket="$TF_STATE_BUCKET"
fi
# The Atlas providers are not in the offline mirror: init from the registry.
TF_PLUGIN_MIRROR=none "$root/scripts/tf-init.sh" "$dir" "${backend[@]}"
# Read-only, like the environment's plan: no lock.
terraform -chdir="$dir" plan -input=false -lock=false -out="$out/atlas-$env.tfplan"
