#!/bin/sh
# Configures Vault idempotently with the root token store.sh left in the memory volume: the KV
# store, Kubernetes auth, and the policies and roles the tree's consumers log in with.
set -eu

for name in VAULT_ADDR BOOTSTRAP_DIR POLICY_DIR WAIT_SECONDS; do
  if ! printenv "$name" >/dev/null; then
    echo "configure: environment variable $name is not set; the Job in infrastructure/vault-bootstrap sets it" >&2
    exit 2
  fi
done

VAULT_TOKEN=$(cat "$BOOTSTRAP_DIR/root-token")
export VAULT_TOKEN

# `vault status` exits 0 only once the active node answers unsealed (auto-unseal through KMS).
deadline=$(($(date +%s) + WAIT_SECONDS))
until vault status >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "configure: $VAULT_ADDR is not unsealed within $WAIT_SECONDS s; check the vault pods' logs for awskms errors (kms:DescribeKey/Decrypt through the IRSA role)" >&2
    exit 1
  fi
  echo "configure: waiting for an unsealed active node at $VAULT_ADDR"
  sleep 5
done

if ! vault token lookup >/dev/null 2>&1; then
  echo "configure: the root token from Secrets Manager is not valid (revoked?); make a new one with the recovery keys and put it back, see docs/gitops.md, section Vault bootstrap" >&2
  exit 1
fi

mounts=$(vault secrets list -format=json)
case "$mounts" in
  *'"secret/"'*)
    options=$(vault read -field=options sys/mounts/secret)
    case "$options" in
      *version:2*) ;;
      *)
        echo "configure: secret/ is mounted but is not KV version 2 ($options); upgrade it with: vault kv enable-versioning secret/" >&2
        exit 1
        ;;
    esac
    ;;
  *) vault secrets enable -path=secret -version=2 kv ;;
esac

auths=$(vault auth list -format=json)
case "$auths" in
  *'"kubernetes/"'*) ;;
  *) vault auth enable kubernetes ;;
esac
# Vault runs in this cluster: it reviews tokens with its own service account (system:auth-delegator,
# bound by the chart) and the cluster CA from its pod.
vault write auth/kubernetes/config kubernetes_host=https://kubernetes.default.svc >/dev/null

for file in "$POLICY_DIR"/*.hcl; do
  vault policy write "$(basename "$file" .hcl)" "$file"
done

# role NAME NAMESPACE SERVICE_ACCOUNT: the policy has the role's name.
role() {
  vault write "auth/kubernetes/role/$1" bound_service_account_namespaces="$2" \
    bound_service_account_names="$3" token_policies="$1" token_ttl=1h token_max_ttl=24h >/dev/null
  echo "configure: role $1 for service account $2/$3"
}
role external-secrets external-secrets external-secrets
role sample-app sample-app sample-app

echo "configure: raft peers (vault-1 and vault-2 join through retry_join):"
vault operator raft list-peers
