#!/usr/bin/env bash
# make up ENV=<env>: create the environment on real AWS and hand the cluster to Flux. Re-runnable:
# every step is an apply of declared state, so a second run changes nothing.
#   preflight → state bucket (terraform/bootstrap) → terraform apply envs/<env> (printing the DNS
#   delegation to make by hand, if the parent zone is elsewhere) → MongoDB Atlas
#   (terraform/atlas/<env>, when the spec says [atlas] enabled = true; preflight then requires the
#   Atlas keys; said clearly when skipped) → the first image,
#   if ECR lacks the environment's tag (scripts/first-image.sh) → kubeconfig →
#   ConfigMap flux-system/cluster-vars from `terraform output -json cluster_vars` → Flux Operator
#   + FluxInstance syncing gitops/clusters/<env> of this repository → wait for every Kustomization →
#   the GitHub webhook (scripts/github-webhook.sh, with GITHUB_TOKEN) → URLs.
# Credentials are never written to disk: AWS access comes from the caller's profile, the
# kubeconfig calls `aws eks get-token`, and GITHUB_TOKEN (private repositories only) goes from
# stdin straight into a cluster Secret.
#
# Usage: scripts/up.sh <env>   Environment: AWS_REGION, AWS credentials, optional GITHUB_TOKEN,
#   BRANCH (default main), READY_TIMEOUT seconds to wait for Flux (default 2400),
#   MONGODB_ATLAS_PUBLIC_KEY + MONGODB_ATLAS_PRIVATE_KEY + MONGODB_ATLAS_ORG_ID (the Atlas root;
#   required when environments/<env>.toml says [atlas] enabled = true, unused otherwise).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 1)) || { echo "usage: scripts/up.sh <env>   (make up ENV=dev)" >&2; exit 2; }
env="$1"
"$root/scripts/preflight.sh" up "$env"
# shellcheck source=scripts/lifecycle-lib.sh
. "$root/scripts/lifecycle-lib.sh"
steps=10
branch="${BRANCH:-main}"
ready_timeout="${READY_TIMEOUT:-2400}"
[[ "$ready_timeout" =~ ^[0-9]+$ ]] || { echo "READY_TIMEOUT must be a number of seconds" >&2; exit 2; }
# Pinned: the Flux Operator chart, and the Flux distribution the tree targets (docs/gitops.md).
flux_operator_version=0.59.0
flux_version=2.7.5

step "state bucket (terraform/bootstrap)"
"$root/scripts/tf-init.sh" "$root/terraform/bootstrap" >"$work/bootstrap-init.log"
terraform -chdir="$root/terraform/bootstrap" apply -auto-approve -var "region=$AWS_REGION"

step "terraform apply terraform/envs/$env"
init_env
# The zone (and, with parent_zone_id, its delegation) first: the full apply waits for ACM, which
# validates only once the parent delegates, so the one manual step must be known before it.
terraform -chdir="$envdir" apply -auto-approve \
  -target=module.dns.aws_route53_zone.this -target=module.dns.aws_route53_record.delegation
delegation="$(terraform -chdir="$envdir" output -json | jq -r '.delegation_step.value // empty')"
if [[ -n $delegation ]]; then
  echo "up: MANUAL STEP (the parent zone is not in this account; set parent_zone_id in terraform.tfvars when it is):"
  echo "    $delegation"
  echo "    the apply below waits for it up to the dns validation timeout"
fi
terraform -chdir="$envdir" apply -auto-approve

atlasdir="$root/terraform/atlas/$env"
step "MongoDB Atlas (terraform/atlas/$env)"
if [[ ! -d "$atlasdir" ]]; then
  echo "up: SKIPPED the Atlas root: environments/$env.toml does not use Atlas ([atlas] enabled = false), so"
  echo "    there is no terraform/atlas/$env and the sample app uses the in-cluster MariaDB (docs/atlas.md)"
