#!/bin/sh
# Configures Vault's OIDC sign-in for people through Authentik, idempotently, from the SSO
# declaration's vault application (the Job passes its settings in the OIDC_* variables and mounts
# its client secret): the oidc auth method, its config and role default, and per SSO group an
# external identity group holding the group's policy (a <policy>.hcl beside this script) with an
# alias on the oidc mount. It logs in with the root token store.sh read back from Secrets Manager.
set -eu

me=oidc
folder=infrastructure/vault-oidc
# shellcheck source-path=SCRIPTDIR source=../vault-bootstrap/connect.sh
. "$(dirname "$0")/connect.sh"
require POLICY_DIR OIDC_DISCOVERY_URL OIDC_CLIENT_ID OIDC_CLIENT_SECRET_FILE OIDC_REDIRECT_URIS \
  OIDC_SCOPES OIDC_GROUPS_CLAIM OIDC_GROUP_POLICIES
connect

if [ ! -s "$OIDC_CLIENT_SECRET_FILE" ]; then
  echo "oidc: the client secret $OIDC_CLIENT_SECRET_FILE is missing or empty; check the Secret sso-vault in namespace vault (ExternalSecret sso-vault, copied from namespace authentik)" >&2
  exit 1
fi
auths=$(vault auth list -format=json)
case "$auths" in
  *'"oidc/"'*) ;;
  *) vault auth enable oidc ;;
esac
# Vault fetches the discovery document when the config is written, so this waits until
# Authentik's worker has applied the blueprint that creates the provider.
deadline=$(($(date +%s) + WAIT_SECONDS))
until vault write auth/oidc/config oidc_discovery_url="$OIDC_DISCOVERY_URL" \
  oidc_client_id="$OIDC_CLIENT_ID" oidc_client_secret=@"$OIDC_CLIENT_SECRET_FILE" \
  default_role=default >/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "oidc: Vault cannot read $OIDC_DISCOVERY_URL within $WAIT_SECONDS s; check that Authentik is up, that its worker applied the blueprint (ConfigMap authentik-blueprints-sso) and that namespace vault allows HTTPS egress" >&2
    exit 1
  fi
  echo "oidc: waiting for the OIDC discovery document at $OIDC_DISCOVERY_URL"
  sleep 10
done
vault write auth/oidc/role/default user_claim=sub groups_claim="$OIDC_GROUPS_CLAIM" \
  oidc_scopes="$OIDC_SCOPES" allowed_redirect_uris="$OIDC_REDIRECT_URIS" \
  token_policies=default token_ttl=1h token_max_ttl=12h >/dev/null
echo "oidc: sign-in through $OIDC_DISCOVERY_URL"

# One external identity group per SSO group, holding the group's policy, with an alias on the
# oidc mount: a person gets the policies of the groups in their ID token's groups claim.
accessor=$(vault read -field=accessor sys/auth/oidc)
for mapping in $(printf '%s\n' "$OIDC_GROUP_POLICIES" | tr ',' ' '); do
  group=$(printf '%s' "$mapping" | cut -d= -f1)
  policy=$(printf '%s' "$mapping" | cut -d= -f2)
  if [ -z "$group" ] || [ -z "$policy" ] || [ "$mapping" = "$group" ]; then
    echo "oidc: OIDC_GROUP_POLICIES entry '$mapping' is not group=policy; the Job in infrastructure/vault-oidc sets it from the SSO declaration" >&2
    exit 2
  fi
  if [ ! -f "$POLICY_DIR/$policy.hcl" ]; then
    echo "oidc: group $group is granted policy $policy, but $POLICY_DIR/$policy.hcl is not in the ConfigMap; add the file to infrastructure/vault-oidc and bkt_flux::vault::OIDC_FILES" >&2
    exit 1
  fi
  vault policy write "$policy" "$POLICY_DIR/$policy.hcl"
  vault write "identity/group/name/$group" type=external policies="$policy" >/dev/null
  group_id=$(vault read -field=id "identity/group/name/$group")
  found=$(vault write -format=json identity/lookup/group alias_name="$group" alias_mount_accessor="$accessor")
  case "$found" in
    *"\"$group_id\""*) ;;
    *'"id"'*)
      echo "oidc: the oidc alias $group belongs to another identity group; remove that alias (vault list identity/group-alias/id) and rerun the Job" >&2
      exit 1
      ;;
    *) vault write identity/group-alias name="$group" mount_accessor="$accessor" canonical_id="$group_id" >/dev/null ;;
  esac
  echo "oidc: group $group signs in with policy $policy"
done
