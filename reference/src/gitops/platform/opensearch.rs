//! `platform/opensearch`: `OpenSearch` and its Dashboards, their users, roles and index policies.

use super::credentials::{grafana_logs_credentials, opensearch_credentials};
use super::ingress::alb_ingress;
use crate::gitops::configs::ADMIN_ALB;
use crate::gitops::logs;
use crate::gitops::sso::{self, secret_path};
use bkt_flux::compose::{
    ALB_HEALTHCHECK_PATH, ALB_SUCCESS_CODES, EGRESS_HTTPS, GENERATED_PASSWORD, NAMESPACE_BASELINE,
    alphanumeric, generated_once, host, namespace_file, release, repository, template,
};
use bkt_flux::kinds::external_secrets::{ExternalSecret, Password, PasswordSpec};
use bkt_flux::kustomize::Kustomization;
use bkt_flux::network_policy::{Policy, Rule, app, namespace_peer, pods_peer, tcp};
use bkt_flux::{Duration, Manifest, ManifestFile, Result};
use bkt_helm::charts;
use bkt_sso::Sso;

pub(super) fn opensearch(domain: &str, sso: &Sso) -> Result<Vec<(&'static str, ManifestFile)>> {
    const FOLDER_OF: &str = "platform/opensearch";
    let chart = &charts::opensearch::CHART;
    let ingress_file = alb_ingress(
        &ADMIN_ALB,
        "opensearch-dashboards",
        &host("logs", domain),
        ("opensearch-dashboards", 5601),
        &[
            (ALB_HEALTHCHECK_PATH, "/api/status"),
            (ALB_SUCCESS_CODES, "200,401"),
        ],
        Some(
            "alb.ingress.kubernetes.io/success-codes: Dashboards answers 401 until the user logs in.",
        ),
    )?;
    let client = sso::consumer::<bkt_sso::OpenSearch>(
        sso,
        domain,
        (FOLDER_OF, "HelmRelease/opensearch/opensearch-dashboards"),
        sso::OPENSEARCH,
        &ingress_file,
    )?;
    let dashboards_chart = &charts::opensearch_dashboards::CHART;
    let opensearch_values = crate::values::opensearch::values()
        .with_sso(domain, &client)
        .map_err(|source| bkt_flux::Error::Helm {
            object: "HelmRelease/opensearch/opensearch".to_owned(),
            source,
        })?;
    // The Dashboards read the client secret from their environment, not from a cluster var.
    let secret_reference =
        bkt_flux::escaped_reference(charts::opensearch_dashboards::CLIENT_SECRET_VARIABLE);
    let dashboards_values =
        crate::values::opensearch_dashboards::values().with_sso(domain, &client, &secret_reference);
    let credentials = opensearch_admin()?;
    let policies = opensearch_policies()?;
    Ok(vec![
        ("namespace.yaml", namespace_file("opensearch", None)?),
        ("repository.yaml", repository(chart)?),
        ("admin-credentials.yaml", credentials),
        (
            "fluent-bit-credentials.yaml",
            logs::fluent_bit_credentials()?,
        ),
        (
            "opensearch.yaml",
            release(
                chart,
                Duration::minutes(15),
                &opensearch_values,
                charts::opensearch::WHY,
                None,
            )?,
        ),
        (
            "dashboards.yaml",
            release(
                dashboards_chart,
                Duration::minutes(10),
                &dashboards_values,
                charts::opensearch_dashboards::WHY,
                Some(chart.name),
            )?,
        ),
        ("sso-client.yaml", secret_path(&client)?.consumer_file()?),
        (
            "setup-job.yaml",
            ManifestFile::single(Manifest::new(&logs::job())?.why(logs::JOB_WHY)),
        ),
        ("ingress.yaml", ingress_file),
        ("networkpolicy.yaml", policies),
        ("kustomization.yaml", opensearch_kustomization()?),
    ])
}

