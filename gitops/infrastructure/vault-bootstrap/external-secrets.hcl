# External Secrets (ClusterSecretStore vault) reads any KV entry for ExternalSecrets, and writes
# only under sample-app/, where the PushSecret in infrastructure/vault-secrets publishes the DSN.
path "secret/data/*" {
  capabilities = ["read"]
}

path "secret/metadata/*" {
  capabilities = ["read", "list"]
}

path "secret/data/sample-app/*" {
  capabilities = ["create", "read", "update", "patch"]
}

path "secret/metadata/sample-app/*" {
  capabilities = ["create", "read", "update", "patch", "list"]
}
