#!/usr/bin/env bash
# make down ENV=<env>: delete the environment without the usual hang on controller-made resources.
#   preflight → destroy the MongoDB Atlas root (terraform/atlas/<env>, if the environment uses Atlas;
#   before the environment root, whose state it reads) → suspend Flux → delete Ingresses and
#   LoadBalancer Services → tools/cmd/teardown
#   (load balancers, target groups, security groups, ENIs, external-dns records, EBS volumes; bounded
#   wait with progress) → uninstall Flux cleanly → terraform destroy → teardown again for what only
#   detached with the nodes → report anything still tagged for the environment, with how to remove it.
# Every wait is bounded and prints progress; a step that times out says what it waited for.
# The cluster-side steps need a reachable cluster; when it is gone they are skipped with a note.
#
# Usage: scripts/down.sh <env>   Environment: AWS_REGION, AWS credentials,
#   TEARDOWN_TIMEOUT (default 15m), DESTROY_TIMEOUT (default 45m), and MONGODB_ATLAS_PUBLIC_KEY +
#   MONGODB_ATLAS_PRIVATE_KEY + MONGODB_ATLAS_ORG_ID when terraform/atlas/<env> holds state.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 1)) || { echo "usage: scripts/down.sh <env>   (make down ENV=dev)" >&2; exit 2; }
env="$1"
"$root/scripts/preflight.sh" down "$env"
# shellcheck source=scripts/lifecycle-lib.sh
. "$root/scripts/lifecycle-lib.sh"
steps=8
teardown_timeout="${TEARDOWN_TIMEOUT:-15m}"
destroy_timeout="${DESTROY_TIMEOUT:-45m}"
teardown() { (cd "$root/tools" && go run ./cmd/teardown "$@"); }

step "read the environment's cluster_vars from its Terraform state"
init_env
if ! cluster="$(cluster_var CLUSTER_NAME 2>/dev/null)"; then
  echo "down: terraform/envs/$env has no cluster_vars output: nothing applied, or already destroyed." >&2
  echo "      To look for leftovers of a cluster anyway: cd tools && go run ./cmd/teardown -check -cluster <name> -region $AWS_REGION" >&2
  exit 1
fi
zone="$(cluster_var HOSTED_ZONE_ID)"
echo "cluster $cluster, hosted zone $zone, region $AWS_REGION"

atlasdir="$root/terraform/atlas/$env"
step "destroy MongoDB Atlas (terraform/atlas/$env), before terraform/envs/$env"
# First: the Atlas root reads the environment root's state (the NAT addresses its access list
# admits, the secret it writes the DSN into), so it cannot plan its destroy once that is gone, and
# the cluster it bills for would be left behind. A failure here stops make down with nothing
# else touched.
if [[ ! -d "$atlasdir" ]]; then
  echo "down: SKIPPED the Atlas root: environments/$env.toml does not use Atlas (no terraform/atlas/$env)"
else
  bucket="$(terraform -chdir="$root/terraform/bootstrap" output -raw state_bucket)"
  TF_PLUGIN_MIRROR=none "$root/scripts/tf-init.sh" "$atlasdir" -reconfigure -backend-config="bucket=$bucket" \
    -backend-config="region=$AWS_REGION" >"$work/atlas-init.log" || { tail -n 30 "$work/atlas-init.log" >&2; exit 1; }
  atlas_resources="$(terraform -chdir="$atlasdir" state list | wc -l)"
  if ((atlas_resources == 0)); then
    echo "down: SKIPPED the Atlas root: terraform/atlas/$env has no state (never applied, or already destroyed)"
  elif [[ -z "${MONGODB_ATLAS_PUBLIC_KEY:-}" || -z "${MONGODB_ATLAS_PRIVATE_KEY:-}" || -z "${MONGODB_ATLAS_ORG_ID:-}" ]]; then
    echo "down: terraform/atlas/$env holds $atlas_resources resources (the Atlas cluster among them), and destroying them" >&2
    echo "      needs MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY and MONGODB_ATLAS_ORG_ID: set them and run" >&2
    echo "      make down ENV=$env again. Nothing else was touched: terraform/envs/$env must outlive the Atlas root." >&2
    exit 1
  else
    timeout --foreground "$destroy_timeout" terraform -chdir="$atlasdir" destroy -auto-approve \
      -var "atlas_org_id=$MONGODB_ATLAS_ORG_ID" -var "state_bucket=$bucket" -var "region=$AWS_REGION"
  fi
