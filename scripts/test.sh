#!/usr/bin/env bash
# Runs the layers of `make test` in lanes at the same time, each lane's layers in order, and
# prints every layer's time, the total and the slowest layers. Bash, not Rust: it only starts
# `make <layer>` processes and waits for them (one screen of process glue).
#
# Usage: scripts/test.sh 'LANE' ['LANE' ...]   each LANE a space-separated list of make targets;
#   `layer:other` runs layer only once the layer `other` (in another lane) has passed.
#
# The first lane prints to the terminal as it runs; every other lane writes each layer's output to
# build/test-logs/<layer>.log and prints one line per finished layer. A lane stops at its first
# failing layer and every lane stops before its next layer once any lane has failed; a failed
# layer's log is printed whole at the end. Lanes are chosen in the Makefile (TEST_LANES) so that
# no two layers that run at once share a working folder or a file one of them writes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
make_cmd="${MAKE:-make}"
logs="$root/build/test-logs"
rm -rf "$logs" "$root/build/twin/report.txt"
mkdir -p "$logs"
failed="$logs/.failed"
times="$logs/.times"
: >"$times"

(($# >= 1)) || { echo "usage: scripts/test.sh 'LANE' ['LANE' ...] (each LANE: make targets)" >&2; exit 2; }

run_lane() {
  local lane=$1 foreground=$2 item layer after start rc
  for item in $3; do
    layer=${item%%:*}
    after=${item#"$layer"}
    after=${after#:}
    if [[ -n $after && ! -e $logs/.passed-$after ]]; then
      echo "... make $layer (lane $lane) waits for make $after"
      until [[ -e $logs/.passed-$after || -e $failed ]]; do sleep 2; done
    fi
    [[ -e $failed ]] && return 0
    start=$(date +%s)
    rc=0
    if [[ $foreground == yes ]]; then
      echo "==> make $layer"
      "$make_cmd" --no-print-directory "$layer" || rc=$?
    else
      echo "==> make $layer (lane $lane, output in build/test-logs/$layer.log)"
      "$make_cmd" --no-print-directory "$layer" >"$logs/$layer.log" 2>&1 || rc=$?
    fi
    echo "$(( $(date +%s) - start )) $layer" >>"$times"
    if ((rc != 0)); then
      echo "$layer" >>"$failed"
      echo "<== make $layer: FAILED after $(( $(date +%s) - start ))s (lane $lane)"
      return 0
    fi
    touch "$logs/.passed-$layer"
    echo "<== make $layer: $(( $(date +%s) - start ))s (lane $lane)"
  done
}

pids=()
trap 'for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done' INT TERM
start=$(date +%s)
set -m # each background lane in its own process group, so an interrupt stops all it started
lane=1
for layers in "${@:2}"; do
  lane=$((lane + 1))
  run_lane "$lane" no "$layers" &
  pids+=("$!")
done
set +m
run_lane 1 yes "$1"
for pid in "${pids[@]}"; do wait "$pid" || true; done
total=$(( $(date +%s) - start ))

if [[ -f $root/build/twin/report.txt ]]; then
  echo "==> the twin's report (build/twin/report.txt)"
  cat "$root/build/twin/report.txt"
fi
echo "==> slowest layers (of $(wc -l <"$times") run; lanes overlap, so they add up to more than the total)"
sort -rn "$times" | head -n 6 | awk '{ printf "  %-18s %5ds\n", $2, $1 }'
if [[ -e $failed ]]; then
  while read -r layer; do
    if [[ -f $logs/$layer.log ]]; then
      echo "==> make $layer failed; its output (build/test-logs/$layer.log):"
      cat "$logs/$layer.log"
    fi
  done <"$failed"
  echo "test: FAILED in ${total}s: $(tr '\n' ' ' <"$failed")" >&2
  exit 1
fi
echo "test: every layer passed in ${total}s ($(awk '{ print $2 }' "$times" | tr '\n' ' '))"
