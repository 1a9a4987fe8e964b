//! The reference platform's controllers (`infrastructure/controllers/`): the AWS Load Balancer
//! Controller, external-dns, kube-prometheus-stack, Vault, External Secrets, `CloudNativePG` and
//! the `MariaDB` operator, each a [`Controller`] of the `bkt_flux` API with its chart's values
//! and the `NetworkPolicy` allows its traffic needs.

use bkt_flux::components::PodSecurity;
use bkt_flux::controllers::{Controller, Controllers, OwnedNamespace, ReleaseSettings};
use bkt_flux::network_policy::{
    Policy, Rule, any_namespace_peer, labels, namespace_peer, pods_peer, tcp,
};
use bkt_flux::{Duration, Result};
use bkt_helm::charts::{
    aws_load_balancer_controller, cloudnative_pg, external_dns, external_secrets,
    kube_prometheus_stack, mariadb_operator, vault,
};

/// The cluster vars the controllers' values reference, as the `${KEY}` substitutions Flux
/// replaces (the caller passes its cluster-vars contract's references).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControllerVars {
    /// `CLUSTER_NAME`.
    pub cluster_name: String,
    /// `AWS_REGION`.
    pub aws_region: String,
    /// `VPC_ID`.
    pub vpc_id: String,
    /// `DOMAIN`.
    pub domain: String,
    /// `HOSTED_ZONE_ID`.
    pub hosted_zone_id: String,
    /// `AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN`.
    pub aws_load_balancer_controller_role_arn: String,
    /// `EXTERNAL_DNS_ROLE_ARN`.
    pub external_dns_role_arn: String,
    /// `VAULT_ROLE_ARN`.
    pub vault_role_arn: String,
}

/// The reference platform's controllers, their values referencing `vars`.
///
/// # Errors
/// [`bkt_flux::Error::Core`] when values do not serialize.
pub fn controllers(vars: &ControllerVars) -> Result<Controllers> {
    Ok(Controllers {
        controllers: vec![
            aws_load_balancer_controller(vars)?,
            external_dns(vars)?,
            kube_prometheus_stack()?,
            vault(vars)?,
            external_secrets()?,
            cloudnative_pg()?,
            mariadb_operator()?,
        ],
    })
}

/// The allow for an admission webhook on `port`: the API server calls it, and its address is
/// not a pod.
fn webhook(port: i32) -> Policy {
    Policy::new("allow-webhook").ingress([Rule::ports([tcp(port)])])
}

/// The AWS Load Balancer Controller, in `kube-system`.
fn aws_load_balancer_controller(vars: &ControllerVars) -> Result<Controller> {
    Ok(Controller {
            owned: None,
            why: Some(
                "Lives in kube-system because its IRSA role trusts exactly kube-system/aws-load-balancer-controller.\nkube-system is managed by EKS (aws-node and kube-proxy need privileged pods), so we add no\nPod Security labels or default-deny there; see docs/gitops.md."
                    .to_owned(),
            ),
            ..Controller::new(
                "aws-load-balancer-controller",
                "kube-system",
                &aws_load_balancer_controller::CHART,
                aws_load_balancer_controller::WHY,
                ReleaseSettings::new(Duration::minutes(10), true),
                &crate::values::aws_load_balancer_controller::values(
                    &vars.cluster_name,
                    &vars.aws_region,
                    &vars.vpc_id,
                    &vars.aws_load_balancer_controller_role_arn,
                ),
            )?
        })
}

/// external-dns, writing the cluster's records to its hosted zone.
fn external_dns(vars: &ControllerVars) -> Result<Controller> {
    Controller::new(
        "external-dns",
        "external-dns",
        &external_dns::CHART,
        external_dns::WHY,
        ReleaseSettings::new(Duration::minutes(5), false),
        &crate::values::external_dns::values(
            &vars.aws_region,
            &vars.external_dns_role_arn,
            &vars.domain,
            &vars.hosted_zone_id,
            &vars.cluster_name,
        ),
    )
}

/// kube-prometheus-stack in `monitoring`.
fn kube_prometheus_stack() -> Result<Controller> {
    let prometheus = labels(&[("app.kubernetes.io/name", "prometheus")]);
    Ok(Controller {
            owned: Some(OwnedNamespace {
                enforce: PodSecurity::Privileged,
                why: Some("enforce is privileged because node-exporter needs hostNetwork, hostPID and hostPath mounts to\nread node metrics; audit and warn stay at restricted so anything else that drifts is reported.".to_owned()),
            }),
            ..Controller::new(
                "kube-prometheus-stack",
                "monitoring",
                &kube_prometheus_stack::CHART,
                kube_prometheus_stack::WHY,
                ReleaseSettings::new(Duration::minutes(15), true),
                &crate::values::kube_prometheus_stack::values(),
            )?
        }
        .policy(
            Policy::new("allow-within-namespace")
                .ingress([Rule::peers([pods_peer(labels(&[]))])])
                .egress([Rule::peers([pods_peer(labels(&[]))])]),
            Some("The monitoring components talk to each other (Prometheus, Alertmanager, operator,\nkube-state-metrics) and Prometheus scrapes every namespace, the kubelets and node-exporter\n(host network, so reachable only by node IP and port)."),
        )
        .policy(
            Policy::new("allow-prometheus-scrape-egress")
                .selecting(prometheus)
                .egress([
                    Rule::peers([any_namespace_peer()]),
                    Rule::ports([tcp(10250), tcp(9100)]),
                ]),
            None,
        )
        .policy(
            Policy::new("allow-grafana-queries").ingress([Rule::new(
                [namespace_peer("grafana")],
                [tcp(9090), tcp(9093)],
            )]),
            Some("Grafana (namespace grafana) queries Prometheus and Alertmanager."),
        )
        .policy(
            Policy::new("allow-operator-webhook")
                .selecting(labels(&[("app", "kube-prometheus-stack-operator")]))
                .ingress([Rule::ports([tcp(10250)])]),
            Some("The API server calls the operator's admission webhook; its address is not a pod."),
        ))
}

