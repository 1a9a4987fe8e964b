#!/usr/bin/env bash
# Sets the sample-app image tag in gitops/apps/dev to TAG (through `make image-tag`)
# and pushes that one-line commit to main, retrying when main moved meanwhile.
# Usage: commit-image-tag.sh <40-hex commit sha>
# Needs GITHUB_TOKEN (contents: write), GITHUB_REPOSITORY and GITHUB_SERVER_URL,
# all of which GitHub Actions provides; see docs/development-workflow.md.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <40-hex commit sha>" >&2
  exit 2
fi
tag=$1
: "${GITHUB_TOKEN:?set GITHUB_TOKEN to a token that may push to main}"
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY to owner/repo}"
: "${GITHUB_SERVER_URL:?set GITHUB_SERVER_URL, e.g. https://github.com}"

# The token goes into the URL of each command only, never into .git/config.
# A non-https server (file:// in the script's tests) is used as it is.
remote="${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}.git"
if [[ $GITHUB_SERVER_URL == https://* ]]; then
  remote="https://x-access-token:${GITHUB_TOKEN}@${GITHUB_SERVER_URL#https://}/${GITHUB_REPOSITORY}.git"
fi
branch=main

for attempt in 1 2 3; do
  git fetch --quiet --depth=1 "$remote" "$branch"
  git checkout --quiet --detach FETCH_HEAD
  make image-tag TAG="$tag"
  if git diff --quiet -- gitops/apps/dev; then
    echo "gitops/apps/dev already deploys $tag; nothing to commit"
    exit 0
  fi
  git -c user.name="github-actions[bot]" \
    -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
    commit --quiet -m "gitops/apps/dev: deploy sample-app ${tag:0:12}" -m "Image: ${tag}" -- gitops/apps/dev
  if git push --quiet "$remote" "HEAD:refs/heads/$branch"; then
    echo "pushed $(git rev-parse HEAD) to $branch"
    exit 0
  fi
  echo "attempt $attempt: $branch moved while committing; retrying on the new tip" >&2
  sleep $((attempt * 2))
done
echo "could not push the image tag commit to $branch after 3 attempts" >&2
exit 1
