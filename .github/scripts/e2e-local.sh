#!/usr/bin/env bash
# Runs the gitops/clusters/local flavour of the GitOps tree on the current kube
# context (a throw-away kind cluster): installs Flux, writes stub cluster vars,
# points flux-system at this repository, loads the locally built sample-app
# image and waits until the app answers and its Helm test passed.
# Usage: e2e-local.sh <git-ref>   e.g. refs/pull/12/merge or refs/heads/main
# Needs: kind cluster named $KIND_CLUSTER (default bkt-e2e), cargo, flux, kubectl,
# docker, jq; GITHUB_TOKEN (contents: read) for Flux to clone a private repo;
# GITHUB_SERVER_URL and GITHUB_REPOSITORY as GitHub Actions sets them.
set -euo pipefail

if [[ $# -ne 1 || $1 != refs/* ]]; then
  echo "usage: $0 <git ref, e.g. refs/heads/main>" >&2
  exit 2
fi
ref=$1
cluster=${KIND_CLUSTER:-bkt-e2e}
: "${GITHUB_TOKEN:?set GITHUB_TOKEN so Flux can clone the repository}"
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY to owner/repo}"
: "${GITHUB_SERVER_URL:?set GITHUB_SERVER_URL, e.g. https://github.com}"
for tool in cargo kind flux kubectl docker jq; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repository=e2e.local/bkt-sample-app

# The tree deploys the tag committed in environments/dev.toml; build this checkout's
# app under that tag so the cluster runs the code under test without a registry.
tag=$(cd "$root" && cargo xtask generate --print-image-tag)
echo "==> building $repository:$tag"
docker build --quiet --build-arg VERSION="$tag" -t "$repository:$tag" -f "$root/sample-app/Dockerfile" "$root"
kind load docker-image --name "$cluster" "$repository:$tag"

echo "==> installing Flux $(flux version --client -o json | jq -r .flux)"
flux install --timeout=5m

echo "==> writing stub cluster vars"
kubectl -n flux-system create configmap cluster-vars --dry-run=client -o yaml \
  --from-env-file=<(jq -r --arg repo "$repository" --arg gh "$GITHUB_REPOSITORY" \
    '. + {SAMPLE_APP_IMAGE_REPOSITORY: $repo, DOMAIN: "e2e.local", GITHUB_REPOSITORY: $gh}
     | to_entries[] | "\(.key)=\(.value)"' "$root/tests/conformance/testdata/cluster-vars.json") |
  kubectl apply -f -

echo "==> syncing gitops/clusters/local from $ref"
flux create secret git flux-system --url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \
  --username=x-access-token --password="$GITHUB_TOKEN"
flux create source git flux-system --url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \
  --ref-name="$ref" --secret-ref=flux-system --interval=1h --timeout=2m
flux create kustomization flux-system --source=GitRepository/flux-system \
  --path=./gitops/clusters/local --prune=true --interval=1h

echo "==> waiting for the sample app (its Helm test runs as part of the release)"
kubectl -n flux-system wait kustomization/apps --for=condition=Ready --timeout=10m
kubectl -n sample-app wait helmrelease/sample-app --for=condition=Ready --timeout=5m
kubectl -n sample-app wait helmrelease/sample-app --for=condition=TestSuccess --timeout=1m

echo "==> requesting /healthz through the Service"
kubectl -n sample-app port-forward svc/sample-app 18080:80 >/dev/null &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do
  if curl -fsS http://127.0.0.1:18080/healthz; then
    echo
    echo "e2e: sample-app is live and its Helm test passed"
    exit 0
  fi
  sleep 2
done
echo "sample-app did not answer on /healthz within 60 s" >&2
exit 1
