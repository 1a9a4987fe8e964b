# Copied over the eks module by the emulator apply (cargo xtask tf-emulator), in its copy of
# terraform/ only.
# EMULATOR GAPS: moto has no API for EKS add-ons, access entries or identity provider configs
# (and we use no pod identity associations), and its clusters report no cluster security group
# (so the load balancers' rule on it has no group to go to): only those resources are overridden
# to zero instances. The real module code is unchanged; docs/terraform.md lists what this leaves
# unproven.

resource "aws_eks_addon" "this" {
  for_each = {}
}

resource "aws_eks_identity_provider_config" "this" {
  count = 0
}

resource "aws_eks_access_entry" "admin" {
  for_each = toset([])
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = {}
}

resource "aws_vpc_security_group_ingress_rule" "load_balancer" {
  for_each = {}
}
