//! The AWS resource kinds the eks, ecr and workload-identity modules write, one typed struct
//! each: the fields are the Terraform arguments this crate sets (see the `hashicorp/aws`
//! provider's documentation for their meaning), the reference types carry the attributes it
//! reads. IAM kinds come from [`bkt_oidc::aws`], the log group from [`bkt_network::aws`].

bkt_core::terraform_block! {
    /// `upgrade_policy` of an EKS cluster.
    pub struct UpgradePolicy => "upgrade_policy" {
        /// `STANDARD` or `EXTENDED` support once the version leaves standard support.
        support_type,
    }
}

bkt_core::terraform_block! {
    /// `access_config` of an EKS cluster.
    pub struct AccessConfig => "access_config" {
        /// `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`.
        authentication_mode,
        /// Whether the identity that creates the cluster becomes its admin.
        bootstrap_cluster_creator_admin_permissions,
    }
}

bkt_core::terraform_block! {
    /// `provider` of a cluster's `encryption_config`: the KMS key.
    pub struct EncryptionProvider => "provider" {
        /// ARN of the KMS key.
        key_arn,
    }
}

bkt_core::terraform_block! {
    /// `encryption_config` of an EKS cluster: envelope encryption of Kubernetes resources.
    pub struct EncryptionConfig => "encryption_config" {
        /// The Kubernetes resources encrypted (`secrets`).
        resources,
    }
    blocks {
        /// The KMS key.
        provider: EncryptionProvider,
    }
}

bkt_core::terraform_block! {
    /// `vpc_config` of an EKS cluster.
    pub struct VpcConfig => "vpc_config" {
        /// Subnets of the control-plane network interfaces.
        subnet_ids,
        /// Whether the API server answers inside the VPC.
        endpoint_private_access,
        /// Whether the API server answers on the internet.
        endpoint_public_access,
        /// Networks allowed to reach the public endpoint.
        public_access_cidrs,
    }
}

bkt_core::terraform_kind! {
    /// `aws_eks_cluster`.
    pub resource EksCluster => "aws_eks_cluster" {
        /// The cluster's name.
        name,
        /// Kubernetes minor version.
        version,
        /// IAM role the control plane uses.
        role_arn,
        /// Control-plane log types sent to CloudWatch.
        enabled_cluster_log_types,
        /// Resource tags.
        tags,
    }
    blocks {
        /// Support policy after standard support ends.
        upgrade_policy: UpgradePolicy,
        /// Authentication mode and creator access.
        access_config: AccessConfig,
        /// Envelope encryption of Secrets.
        encryption_config: EncryptionConfig,
        /// Networking of the control plane.
        vpc_config: VpcConfig,
    }
    /// Attributes of an `aws_eks_cluster`.
    pub ref EksClusterRef { id, arn, name, endpoint, certificate_authority, identity, vpc_config }
}

