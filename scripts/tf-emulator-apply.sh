#!/usr/bin/env bash
# Apply terraform/bootstrap (once per workdir) and then terraform/envs/<env>, with its real S3
# backend, against the running AWS API emulator.
#
# Usage: scripts/tf-emulator-apply.sh <workdir> [env]   (env: default dev)
#   Needs the emulator's environment (AWS_ENDPOINT_URL=http://127.0.0.1:PORT, test credentials,
#   AWS_REGION): scripts/emulator.sh start && . "$(scripts/emulator.sh env)".
#   <workdir> receives a copy of terraform/ (so the caller's tree is never touched) with
#   emulator_override.tf files for what the emulator lacks; see EMULATOR GAPS below.
#   Every environment root is meant for its own AWS account; in the one emulator account dev and
#   prod collide (the ECR repository bkt-sample-app, the GitHub OIDC provider), so apply another
#   environment only after destroying the first (scripts/tf-emulator-destroy.sh <workdir> <env>).
# Writes: <workdir>/state-bucket (bucket name), <workdir>/<env>/outputs.json (all of the env's
#   outputs), <workdir>/<env>/cluster-vars.json (the cluster_vars output as a flat JSON object).
# Undo with scripts/tf-emulator-destroy.sh <workdir> [env].
# Not Rust: terraform init and apply with emulator overrides copied in place; shared with the
#   lifecycle test and cost, all shells of terraform calls.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "tf-emulator-apply.sh: $*" >&2; exit 1; }

(($# == 1 || $# == 2)) || die "usage: scripts/tf-emulator-apply.sh <workdir> [env]"
work="$1"
env="${2:-dev}"
if [[ ! "$env" =~ ^[a-z0-9-]+$ || ! -f "$root/terraform/envs/$env/emulator.tfvars" ]]; then
  known=("$root"/terraform/envs/*/emulator.tfvars)
  known=("${known[@]%/emulator.tfvars}")
  die "no environment '$env' with an emulator.tfvars: choose one of: ${known[*]##*/}"
fi
[[ "${AWS_ENDPOINT_URL:-}" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] ||
  die "AWS_ENDPOINT_URL must point at the local emulator (got '${AWS_ENDPOINT_URL:-}'); run: scripts/emulator.sh start && . \"\$(scripts/emulator.sh env)\""
[[ -n "${AWS_REGION:-}" ]] || die "AWS_REGION is not set; source the emulator env file"
command -v jq >/dev/null || die "jq is required"

mkdir -p "$work"
work="$(cd "$work" && pwd)"
tf="$work/terraform"
out="$work/$env"
mkdir -p "$out"
# A workdir left by another emulator (a failed run) holds state of resources that are gone: start over.
if [[ "$(cat "$work/emulator-endpoint" 2>/dev/null)" != "$AWS_ENDPOINT_URL" ]]; then
  rm -rf "$work/state-bucket" "$tf"
  echo "$AWS_ENDPOINT_URL" >"$work/emulator-endpoint"
fi
# The copy is made once per bootstrap: a later environment must not wipe the earlier roots' state.
if [[ ! -f "$work/state-bucket" ]]; then
  rsync -a --delete --exclude .terraform --exclude '*.tfstate*' --exclude .terraform.lock.hcl "$root/terraform/" "$tf/"
fi

# EMULATOR GAPS: moto lacks some EKS APIs and evaluates no policy conditions; in this copy only,
# the overrides under tests/overrides/emulator (each says which resources and why) take those
# resources to zero instances. The real module code is unchanged; docs/terraform.md lists what
# this leaves unproven.
cp "$root/tests/overrides/emulator/modules/eks/emulator_override.tf" "$tf/modules/eks/"
cp "$root/tests/overrides/emulator/bootstrap/emulator_override.tf" "$tf/bootstrap/"

export TF_IN_AUTOMATION=1 TF_INPUT=0

apply_bootstrap() {
  local start=$SECONDS bucket
  [[ -f "$work/state-bucket" ]] && return 0
  "$root/scripts/tf-init.sh" "$tf/bootstrap" >/dev/null
  terraform -chdir="$tf/bootstrap" apply -auto-approve -no-color -var "region=$AWS_REGION" >"$work/bootstrap-apply.log" 2>&1 ||
    { tail -n 40 "$work/bootstrap-apply.log" >&2; echo "tf-emulator-apply.sh: bootstrap apply failed; log: $work/bootstrap-apply.log" >&2; return 1; }
  bucket="$(terraform -chdir="$tf/bootstrap" output -raw state_bucket)"
  echo "$bucket" >"$work/state-bucket"
  echo "bootstrap applied in $((SECONDS - start))s: state bucket $bucket"
}

apply_env() {
  local start=$SECONDS
  # The emulator answers at an IP address: path-style addressing, and no AWS-only checks. The
  # bucket is the emulator's bootstrap bucket, not the one the root names for its real account.
  "$root/scripts/tf-init.sh" "$tf/envs/$env" -reconfigure \
    -backend-config="bucket=$(cat "$work/state-bucket")" \
    -backend-config="region=$AWS_REGION" \
    -backend-config="use_path_style=true" \
    -backend-config="skip_credentials_validation=true" \
    -backend-config="skip_requesting_account_id=true" >/dev/null
  # The parent domain's zone exists in this account (as it would for a team owning example.com),
  # so the apply writes the delegation itself: parent_zone_id.
  local domain parent
  domain="$(sed -n 's/^domain *= *"\(.*\)"$/\1/p' "$tf/envs/$env/emulator.tfvars")"
  parent="$("$root/.venv/bin/python" "$root/scripts/emulator_checks.py" parent-zone "$domain")"
  terraform -chdir="$tf/envs/$env" apply -auto-approve -no-color -var-file=emulator.tfvars \
    -var "parent_zone_id=$parent" >"$out/apply.log" 2>&1 ||
    { tail -n 40 "$out/apply.log" >&2; echo "tf-emulator-apply.sh: envs/$env apply failed; log: $out/apply.log" >&2; return 1; }
  terraform -chdir="$tf/envs/$env" output -json >"$out/outputs.json"
  jq '.cluster_vars.value' "$out/outputs.json" >"$out/cluster-vars.json"
  echo "envs/$env applied in $((SECONDS - start))s: $(jq length "$out/cluster-vars.json") cluster_vars in $out/cluster-vars.json"
}

# moto's development server sometimes resets a connection after it has carried out a create; the
# SDK then retries, and the second create meets the first one ("AlreadyExists"; seen once, on a KMS
# alias, in a handful of runs). That is the emulator's fault, not the configuration's, so
# such a failure gets exactly one more try on an emptied emulator (bootstrap applied anew); any
# other failure, or the same one twice, fails the run. An earlier environment of this workdir must
# already be destroyed then, as the usage above requires.
if ! { apply_bootstrap && apply_env; }; then
  grep -qsE 'AlreadyExists|EntityAlreadyExists|already exists' "$work/bootstrap-apply.log" "$out/apply.log" ||
    die "apply failed (see above)"
  echo "tf-emulator-apply.sh: the emulator answered a retried create with AlreadyExists; emptying it and applying once more" >&2
  curl -fsS -X POST "$AWS_ENDPOINT_URL/moto-api/reset" >/dev/null || die "could not reset the emulator at $AWS_ENDPOINT_URL"
  rm -rf "$work/state-bucket" "$tf/bootstrap/terraform.tfstate" "$tf/bootstrap/terraform.tfstate.backup" "$tf/envs/$env/.terraform/terraform.tfstate"
  { apply_bootstrap && apply_env; } || die "apply failed twice (see above)"
fi
