#!/usr/bin/env bash
# terraform init for one root or module. Machines that carry a filesystem mirror of the AWS
# provider (offline build machines) init from it; everyone else gets a plain registry init.
# Usage: scripts/tf-init.sh <dir> [extra terraform init args...]
# Override the mirror search with TF_PLUGIN_MIRROR=/path (or TF_PLUGIN_MIRROR=none for the registry).
# Not Rust: one terraform init, from a provider mirror when the machine has one.
set -euo pipefail

if (($# < 1)) || [[ ! -d $1 ]]; then
  echo "usage: scripts/tf-init.sh <terraform dir> [init args...]  (got '${1:-}': not a directory)" >&2
  exit 2
fi
dir=$1
shift

find_mirror() {
  local candidate
  for candidate in /opt/tf-plugins /usr/share/terraform/plugins /usr/local/share/terraform/plugins "$HOME/.terraform.d/plugins"; do
    if [[ -d $candidate/registry.terraform.io/hashicorp/aws ]]; then
      echo "$candidate"
      return
    fi
  done
}

mirror=${TF_PLUGIN_MIRROR:-$(find_mirror)}
args=(-input=false)
if [[ -n $mirror && $mirror != none ]]; then
  args+=("-plugin-dir=$mirror")
fi
exec terraform -chdir="$dir" init "${args[@]}" "$@"
