#!/usr/bin/env bash
# make down ENV=<env>: delete the environment without the usual hang on controller-made resources.
#   preflight → suspend Flux → delete Ingresses and LoadBalancer Services → tools/cmd/teardown
#   (load balancers, target groups, security groups, ENIs, external-dns records, EBS volumes; bounded
#   wait with progress) → uninstall Flux cleanly → terraform destroy → teardown again for what only
#   detached with the nodes → report anything still tagged for the environment, with how to remove it.
# Every wait is bounded and prints progress; a step that times out says what it waited for.
# The cluster-side steps need a reachable cluster; when it is gone they are skipped with a note.
#
# Usage: scripts/down.sh <env>   Environment: AWS_REGION, AWS credentials,
#   TEARDOWN_TIMEOUT (default 15m), DESTROY_TIMEOUT (default 45m).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 1)) || { echo "usage: scripts/down.sh <env>   (make down ENV=dev)" >&2; exit 2; }
env="$1"
"$root/scripts/preflight.sh" down "$env"
# shellcheck source=scripts/lifecycle-lib.sh
. "$root/scripts/lifecycle-lib.sh"
steps=7
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