/// The OpenSearch folder's `kustomization.yaml`: its files, the shared components, and the
/// `ConfigMap` generated from the setup Job's script.
pub(super) fn opensearch_kustomization() -> Result<ManifestFile> {
    let listing = Kustomization {
        namespace: Some("opensearch".to_owned()),
        components: vec![NAMESPACE_BASELINE.to_owned(), EGRESS_HTTPS.to_owned()],
        config_map_generator: vec![logs::config_map_generator()],
        ..Kustomization::of([
            "namespace.yaml",
            "repository.yaml",
            "admin-credentials.yaml",
            "fluent-bit-credentials.yaml",
            "sso-client.yaml",
            "opensearch.yaml",
            "dashboards.yaml",
            "setup-job.yaml",
            "ingress.yaml",
            "networkpolicy.yaml",
        ])
    };
    Ok(ManifestFile::single(Manifest::new(&listing)?.why(
        "allow-https-egress (egress-https): Dashboards and the security plugin fetch the SSO\n\
         provider's discovery document and signing keys from https://auth.<domain> (the public ALB).\n\
         configMapGenerator opensearch-setup: the setup Job's script (setup.sh); the generated name carries\n\
         a hash of it and so does the Job's name, so editing the script runs a new Job. Its annotation\n\
         kustomize.toolkit.fluxcd.io/substitute: disabled, because shell variables are not cluster vars.",
    )))
}

/// OpenSearch's admin credentials, generated once, and the Role that lets logging read Fluent
/// Bit's own credentials.
pub(super) fn opensearch_admin() -> Result<ManifestFile> {
    let admin = "opensearch-admin";
    let (role, binding) = opensearch_credentials().reader_role("logging");
    let (grafana_role, grafana_binding) = grafana_logs_credentials().reader_role("grafana");
    Ok(ManifestFile::new([
        Manifest::new(&Password::new(
            admin,
            PasswordSpec {
                symbols: Some(4),
                symbol_characters: Some("-_.+".to_owned()),
                ..alphanumeric(32, 6)
            },
        ))?
        .why(
            "The admin password is generated in the cluster once. OpenSearch requires at least one digit,\n\
             upper and lower case letters and a symbol. Dashboards and the setup Job use it; Fluent Bit\n\
             writes as its own user (fluent-bit-credentials.yaml), read through the Role below.",
        ),
        Manifest::new(&ExternalSecret::new(
            admin,
            generated_once(
                admin,
                template([("username", "admin"), ("password", GENERATED_PASSWORD)]),
                admin,
            ),
        ))?,
        Manifest::new(&role)?,
        Manifest::new(&binding)?,
        Manifest::new(&grafana_role)?,
        Manifest::new(&grafana_binding)?,
    ]))
}

/// OpenSearch takes clients' queries and its peers' transport; Dashboards takes the ALB.
pub(super) fn opensearch_policies() -> Result<ManifestFile> {
    let opensearch = app("opensearch");
    let dashboards = app("opensearch-dashboards");
    Ok(ManifestFile::new([
        Policy::new("allow-opensearch-clients")
            .selecting(opensearch.clone())
            .ingress([
                Rule::new(
                    [
                        namespace_peer("logging"),
                        namespace_peer("grafana"),
                        pods_peer(dashboards.clone()),
                        pods_peer(app(logs::NAME)),
                    ],
                    [tcp(9200)],
                ),
                Rule::new([pods_peer(opensearch.clone())], [tcp(9300)]),
            ])
            .egress([Rule::new([pods_peer(opensearch.clone())], [tcp(9300)])])
            .manifest(Some(
                "OpenSearch takes writes from Fluent Bit (logging), queries from Dashboards and Grafana's logs\n\
                 datasource, and the setup Job's calls; the ALB reaches Dashboards only.",
            ))?,
        Policy::new("allow-dashboards")
            .selecting(dashboards)
            .ingress([Rule::ports([tcp(5601)])])
            .egress([Rule::new([pods_peer(opensearch)], [tcp(9200)])])
            .manifest(None)?,
        Manifest::new(&logs::network_policy())?.why(
            "The setup Job takes no traffic and calls only OpenSearch and its Dashboards.",
        ),
    ]))
}
