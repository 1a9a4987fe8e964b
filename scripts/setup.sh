#!/usr/bin/env bash
# Installs everything the project runs, pinned, inside the repository where possible:
# Python tools into .venv/, Go tool dependencies into the module cache, Debian packages the
# integration tests and benchmarks start (database servers, load generator).
# Usage: scripts/setup.sh   (the Makefile calls it through its setup stamps; idempotent)
# Not Rust: installs the toolchains and packages (pip, go, apt) before anything is compiled; it
#   cannot need what it installs.
set -euo pipefail

cd "$(dirname "$0")/.."

# Debian packages: servers the app's integration tests start, the benchmark's load generator, and
# what the emulator, the workflows and the plan scripts call (curl; jq for .github/scripts).
APT_PACKAGES=(mariadb-server wrk jq curl)

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "setup: '$1' is required but not installed. $2" >&2
    exit 1
  }
}

need_cmd go "Install Go $(sed -n 's/^go //p' tools/go.mod) or newer from https://go.dev/dl/."
need_cmd python3 "Install Python 3.11 or newer."
need_cmd terraform "Install a Terraform release the roots accept (required_version in their generated versions.tf) from https://developer.hashicorp.com/terraform/install."
need_cmd cargo "Install Rust $(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml) (cargo, clippy, rustfmt) with rustup from https://rustup.rs."

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$pkg")
done
# Root installs directly; CI runners and laptops with passwordless sudo go through sudo -n.
as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo -n)
if ((${#missing_apt[@]})); then
  if command -v apt-get >/dev/null 2>&1 && { ((${#as_root[@]} == 0)) || sudo -n true 2>/dev/null; }; then
    echo "setup: installing Debian packages: ${missing_apt[*]}"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing_apt[*]}." >&2
    echo "       Install them with your package manager (Debian/Ubuntu: sudo apt-get install ${missing_apt[*]})," >&2
    echo "       then run 'make setup' again." >&2
    exit 1
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
echo "setup: installing Python tools from requirements.txt (constraints.txt pins every dependency)"
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt

echo "setup: downloading Go modules and building Go tools"
for mod in tools tests/conformance tests/twin; do
  [[ -f $mod/go.mod ]] && (cd "$mod" && go mod download)
done
# Compiling the tools once fills the build cache, so the first `go tool` call is fast.
(cd tools && go build tool)

# The twin's control plane, Flux controllers and CRDs (docs/twin.md): built once per machine into
# a folder keyed by the pins' hash, so this is a no-op until a pin changes.
echo "setup: building the twin's programs (tests/twin/build.sh; cached once per machine)"
tests/twin/build.sh >/dev/null

echo "setup: downloading the Cargo workspace's crates (Cargo.lock pins every one)"
cargo fetch --locked --quiet

echo "setup: done"
