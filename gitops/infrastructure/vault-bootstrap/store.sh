#!/bin/bash
# Keeps Vault's recovery keys and root token in AWS Secrets Manager (encrypted with the Vault KMS
# key; readable only by the Vault IRSA role and account admins), from the AWS CLI image. After a
# fresh init it saves them; on every later run it reads the root token back for configure.sh (and
# in the Job of infrastructure/vault-oidc, which runs this script too, for oidc.sh).
set -euo pipefail

for name in VAULT_INIT_SECRET_ARN BOOTSTRAP_DIR; do
  if ! printenv "$name" >/dev/null; then
    echo "store: environment variable $name is not set; the Job that runs it (infrastructure/vault-bootstrap or vault-oidc) sets it" >&2
    exit 2
  fi
done

init="$BOOTSTRAP_DIR/init.json"
token="$BOOTSTRAP_DIR/root-token"
umask 077

if [[ -f "$init" ]]; then
  if ! jq -e '.root_token | strings | length > 0' "$init" >/dev/null; then
    echo "store: $init has no root_token; Vault's init output is not what this script expects" >&2
    exit 1
  fi
  # Until this call succeeds the keys exist only in this pod's memory: the Job restarts this
  # container in the same pod (restartPolicy OnFailure), so a failed call is retried, not lost.
  aws secretsmanager put-secret-value --secret-id "$VAULT_INIT_SECRET_ARN" \
    --secret-string "file://$init" >/dev/null
  jq -r '.root_token' "$init" >"$token"
  rm -f "$init"
  echo "store: recovery keys and root token saved to $VAULT_INIT_SECRET_ARN"
  exit 0
fi

if ! value=$(aws secretsmanager get-secret-value --secret-id "$VAULT_INIT_SECRET_ARN" \
  --query SecretString --output text); then
  echo "store: Vault is initialised but $VAULT_INIT_SECRET_ARN cannot be read. If Vault was initialised outside this Job, put its init JSON (with root_token) there; see docs/gitops.md, section Vault bootstrap" >&2
  exit 1
fi
if ! jq -er '.root_token | strings | select(length > 0)' <<<"$value" >"$token"; then
  echo "store: $VAULT_INIT_SECRET_ARN holds no root_token; put Vault's init JSON there or a new root token ({\"root_token\": \"...\"}, see docs/gitops.md, section Vault bootstrap)" >&2
  exit 1
fi
echo "store: root token read from $VAULT_INIT_SECRET_ARN"
