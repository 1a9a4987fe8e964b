# The sample app's Vault agent reads its database DSN and nothing else.
path "secret/data/sample-app/*" {
  capabilities = ["read"]
}
