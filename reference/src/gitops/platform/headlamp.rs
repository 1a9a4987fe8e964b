//! `platform/headlamp`: the Kubernetes web UI, signed in to through the SSO.

use super::ingress::alb_ingress;
use crate::gitops::configs::ADMIN_ALB;
use crate::gitops::sso::{self, secret_path};
use bkt_flux::compose::{
    app, folder_kustomization, host, ingress_rule, named, namespace_file, release, repository,
};
use bkt_flux::{Duration, Manifest, ManifestFile, Result};
use bkt_helm::charts;
use bkt_sso::Sso;
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use std::collections::BTreeMap;

pub(super) fn headlamp(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    const FOLDER_OF: &str = "platform/headlamp";
    let chart = &charts::headlamp::CHART;
    let ingress_file = alb_ingress(
        &ADMIN_ALB,
        "headlamp",
        &host("headlamp", domain),
        ("headlamp", 80),
        &[],
        None,
    )?;
    let client = sso::consumer::<bkt_sso::Kubernetes>(
        sso,
        domain,
        (FOLDER_OF, "HelmRelease/headlamp/headlamp"),
        sso::KUBERNETES,
        &ingress_file,
    )?;
    let policy = NetworkPolicy {
        metadata: named("allow-alb"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(app("headlamp")),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![ingress_rule(vec![], &[4466])]),
            egress: None,
        }),
    };
    Ok(vec![
        ("namespace.yaml", namespace_file("headlamp", None)?),
        ("repository.yaml", repository(chart)?),
        (
            "release.yaml",
            release(
                chart,
                Duration::minutes(5),
                &crate::values::headlamp::values().with_sso(domain, &client),
                charts::headlamp::WHY,
                None,
            )?,
        ),
        (
            "sso-client.yaml",
            secret_path(&client)?.consumer_file_with(headlamp_oidc_secret(domain, &client))?,
        ),
        ("ingress.yaml", ingress_file),
        (
            "networkpolicy.yaml",
            ManifestFile::single(Manifest::new(&policy)?),
        ),
        (
            "kustomization.yaml",
            folder_kustomization(
                "headlamp",
                &[
                    "namespace.yaml",
                    "repository.yaml",
                    "sso-client.yaml",
                    "release.yaml",
                    "ingress.yaml",
                    "networkpolicy.yaml",
                ],
                true,
                None,
            )?,
        ),
    ])
}

/// The keys of Headlamp's copy of its client secret: the chart reads all its OIDC settings from
/// that one Secret, so the copy is templated with the settings next to the secret.
pub(super) fn headlamp_oidc_secret(
    domain: &str,
    client: &bkt_sso::Client<'_, bkt_sso::Kubernetes>,
) -> BTreeMap<String, String> {
    let secret = client.secret();
    let mut value = String::from("{{ index . \"");
    value.push_str(secret.key);
    value.push_str("\" }}");
    let mut data: BTreeMap<String, String> = charts::headlamp::oidc_environment(domain, client)
        .into_iter()
        .map(|(key, setting)| (key.to_owned(), setting))
        .collect();
    data.insert(
        charts::headlamp::CLIENT_SECRET_VARIABLE.to_owned(),
        value.clone(),
    );
    data.insert(secret.key.to_owned(), value);
    data
}
