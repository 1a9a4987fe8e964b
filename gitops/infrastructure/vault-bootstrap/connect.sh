# shellcheck shell=sh
# What configure.sh (infrastructure/vault-bootstrap) and oidc.sh (infrastructure/vault-oidc) both
# do before they configure anything, sourced from the same ConfigMap: check the Job's variables,
# wait for an unsealed active node, and log in with the root token store.sh left in the memory
# volume. Each caller sets `me` (its name in messages) and `folder` (where its Job is) first.

# require NAME...: exits 2 naming the first variable the Job does not set.
# shellcheck disable=SC2154 # me and folder are the caller's
require() {
  for name in "$@"; do
    if ! printenv "$name" >/dev/null; then
      echo "$me: environment variable $name is not set; the Job in $folder sets it" >&2
      exit 2
    fi
  done
}

# connect: exports VAULT_TOKEN once VAULT_ADDR answers unsealed (auto-unseal through KMS) and the
# token is valid; exits 1 saying what to check when it is not within WAIT_SECONDS.
# shellcheck disable=SC2154 # me is the caller's
connect() {
  require VAULT_ADDR BOOTSTRAP_DIR WAIT_SECONDS
  VAULT_TOKEN=$(cat "$BOOTSTRAP_DIR/root-token")
  export VAULT_TOKEN
  # `vault status` exits 0 only once the active node answers unsealed.
  deadline=$(($(date +%s) + WAIT_SECONDS))
  until vault status >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$me: $VAULT_ADDR is not unsealed within $WAIT_SECONDS s; check the vault pods' logs for awskms errors (kms:DescribeKey/Decrypt through the IRSA role)" >&2
      exit 1
    fi
    echo "$me: waiting for an unsealed active node at $VAULT_ADDR"
    sleep 5
  done
  if ! vault token lookup >/dev/null 2>&1; then
    echo "$me: the root token from Secrets Manager is not valid (revoked?); make a new one with the recovery keys and put it back, see docs/gitops.md, section Vault bootstrap" >&2
    exit 1
  fi
}
