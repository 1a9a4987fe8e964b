#!/bin/sh
# Initialises Vault once, from the Vault image (busybox sh, no bash). With the awskms seal,
# `vault operator init` returns recovery keys and the root token instead of unseal keys; they are
# written only to the pod's memory volume, and store.sh moves them to Secrets Manager next.
set -eu

for name in VAULT_ADDR BOOTSTRAP_DIR WAIT_SECONDS; do
  if ! printenv "$name" >/dev/null; then
    echo "init: environment variable $name is not set; the Job in infrastructure/vault-bootstrap sets it" >&2
    exit 2
  fi
done

deadline=$(($(date +%s) + WAIT_SECONDS))
while :; do
  # -status exits 0 when initialised, 2 when not, 1 when Vault cannot be reached.
  status=0
  vault operator init -status >/dev/null 2>&1 || status=$?
  case "$status" in
    0)
      echo "init: $VAULT_ADDR is already initialised; store.sh reads its root token from Secrets Manager"
      exit 0
      ;;
    2) break ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "init: $VAULT_ADDR did not answer within $WAIT_SECONDS s; check pod vault-0 (kubectl -n vault describe pod vault-0: volume bound? image pulled? IRSA role on the vault service account?)" >&2
    exit 1
  fi
  echo "init: waiting for $VAULT_ADDR"
  sleep 5
done

umask 077
vault operator init -recovery-shares=5 -recovery-threshold=3 -format=json >"$BOOTSTRAP_DIR/init.json.partial"
mv "$BOOTSTRAP_DIR/init.json.partial" "$BOOTSTRAP_DIR/init.json"
echo "init: Vault initialised; the awskms seal unseals it from now on"
