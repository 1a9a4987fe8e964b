#!/bin/sh
# Configures Vault idempotently with the root token store.sh left in the memory volume: the KV
# store, Kubernetes auth, the policies and roles the tree's consumers log in with, and OIDC
# sign-in through Authentik for people (the SSO declaration's vault application; the Job passes
# its settings in the OIDC_* variables and mounts its client secret).
set -eu

for name in VAULT_ADDR BOOTSTRAP_DIR POLICY_DIR WAIT_SECONDS OIDC_DISCOVERY_URL OIDC_CLIENT_ID \
  OIDC_CLIENT_SECRET_FILE OIDC_REDIRECT_URIS OIDC_SCOPES OIDC_GROUPS_CLAIM OIDC_GROUP_POLICIES; do
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

# OIDC sign-in. Vault fetches the discovery document when the config is written, so this waits
# until Authentik's worker has applied the blueprint that creates the provider.
if [ ! -s "$OIDC_CLIENT_SECRET_FILE" ]; then
  echo "configure: the client secret $OIDC_CLIENT_SECRET_FILE is missing or empty; check the Secret sso-vault in namespace vault (ExternalSecret sso-vault, copied from namespace authentik)" >&2
  exit 1
fi
case "$auths" in
  *'"oidc/"'*) ;;
  *) vault auth enable oidc ;;
esac
deadline=$(($(date +%s) + WAIT_SECONDS))
until vault write auth/oidc/config oidc_discovery_url="$OIDC_DISCOVERY_URL" \
  oidc_client_id="$OIDC_CLIENT_ID" oidc_client_secret=@"$OIDC_CLIENT_SECRET_FILE" \
  default_role=default >/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "configure: Vault cannot read $OIDC_DISCOVERY_URL within $WAIT_SECONDS s; check that Authentik is up, that its worker applied the blueprint (ConfigMap authentik-blueprints-sso) and that namespace vault allows HTTPS egress" >&2
    exit 1
  fi
  echo "configure: waiting for the OIDC discovery document at $OIDC_DISCOVERY_URL"
  sleep 10
done
vault write auth/oidc/role/default user_claim=sub groups_claim="$OIDC_GROUPS_CLAIM" \
  oidc_scopes="$OIDC_SCOPES" allowed_redirect_uris="$OIDC_REDIRECT_URIS" \
  token_policies=default token_ttl=1h token_max_ttl=12h >/dev/null
echo "configure: OIDC sign-in through $OIDC_DISCOVERY_URL"

# One external identity group per SSO group, holding the group's policy, with an alias on the
# oidc mount: a person gets the policies of the groups in their ID token's groups claim.
accessor=$(vault read -field=accessor sys/auth/oidc)
for mapping in $(printf '%s\n' "$OIDC_GROUP_POLICIES" | tr ',' ' '); do
  group=$(printf '%s' "$mapping" | cut -d= -f1)
  policy=$(printf '%s' "$mapping" | cut -d= -f2)
  if [ -z "$group" ] || [ -z "$policy" ] || [ "$mapping" = "$group" ]; then
    echo "configure: OIDC_GROUP_POLICIES entry '$mapping' is not group=policy; the Job in infrastructure/vault-bootstrap sets it from the SSO declaration" >&2
    exit 2
  fi
  if [ ! -f "$POLICY_DIR/$policy.hcl" ]; then
    echo "configure: group $group is granted policy $policy, but $POLICY_DIR/$policy.hcl is not in the ConfigMap; add the file to infrastructure/vault-bootstrap and bkt_flux::vault::BOOTSTRAP_FILES" >&2
    exit 1
  fi
  vault write "identity/group/name/$group" type=external policies="$policy" >/dev/null
  group_id=$(vault read -field=id "identity/group/name/$group")
  found=$(vault write -format=json identity/lookup/group alias_name="$group" alias_mount_accessor="$accessor")
  case "$found" in
    *"\"$group_id\""*) ;;
    *'"id"'*)
      echo "configure: the oidc alias $group belongs to another identity group; remove that alias (vault list identity/group-alias/id) and rerun the Job" >&2
      exit 1
      ;;
    *) vault write identity/group-alias name="$group" mount_accessor="$accessor" canonical_id="$group_id" >/dev/null ;;
  esac
  echo "configure: group $group signs in with policy $policy"
done

echo "configure: raft peers (vault-1 and vault-2 join through retry_join):"
vault operator raft list-peers