fi

step "cluster side: suspend Flux, delete Ingresses and LoadBalancer Services"
if write_kubeconfig 2>/dev/null && kubectl version --request-timeout=20s >/dev/null 2>&1; then
  # Suspended first, so Flux does not recreate what is deleted next, and so deleting Flux prunes nothing.
  kubectl annotate fluxinstance flux -n flux-system --overwrite fluxcd.controlplane.io/reconcile=disabled --request-timeout=30s || true
  for kind in kustomizations.kustomize.toolkit.fluxcd.io helmreleases.helm.toolkit.fluxcd.io; do
    kubectl get "$kind" -A -o json --request-timeout=30s | jq -r '.items[] | "\(.metadata.namespace) \(.metadata.name)"' |
      while read -r ns name; do
        kubectl patch "$kind" "$name" -n "$ns" --type merge -p '{"spec":{"suspend":true}}' --request-timeout=30s
      done
  done
  kubectl delete ingress -A --all --wait=false --request-timeout=60s
  kubectl get svc -A -o json --request-timeout=30s | jq -r '.items[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace) \(.metadata.name)"' |
    while read -r ns name; do kubectl delete svc "$name" -n "$ns" --wait=false --request-timeout=60s; done
else
  echo "down: the cluster does not answer; skipping the cluster-side steps (teardown below removes what controllers left)"
fi

step "teardown: controller-made AWS resources of $cluster (up to $teardown_timeout)"
# Terraform's own resources are excluded by ID; the state goes through a pipe, never to disk.
terraform -chdir="$envdir" show -json |
  teardown -cluster "$cluster" -region "$AWS_REGION" -hosted-zone-ids "$zone" -timeout "$teardown_timeout" -allow-attached -terraform-state -

step "uninstall Flux (its finalizers must not outlive the cluster)"
if kubectl version --request-timeout=20s >/dev/null 2>&1; then
  kubectl delete fluxinstance flux -n flux-system --ignore-not-found --timeout=5m || true
  helm uninstall flux-operator --namespace flux-system --ignore-not-found --wait --timeout 5m || true
else
  echo "down: cluster unreachable; nothing to uninstall"
fi

step "terraform destroy terraform/envs/$env (up to $destroy_timeout; Terraform prints progress)"
timeout --foreground "$destroy_timeout" terraform -chdir="$envdir" destroy -auto-approve || {
  echo "down: terraform destroy failed or timed out; leftovers of $cluster:" >&2
  teardown -check -cluster "$cluster" -region "$AWS_REGION" -hosted-zone-ids "$zone" || true
  exit 1
}

step "teardown again: volumes and ENIs that detached with the nodes"
teardown -cluster "$cluster" -region "$AWS_REGION" -timeout 10m

step "anything still tagged for the environment (Project=bkt-platform, Environment=$env)"
# The tagging API can list a just-deleted resource for a few minutes; run `make down` again to recheck.
left="$(aws resourcegroupstaggingapi get-resources --region "$AWS_REGION" \
    --tag-filters "Key=Project,Values=bkt-platform" "Key=Environment,Values=$env" \
    --query 'ResourceTagMappingList[].ResourceARN' --output text)"
if [[ -n "${left//[[:space:]]/}" && "$left" != None ]]; then
  echo "down: still tagged for $env (delete each with the service's delete command, or re-run make down ENV=$env):"
  tr '\t' '\n' <<<"$left" | sed 's/^/  /'
  exit 1
fi
echo "down: environment $env is gone"
