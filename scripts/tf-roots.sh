#!/usr/bin/env bash
# Lists every Terraform directory tf-check and tf-test work on (modules, bootstrap, environment
# roots), one per line, relative to the repository root.
# Usage: scripts/tf-roots.sh [--with-tests | --validate]
#   --with-tests: only those with tests/*.tftest.hcl
#   --validate:   the roots, plus any module no root calls. Validating a root validates every
#                 module it calls, so this is the smallest set that validates all the code.
# Not Rust: a find over terraform/ printing directories for xargs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
  "" | --with-tests | --validate) ;;
  *) echo "usage: scripts/tf-roots.sh [--with-tests | --validate] (got '$1')" >&2; exit 2 ;;
esac

cd "$root"
for dir in terraform/modules/*/ terraform/bootstrap/ terraform/envs/*/; do
  dir="${dir%/}"
  compgen -G "$dir/*.tf" >/dev/null || continue
  if [[ "${1:-}" == --with-tests ]] && ! compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
    continue
  fi
  if [[ "${1:-}" == --validate && $dir == terraform/modules/* ]] &&
    grep -qsE "source *= *\"(\.\./)+modules/${dir##*/}\"" terraform/bootstrap/*.tf terraform/envs/*/*.tf; then
    continue
  fi
  echo "$dir"
done
