#!/usr/bin/env bash
# Local AWS API emulator (moto server) for offline Terraform runs.
#
# Usage: scripts/emulator.sh start|stop|env
#   start  start moto_server on a free 127.0.0.1 port (no-op when already running) and write
#          $EMULATOR_DIR/emulator.env with AWS_ENDPOINT_URL, test credentials and region
#   stop   stop the server started by `start` and wait until it has exited (no-op when stopped)
#   env    print the path of the env file (fails when the emulator is not running)
# Typical use:  scripts/emulator.sh start && . "$(scripts/emulator.sh env)"
#
# Environment:
#   EMULATOR_DIR     state directory for env/pid/log files (default: <repo>/build); give each
#                    concurrent user its own directory to run independent emulators
#   EMULATOR_REGION  region written to the env file (default: eu-west-1)
#   MOTO_SERVER      moto_server binary (default: <repo>/.venv/bin/moto_server from `make setup`)
# Not Rust: starts and stops moto_server (a Python program) and writes an env file the Terraform
#   scripts source; shells are its users.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${EMULATOR_DIR:-$root/build}"
region="${EMULATOR_REGION:-eu-west-1}"
moto="${MOTO_SERVER:-$root/.venv/bin/moto_server}"
env_file="$dir/emulator.env"
pid_file="$dir/emulator.pid"
log_file="$dir/emulator.log"

die() { echo "emulator.sh: $*" >&2; exit 1; }

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if running_pid >/dev/null && [[ -f "$env_file" ]]; then
    echo "emulator already running ($(grep -o 'http://[^ ]*' "$env_file"))"
    return 0
  fi
  [[ -x "$moto" ]] || die "moto_server not found at $moto; run 'make setup' (or set MOTO_SERVER)"
  [[ "$region" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || die "EMULATOR_REGION '$region' is not an AWS region name like eu-west-1"
  mkdir -p "$dir"
  rm -f "$env_file" "$pid_file"

  local port url pid
  port="$(free_port)"
  url="http://127.0.0.1:$port"
  # setsid + redirected output: the server must not hold the caller's terminal or pipes open.
  # AWS managed policies (AmazonEKSClusterPolicy …) exist in every real account; moto loads them only on request.
  MOTO_IAM_LOAD_MANAGED_POLICIES=true setsid "$moto" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" >"$pid_file"

  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null "$url/moto-api/data.json"; then
      cat >"$env_file" <<EOF
export AWS_ENDPOINT_URL=$url
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=$region
export AWS_DEFAULT_REGION=$region
EOF
      echo "emulator running at $url (pid $pid, env file $env_file)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; die "moto_server exited during start-up; log: $log_file"; }
    sleep 0.1
  done
  stop
  die "moto_server did not answer on $url within 10 s; log: $log_file"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file" "$env_file"
    echo "emulator not running"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file" "$env_file"
  echo "emulator stopped (pid $pid)"
}

env_path() {
  running_pid >/dev/null && [[ -f "$env_file" ]] || die "emulator is not running; run 'scripts/emulator.sh start' first"
  echo "$env_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_path ;;
  *) die "usage: scripts/emulator.sh start|stop|env (got '${1:-}')" ;;
esac
