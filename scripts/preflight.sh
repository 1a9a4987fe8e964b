#!/usr/bin/env bash
# Checks everything `make up` / `make down` need before they touch AWS, and names each missing
# thing with how to fix it (all of them, not just the first). Exit 0 when all is in place.
#
# Usage: scripts/preflight.sh up|down <env>
# Environment: AWS credentials (AWS_PROFILE, SSO or keys) and AWS_REGION; for a private
#   repository GITHUB_TOKEN (Contents: read, Commit statuses: write, Webhooks: write), used by `make up` only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(($# == 2)) && [[ "$1" == up || "$1" == down ]] || { echo "usage: scripts/preflight.sh up|down <env>" >&2; exit 2; }
action="$1" env="$2"
problems=0
missing() { echo "preflight: MISSING $1"; echo "           fix: $2"; problems=$((problems + 1)); }
ok() { echo "preflight: ok      $1"; }

if [[ "$env" =~ ^[a-z0-9-]+$ && -d "$root/terraform/envs/$env" ]]; then
  ok "environment terraform/envs/$env"
else
  missing "environment '$env'" "pass ENV=<one of: $(find "$root/terraform/envs" -mindepth 1 -maxdepth 1 -type d -printf '%f ')>"
fi

tf_version="$(terraform version -json 2>/dev/null | jq -r .terraform_version 2>/dev/null || true)"
if [[ "$tf_version" =~ ^1\.(1[1-9]|[2-9][0-9])\. ]]; then
  ok "terraform $tf_version"
else
  missing "terraform >= 1.11 (found '${tf_version:-none}')" "install Terraform 1.11.4: https://developer.hashicorp.com/terraform/install"
fi
if command -v jq >/dev/null; then ok "jq"; else missing "jq" "apt-get install jq (or brew install jq)"; fi
if [[ -x "$root/.venv/bin/aws" ]]; then
  ok "aws CLI $("$root/.venv/bin/aws" --version 2>&1 | cut -d' ' -f1)"
else
  missing "aws CLI in .venv" "run 'make setup' (awscli is pinned in requirements.txt)"
fi
for tool in kubectl helm; do
  if "$root/scripts/gotool" "$tool" version --client >/dev/null 2>&1 || "$root/scripts/gotool" "$tool" version >/dev/null 2>&1; then
    ok "$tool (pinned in tools/go.mod)"
  else
    missing "$tool" "run 'make setup' (it builds the Go tools pinned in tools/go.mod)"
  fi
done

if [[ -z "${AWS_REGION:-}" ]]; then
  missing "AWS_REGION" "export AWS_REGION=eu-west-1 (the region in terraform/envs/$env/terraform.tfvars)"
fi
if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
  missing "real AWS (AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL points at an emulator)" "unset AWS_ENDPOINT_URL AWS_CA_BUNDLE; make demo is the offline path"
fi
if identity="$("$root/.venv/bin/aws" sts get-caller-identity --query Arn --output text 2>/dev/null)"; then
  ok "AWS identity $identity"
else
  missing "AWS credentials" "aws sso login --profile <profile> && export AWS_PROFILE=<profile> (or any credential source the AWS CLI reads)"
fi

if [[ "$action" == up ]]; then
  vars="$root/terraform/envs/$env/terraform.tfvars"
  if [[ -f "$vars" ]]; then
    ok "inputs $vars"
  else
    missing "terraform/envs/$env/terraform.tfvars" "cp terraform/envs/$env/terraform.tfvars.example terraform/envs/$env/terraform.tfvars and set domain, github_repository, admin_principal_arns"
  fi
  if [[ -z "${GITHUB_TOKEN:-}" ]]; then
    echo "preflight: note    GITHUB_TOKEN is not set: Flux clones anonymously (fine for a public repository), reports no commit statuses"
    echo "                    and the push webhook is not registered (Flux polls); set a fine-grained token with Contents: read,"
    echo "                    Commit statuses: write and Webhooks: write on the repository to enable all three"
  fi
  # An environment whose spec says [atlas] enabled = true has an Atlas root, and its app reads the
  # DSN that root writes: without the keys the apps would wait for it forever, so stop here.
  if [[ -d "$root/terraform/atlas/$env" ]]; then
    atlas_missing=()
    for name in MONGODB_ATLAS_PUBLIC_KEY MONGODB_ATLAS_PRIVATE_KEY MONGODB_ATLAS_ORG_ID; do
      [[ -n "${!name:-}" ]] || atlas_missing+=("$name")
    done
    if ((${#atlas_missing[@]} > 0)); then
      missing "${atlas_missing[*]} (environments/$env.toml uses MongoDB Atlas: [atlas] enabled = true)" \
        "export them (an Atlas API key with Organization Project Creator, and the organization ID; docs/atlas.md), or set [atlas] enabled = false in environments/$env.toml and run make generate (the sample app then uses the in-cluster MariaDB)"
    else
      ok "MongoDB Atlas keys (environments/$env.toml uses Atlas)"
    fi
  fi
  if ! command -v "${DOCKER:-docker}" >/dev/null; then
    echo "preflight: note    ${DOCKER:-docker} is not installed: needed only if ECR lacks the environment's image tag (a new account"
    echo "                    before its first release); make up then stops at that step and names the fix"
  fi
fi

if ((problems > 0)); then
  echo "preflight: $problems thing(s) missing for make $action ENV=$env; fix them and run again" >&2
  exit 1
fi
echo "preflight: ready for make $action ENV=$env"
