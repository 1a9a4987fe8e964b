mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  # The provider validates ARN syntax, so generated random strings will not do.
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE" }] }]
      certificate_authority = [{ data = "Q0E=" }]
    }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_eks_identity_provider_config" {
    defaults = { arn = "arn:aws:eks:eu-west-1:123456789012:identityproviderconfig/bkt-test/oidc/authentik/00000000" }
  }
}

variables {
  cluster_name = "bkt-test"
  subnet_ids   = ["subnet-aaaa1111", "subnet-bbbb2222"]
  node_groups = {
    default = { instance_types = ["t3.large"] }
  }
}

run "cluster_stays_on_standard_support" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.upgrade_policy[0].support_type == "STANDARD"
    error_message = "the upgrade policy must be STANDARD; extended support costs six times more"
  }
}

run "authentication_uses_access_entries_without_creator_admin" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API"
    error_message = "authentication mode must be API (access entries only, no aws-auth ConfigMap)"
  }
  assert {
    condition     = aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions == false
    error_message = "the cluster creator must not get implicit admin"
  }
}

run "secrets_are_envelope_encrypted_with_a_rotated_key" {
  command = apply

  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"]) && aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == aws_kms_key.secrets.arn
    error_message = "Secrets must be encrypted with the module's KMS key"
  }
  assert {
    condition     = aws_kms_key.secrets.enable_key_rotation
    error_message = "the Secrets key must rotate"
  }
}

run "control_plane_logs_go_to_a_group_with_retention" {
  command = plan

  assert {
    condition     = length(setsubtract(["api", "audit", "authenticator"], aws_eks_cluster.this.enabled_cluster_log_types)) == 0
    error_message = "api, audit and authenticator logs must be enabled"
  }
  assert {
    condition     = aws_cloudwatch_log_group.cluster.name == "/aws/eks/bkt-test/cluster" && aws_cloudwatch_log_group.cluster.retention_in_days == 30
    error_message = "the control-plane log group must be the one EKS writes to, with a retention"
  }
}

run "api_endpoint_is_private_only_by_default" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_private_access && !aws_eks_cluster.this.vpc_config[0].endpoint_public_access
    error_message = "by default the API server must be reachable only privately"
  }
}

run "public_endpoint_is_limited_to_the_given_networks" {
  command = plan

  variables {
    endpoint = { public_access_cidrs = ["203.0.113.0/24"] }
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access && aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.0/24"])
    error_message = "the public endpoint must be open only to the listed CIDRs"
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_private_access
    error_message = "the private endpoint must stay on when the public one is enabled"
  }
}

run "nodes_require_imdsv2_with_hop_limit_one" {
  command = plan

  assert {
    condition     = aws_launch_template.node["default"].metadata_options[0].http_tokens == "required" && aws_launch_template.node["default"].metadata_options[0].http_put_response_hop_limit == 1
    error_message = "nodes must require IMDSv2 tokens with a hop limit of 1"
  }
}

run "node_root_volume_is_encrypted_gp3_and_no_ssh_key_is_set" {
  command = plan

  assert {
    condition     = aws_launch_template.node["default"].block_device_mappings[0].ebs[0].volume_type == "gp3" && aws_launch_template.node["default"].block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "the node root volume must be encrypted gp3"
  }
  assert {
    condition     = aws_launch_template.node["default"].key_name == null && length(aws_eks_node_group.this["default"].remote_access) == 0
    error_message = "nodes must not accept SSH keys"
  }
}

run "spot_node_group_uses_the_launch_template_in_private_subnets" {
  command = apply

  variables {
    node_groups = {
      spot = { instance_types = ["t3.large", "t3a.large"], capacity_type = "SPOT", min_size = 1, desired_size = 1, max_size = 2 }
    }
  }

  assert {
    condition     = aws_eks_node_group.this["spot"].capacity_type == "SPOT"
    error_message = "the node group must use the requested capacity type"
  }
  assert {
    condition     = aws_eks_node_group.this["spot"].launch_template[0].id == aws_launch_template.node["spot"].id
    error_message = "the node group must be built from the module's hardened launch template"
  }
  assert {
    condition     = aws_eks_node_group.this["spot"].subnet_ids == toset(["subnet-aaaa1111", "subnet-bbbb2222"])
    error_message = "nodes must run in the given private subnets"
  }
}

