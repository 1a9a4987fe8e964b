#!/bin/sh
# Configures Vault idempotently with the root token store.sh left in the memory volume: the KV
# store, Kubernetes auth, and the policies and roles the tree's consumers log in with. People's
# OIDC sign-in is configured apart, by oidc.sh in infrastructure/vault-oidc, after the platform.
set -eu

me=configure
folder=infrastructure/vault-bootstrap
# shellcheck source-path=SCRIPTDIR source=connect.sh
. "$(dirname "$0")/connect.sh"
require POLICY_DIR
connect

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
