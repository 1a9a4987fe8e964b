# Members of a group granted VaultRole::Read (crate bkt-sso) after signing in with OIDC: they read
# and list the KV store, and change nothing.
path "secret/data/*" {
  capabilities = ["read"]
}

path "secret/metadata/*" {
  capabilities = ["read", "list"]
}