run "admin_principals_get_cluster_admin_access_entries" {
  command = plan

  variables {
    admin_principal_arns = ["arn:aws:iam::123456789012:role/platform-admin"]
  }

  assert {
    condition     = aws_eks_access_entry.admin["arn:aws:iam::123456789012:role/platform-admin"].type == "STANDARD"
    error_message = "each admin principal needs an access entry"
  }
  assert {
    condition     = endswith(aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/platform-admin"].policy_arn, ":cluster-access-policy/AmazonEKSClusterAdminPolicy") && aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/platform-admin"].access_scope[0].type == "cluster"
    error_message = "admin access entries must be associated with the cluster-wide admin policy"
  }
}

run "core_addons_are_pinned_and_ebs_csi_uses_its_own_role" {
  command = apply

  assert {
    condition     = toset(keys(aws_eks_addon.this)) == toset(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"]) && alltrue([for addon in aws_eks_addon.this : can(regex("-eksbuild\\.[0-9]+$", addon.addon_version))])
    error_message = "the four core add-ons must be installed with exact versions"
  }
  assert {
    condition     = aws_eks_addon.this["aws-ebs-csi-driver"].service_account_role_arn == aws_iam_role.ebs_csi.arn && aws_eks_addon.this["coredns"].service_account_role_arn == null
    error_message = "only the EBS CSI add-on gets the dedicated IRSA role"
  }
}

run "vpc_cni_enforces_network_policies_by_default" {
  command = plan

  assert {
    condition     = jsondecode(aws_eks_addon.this["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "vpc-cni must run its network policy agent, so the tree's NetworkPolicies take effect"
  }
}

run "network_policy_off_turns_the_agent_off" {
  command = plan

  variables {
    network_policy = false
  }

  assert {
    condition     = jsondecode(aws_eks_addon.this["vpc-cni"].configuration_values).enableNetworkPolicy == "false"
    error_message = "network_policy = false must reach vpc-cni's configuration"
  }
}

run "ebs_csi_role_trusts_only_its_service_account" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.ebs_csi.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"] == "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    error_message = "the EBS CSI role must be bound to kube-system/ebs-csi-controller-sa"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ebs_csi.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud"] == "sts.amazonaws.com"
    error_message = "the EBS CSI role must require the STS audience"
  }
}

run "rejects_an_invalid_cluster_name" {
  command = plan
  variables {
    cluster_name = "1cluster"
  }
  expect_failures = [var.cluster_name]
}

run "rejects_a_kubernetes_version_outside_standard_support" {
  command = plan
  variables {
    kubernetes_version = "1.29"
  }
  expect_failures = [var.kubernetes_version]
}

run "rejects_a_single_subnet" {
  command = plan
  variables {
    subnet_ids = ["subnet-aaaa1111"]
  }
  expect_failures = [var.subnet_ids]
}

run "rejects_a_malformed_public_cidr" {
  command = plan
  variables {
    endpoint = { public_access_cidrs = ["my-office"] }
  }
  expect_failures = [var.endpoint]
}

run "rejects_a_world_open_endpoint_unless_explicitly_allowed" {
  command = plan
  variables {
    endpoint = { public_access_cidrs = ["0.0.0.0/0"] }
  }
  expect_failures = [var.endpoint]
}

run "rejects_an_admin_principal_that_is_not_an_iam_arn" {
  command = plan
  variables {
    admin_principal_arns = ["platform-admin"]
  }
  expect_failures = [var.admin_principal_arns]
}

run "rejects_log_types_without_audit" {
  command = plan
  variables {
    control_plane_log_types = ["api", "authenticator"]
  }
  expect_failures = [var.control_plane_log_types]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_no_node_groups" {
  command = plan
  variables {
    node_groups = {}
  }
  expect_failures = [var.node_groups]
}

run "rejects_an_unknown_capacity_type" {
  command = plan
  variables {
    node_groups = { default = { instance_types = ["t3.large"], capacity_type = "RESERVED" } }
  }
  expect_failures = [var.node_groups]
}

run "rejects_inconsistent_node_group_sizes" {
  command = plan
  variables {
    node_groups = { default = { instance_types = ["t3.large"], min_size = 3, desired_size = 2, max_size = 4 } }
  }
  expect_failures = [var.node_groups]
}

run "rejects_a_node_group_without_instance_types" {
  command = plan
  variables {
    node_groups = { default = { instance_types = [] } }
  }
  expect_failures = [var.node_groups]
}

run "rejects_an_invalid_node_group_name" {
  command = plan
  variables {
    node_groups = { Default_Group = { instance_types = ["t3.large"] } }
  }
  expect_failures = [var.node_groups]
}

run "rejects_missing_core_addons" {
  command = plan
  variables {
    addon_versions = { "vpc-cni" = "v1.20.4-eksbuild.1" }
  }
  expect_failures = [var.addon_versions]
}

run "rejects_an_unpinned_addon_version" {
  command = plan
  variables {
    addon_versions = {
      "vpc-cni"            = "latest"
      "coredns"            = "v1.12.4-eksbuild.1"
      "kube-proxy"         = "v1.34.0-eksbuild.5"
      "aws-ebs-csi-driver" = "v1.50.1-eksbuild.1"
    }
  }
  expect_failures = [var.addon_versions]
}

run "no_identity_provider_unless_asked_for" {
  command = plan

  assert {
    condition     = length(aws_eks_identity_provider_config.this) == 0
    error_message = "without oidc_identity_provider the cluster must accept no OIDC tokens"
  }
  assert {
    condition     = output.oidc_identity_provider_arn == null
    error_message = "oidc_identity_provider_arn must be null without an identity provider"
  }
}

run "identity_provider_carries_the_inputs_and_prefixes_groups" {
  command = apply
  variables {
    oidc_identity_provider = {
      name       = "authentik"
      issuer_url = "https://auth.example.com/application/o/kubernetes/"
      client_id  = "kubernetes"
    }
  }

  assert {
    condition     = length(aws_eks_identity_provider_config.this) == 1 && aws_eks_identity_provider_config.this[0].cluster_name == aws_eks_cluster.this.name
    error_message = "one identity provider configuration must be associated with the cluster"
  }
  assert {
    condition = { for key, value in aws_eks_identity_provider_config.this[0].oidc[0] : key => value if value != null } == {
      identity_provider_config_name = "authentik"
      issuer_url                    = "https://auth.example.com/application/o/kubernetes/"
      client_id                     = "kubernetes"
      username_claim                = "email"
      groups_claim                  = "groups"
      username_prefix               = "oidc:"
      groups_prefix                 = "oidc:"
    }
    error_message = "the oidc block must carry exactly the inputs, with claims email/groups and both prefixes oidc:"
  }
  assert {
    condition     = output.oidc_identity_provider_arn == "arn:aws:eks:eu-west-1:123456789012:identityproviderconfig/bkt-test/oidc/authentik/00000000"
    error_message = "oidc_identity_provider_arn must be the configuration's ARN"
  }
}

run "rejects_an_http_issuer" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "http://auth.example.com/application/o/kubernetes/", client_id = "kubernetes" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_an_issuer_with_a_query" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "https://auth.example.com/application/o/kubernetes/?x=1", client_id = "kubernetes" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_an_issuer_with_a_fragment" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "https://auth.example.com/#kubernetes", client_id = "kubernetes" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_an_identity_provider_name_outside_the_eks_rule" {
  command = plan
  variables {
    oidc_identity_provider = { name = "-authentik.io", issuer_url = "https://auth.example.com/application/o/kubernetes/", client_id = "kubernetes" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_an_empty_client_id" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "https://auth.example.com/application/o/kubernetes/", client_id = "" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_a_system_username_prefix" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "https://auth.example.com/application/o/kubernetes/", client_id = "kubernetes", username_prefix = "system:" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "rejects_a_groups_prefix_containing_system" {
  command = plan
  variables {
    oidc_identity_provider = { name = "authentik", issuer_url = "https://auth.example.com/application/o/kubernetes/", client_id = "kubernetes", groups_prefix = "oidc:system:" }
  }
  expect_failures = [var.oidc_identity_provider]
}

run "load_balancers_reach_pods_through_the_cluster_security_group" {
  command = apply

  variables {
    load_balancer_security_group_ids = { public = "sg-0000000000000000a", admin = "sg-0000000000000000b" }
  }

  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.load_balancer)) == toset(["public", "admin"])
    error_message = "one rule per load balancer"
  }
  assert {
    condition     = alltrue([for name, rule in aws_vpc_security_group_ingress_rule.load_balancer : rule.security_group_id == aws_eks_cluster.this.vpc_config[0].cluster_security_group_id && rule.referenced_security_group_id == var.load_balancer_security_group_ids[name] && rule.ip_protocol == "tcp" && rule.from_port == 1024 && rule.to_port == 65535 && rule.cidr_ipv4 == null])
    error_message = "each load balancer's group, and no address range, must be admitted to the cluster security group on its unprivileged TCP ports"
  }
}

run "no_load_balancers_open_nothing" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.load_balancer) == 0
    error_message = "without load balancers the cluster security group gets no extra rule"
  }
}
