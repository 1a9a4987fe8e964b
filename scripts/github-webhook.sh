#!/usr/bin/env bash
# make up's last step: register (or update) the repository's GitHub webhook for Flux's Receiver,
# so a push reaches source-controller in seconds instead of at the GitRepository's interval. The
# URL is the Receiver's path (status.webhookPath) on flux-webhook.<domain>, the HMAC secret the
# token the cluster generated (Secret flux-system/github-webhook-token); neither touches a disk.
#
# Usage: scripts/github-webhook.sh <owner/repo> <domain>
# Environment: KUBECONFIG of the cluster; GITHUB_TOKEN with "Webhooks: write" on the repository
#   (without it the step prints what to register by hand and exits 0); GITHUB_API (default
#   https://api.github.com).
# Not Rust: glue between kubectl, jq and the GitHub REST API, one screen long.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 2)) || { echo "usage: scripts/github-webhook.sh <owner/repo> <domain>" >&2; exit 2; }
repo="$1" domain="$2"
api="${GITHUB_API:-https://api.github.com}"
kubectl() { "$root/scripts/gotool" kubectl "$@"; }

path="$(kubectl get receivers.notification.toolkit.fluxcd.io github -n flux-system -o jsonpath='{.status.webhookPath}')"
[[ $path == /hook/* ]] || { echo "github-webhook: Receiver flux-system/github has no webhookPath yet (got '$path')" >&2; exit 1; }
url="https://flux-webhook.$domain$path"
if [[ -z ${GITHUB_TOKEN:-} ]]; then
  echo "github-webhook: GITHUB_TOKEN is not set; register by hand in $repo's settings (Webhooks):"
  echo "    payload URL $url, content type application/json, events: push,"
  echo "    secret: kubectl get secret -n flux-system github-webhook-token -o jsonpath='{.data.token}' | base64 -d"
  exit 0
fi
github() { # github <method> <path> [body on stdin]
  curl -fsS -X "$1" -K <(printf 'header = "Authorization: Bearer %s"\n' "$GITHUB_TOKEN") \
    -H "Accept: application/vnd.github+json" -H "X-GitHub-Api-Version: 2022-11-28" \
    ${3:+--data-binary @-} "$api$2"
}
hook_id="$(github GET "/repos/$repo/hooks?per_page=100" | jq -r --arg url "$url" '[.[] | select(.config.url == $url)][0].id // empty')"
kubectl get secret github-webhook-token -n flux-system -o jsonpath='{.data.token}' | base64 -d |
  jq -Rs --arg url "$url" '{active: true, events: ["push"], config: {url: $url, content_type: "json", insecure_ssl: "0", secret: .}}' |
  if [[ -n $hook_id ]]; then
    github PATCH "/repos/$repo/hooks/$hook_id" body >/dev/null && echo "github-webhook: updated hook $hook_id → $url"
  else
    github POST "/repos/$repo/hooks" body >/dev/null && echo "github-webhook: created a push hook → $url"
  fi
