#!/usr/bin/env bash
# make up's first-deploy step: the sample app's overlay deploys the image tag in
# environments/<env>.toml, and on a new account ECR does not hold it yet (the release workflow has
# not run), so the app would never become Ready. If ECR lacks that tag, build this checkout's image
# the way release.yml does (sample-app/Dockerfile, repository root as context, linux/amd64) and
# push it under that tag once; the repository's tags are immutable, so an existing image is never
# replaced and the next release moves the overlay to its own tag.
#
# Usage: scripts/first-image.sh <env> <repository URL> <tag>
#   e.g. dev 123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app <the tag environments/dev.toml
#   deploys, which `cargo xtask generate --env dev --print-image-tag` prints>
# Environment: AWS credentials and AWS_REGION; DOCKER (default docker): the image builder CLI.
# Not Rust: glue between the aws CLI and docker, one screen long.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 3)) || { echo "usage: scripts/first-image.sh <env> <repository URL> <tag>" >&2; exit 2; }
env="$1" url="$2" tag="$3"
registry="${url%%/*}" repository="${url#*/}"
[[ $registry != "$url" && -n $repository ]] || { echo "first-image: '$url' is not <registry>/<repository>" >&2; exit 2; }
aws="$root/.venv/bin/aws"
docker="${DOCKER:-docker}"

if "$aws" ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  echo "first-image: $url:$tag is in ECR; nothing to build"
  exit 0
fi
command -v "$docker" >/dev/null || {
  echo "first-image: ECR has no $url:$tag (environments/$env.toml's image) and '$docker' is not installed." >&2
  echo "             fix: install Docker (or set DOCKER to a compatible CLI) and run make up again, or run" >&2
  echo "             the release workflow and make image-tag ENV=$env TAG=<its commit>" >&2
  exit 1
}
echo "first-image: ECR has no $url:$tag; building this checkout ($(git -C "$root" rev-parse --short HEAD)) and pushing it under that tag"
"$aws" ecr get-login-password | "$docker" login --username AWS --password-stdin "$registry"
"$docker" build --platform linux/amd64 --file "$root/sample-app/Dockerfile" \
  --build-arg "VERSION=$(git -C "$root" rev-parse HEAD)" --tag "$url:$tag" "$root"
"$docker" push "$url:$tag"
"$aws" ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" >/dev/null ||
  { echo "first-image: pushed $url:$tag, but ECR does not list it" >&2; exit 1; }
echo "first-image: $url:$tag pushed"