else
  # preflight has refused to start without the keys: this environment's app reads the DSN written here.
  bucket="$(terraform -chdir="$root/terraform/bootstrap" output -raw state_bucket)"
  TF_PLUGIN_MIRROR=none "$root/scripts/tf-init.sh" "$atlasdir" -reconfigure -backend-config="bucket=$bucket" \
    -backend-config="region=$AWS_REGION" >"$work/atlas-init.log" || { tail -n 30 "$work/atlas-init.log" >&2; exit 1; }
  terraform -chdir="$atlasdir" apply -auto-approve -var "atlas_org_id=$MONGODB_ATLAS_ORG_ID" \
    -var "state_bucket=$bucket" -var "region=$AWS_REGION"
fi

step "the sample app's first image"
"$root/scripts/first-image.sh" "$env" "$(cluster_var SAMPLE_APP_IMAGE_REPOSITORY)"

step "kubeconfig $KUBECONFIG"
write_kubeconfig
kubectl version --request-timeout=30s >/dev/null

step "ConfigMap flux-system/cluster-vars from terraform output cluster_vars"
kubectl create namespace flux-system --dry-run=client -o yaml | kubectl apply -f -
terraform -chdir="$envdir" output -json cluster_vars | jq -r 'to_entries[] | "\(.key)=\(.value)"' |
  kubectl create configmap cluster-vars -n flux-system --from-env-file=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
repo="$(cluster_var GITHUB_REPOSITORY)"

step "Flux Operator $flux_operator_version, Flux $flux_version syncing $repo@$branch gitops/clusters/$env"
helm upgrade --install flux-operator oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator \
  --version "$flux_operator_version" --namespace flux-system --wait --timeout 10m
pull_secret=""
if [[ -n "${GITHUB_TOKEN:-}" ]]; then
  printf '%s' "$GITHUB_TOKEN" | kubectl create secret generic flux-system -n flux-system \
    --from-literal=username=git --from-file=password=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
  pull_secret="flux-system"
  # The commit-status Provider (gitops/infrastructure/configs/flux-notifications) reads this Secret.
  printf '%s' "$GITHUB_TOKEN" | kubectl create secret generic github-token -n flux-system \
    --from-file=token=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
fi
kubectl apply -f - <<YAML
apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "$flux_version"
    registry: ghcr.io/fluxcd
  components: [source-controller, kustomize-controller, helm-controller, notification-controller]
  cluster:
    type: aws
    networkPolicy: true
  sync:
    kind: GitRepository
    url: https://github.com/$repo.git
    ref: refs/heads/$branch
    path: gitops/clusters/$env
${pull_secret:+    pullSecret: $pull_secret}
YAML

step "wait for every Kustomization to be Ready (up to ${ready_timeout}s)"
deadline=$((SECONDS + ready_timeout))
while :; do
  status="$(kubectl get kustomizations.kustomize.toolkit.fluxcd.io -n flux-system -o json 2>/dev/null |
    jq -r '.items[] | "\(.metadata.name)=\([.status.conditions[]? | select(.type == "Ready") | .status][0] // "Unknown")"' || true)"
  pending="$(grep -cv '=True$' <<<"$status" || true)"
  echo "  $(date -u +%H:%M:%S) ${status//$'\n'/ }"
  [[ -n "$status" && "$pending" == 0 ]] && break
  if ((SECONDS > deadline)); then
    echo "up: not Ready after ${ready_timeout}s; the controllers say:" >&2
    kubectl get kustomizations.kustomize.toolkit.fluxcd.io,helmreleases.helm.toolkit.fluxcd.io -A >&2 || true
    exit 1
  fi
  sleep 20
done

step "GitHub webhook for Flux's Receiver"
"$root/scripts/github-webhook.sh" "$repo" "$(cluster_var DOMAIN)"

step "URLs"
kubectl get ingress -A -o json | jq -r '.items[] | .spec.rules[]?.host | "  https://\(.)"' | sort -u
echo "up: environment $env is up"
