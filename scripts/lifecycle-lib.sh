#!/usr/bin/env bash
# Shared by scripts/up.sh and scripts/down.sh (sourced, not run): the steps both need against
# a real environment. The caller sets root, env and steps (hence SC2154 is off here).
# shellcheck disable=SC2154

# Every pinned CLI comes from the repository: aws from .venv, kubectl and helm from tools/go.mod.
export PATH="$root/.venv/bin:$PATH"
kubectl() { "$root/scripts/gotool" kubectl "$@"; }
helm() { "$root/scripts/gotool" helm "$@"; }
export TF_IN_AUTOMATION=1 TF_INPUT=0

work="$root/build/$env"
envdir="$root/terraform/envs/$env"
# The kubeconfig holds no secret: it calls `aws eks get-token` for a short-lived token.
export KUBECONFIG="$work/kubeconfig"
mkdir -p "$work"

step_no=0
step() { step_no=$((step_no + 1)); echo; echo "==> [$step_no/$steps] $* ($(date -u +%H:%M:%S))"; }

# init_env initialises terraform/envs/<env> on the state bucket terraform/bootstrap created.
init_env() {
  local bucket
  bucket="$(terraform -chdir="$root/terraform/bootstrap" output -raw state_bucket 2>/dev/null)" || {
    echo "no state bucket: terraform/bootstrap has no state here. Run 'make up ENV=$env' first, or" >&2
    echo "init terraform/envs/$env yourself with -backend-config=bucket=<your state bucket>" >&2
    return 1
  }
  "$root/scripts/tf-init.sh" "$envdir" -reconfigure -backend-config="bucket=$bucket" -backend-config="region=$AWS_REGION" >"$work/init.log" ||
    { tail -n 30 "$work/init.log" >&2; return 1; }
}

# cluster_var prints one key of the applied environment's cluster_vars output.
cluster_var() { terraform -chdir="$envdir" output -json cluster_vars | jq -er --arg k "$1" '.[$k]'; }

write_kubeconfig() {
  aws eks update-kubeconfig --region "$AWS_REGION" --name "$(cluster_var CLUSTER_NAME)" --kubeconfig "$KUBECONFIG" >/dev/null
}
