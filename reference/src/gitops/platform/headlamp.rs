//! `platform/headlamp`: the Kubernetes web UI, signed in to through the SSO.

use super::ingress::alb_ingress;
use crate::gitops::configs::ADMIN_ALB;
use crate::gitops::sso::{self, secret_path};
use bkt_flux::compose::{folder_kustomization, host, namespace_file, release, repository};
use bkt_flux::network_policy::{Policy, Rule, app, tcp};
use bkt_flux::{Duration, ManifestFile, Result};
use bkt_helm::charts;
use bkt_sso::Sso;
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
    let policy = Policy::new("allow-alb")
        .selecting(app("headlamp"))
        .ingress([Rule::ports([tcp(4466)])]);
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
            ManifestFile::single(policy.manifest(None)?),
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
