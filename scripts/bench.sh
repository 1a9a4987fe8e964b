#!/usr/bin/env bash
# Load-tests the sample app as built for the image (static, trimmed) on loopback with its embedded
# store, using wrk at 64 connections, and prints req/s, p50/p99 latency, binary size and RSS.
# Usage: scripts/bench.sh   (env: BENCH_DURATION=10s, BENCH_PORT=18089, BENCH_CONNECTIONS=64)
set -euo pipefail

duration=${BENCH_DURATION:-10s}
port=${BENCH_PORT:-18089}
connections=${BENCH_CONNECTIONS:-64}
if ! [[ $duration =~ ^[0-9]+[smh]$ && $port =~ ^[0-9]+$ && $connections =~ ^[0-9]+$ ]]; then
  echo "bench: BENCH_DURATION must look like 10s, BENCH_PORT and BENCH_CONNECTIONS must be numbers" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "bench: wrk not found; run 'make setup' (it installs Debian's wrk)" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "bench: port $port is in use; set BENCH_PORT to a free port" >&2
  exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench"
mkdir -p "$out"
(cd "$root/sample-app" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$out/sample-app" .)

cat >"$out/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"message":"benchmark entry"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# Request logs stay on (one JSON line per request, as in production) but go to /dev/null.
"$out/sample-app" --addr "127.0.0.1:$port" >/dev/null &
app=$!
trap 'kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
sleep 1
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$app/status"; }
idle_rss=$(rss_kib)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

results=()
run() { # name, path, extra wrk args...
  local name=$1 path=$2 report
  shift 2
  report=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "http://127.0.0.1:$port$path")
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$report")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$report")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$report")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$report")
  results+=("$(printf '%-22s %12s %10s %10s %10s' "$name" "$rps" "$p50" "$p99" "${bad:-0}")")
}
run "GET /healthz" /healthz
run "GET /api/entries" /api/entries
run "POST /api/entries" /api/entries -s "$out/post.lua"
loaded_rss=$(rss_kib)

echo
echo "sample-app benchmark: wrk, 2 threads, $connections connections, $duration each, $(nproc) CPUs, embedded store"
# Other work on the machine shares the CPUs with the app and wrk; the numbers mean little without it.
echo "load average before the runs: $load_before (1, 5, 15 min)"
printf '%-22s %12s %10s %10s %10s\n' endpoint "req/s" p50 p99 "non-2xx"
printf '%s\n' "${results[@]}"
size=$(stat -c %s "$out/sample-app")
awk -v s="$size" -v i="$idle_rss" -v l="$loaded_rss" 'BEGIN {
  printf "binary size: %.1f MiB (%d bytes)\nidle RSS: %.1f MiB; RSS after load: %.1f MiB\n", s / 1048576, s, i / 1024, l / 1024
}'
