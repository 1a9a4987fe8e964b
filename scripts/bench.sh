#!/usr/bin/env bash
# Load-tests the sample app side by side with the Go service it replaced, on loopback with the
# embedded store and request logging on (to /dev/null), using wrk (2 threads, 64 connections).
# The Rust binary is the image's build, which `make bench` builds and names in SAMPLE_APP_BINARY;
# the Go one is built here from the
# last commit that still had it (git archive of that commit's sample-app/, go build as its
# Dockerfile did). Prints req/s, p50/p99 latency, non-2xx answers, binary size, idle and loaded
# RSS, the ratios, and the machine's load average before and after.
# Usage: SAMPLE_APP_BINARY=<the image's build> scripts/bench.sh   (env: BENCH_DURATION=10s,
#   BENCH_CONNECTIONS=64)
# Not Rust: wrk, git archive and go build (the Go service it compares with), ps for memory: each
#   step is an external tool, which `cargo xtask bench` runs after the Rust benchmarks.
set -euo pipefail

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
if ! [[ $duration =~ ^[0-9]+[smh]$ && $connections =~ ^[0-9]+$ ]]; then
  echo "bench: BENCH_DURATION must look like 10s, BENCH_CONNECTIONS must be a number" >&2
  exit 2
fi
if [[ ! -x ${SAMPLE_APP_BINARY:-} ]]; then
  echo "bench: SAMPLE_APP_BINARY must name the image's build of the sample app (make bench builds it)" >&2
  exit 2
fi
for tool in wrk go curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found; run 'make setup'" >&2; exit 1; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench"
rm -rf "$out" && mkdir -p "$out"

cp "$SAMPLE_APP_BINARY" "$out/sample-app-rust"

# The newest commit whose tree still has the Go service: HEAD while it is there, otherwise the
# parent of the commit that deleted it (the last one to touch its go.mod).
if git -C "$root" cat-file -e HEAD:sample-app/go.mod 2>/dev/null; then
  go_commit=$(git -C "$root" rev-parse HEAD)
else
  go_commit=$(git -C "$root" rev-list -1 HEAD -- sample-app/go.mod)
  if [[ -z $go_commit ]]; then
    echo "bench: no commit in this history has sample-app/go.mod; nothing to compare with" >&2
    exit 1
  fi
  go_commit=$(git -C "$root" rev-parse "$go_commit^")
fi
echo "bench: building the Go service from $(git -C "$root" log -1 --format='%h (%cs)' "$go_commit")"
mkdir -p "$out/go-src"
git -C "$root" archive "$go_commit" sample-app | tar -x -C "$out/go-src"
(cd "$out/go-src/sample-app" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$out/sample-app-go" .)

cat >"$out/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"message":"benchmark entry"}'
wrk.headers["Content-Type"] = "application/json"
LUA

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pids=()
stop_services() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap stop_services EXIT
declare -A port pid
for impl in rust go; do
  port[$impl]=$(free_port)
  "$out/sample-app-$impl" --addr "127.0.0.1:${port[$impl]}" >/dev/null &
  pid[$impl]=$!
  pids+=("$!")
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:${port[$impl]}/readyz" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:${port[$impl]}/readyz" || { echo "bench: the $impl service did not start" >&2; exit 1; }
  # GET /api/entries answers the default 20 newest entries, as a page of a real guestbook would.
  for i in $(seq 20); do
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"message\":\"entry $i\"}" "http://127.0.0.1:${port[$impl]}/api/entries"
  done
done
sleep 1
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
declare -A idle_rss loaded_rss
for impl in rust go; do idle_rss[$impl]=$(rss_kib "${pid[$impl]}"); done
load_before=$(uptime)

declare -A rps p50 p99 bad
run() { # impl, name, path, extra wrk args...
  local impl=$1 name=$2 path=$3 report
  shift 3
  report=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "http://127.0.0.1:${port[$impl]}$path")
  rps[$impl,$name]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$report")
  p50[$impl,$name]=$(awk '$1 == "50%" {print $2}' <<<"$report")
  p99[$impl,$name]=$(awk '$1 == "99%" {print $2}' <<<"$report")
  bad[$impl,$name]=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$report")
}
endpoints=("GET /healthz" "GET /api/entries" "POST /api/entries")
# Each endpoint runs on both services back to back, so drifting load on the machine hits both alike.
for name in "${endpoints[@]}"; do
  path=${name#* }
  for impl in rust go; do
    if [[ $name == POST* ]]; then run "$impl" "$name" "$path" -s "$out/post.lua"; else run "$impl" "$name" "$path"; fi
  done
done
for impl in rust go; do loaded_rss[$impl]=$(rss_kib "${pid[$impl]}"); done
load_after=$(uptime)

{
  echo "sample-app benchmark: wrk, 2 threads, $connections connections, $duration per endpoint and service, $(nproc) CPUs, embedded store"
  echo "Go service built from commit $(git -C "$root" rev-parse --short "$go_commit"); Rust service from the working tree at $(git -C "$root" rev-parse --short HEAD)"
  echo "load before: $load_before"
  echo "load after:  $load_after"
  echo
  printf '%-18s %12s %12s %7s   %9s %9s   %9s %9s   %7s %7s\n' endpoint "Rust req/s" "Go req/s" ratio "Rust p50" "Go p50" "Rust p99" "Go p99" "non-2xx" ""
  for name in "${endpoints[@]}"; do
    ratio=$(awk -v r="${rps[rust,$name]}" -v g="${rps[go,$name]}" 'BEGIN { printf "%.2fx", (g > 0 ? r / g : 0) }')
    printf '%-18s %12s %12s %7s   %9s %9s   %9s %9s   %7s %7s\n' "$name" "${rps[rust,$name]}" "${rps[go,$name]}" "$ratio" \
      "${p50[rust,$name]}" "${p50[go,$name]}" "${p99[rust,$name]}" "${p99[go,$name]}" "${bad[rust,$name]:-0}" "${bad[go,$name]:-0}"
  done
  echo
  for impl in rust go; do
    awk -v impl="$impl" -v s="$(stat -c %s "$out/sample-app-$impl")" -v i="${idle_rss[$impl]}" -v l="${loaded_rss[$impl]}" 'BEGIN {
      printf "%-4s binary %5.1f MiB; idle RSS %5.1f MiB; RSS after the load %5.1f MiB\n", impl, s / 1048576, i / 1024, l / 1024
    }'
  done
} | tee "$out/results.txt"
