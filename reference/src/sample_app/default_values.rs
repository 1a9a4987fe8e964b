//! The chart's `values.yaml`: the `Default` of each values type.

use super::{
    AnyObject, Autoscaling, Cidr, Config, Dashboard, Database, DatabasePeer, DatabaseType, Image,
    Ingress, LogLevel, Namespace, NetworkPolicy, NetworkPolicyEgress, NetworkPolicyIngress,
    PodDisruptionBudget, PodPeer, PortPeer, PullPolicy, Quantities, Quantity, Resources,
    SampleAppValues, Service, ServiceAccount, ServiceMonitor, ServiceType, Test, TestImage, Vault,
    defaults,
};
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

impl Default for SampleAppValues {
    /// The chart's `values.yaml`.
    fn default() -> Self {
        Self {
            global: AnyObject::new(),
            replica_count: 2,
            image: Image {
                repository: "bkt-sample-app".to_owned(),
                tag: String::new(),
                pull_policy: PullPolicy::IfNotPresent,
            },
            image_pull_secrets: Vec::new(),
            name_override: String::new(),
            fullname_override: String::new(),
            config: Config {
                message: "Hello from BKT Platform".to_owned(),
                log_level: LogLevel::Info,
            },
            database: Database {
                kind: DatabaseType::Memory,
            },
            vault: Vault {
                enabled: false,
                role: "sample-app".to_owned(),
                secret_path: "secret/data/sample-app/database".to_owned(),
                secret_key: "dsn".to_owned(),
                template: String::new(),
            },
            service_account: ServiceAccount::default(),
            service: Service {
                kind: ServiceType::ClusterIP,
                port: 80,
            },
            ingress: Ingress {
                enabled: false,
                host: String::new(),
                class_name: "alb".to_owned(),
                annotations: BTreeMap::new(),
            },
            resources: Resources::default(),
            shutdown_delay: defaults::shutdown_delay(),
            shutdown_timeout: defaults::shutdown_timeout(),
            termination_grace_period_seconds: defaults::termination_grace_period_seconds(),
            pod_annotations: BTreeMap::new(),
            pod_labels: BTreeMap::new(),
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            affinity: AnyObject::new(),
            pod_disruption_budget: PodDisruptionBudget::default(),
            autoscaling: Autoscaling::default(),
            service_monitor: ServiceMonitor::default(),
            dashboard: Dashboard::default(),
            network_policy: NetworkPolicy::default(),
            test: Test::default(),
        }
    }
}

impl Default for ServiceAccount {
    /// Created, named after the release, no annotations.
    fn default() -> Self {
        Self {
            create: true,
            name: String::new(),
            annotations: BTreeMap::new(),
        }
    }
}

impl Default for Resources {
    /// 50m CPU and 32Mi requested, 128Mi memory limit.
    fn default() -> Self {
        Self {
            requests: Quantities {
                cpu: Some(Quantity("50m".to_owned())),
                memory: Some(Quantity("32Mi".to_owned())),
            },
            limits: Quantities {
                cpu: None,
                memory: Some(Quantity("128Mi".to_owned())),
            },
        }
    }
}

impl Default for PodDisruptionBudget {
    /// On, one pod always available.
    fn default() -> Self {
        Self {
            enabled: true,
            min_available: defaults::min_available(),
        }
    }
}

impl Default for Autoscaling {
    /// Off; 2 to 6 pods at 70% CPU when on.
    fn default() -> Self {
        Self {
            enabled: false,
            min_replicas: defaults::min_replicas(),
            max_replicas: defaults::max_replicas(),
            target_cpu_utilization_percentage: defaults::target_cpu_utilization_percentage(),
        }
    }
}

impl Default for ServiceMonitor {
    /// Off; every 30 s when on.
    fn default() -> Self {
        Self {
            enabled: false,
            interval: defaults::scrape_interval(),
            labels: BTreeMap::new(),
        }
    }
}

impl Default for Dashboard {
    /// On, in the folder Applications.
    fn default() -> Self {
        Self {
            enabled: true,
            folder: defaults::dashboard_folder(),
        }
    }
}

impl Default for NetworkPolicy {
    /// On, with the platform's peers.
    fn default() -> Self {
        Self {
            enabled: true,
            ingress: NetworkPolicyIngress::default(),
            egress: NetworkPolicyEgress::default(),
        }
    }
}

impl Default for NetworkPolicyIngress {
    /// The dev VPC's CIDR and kube-prometheus-stack's Prometheus.
    fn default() -> Self {
        Self {
            load_balancer_cidrs: vec![Cidr("10.0.0.0/16".to_owned())],
            prometheus: PodPeer {
                namespace: Namespace("monitoring".to_owned()),
                pod_labels: labels(&[("app.kubernetes.io/name", "prometheus")]),
            },
        }
    }
}

impl Default for NetworkPolicyEgress {
    /// `CoreDNS`, Vault on 8200, and a database anywhere on its standard port.
    fn default() -> Self {
        Self {
            dns: PodPeer {
                namespace: Namespace("kube-system".to_owned()),
                pod_labels: labels(&[("k8s-app", "kube-dns")]),
            },
            vault: PortPeer {
                namespace: Namespace("vault".to_owned()),
                pod_labels: labels(&[("app.kubernetes.io/name", "vault")]),
                port: 8200,
            },
            database: DatabasePeer::default(),
        }
    }
}

impl Default for Test {
    /// curl, pinned.
    fn default() -> Self {
        Self {
            image: TestImage {
                repository: "curlimages/curl".to_owned(),
                tag: "8.16.0".to_owned(),
            },
        }
    }
}
