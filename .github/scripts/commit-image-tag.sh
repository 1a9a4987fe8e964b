#!/usr/bin/env bash
# Sets the sample-app image tag to TAG in environments/dev.toml and regenerates
# gitops/ (`make image-tag`: the Rust generator) on main's tip, pushes that one
# commit to the branch deploy/dev-<first 12 of TAG> and opens a pull request of
# it into main set to auto-merge (squash) once main's protection allows: the
# script never pushes to main. The commit holds the data file's one line and the
# generated lines that carry the tag, nothing else. A re-run while the branch
# already proposes the same change pushes and opens nothing.
# Usage: commit-image-tag.sh <40-hex commit sha>
# Needs GITHUB_TOKEN (contents: write, pull-requests: write; see
# docs/development-workflow.md for why a GitHub App token is the one that lets
# main's required checks run), GITHUB_REPOSITORY and GITHUB_SERVER_URL, and the
# gh CLI (GitHub-hosted runners have it).
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
base=main
branch="deploy/dev-${tag:0:12}"
export GH_TOKEN="$GITHUB_TOKEN"

for attempt in 1 2 3; do
  git fetch --quiet --depth=1 "$remote" "$base"
  git checkout --quiet --detach FETCH_HEAD
  make image-tag TAG="$tag"
  # Main is in sync with the generator (ci.yml's drift check), so only the tag
  # moves; anything else changed means main is not, and is no job for a bot.
  others=$(git status --porcelain --untracked-files=all -- . ':!environments/dev.toml' ':!gitops/apps')
  if [[ -n $others ]]; then
    echo "regenerating changed more than the image tag; run 'make generate' on main first:" >&2
    echo "$others" >&2
    exit 1
  fi
  if [[ -z $(git status --porcelain --untracked-files=all -- environments/dev.toml gitops/apps) ]]; then
    echo "environments/dev.toml already deploys $tag; nothing to commit"
    exit 0
  fi
  git add -- environments/dev.toml gitops/apps
  git -c user.name="github-actions[bot]" \
    -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
    commit --quiet -m "dev: deploy sample-app ${tag:0:12}" -m "Image: ${tag}"
  # The branch is the bot's: a re-run that would propose the same tree on the same base leaves it.
  if git fetch --quiet --depth=2 "$remote" "refs/heads/$branch" 2>/dev/null &&
    [[ $(git rev-parse "FETCH_HEAD^{tree}") == $(git rev-parse "HEAD^{tree}") ]] &&
    [[ $(git rev-parse FETCH_HEAD^) == $(git rev-parse HEAD^) ]]; then
    echo "$branch already proposes $tag on $base's tip; nothing to push"
  elif git push --quiet --force "$remote" "HEAD:refs/heads/$branch"; then
    echo "pushed $(git rev-parse HEAD) to $branch"
  else
    echo "attempt $attempt: pushing $branch was refused; retrying on $base's tip" >&2
    sleep $((attempt * 2))
    continue
  fi
  if ! gh pr view "$branch" --json url >/dev/null 2>&1; then
    gh pr create --base "$base" --head "$branch" \
      --title "dev: deploy sample-app ${tag:0:12}" \
      --body "Image: ${tag}. Opened by the release workflow; merges once main's required checks pass."
  fi
  gh pr merge "$branch" --auto --squash
  exit 0
done
echo "could not push the image tag commit to $branch after 3 attempts" >&2
exit 1
