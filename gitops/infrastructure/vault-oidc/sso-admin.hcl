# Members of a group granted VaultRole::Admin (crate bkt-sso) after signing in with OIDC: they run
# Vault, so they may do everything. The root token stays in Secrets Manager for recovery only.
path "*" {
  capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"]
}
