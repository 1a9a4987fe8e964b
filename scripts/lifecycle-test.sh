#!/usr/bin/env bash
# The AWS side of `make down`, proven on the emulator (make lifecycle-test): apply bootstrap and
# envs/dev; create out of band what the LB controller, external-dns and the EBS CSI driver would
# (plus look-alikes that are not the cluster's); run teardown; assert it removed exactly the
# controllers' resources; terraform destroy; check nothing is left; stop the emulator (also on
# failure); then price dev's plan against its budget. Before that, preflight's refusal of an
# Atlas environment without the Atlas keys. make down's order of the Atlas and environment roots
# is proven against stand-ins by xtask/tests/down_order.rs, which make rust-test runs (the whole
# workspace's tests). The cluster-side steps of `make down` need a cluster and are not run here. up, down, cost and preflight are Rust (`cargo xtask`, xtask/src/lifecycle).
# Not Rust: glue between the emulator, Terraform, the aws CLI and Go tests that greps
# their output; the workflows it checks are Rust already.
#
# Usage: scripts/lifecycle-test.sh [workdir]   (default: build/lifecycle)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/lifecycle}"
step() { echo "lifecycle-test: [$((SECONDS - total))s] $*"; }
total=$SECONDS
# Inside make test, XTASK_BIN is the lane runner's build of xtask (no wait for Cargo's lock).
xtask() { (cd "$root" && if [[ -n ${XTASK_BIN:-} ]]; then "$XTASK_BIN" "$@"; else cargo xtask "$@"; fi); }

mkdir -p "$work"
work="$(cd "$work" && pwd)"

export EMULATOR_DIR="$work/emulator"
"$root/scripts/emulator.sh" start
trap '"$root/scripts/emulator.sh" stop' EXIT
# shellcheck source=/dev/null
. "$("$root/scripts/emulator.sh" env)"

step "preflight refuses, naming each missing thing (an unknown environment, no tfvars, an emulator endpoint)"
if out="$(xtask preflight up no-such-env 2>&1)"; then
  echo "$out"; echo "lifecycle-test: preflight passed for an unknown environment" >&2; exit 1
fi
for want in "MISSING environment 'no-such-env'" "MISSING terraform/envs/no-such-env/terraform.tfvars" "MISSING real AWS (AWS_ENDPOINT_URL="; do
  grep -qF "$want" <<<"$out" || { echo "$out"; echo "lifecycle-test: preflight did not report: $want" >&2; exit 1; }
done

step "preflight refuses make up of an environment that uses Atlas (dev) without the Atlas keys, naming the way out"
out="$(unset MONGODB_ATLAS_PUBLIC_KEY MONGODB_ATLAS_PRIVATE_KEY MONGODB_ATLAS_ORG_ID; xtask preflight up dev 2>&1 || true)"
for want in "MISSING MONGODB_ATLAS_PUBLIC_KEY MONGODB_ATLAS_PRIVATE_KEY MONGODB_ATLAS_ORG_ID (environments/dev.toml uses MongoDB Atlas" "set [atlas] enabled = false in environments/dev.toml"; do
  grep -qF "$want" <<<"$out" || { echo "$out"; echo "lifecycle-test: preflight did not report: $want" >&2; exit 1; }
done

step "apply bootstrap + envs/dev on the emulator"
"$root/scripts/tf-emulator-apply.sh" "$work" dev
terraform -chdir="$work/terraform/envs/dev" show -json >"$work/dev/state.json"
cluster="$(jq -r .CLUSTER_NAME "$work/dev/cluster-vars.json")"

step "first image (make up's step on an empty ECR): missing → built and pushed once; present → nothing built; no builder → named fix"
repository_url="$(jq -r .SAMPLE_APP_IMAGE_REPOSITORY "$work/dev/cluster-vars.json")"
tag="$(xtask generate --env dev --print-image-tag)"
export FAKE_DOCKER_LOG="$work/fake-docker.log" AWS_CLI="$root/.venv/bin/aws"
rm -f "$FAKE_DOCKER_LOG"
if out="$(DOCKER=/nonexistent/docker "$root/scripts/first-image.sh" dev "$repository_url" "$tag" 2>&1)"; then
  echo "$out"; echo "lifecycle-test: first-image passed with no image builder" >&2; exit 1
fi
grep -qF "fix: install Docker" <<<"$out" || { echo "$out"; echo "lifecycle-test: first-image did not name the fix" >&2; exit 1; }
DOCKER="$root/tests/lifecycle/fake-docker" "$root/scripts/first-image.sh" dev "$repository_url" "$tag"
if ! { grep -qx "push $repository_url:$tag" "$FAKE_DOCKER_LOG" &&
  grep -q "^build --platform linux/amd64 --file $root/sample-app/Dockerfile " "$FAKE_DOCKER_LOG"; }; then
  cat "$FAKE_DOCKER_LOG"; echo "lifecycle-test: first-image did not build sample-app/Dockerfile and push $tag" >&2; exit 1
fi
calls="$(wc -l <"$FAKE_DOCKER_LOG")"
if ! { DOCKER="$root/tests/lifecycle/fake-docker" "$root/scripts/first-image.sh" dev "$repository_url" "$tag" | grep -qF "nothing to build" &&
  [[ "$(wc -l <"$FAKE_DOCKER_LOG")" == "$calls" ]]; }; then
  cat "$FAKE_DOCKER_LOG"; echo "lifecycle-test: first-image built again although ECR has the tag" >&2; exit 1
fi
# The test's image is not the controllers' doing: remove it, so teardown and destroy see what up leaves.
"$AWS_CLI" ecr batch-delete-image --repository-name "${repository_url#*/}" --image-ids "imageTag=$tag" >/dev/null

step "controllers' resources out of band, teardown, assertions (go test -tags lifecycle)"
(cd "$root/tools" && TEARDOWN_TEST_ENDPOINT="$AWS_ENDPOINT_URL" LIFECYCLE_WORKDIR="$work/dev" \
  go test -tags lifecycle -count=1 -v -run '^TestLifecycle' ./cmd/teardown/)

step "terraform destroy"
"$root/scripts/tf-emulator-destroy.sh" "$work"

step "leftover check for cluster $cluster"
(cd "$root/tools" && go run ./cmd/teardown -check -cluster "$cluster" -region "$AWS_REGION")
"$root/.venv/bin/python" "$root/scripts/emulator_checks.py" destroyed

step "dev's monthly estimate within its budget (make cost)"
xtask cost dev -budget "${COST_BUDGET:?the dev budget: run this through make lifecycle-test, which passes the Makefile DEV_COST_BUDGET}"

step "done: apply, teardown, destroy, leftover check and cost budget passed"
