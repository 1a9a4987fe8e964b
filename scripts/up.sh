#!/usr/bin/env bash
# make up ENV=<env>: create the environment on real AWS and hand the cluster to Flux. Re-runnable:
# every step is an apply of declared state, so a second run changes nothing.
#   preflight → state bucket (terraform/bootstrap) → terraform apply envs/<env> (printing the DNS
#   delegation to make by hand, if the parent zone is elsewhere) → MongoDB Atlas
#   (terraform/atlas/<env>, when the spec says [atlas] enabled = true; preflight then requires the
#   Atlas keys; said clearly when skipped) → the first image,
#   if ECR lacks the environment's tag (scripts/first-image.sh) → kubeconfig →
#   ConfigMap flux-system/cluster-vars from `terraform output -json cluster_vars` → Flux Operator
#   (chart version: `generate --print-pin flux-operator`) + the environment's generated FluxInstance
#   (gitops/clusters/<env>/flux-instance.yaml: Flux version, repository, branch; Flux then manages
#   it from Git, so a version bump is a merge) → wait for every Kustomization →
#   the GitHub webhook (scripts/github-webhook.sh, with GITHUB_TOKEN) → URLs.
# Credentials are never written to disk: AWS access comes from the caller's profile, the
# kubeconfig calls `aws eks get-token`, and GITHUB_TOKEN (private repositories only) goes from
# stdin straight into a cluster Secret.
#
# Usage: scripts/up.sh <env>   Environment: AWS_REGION, AWS credentials, optional GITHUB_TOKEN,
#   READY_TIMEOUT seconds to wait for Flux (default 2400),
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
ready_timeout="${READY_TIMEOUT:-2400}"
[[ "$ready_timeout" =~ ^[0-9]+$ ]] || { echo "READY_TIMEOUT must be a number of seconds" >&2; exit 2; }
# Both pins live in the Rust sources (docs/gitops.md): the operator chart in the catalog, the Flux
# version in the FluxInstance the generator wrote.
instance="$root/gitops/clusters/$env/flux-instance.yaml"
[[ -f $instance ]] || { echo "up: $instance is missing: run cargo run --example generate" >&2; exit 2; }
flux_operator_version="$(cd "$root" && cargo run --locked --quiet --example generate -- --print-pin flux-operator)"

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

step "Flux Operator $flux_operator_version and the FluxInstance gitops/clusters/$env/flux-instance.yaml"
helm upgrade --install flux-operator oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator \
  --version "$flux_operator_version" --namespace flux-system --wait --timeout 10m
# The instance's sync clones with the Secret flux-system: GITHUB_TOKEN for a private repository,
# or no data at all (an anonymous clone of a public one).
if [[ -n "${GITHUB_TOKEN:-}" ]]; then
  printf '%s' "$GITHUB_TOKEN" | kubectl create secret generic flux-system -n flux-system \
    --from-literal=username=git --from-file=password=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
  # The commit-status Provider (gitops/infrastructure/configs/flux-notifications) reads this Secret.
  printf '%s' "$GITHUB_TOKEN" | kubectl create secret generic github-token -n flux-system \
    --from-file=token=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
else
  kubectl create secret generic flux-system -n flux-system --dry-run=client -o yaml | kubectl apply -f -
fi
# The instance names the repository it syncs ([flux] repository of environments/$env.toml); the
# root's github_repository (commit statuses, the webhook, the CI roles' trust) must be the same.
synced="$(kubectl create --dry-run=client -f "$instance" -o jsonpath='{.spec.sync.url} {.spec.sync.ref}')"
if [[ ${synced%% *} != "https://github.com/$repo.git" ]]; then
  echo "up: $instance syncs ${synced%% *}, but terraform's github_repository is $repo:" >&2
  echo "    set [flux] repository = \"$repo\" in environments/$env.toml, regenerate, commit and push" >&2
  exit 1
fi
echo "up: Flux syncs $repo ${synced#* }; it applies this file from there too, so push it first"
kubectl apply -f "$instance"

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