bkt_core::terraform_kind! {
    /// `aws_eks_access_entry`: an IAM principal admitted to the cluster.
    pub resource EksAccessEntry => "aws_eks_access_entry" {
        /// The cluster.
        cluster_name,
        /// The IAM role or user.
        principal_arn,
        /// `STANDARD`, `EC2_LINUX` …
        r#type,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_eks_access_entry`.
    pub ref EksAccessEntryRef { access_entry_arn, principal_arn }
}

bkt_core::terraform_block! {
    /// `access_scope` of an access policy association.
    pub struct AccessScope => "access_scope" {
        /// `cluster` or `namespace`.
        r#type,
        /// The namespaces, for a `namespace` scope.
        namespaces,
    }
}

bkt_core::terraform_kind! {
    /// `aws_eks_access_policy_association`: an access policy granted to an access entry.
    pub resource EksAccessPolicyAssociation => "aws_eks_access_policy_association" {
        /// The cluster.
        cluster_name,
        /// The access entry's principal.
        principal_arn,
        /// ARN of the EKS access policy.
        policy_arn,
    }
    blocks {
        /// Where the policy applies.
        access_scope: AccessScope,
    }
    /// Attributes of an `aws_eks_access_policy_association`.
    pub ref EksAccessPolicyAssociationRef { id }
}

bkt_core::terraform_kind! {
    /// `aws_eks_addon`.
    pub resource EksAddon => "aws_eks_addon" {
        /// The cluster.
        cluster_name,
        /// Name of the add-on (`vpc-cni`, `coredns` …).
        addon_name,
        /// Exact version (`v1.20.4-eksbuild.1`).
        addon_version,
        /// Conflict resolution on create: `NONE` or `OVERWRITE`.
        resolve_conflicts_on_create,
        /// Conflict resolution on update: `NONE`, `OVERWRITE` or `PRESERVE`.
        resolve_conflicts_on_update,
        /// IRSA role of the add-on's service account.
        service_account_role_arn,
        /// The add-on's configuration, a JSON document of its schema
        /// (`aws eks describe-addon-configuration`).
        configuration_values,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_eks_addon`.
    pub ref EksAddonRef { arn, addon_version, service_account_role_arn }
}

bkt_core::terraform_block! {
    /// `oidc` of an EKS identity provider configuration: whose ID tokens the API server accepts,
    /// and how a token's claims become a Kubernetes user and groups.
    pub struct OidcIdentityProvider => "oidc" {
        /// The configuration's name within the cluster.
        identity_provider_config_name,
        /// The issuer (`https://…`, no query or fragment): the `iss` claim of the tokens, below
        /// which `.well-known/openid-configuration` is served.
        issuer_url,
        /// The client ID the tokens are issued to (their `aud` claim).
        client_id,
        /// The claim that becomes the username (EKS's default: `sub`).
        username_claim,
        /// The claim that lists the user's groups.
        groups_claim,
        /// Prepended to the username (`-` turns prefixing off).
        username_prefix,
        /// Prepended to every group name.
        groups_prefix,
        /// Claims a token must carry with exactly these values (a map).
        required_claims,
    }
}

bkt_core::terraform_kind! {
    /// `aws_eks_identity_provider_config`: an OIDC identity provider associated with a cluster,
    /// so the API server accepts that issuer's ID tokens besides IAM.
    pub resource EksIdentityProviderConfig => "aws_eks_identity_provider_config" {
        /// The cluster.
        cluster_name,
        /// Resource tags.
        tags,
    }
    blocks {
        /// The provider.
        oidc: OidcIdentityProvider,
    }
    /// Attributes of an `aws_eks_identity_provider_config`.
    pub ref EksIdentityProviderConfigRef { id, arn, status }
}

bkt_core::terraform_block! {
    /// `launch_template` of a node group.
    pub struct NodeGroupLaunchTemplate => "launch_template" {
        /// ID of the launch template.
        id,
        /// Its version.
        version,
    }
}

bkt_core::terraform_block! {
    /// `scaling_config` of a node group.
    pub struct ScalingConfig => "scaling_config" {
        /// Fewest nodes.
        min_size,
        /// Most nodes.
        max_size,
        /// Nodes wanted now.
        desired_size,
    }
}

bkt_core::terraform_block! {
    /// `update_config` of a node group.
    pub struct UpdateConfig => "update_config" {
        /// Nodes replaced at a time during an update.
        max_unavailable,
    }
}

bkt_core::terraform_kind! {
    /// `aws_eks_node_group`: a managed node group.
    pub resource EksNodeGroup => "aws_eks_node_group" {
        /// The cluster.
        cluster_name,
        /// The group's name.
        node_group_name,
        /// IAM role of the nodes.
        node_role_arn,
        /// Subnets the nodes run in.
        subnet_ids,
        /// AMI family (`AL2023_x86_64_STANDARD` …).
        ami_type,
        /// `ON_DEMAND` or `SPOT`.
        capacity_type,
        /// EC2 instance types.
        instance_types,
        /// Resource tags.
        tags,
    }
    blocks {
        /// The launch template the nodes are built from.
        launch_template: NodeGroupLaunchTemplate,
        /// Group size.
        scaling_config: ScalingConfig,
        /// Rolling update settings.
        update_config: UpdateConfig,
    }
    /// Attributes of an `aws_eks_node_group`.
    pub ref EksNodeGroupRef { id, arn, status, launch_template, remote_access }
}

bkt_core::terraform_block! {
    /// `metadata_options` of a launch template: the instance metadata service.
    pub struct MetadataOptions => "metadata_options" {
        /// `enabled` or `disabled`.
        http_endpoint,
        /// `required` (IMDSv2 only) or `optional`.
        http_tokens,
        /// Network hops a metadata response may travel.
        http_put_response_hop_limit,
    }
}

bkt_core::terraform_block! {
    /// `ebs` of a launch template's block device mapping.
    pub struct Ebs => "ebs" {
        /// Size in GiB.
        volume_size,
        /// `gp3` …
        volume_type,
        /// Whether the volume is encrypted.
        encrypted,
        /// Whether the volume goes with the instance.
        delete_on_termination,
    }
}

bkt_core::terraform_block! {
    /// `block_device_mappings` of a launch template.
    pub struct BlockDeviceMappings => "block_device_mappings" {
        /// The device (`/dev/xvda` is the AL2023 root).
        device_name,
    }
    blocks {
        /// The EBS volume.
        ebs: Ebs,
    }
}

bkt_core::terraform_block! {
    /// `tag_specifications` of a launch template: tags of what it launches.
    pub struct TagSpecifications => "tag_specifications" {
        /// `instance`, `volume` …
        resource_type,
        /// The tags.
        tags,
    }
}

bkt_core::terraform_kind! {
    /// `aws_launch_template`.
    pub resource LaunchTemplate => "aws_launch_template" {
        /// The template's name.
        name,
        /// Human-readable description.
        description,
        /// Whether each update becomes the default version.
        update_default_version,
        /// Resource tags.
        tags,
    }
    blocks {
        /// The instance metadata service.
        metadata_options: MetadataOptions,
    }
    repeated {
        /// Volumes.
        block_device_mappings: BlockDeviceMappings,
        /// Tags of launched resources.
        tag_specifications: TagSpecifications,
    }
    /// Attributes of an `aws_launch_template`.
    pub ref LaunchTemplateRef { id, arn, latest_version }
}

bkt_core::terraform_kind! {
    /// `aws_kms_key`.
    pub resource KmsKey => "aws_kms_key" {
        /// Human-readable description.
        description,
        /// Whether the key material rotates yearly.
        enable_key_rotation,
        /// Days between scheduling deletion and deleting (7–30).
        deletion_window_in_days,
        /// The key policy (JSON).
        policy,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_kms_key`.
    pub ref KmsKeyRef { arn, key_id }
}

bkt_core::terraform_kind! {
    /// `aws_kms_alias`.
    pub resource KmsAlias => "aws_kms_alias" {
        /// The alias, `alias/…`.
        name,
        /// The key it names.
        target_key_id,
    }
    /// Attributes of an `aws_kms_alias`.
    pub ref KmsAliasRef { arn, name }
}

bkt_core::terraform_block! {
    /// `image_scanning_configuration` of an ECR repository.
    pub struct ImageScanningConfiguration => "image_scanning_configuration" {
        /// Whether each pushed image is scanned.
        scan_on_push,
    }
}

bkt_core::terraform_block! {
    /// `encryption_configuration` of an ECR repository.
    pub struct EncryptionConfiguration => "encryption_configuration" {
        /// `AES256` or `KMS`.
        encryption_type,
        /// ARN of the KMS key.
        kms_key,
    }
}

bkt_core::terraform_kind! {
    /// `aws_ecr_repository`.
    pub resource EcrRepository => "aws_ecr_repository" {
        /// The repository's name.
        name,
        /// `MUTABLE` or `IMMUTABLE` tags.
        image_tag_mutability,
        /// Resource tags.
        tags,
    }
    blocks {
        /// Image scanning.
        image_scanning_configuration: ImageScanningConfiguration,
        /// Encryption at rest.
        encryption_configuration: EncryptionConfiguration,
    }
    /// Attributes of an `aws_ecr_repository`.
    pub ref EcrRepositoryRef { arn, name, repository_url, registry_id }
}

bkt_core::terraform_kind! {
    /// `aws_ecr_lifecycle_policy`.
    pub resource EcrLifecyclePolicy => "aws_ecr_lifecycle_policy" {
        /// The repository's name.
        repository,
        /// The lifecycle policy (JSON).
        policy,
    }
    /// Attributes of an `aws_ecr_lifecycle_policy`.
    pub ref EcrLifecyclePolicyRef { repository }
}

bkt_core::terraform_kind! {
    /// `aws_secretsmanager_secret`: the secret's metadata (values are versions of it).
    pub resource SecretsmanagerSecret => "aws_secretsmanager_secret" {
        /// The secret's name.
        name,
        /// Human-readable description.
        description,
        /// KMS key encrypting the values.
        kms_key_id,
        /// Days a deleted secret can be restored (0: deleted at once).
        recovery_window_in_days,
        /// Resource tags.
        tags,
    }
    /// Attributes of an `aws_secretsmanager_secret`.
    pub ref SecretsmanagerSecretRef { id, arn, name }
}
