#!/usr/bin/env bash
# make down's order against stand-ins (part of make lifecycle-test; runnable alone, ~1 s): the real
# scripts/down.sh and lifecycle-lib.sh run in a scratch copy of the repository whose terraform, go,
# aws, kubectl/helm (gotool) and preflight record each call and answer like an applied
# environment whose cluster no longer answers. Proves: the Atlas root is destroyed before the
# environment root (its destroy reads that root's state); with Atlas state but no Atlas keys,
# make down stops before destroying anything; with no Atlas state, or an environment without
# Atlas, it says it skipped the Atlas root and destroys the environment root.
#
# Usage: tests/lifecycle/down-order.sh
# The stand-ins' bodies are single-quoted on purpose: they expand their own arguments when run.
# shellcheck disable=SC2016
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
fail() { echo "down-order: $*" >&2; echo "--- calls:" >&2; cat "$calls" >&2; echo "--- output:" >&2; cat "$out" >&2; exit 1; }

# The scratch repository: the scripts under test, and stand-ins for everything they call.
root="$scratch/repo" fakes="$scratch/bin" calls="$scratch/calls" out="$scratch/out"
mkdir -p "$root/scripts" "$root/.venv/bin" "$root/tools" "$fakes"
cp "$repo/scripts/down.sh" "$repo/scripts/lifecycle-lib.sh" "$repo/scripts/tf-init.sh" "$root/scripts/"
stand_in() { # stand_in <path> <body>: a script that logs its name and arguments, then runs body
  printf '#!/usr/bin/env bash\necho "%s $*" >>"$FAKE_CALLS"\n%s\n' "$(basename "$1")" "$2" >"$1"
  chmod +x "$1"
}
stand_in "$root/scripts/preflight.sh" 'exit 0'
stand_in "$root/scripts/gotool" 'exit 1' # kubectl version fails: the cluster does not answer
stand_in "$root/.venv/bin/aws" '[[ $1 == resourcegroupstaggingapi ]] && echo None; [[ $1 != eks ]]'
stand_in "$fakes/go" 'cat >/dev/null; exit 0'
stand_in "$fakes/terraform" '
dir="${1#-chdir=}"; shift
case "$1 ${2:-}" in
  "output -raw") echo bkt-tfstate-test ;;
  "output -json") echo "{\"CLUSTER_NAME\":\"bkt-dev\",\"HOSTED_ZONE_ID\":\"Z0TEST\"}" ;;
  "show -json") echo "{}" ;;
  "state list") [[ $dir == */atlas/* ]] && printf "%s" "${FAKE_ATLAS_STATE:-}" ;;
esac
exit 0'
# Every call in order, as "<dir relative to the repository> <subcommand>" for terraform.
destroys() { grep '^terraform -chdir=.* destroy' "$calls" | sed -E "s|^terraform -chdir=$root/([^ ]*) destroy.*|\1|"; }

run_down() { # run_down <env> [VAR=value...]: down.sh's exit status
  : >"$calls"
  local env="$1"; shift
  mkdir -p "$root/terraform/envs/$env"
  set +e
  env -i PATH="$fakes:$PATH" HOME="$scratch" FAKE_CALLS="$calls" AWS_REGION=eu-west-1 "$@" \
    "$root/scripts/down.sh" "$env" >"$out" 2>&1
  local status=$?
  set -e
  return "$status"
}
keys=(MONGODB_ATLAS_PUBLIC_KEY=pub MONGODB_ATLAS_PRIVATE_KEY=priv MONGODB_ATLAS_ORG_ID=0123456789abcdef01234567)
mkdir -p "$root/terraform/atlas/dev"

echo "down-order: Atlas state and keys: terraform/atlas/dev is destroyed, then terraform/envs/dev"
run_down dev FAKE_ATLAS_STATE=$'mongodbatlas_advanced_cluster.this\nmongodbatlas_project.this\n' "${keys[@]}" ||
  fail "make down failed"
[[ "$(destroys | tr '\n' ' ')" == "terraform/atlas/dev terraform/envs/dev " ]] ||
  fail "destroy order: want terraform/atlas/dev then terraform/envs/dev, got: $(destroys | tr '\n' ' ')"
grep -q -- "-var atlas_org_id=0123456789abcdef01234567 -var state_bucket=bkt-tfstate-test" "$calls" ||
  fail "the Atlas destroy did not get the organization and the state bucket"

echo "down-order: Atlas state without the keys: stops, names the keys, destroys nothing"
if run_down dev FAKE_ATLAS_STATE=$'mongodbatlas_project.this\n'; then fail "make down passed without the Atlas keys"; fi
[[ -z "$(destroys)" ]] || fail "destroyed $(destroys | tr '\n' ' ')without the Atlas keys"
if ! { grep -qF "terraform/atlas/dev holds 1 resources" "$out" && grep -qF "MONGODB_ATLAS_PUBLIC_KEY" "$out"; }; then
  fail "the refusal does not say what is in the Atlas state and which keys to set"
fi
if grep -q "^gotool\|^go " "$calls"; then fail "touched the cluster or AWS before refusing"; fi

echo "down-order: no Atlas state (never applied): says it skipped, destroys terraform/envs/dev"
run_down dev || fail "make down failed with an empty Atlas state"
grep -qF "SKIPPED the Atlas root: terraform/atlas/dev has no state" "$out" || fail "no skip message for an empty Atlas state"
[[ "$(destroys | tr '\n' ' ')" == "terraform/envs/dev " ]] || fail "destroys: $(destroys | tr '\n' ' ')"

echo "down-order: an environment without Atlas: says so, destroys its root"
run_down qa || fail "make down failed for an environment without Atlas"
grep -qF "SKIPPED the Atlas root: environments/qa.toml does not use Atlas" "$out" || fail "no skip message for qa"
[[ "$(destroys | tr '\n' ' ')" == "terraform/envs/qa " ]] || fail "destroys: $(destroys | tr '\n' ' ')"

echo "down-order: passed"
