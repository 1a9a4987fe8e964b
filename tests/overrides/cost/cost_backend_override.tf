# Copied into cargo xtask cost's copy of an environment root: the estimate plans with a local
# backend, so it needs (and touches) no real state bucket.

terraform {
  backend "local" {}
}