/// Vault, HA on raft, auto-unsealed by KMS.
fn vault(vars: &ControllerVars) -> Result<Controller> {
    let vault_pods = || labels(&[("app.kubernetes.io/name", "vault")]);
    Ok(Controller::new(
            "vault",
            "vault",
            &vault::CHART,
            vault::WHY,
            ReleaseSettings {
                wait: false,
                why: Some("Helm does not wait for readiness (install and upgrade disableWait): Vault pods report ready only after infrastructure-vault-bootstrap has initialised Vault, and their volumes bind once infrastructure-configs creates the default gp3 StorageClass. Waiting here would block that very layer.".to_owned()),
                ..ReleaseSettings::new(Duration::minutes(10), false)
            },
            &crate::values::vault::values(&vars.vault_role_arn, &vars.aws_region),
        )?
        .policy(
            Policy::new("allow-vault-api")
                .selecting(vault_pods())
                .ingress([
                    Rule::ports([tcp(8200)]),
                    Rule::new([pods_peer(vault_pods())], [tcp(8201)]),
                ])
                .egress([Rule::new([pods_peer(vault_pods())], [tcp(8200), tcp(8201)])]),
            Some("Clients in every namespace (injected agents, External Secrets, the ALB for the UI) reach the\nAPI on 8200; raft replication on 8201 stays between the Vault pods."),
        )
        .policy(
            Policy::new("allow-injector-webhook")
                .selecting(labels(&[("app.kubernetes.io/name", "vault-agent-injector")]))
                .ingress([Rule::ports([tcp(8080)])]),
            Some("The API server calls the agent injector's mutating webhook; its address is not a pod."),
        ))
}

/// External Secrets.
fn external_secrets() -> Result<Controller> {
    Ok(Controller::new(
            "external-secrets",
            "external-secrets",
            &external_secrets::CHART,
            external_secrets::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &crate::values::external_secrets::values(),
        )?
        .policy(
            webhook(10250),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server and to Vault is covered by allow-https-egress and allow-vault below."),
        )
        .policy(
            Policy::new("allow-vault").egress([Rule::new([namespace_peer("vault")], [tcp(8200)])]),
            None,
        ))
}

/// The `CloudNativePG` operator.
fn cloudnative_pg() -> Result<Controller> {
    Ok(Controller::new(
            "cloudnative-pg",
            "cnpg-system",
            &cloudnative_pg::CHART,
            cloudnative_pg::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &crate::values::cloudnative_pg::values(),
        )?
        .policy(
            webhook(9443),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server is covered by allow-https-egress."),
        )
        .policy(
            Policy::new("allow-instance-status")
                .egress([Rule::new([namespace_peer("authentik")], [tcp(8000)])]),
            Some("The operator polls each instance's status endpoint."),
        ))
}

/// The `MariaDB` operator.
fn mariadb_operator() -> Result<Controller> {
    Ok(Controller::new(
            "mariadb-operator",
            "mariadb-operator",
            &mariadb_operator::CHART,
            mariadb_operator::WHY,
            ReleaseSettings::new(Duration::minutes(10), true),
            &crate::values::mariadb_operator::values(),
        )?
        .policy(
            webhook(9443),
            Some("The API server calls this operator's admission webhook; its address is not a pod. Egress to\nthe API server is covered by allow-https-egress."),
        )
        .policy(
            Policy::new("allow-mariadb")
                .egress([Rule::new([namespace_peer("mysql")], [tcp(3306)])]),
            Some("The operator connects to the MariaDB servers it manages to create users and grants."),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkt_flux::{Error, GitOpsTree};

    #[test]
    fn two_controllers_in_one_folder_are_refused() {
        let mut controllers = controllers(&ControllerVars::default()).unwrap();
        let first = controllers.controllers[0].clone();
        controllers.controllers.push(first);
        let mut tree = GitOpsTree::new("gitops", &[]);
        let error = controllers.add_to(&mut tree).unwrap_err();
        assert!(
            matches!(&error, Error::Invalid(bkt_core::Invalid { field, .. }) if field == "controllers.name"),
            "{error}"
        );
    }

    #[test]
    fn a_chart_from_an_oci_registry_is_refused() {
        let mut controllers = controllers(&ControllerVars::default()).unwrap();
        controllers.controllers[0].chart = &bkt_helm::charts::flux_operator::CHART;
        let error = controllers.controllers[0].repository();
        assert!(
            matches!(&error, Err(Error::Invalid(bkt_core::Invalid { field, .. })) if field == "controllers.chart.repository"),
            "{error:?}"
        );
    }
}
