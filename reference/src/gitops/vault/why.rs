//! Why each Vault Job's folder, Job and policy is as it is: the `# why` comments of their files.

/// Why the bootstrap folder is its own Flux Kustomization, and why its `ConfigMap` is generated.
pub(super) const BOOTSTRAP_KUSTOMIZATION_WHY: &str = "\
Initialises and configures Vault's core with no manual step (docs/gitops.md, section Vault
bootstrap). Its own Flux Kustomization: after infrastructure-configs (Vault's volumes need the
default StorageClass) and nothing else, before infrastructure-vault-secrets (which logs in with
the roles made here) and infrastructure-vault-oidc (people's sign-in, which also waits for the
platform).

configMapGenerator vault-bootstrap: the generated name carries a hash of these files; the Job's
name carries the same hash (tests/conformance/gitops checks it), so editing a script or policy
runs a new Job. Its annotation kustomize.toolkit.fluxcd.io/substitute: disabled, because shell
variables in the scripts are not cluster vars.";

/// Why the bootstrap Job looks the way it does.
pub(super) const BOOTSTRAP_JOB_WHY: &str = "\
Initialises Vault on the first run and (re)applies its configuration on every new revision of
the scripts: the name ends in the hash of the generated ConfigMap, so a script change makes a
new Job (and prune removes the old one). ttlSecondsAfterFinished stays unset: the finished Job
must remain for Flux's health check (wait: true) to see it Complete.

- kustomize.toolkit.fluxcd.io/force: enabled, because a Job's pod template is immutable: a new
  Vault image recreates the Job instead of failing.
- activeDeadlineSeconds: init waits up to 10 min for vault-0, configure up to 5 min for the
  active node.
- serviceAccountName vault-bootstrap (serviceaccount.yaml, in this folder): it carries the
  bootstrap IRSA role (cluster var VAULT_BOOTSTRAP_ROLE_ARN), the only role that may read and
  write the init secret, and use the KMS key only as Secrets Manager encrypts that secret with it.
  Not the chart's vault: that role may use the unseal key and nothing else, and the chart creates
  it only once the release installs.
- automountServiceAccountToken: false, because only the IRSA web-identity token is needed,
  which EKS mounts separately.
- restartPolicy: OnFailure restarts a failed container inside the same pod, so the recovery
  keys in the memory volume survive until store.sh has saved them.
- Containers init and configure run the same image the vault HelmRelease runs
  (tests/conformance/gitops checks it). init's VAULT_ADDR is the headless service, which
  resolves vault-0 before it is ready (publishNotReadyAddresses).
- Volume bootstrap is a memory emptyDir: recovery keys and the root token never touch a disk in
  the cluster.";

/// Why the Jobs' service account is declared here.
pub(super) const BOOTSTRAP_SERVICE_ACCOUNT_WHY: &str = "\
The identity of both Vault Jobs (this folder's and infrastructure/vault-oidc's): the bootstrap
IRSA role (cluster var VAULT_BOOTSTRAP_ROLE_ARN, Terraform's workload-identity role
vault-bootstrap, trusted by vault/vault-bootstrap only) may read and write Vault's init secret in
Secrets Manager and use the unseal key only through Secrets Manager. Declared by this folder, so
it exists before the Jobs' pods are created and never depends on the Vault chart.
automountServiceAccountToken: false, because only the IRSA web-identity token is needed.";

/// Why the bootstrap's `NetworkPolicy` admits what it admits.
pub(super) const BOOTSTRAP_NETWORK_POLICY_WHY: &str = "\
The bootstrap Job talks to the Vault API and to AWS (STS for its IRSA role, Secrets Manager);
namespace vault denies everything else (namespace-baseline). AWS API endpoints have no fixed
addresses to select, so for them the port (443) is the limit.";

/// Why the OIDC folder is its own Flux Kustomization.
pub(super) const OIDC_KUSTOMIZATION_WHY: &str = "\
Configures Vault's OIDC sign-in for people through Authentik (docs/gitops.md, section Vault
bootstrap). Its own Flux Kustomization, after the platform (Authentik serves the discovery
document, and namespace authentik generates the client secret that sso-client.yaml copies here
as sso-vault) and infrastructure-vault-bootstrap (Vault initialised, its root token in Secrets
Manager), so that Vault's core never waits for the platform. Nothing depends on it.

configMapGenerator vault-oidc: oidc.sh and the SSO groups' policies from here, store.sh and
connect.sh from infrastructure/vault-bootstrap (one copy of each script); the Job's name carries
the generated name's hash, so editing any of them runs a new Job. Substitution is disabled for
the same reason as there.";

/// Why the OIDC Job looks the way it does.
pub(super) const OIDC_JOB_WHY: &str = "\
(Re)applies Vault's OIDC configuration on every new revision of its scripts or policies (the
name ends in the hash of the generated ConfigMap, as the bootstrap Job's does).

- store runs the bootstrap's store.sh: Vault is initialised, so it reads the root token from
  Secrets Manager into the memory volume bootstrap, as service account vault-bootstrap (the
  bootstrap IRSA role, declared in infrastructure/vault-bootstrap, which this Kustomization
  depends on), like the bootstrap Job's later runs.
- oidc runs the Vault image of the vault HelmRelease and mounts the client secret sso-vault:
  not optional, so the pod waits until the copy exists.
- activeDeadlineSeconds: oidc waits up to 5 min for the active node and up to 5 min for
  Authentik's discovery document, with restarts in the same pod (restartPolicy: OnFailure).
- force, ttlSecondsAfterFinished, automountServiceAccountToken and the security context: as for
  the bootstrap Job.";

/// Why the OIDC Job's `NetworkPolicy` admits what it admits.
pub(super) const OIDC_NETWORK_POLICY_WHY: &str = "\
The OIDC Job talks to the Vault API and to AWS (STS for its IRSA role, Secrets Manager for the
root token); Authentik's discovery document is fetched by Vault, not by the Job. AWS API
endpoints have no fixed addresses to select, so for them the port (443) is the limit.";
