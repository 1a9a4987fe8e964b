#!/usr/bin/env bash
# make demo: the platform's main job with no AWS account. Starts the local AWS API emulator,
# applies terraform/bootstrap and terraform/envs/dev to it, writes build/cluster-vars.json,
# renders the GitOps tree with those values (make render), runs the verification suite
# (make gitops-test), starts the sample app on a free loopback port with its in-memory store,
# and prints a summary. Interactive: runs until Ctrl-C. CI=true or no terminal: one smoke
# request, then exit. Either way the app and the emulator are stopped on the way out.
#
# Usage: scripts/demo.sh   (no arguments; scratch output in build/demo/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/demo"
(($# == 0)) || { echo "usage: scripts/demo.sh   (takes no arguments)" >&2; exit 2; }
total=$SECONDS
step() { echo; echo "demo: [$((SECONDS - total))s] $*"; }

app_pid=""
cleanup() {
  if [[ -n "$app_pid" ]] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" && wait "$app_pid" 2>/dev/null || true
    echo "demo: sample app stopped"
  fi
  "$root/scripts/emulator.sh" stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export EMULATOR_DIR="$work/emulator"
"$root/scripts/emulator.sh" stop >/dev/null # a previous demo's, if one was left running
rm -rf "$work" && mkdir -p "$work"

step "1/6 start the AWS API emulator"
"$root/scripts/emulator.sh" start
# shellcheck source=/dev/null
. "$("$root/scripts/emulator.sh" env)"

step "2/6 terraform apply: bootstrap, then envs/dev (with its S3 backend) on the emulator"
"$root/scripts/tf-emulator-apply.sh" "$work" dev
mkdir -p "$root/build/dev"
cp "$work/dev/cluster-vars.json" "$root/build/cluster-vars.json"
cp "$work/dev/cluster-vars.json" "$root/build/dev/cluster-vars.json"
terraform -chdir="$work/terraform/envs/dev" show -json >"$work/state.json"

step "3/6 render the GitOps tree with those cluster vars (make render)"
make -C "$root" --no-print-directory render >"$work/render.log" 2>&1 || { tail -n 30 "$work/render.log"; exit 1; }

step "4/6 run the verification suite (make gitops-test)"
make -C "$root" --no-print-directory gitops-test >"$work/gitops-test.log" 2>&1 || { tail -n 60 "$work/gitops-test.log"; exit 1; }

step "5/6 start the sample app (in-memory store)"
(cd "$root" && cargo build --locked --quiet -p sample-app)
cp "$root/target/debug/sample-app" "$work/sample-app"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
ADDR="127.0.0.1:$port" DATABASE_TYPE=memory MESSAGE="Hello from make demo" "$work/sample-app" >"$work/sample-app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "$url/readyz" && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/sample-app.log"; echo "demo: the sample app exited" >&2; exit 1; }
  sleep 0.1
done
curl -sf -o /dev/null "$url/readyz" || { echo "demo: the sample app did not become ready on $url" >&2; exit 1; }

step "6/6 summary"
echo "AWS resources Terraform created on the emulator, per service:"
jq -r 'def modules: ., (.child_modules[]? | modules);
       [.values.root_module | modules | .resources[]? | select(.mode == "managed")
        | ((.values.arn // "") | split(":") | .[2] // "") as $svc | if $svc != "" then $svc
          elif (.type | test("^aws_(vpc|subnet|route_table|route|nat_gateway|internet_gateway|eip|default|security_group|flow_log|network_acl|launch_template)($|_)")) then "ec2"
          else (.type | split("_")[1]) end]
       | group_by(.) | map("  \(.[0]): \(length)") | .[]' "$work/state.json"
echo "Kubernetes objects rendered into build/rendered/dev/ (dev's cluster vars from the emulator), per kind:"
"$root/.venv/bin/python" - "$root/build/rendered/dev" <<'PY'
import collections, pathlib, sys, yaml
kinds = collections.Counter(d["kind"] for f in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml"))
                            for d in yaml.safe_load_all(f.read_text()) if d)
for kind, n in sorted(kinds.items()):
    print(f"  {kind}: {n}")
print(f"  total: {sum(kinds.values())}")
PY
echo "Policy results on the dev tree (make gitops-test):"
sed -nE 's/^(PASS|FAIL) gitops\.TestClusterTree\/dev\/([^ ]*) .*/  \1  \2/p' "$work/gitops-test.log" | tr '_' ' '
grep -E '^DONE' "$work/gitops-test.log" | sed 's/^/  whole suite: /'
echo "Sample app: $url  (health $url/healthz, API $url/api/entries)"
echo "Took $((SECONDS - total))s. Logs and state: $work"

if [[ "${CI:-}" == "true" || ! -t 0 || ! -t 1 ]]; then
  body="$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"message":"smoke test from make demo"}' "$url/api/entries")"
  curl -sf "$url/api/entries" | grep -q "smoke test from make demo" ||
    { echo "demo: smoke request failed (POST answered: $body)" >&2; exit 1; }
  echo "demo: smoke request passed (POST + GET /api/entries); non-interactive, stopping"
  exit 0
fi
echo "demo: running; press Ctrl-C to stop the app and the emulator"
wait "$app_pid"
