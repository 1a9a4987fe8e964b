//! Rules over the whole rendered Terraform: every taggable resource is tagged.
//!
//! A resource kind is taggable when its typed model has a `tags` argument. In a module every such
//! resource must set `tags` (the module's `tags` input); in a root the `aws` provider's
//! `default_tags` covers every AWS resource, so there it is enough that the provider sets them.

use std::collections::{BTreeMap, BTreeSet};

use bkt_platform::core::hcl::Kind;
use bkt_reference::{PlatformSpec, render};

macro_rules! taggable {
    ($($kind:ty),* $(,)?) => {{
        let mut kinds = BTreeMap::new();
        $( kinds.insert(<$kind as Kind>::TYPE, <$kind as Kind>::ARGUMENTS.contains(&"tags")); )*
        kinds
    }};
}

/// Every resource kind the crates model: type name -> whether it takes `tags`.
fn kinds() -> BTreeMap<&'static str, bool> {
    use bkt_platform::eks::aws::*;
    use bkt_platform::network::aws::*;
    use bkt_platform::oidc::aws::*;
    use bkt_reference::bootstrap::*;
    taggable!(
        Vpc,
        DefaultSecurityGroup,
        SecurityGroup,
        VpcSecurityGroupIngressRule,
        VpcSecurityGroupEgressRule,
        InternetGateway,
        Subnet,
        Eip,
        NatGateway,
        RouteTable,
        Route,
        RouteTableAssociation,
        VpcEndpoint,
        CloudwatchLogGroup,
        FlowLog,
        Route53Zone,
        Route53Record,
        AcmCertificate,
        AcmCertificateValidation,
        IamRole,
        IamRolePolicy,
        IamRolePolicyAttachment,
        IamOpenidConnectProvider,
        EksCluster,
        EksNodeGroup,
        EksAccessEntry,
        EksAccessPolicyAssociation,
        EksAddon,
        EksIdentityProviderConfig,
        LaunchTemplate,
        KmsKey,
        KmsAlias,
        EcrRepository,
        EcrLifecyclePolicy,
        SecretsmanagerSecret,
        S3Bucket,
        S3BucketVersioning,
        S3BucketEncryption,
        S3BucketPublicAccessBlock,
        S3BucketOwnershipControls,
        S3BucketPolicy,
        S3BucketLifecycleConfiguration,
        bkt_platform::atlas::kinds::SecretsmanagerSecretVersion,
    )
}

#[test]
fn every_taggable_aws_resource_is_tagged() {
    let kinds = kinds();
    let tree = render(&PlatformSpec::default()).unwrap();
    let mut by_dir: BTreeMap<String, Vec<hcl::Block>> = BTreeMap::new();
    for (path, bytes) in tree.files() {
        let Some((dir, _)) = path.rsplit_once('/') else {
            continue;
        };
        if std::path::Path::new(path)
            .extension()
            .is_none_or(|ext| ext != "tf")
        {
            continue;
        }
        let body = hcl::parse(std::str::from_utf8(bytes).unwrap()).unwrap();
        by_dir
            .entry(dir.to_owned())
            .or_default()
            .extend(body.into_blocks());
    }
    let mut unknown = BTreeSet::new();
    let mut untagged = Vec::new();
    for (dir, blocks) in &by_dir {
        let provider_tags = blocks.iter().any(|block| {
            block.identifier.as_str() == "provider"
                && block
                    .body
                    .blocks()
                    .any(|inner| inner.identifier.as_str() == "default_tags")
        });
        for block in blocks
            .iter()
            .filter(|block| block.identifier.as_str() == "resource")
        {
            let [hcl::BlockLabel::String(kind), hcl::BlockLabel::String(name)] = &block.labels[..]
            else {
                continue;
            };
            if !kind.starts_with("aws_") {
                continue;
            }
            match kinds.get(kind.as_str()) {
                None => {
                    unknown.insert(kind.clone());
                }
                Some(true)
                    if !provider_tags
                        && !block
                            .body
                            .attributes()
                            .any(|attr| attr.key.as_str() == "tags") =>
                {
                    untagged.push(format!("{dir}: {kind}.{name}"));
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "register these kinds in tests/rules.rs: {unknown:?}"
    );
    assert!(
        untagged.is_empty(),
        "taggable resources without tags: {untagged:#?}"
    );
}

/// The object identity the Kubernetes API validates: `metadata.name` and `namespace`.
#[derive(serde::Deserialize)]
struct Object {
    kind: Option<String>,
    metadata: Option<Metadata>,
}

#[derive(serde::Deserialize)]
struct Metadata {
    name: Option<String>,
    namespace: Option<String>,
}

/// RFC 1123 label: 1-63 lowercase letters, digits and '-', starting and ending alphanumeric.
fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (1..=63).contains(&bytes.len())
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

/// RFC 1123 subdomain: at most 253 characters of dot-separated labels.
fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

/// Kinds whose names must be a single DNS-1123 label, not a subdomain.
const LABEL_NAMED: [&str; 2] = ["Namespace", "Service"];

#[test]
fn every_rendered_object_has_a_valid_name_and_namespace() {
    let mut objects = 0;
    let mut bad = Vec::new();
    for (path, object) in crate::rendered::gitops_documents::<Object>() {
        let Some(metadata) = object.metadata else {
            continue;
        };
        objects += 1;
        let kind = object.kind.unwrap_or_default();
        if let Some(name) = metadata.name {
            let ok = if LABEL_NAMED.contains(&kind.as_str()) {
                is_dns_label(&name)
            } else {
                is_dns_subdomain(&name)
            };
            if !ok {
                bad.push(format!("{path}: {kind} name {name:?}"));
            }
        }
        if let Some(namespace) = metadata.namespace.filter(|ns| !is_dns_label(ns)) {
            bad.push(format!("{path}: {kind} namespace {namespace:?}"));
        }
    }
    assert!(
        objects > 100,
        "only {objects} objects found: is gitops/ still rendered?"
    );
    assert!(
        bad.is_empty(),
        "names the Kubernetes API would refuse: {bad:#?}"
    );
}

#[test]
fn the_name_rules_reject_what_the_api_refuses() {
    for bad in [
        "",
        "UPPER",
        "-lead",
        "trail-",
        "under_score",
        &"a".repeat(64),
    ] {
        assert!(!is_dns_label(bad), "{bad}");
    }
    assert!(is_dns_subdomain("flux-system.v1"));
    assert!(!is_dns_subdomain("a..b"));
}
