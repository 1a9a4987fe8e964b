"""Assertions, through the AWS API, on an environment root's apply against the local emulator.

Not Rust: boto3 comes with moto in .venv, while the AWS SDK for Rust would add minutes of
compiling to every fresh build (docs/development-workflow.md, "Why some tools are not Rust").

Usage (emulator environment loaded, see scripts/emulator.sh):
  emulator_checks.py applied <workdir> <env>  check what the emulator apply created
                                              for terraform/envs/<env>
  emulator_checks.py destroyed                check that no platform resource is left
  emulator_checks.py empty-bucket <name>      delete every object version of the state bucket
  emulator_checks.py parent-zone <domain>     create (or find) the public zone of the domain's parent,
                                              as an account that owns it would have, and print its ID
  emulator_checks.py parent-zone-delete <domain>  delete that zone again (its NS/SOA records only)
  emulator_checks.py stray-route-tables <state.json>  delete the route tables of the state's VPCs that
                                              are neither the VPC's main one nor in the state
                                              (`terraform show -json`), naming each
  emulator_checks.py plant-route-table <state.json>  create such a stray in the state's first VPC
                                              and print its ID (make tf-emulator proves the above)

Each failed check is printed; the exit status is 1 when any failed.

Emulator gaps: moto has no EKS add-on or access-entry API, so the emulator apply (cargo xtask
tf-emulator) overrides exactly aws_eks_addon, aws_eks_access_entry and aws_eks_access_policy_association to zero
instances in its copy of the tree (and the state bucket policy, whose conditions moto cannot
evaluate). Nothing here checks those; their planned attributes are covered by the eks and
bootstrap module tests (make tf-test).
"""

import json
import pathlib
import re
import sys

import boto3

GITHUB_ISSUER = "token.actions.githubusercontent.com"

# What each environment's root must create on the emulator where the environments differ
# (environments/<env>.toml; dev's node sizes are those of its emulator.tfvars, prod's the root's
# own defaults, which its emulator.tfvars leaves alone).
EXPECTED = {
    "dev": {"atlas": True, "zones": 2, "nat_gateways": 1, "capacity_type": "SPOT", "instance_types": ["t3.large"], "scaling": (1, 1, 2),
            "admin_cidrs": ["203.0.113.0/24"]},
    "prod": {"atlas": False, "zones": 3, "nat_gateways": 3, "capacity_type": "ON_DEMAND", "instance_types": ["m6i.xlarge", "m6a.xlarge"], "scaling": (3, 3, 6),
             "admin_cidrs": ["198.51.100.0/24"]},
}


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL: {what}")

    def finish(self, label):
        print(f"{label}: {self.passed} checks passed, {len(self.failures)} failed")
        return 1 if self.failures else 0


def tfvars_value(text, name):
    match = re.search(rf"^\s*{name}\s*=\s*(.+)$", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"emulator.tfvars has no {name}")
    return json.loads(match.group(1))


def trust_condition(role_name):
    document = boto3.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    statements = document["Statement"]
    return statements, statements[0].get("Condition", {})


def check_applied(workdir, env):
    if env not in EXPECTED:
        raise SystemExit(f"emulator_checks.py: no expectations for environment {env!r} (known: {sorted(EXPECTED)}); add it to EXPECTED")
    want = EXPECTED[env]
    c = Checks()
    work = pathlib.Path(workdir)
    outputs = json.loads((work / env / "outputs.json").read_text())
    cluster_vars = outputs["cluster_vars"]["value"]
    c.check(cluster_vars["ENVIRONMENT"] == env, f"cluster_vars ENVIRONMENT is {env} (got {cluster_vars['ENVIRONMENT']})")
    tfvars = (work / f"terraform/envs/{env}/emulator.tfvars").read_text()
    public_cidrs = tfvars_value(tfvars, "api_public_access_cidrs")
    repository = tfvars_value(tfvars, "github_repository")
    name = cluster_vars["CLUSTER_NAME"]

    eks = boto3.client("eks")
    cluster = eks.describe_cluster(name=name)["cluster"]
    encryption = cluster.get("encryptionConfig", [])
    c.check(any("secrets" in e.get("resources", []) and e.get("provider", {}).get("keyArn") for e in encryption),
            f"cluster {name} encrypts secrets with a KMS key (got {encryption})")
    key_arn = encryption[0]["provider"]["keyArn"] if encryption else None
    if key_arn:
        rotation = boto3.client("kms").get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"]
        c.check(rotation, "the secrets KMS key rotates")
    enabled_logs = {t for entry in cluster["logging"]["clusterLogging"] if entry.get("enabled") for t in entry["types"]}
    c.check({"api", "audit", "authenticator"} <= enabled_logs, f"control-plane logs api/audit/authenticator enabled (got {sorted(enabled_logs)})")
    vpc_config = cluster["resourcesVpcConfig"]
    c.check(vpc_config.get("endpointPrivateAccess") is True, "private API endpoint is on")
    c.check(vpc_config.get("endpointPublicAccess") is True and vpc_config.get("publicAccessCidrs") == public_cidrs,
            f"public API endpoint limited to {public_cidrs} (got {vpc_config.get('endpointPublicAccess')}, {vpc_config.get('publicAccessCidrs')})")
    subnet_ids = vpc_config.get("subnetIds", [])
    c.check(vpc_config.get("vpcId") in (None, cluster_vars["VPC_ID"]) and len(subnet_ids) == want["zones"],
            f"the cluster uses the {want['zones']} private subnets of the platform VPC (got {len(subnet_ids)})")
    ec2 = boto3.client("ec2")
    zones = {s["AvailabilityZone"] for s in ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]} if subnet_ids else set()
    c.check(len(zones) == want["zones"], f"the cluster's subnets span {want['zones']} zones (got {sorted(zones)})")

    nodegroups = eks.list_nodegroups(clusterName=name)["nodegroups"]
    c.check(nodegroups == ["default"], f"one managed node group 'default' (got {nodegroups})")
    for group_name in nodegroups:
        group = eks.describe_nodegroup(clusterName=name, nodegroupName=group_name)["nodegroup"]
        c.check(group.get("capacityType") == want["capacity_type"],
                f"node group {group_name} runs {want['capacity_type']} capacity (got {group.get('capacityType')})")
        c.check(group.get("instanceTypes") == want["instance_types"],
                f"node group {group_name} runs {want['instance_types']} (got {group.get('instanceTypes')})")
        scaling = group.get("scalingConfig", {})
        got = (scaling.get("minSize"), scaling.get("desiredSize"), scaling.get("maxSize"))
        c.check(got == want["scaling"], f"node group {group_name} scales min/desired/max {want['scaling']} (got {got})")
        template_ref = group.get("launchTemplate", {})
        c.check(bool(template_ref.get("id")), f"node group {group_name} uses a launch template")
        if not template_ref.get("id"):
            continue
        version = ec2.describe_launch_template_versions(LaunchTemplateId=template_ref["id"], Versions=["$Latest"])
        data = version["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        metadata = data.get("MetadataOptions", {})
        c.check(metadata.get("HttpTokens") == "required" and metadata.get("HttpPutResponseHopLimit") == 1,
                f"launch template requires IMDSv2 with hop limit 1 (got {metadata})")
        disks = [m.get("Ebs", {}) for m in data.get("BlockDeviceMappings", [])]
        c.check(bool(disks) and all(d.get("Encrypted") and d.get("VolumeType") == "gp3" for d in disks),
                f"node root volumes are encrypted gp3 (got {disks})")
        c.check("KeyName" not in data, "no SSH key on the nodes")

    iam = boto3.client("iam")
    # Each role: aud and sub matched exactly, and only its own workflow file (job_workflow_ref,
    # the one StringLike key: any ref of that file, the sub pins branch or environment).
    subjects = {
        f"{name}-github-ci": (f"repo:{repository}:ref:refs/heads/main", "release.yml"),
        f"{name}-github-plan": (f"repo:{repository}:environment:{env}-plan", "terraform.yml"),
        f"{name}-github-apply": (f"repo:{repository}:environment:{env}", "terraform.yml"),
    }
    for role, (subject, workflow) in subjects.items():
        statements, condition = trust_condition(role)
        c.check(len(statements) == 1 and statements[0]["Action"] == "sts:AssumeRoleWithWebIdentity",
                f"{role}: one web-identity trust statement")
        c.check(sorted(condition) == ["StringEquals", "StringLike"],
                f"{role}: trust uses StringEquals, and StringLike for the workflow only (got {list(condition)})")
        equals = condition.get("StringEquals", {})
        c.check(sorted(equals) == [f"{GITHUB_ISSUER}:aud", f"{GITHUB_ISSUER}:sub"], f"{role}: StringEquals holds aud and sub only")
        c.check(equals.get(f"{GITHUB_ISSUER}:aud") == "sts.amazonaws.com", f"{role}: aud is sts.amazonaws.com")
        c.check(equals.get(f"{GITHUB_ISSUER}:sub") == subject, f"{role}: sub is exactly {subject} (got {equals.get(f'{GITHUB_ISSUER}:sub')})")
        like = condition.get("StringLike", {})
        pinned = f"{repository}/.github/workflows/{workflow}@*"
        c.check(like == {f"{GITHUB_ISSUER}:job_workflow_ref": pinned},
                f"{role}: only {pinned} may assume it (got {like})")
    issuer = boto3.client("eks").describe_cluster(name=name)["cluster"]["identity"]["oidc"]["issuer"].removeprefix("https://")
    for var, account in {
        "AWS_LOAD_BALANCER_CONTROLLER_ROLE_ARN": "kube-system:aws-load-balancer-controller",
        "EXTERNAL_DNS_ROLE_ARN": "external-dns:external-dns",
        "VAULT_ROLE_ARN": "vault:vault",
        "VAULT_BOOTSTRAP_ROLE_ARN": "vault:vault-bootstrap",
    }.items():
        role = cluster_vars[var].rsplit("/", 1)[1]
        _, condition = trust_condition(role)
        equals = condition.get("StringEquals", {})
        c.check(equals.get(f"{issuer}:sub") == f"system:serviceaccount:{account}" and equals.get(f"{issuer}:aud") == "sts.amazonaws.com",
                f"{var}: trusted only by {account} through the cluster issuer (got {equals})")
    c.check(len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 2,
            "two OIDC providers: GitHub Actions and the cluster")

    repository_name = cluster_vars["SAMPLE_APP_IMAGE_REPOSITORY"].split("/", 1)[1]
    repo = boto3.client("ecr").describe_repositories(repositoryNames=[repository_name])["repositories"][0]
    c.check(repo["imageTagMutability"] == "IMMUTABLE", "ECR tags are immutable")
    c.check(repo["imageScanningConfiguration"]["scanOnPush"] is True, "ECR scans on push")
    c.check(repo.get("encryptionConfiguration", {}).get("encryptionType") == "KMS", "ECR encrypts with KMS")

    certificate = boto3.client("acm").describe_certificate(CertificateArn=cluster_vars["CERTIFICATE_ARN"])["Certificate"]
    c.check(certificate["Status"] == "ISSUED", f"certificate is ISSUED (got {certificate['Status']})")
    c.check(set(certificate.get("SubjectAlternativeNames", [])) >= {cluster_vars["DOMAIN"], "*." + cluster_vars["DOMAIN"]},
            "certificate covers the domain and its wildcard")
    route53 = boto3.client("route53")
    zone = route53.get_hosted_zone(Id=cluster_vars["HOSTED_ZONE_ID"])
    c.check(zone["HostedZone"]["Name"].rstrip(".") == cluster_vars["DOMAIN"] and not zone["HostedZone"]["Config"]["PrivateZone"],
            "the public zone serves DOMAIN")
    # The delegation: the emulator apply gives the root the parent zone (parent_zone_id), so the
    # apply must have written the domain's NS record there, pointing at the new zone's servers.
    parent = find_zone(parent_domain(cluster_vars["DOMAIN"]))
    delegated = [r for r in route53.list_resource_record_sets(HostedZoneId=parent)["ResourceRecordSets"]
                 if r["Type"] == "NS" and r["Name"].rstrip(".") == cluster_vars["DOMAIN"]] if parent else []
    servers = {s.rstrip(".") for s in zone["DelegationSet"]["NameServers"]}
    c.check(len(delegated) == 1 and {r["Value"].rstrip(".") for r in delegated[0]["ResourceRecords"]} == servers,
            f"the parent zone delegates DOMAIN to the zone's name servers {sorted(servers)} (got {delegated})")
    c.check(outputs.get("delegation_step", {}).get("value") is None,
            "no manual delegation step is left (output delegation_step is null, which terraform output omits)")

    secret = boto3.client("secretsmanager").describe_secret(SecretId=cluster_vars["VAULT_INIT_SECRET_ARN"])
    vault_key = boto3.client("kms").describe_key(KeyId=cluster_vars["VAULT_KMS_KEY_ID"])["KeyMetadata"]["Arn"]
    c.check(secret.get("KmsKeyId") in (vault_key, cluster_vars["VAULT_KMS_KEY_ID"]),
            f"Vault's init secret is encrypted with Vault's own key (got {secret.get('KmsKeyId')})")

    # The seam to terraform/atlas/<env>, in an environment that uses Atlas ([atlas] enabled): the
    # secret it writes the MongoDB connection into, and the role External Secrets reads it with,
    # which may read that secret and decrypt its key through Secrets Manager, nothing else.
    atlas_keys = {"SAMPLE_APP_MONGODB_ROLE_ARN", "SAMPLE_APP_MONGODB_SECRET_ARN"}
    reader_role = f"{name}-sample-app-mongodb"
    if want["atlas"]:
        mongodb = boto3.client("secretsmanager").describe_secret(SecretId=outputs["mongodb_secret_arn"]["value"])
        mongodb_key = boto3.client("kms").describe_key(KeyId=mongodb.get("KmsKeyId", "missing"))["KeyMetadata"]
        c.check(mongodb["Name"] == f"{name}/sample-app/mongodb" and mongodb_key.get("KeyManager") == "CUSTOMER",
                f"the MongoDB connection secret exists under {name}/sample-app/mongodb with a customer KMS key")
        c.check(cluster_vars.get("SAMPLE_APP_MONGODB_SECRET_ARN") == mongodb["ARN"]
                and cluster_vars.get("SAMPLE_APP_MONGODB_ROLE_ARN", "").endswith(f":role/{reader_role}"),
                "cluster_vars hands the tree the Atlas secret and its reader role")
        _, condition = trust_condition(reader_role)
        equals = condition.get("StringEquals", {})
        c.check(equals.get(f"{issuer}:sub") == "system:serviceaccount:sample-app:sample-app-atlas"
                and equals.get(f"{issuer}:aud") == "sts.amazonaws.com",
                f"the Atlas reader role is trusted only by sample-app/sample-app-atlas (got {equals})")
        policy_names = iam.list_role_policies(RoleName=reader_role)["PolicyNames"]
        documents = [iam.get_role_policy(RoleName=reader_role, PolicyName=n)["PolicyDocument"] for n in policy_names]
        documents = [json.loads(d) if isinstance(d, str) else d for d in documents]
        statements = [st for d in documents for st in d["Statement"]]
        granted = {(a, st["Resource"]) for st in statements for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])}
        c.check(iam.list_attached_role_policies(RoleName=reader_role)["AttachedPolicies"] == []
                and granted == {("secretsmanager:GetSecretValue", mongodb["ARN"]), ("secretsmanager:DescribeSecret", mongodb["ARN"]),
                                ("kms:Decrypt", mongodb_key["Arn"])}
                and all(st["Effect"] == "Allow" for st in statements),
                f"the Atlas reader may read that one secret and decrypt its key, nothing else (got {sorted(granted)})")
    else:
        c.check("mongodb_secret_arn" not in outputs and not atlas_keys & cluster_vars.keys(),
                "an environment without Atlas has no MongoDB secret output and no Atlas cluster vars")
        roles = {r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]}
        c.check(reader_role not in roles, f"an environment without Atlas has no {reader_role} role")
    nat_ips = outputs["nat_public_ips"]["value"]
    eip_ips = {a["PublicIp"] for a in ec2.describe_addresses()["Addresses"]}
    c.check(len(nat_ips) == want["nat_gateways"] and set(nat_ips) <= eip_ips,
            f"nat_public_ips lists the {want['nat_gateways']} NAT gateways' Elastic IPs (got {nat_ips})")

    vpc_id = cluster_vars["VPC_ID"]
    c.check(ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == cluster_vars["VPC_CIDR"], "VPC_CIDR is the VPC's range")
    flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    c.check(len(flow_logs) == 1 and flow_logs[0]["TrafficType"] == "ALL", "VPC flow logs capture ALL traffic")
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    c.check(not default_sg["IpPermissions"] and not default_sg["IpPermissionsEgress"], "the default security group has no rules")
    # The load balancers' frontends (environments/<env>.toml [network] admin_ingress_cidrs): the public
    # one admits everyone, the admin one only its ranges, both on 80 and 443 alone; each sends TCP
    # only into the VPC. Their IDs are the cluster vars the Ingresses' security-groups annotation reads.
    frontends = {"public": (cluster_vars["ALB_PUBLIC_SECURITY_GROUP_ID"], ["0.0.0.0/0"]),
                 "admin": (cluster_vars["ALB_ADMIN_SECURITY_GROUP_ID"], want["admin_cidrs"])}
    for frontend, (group_id, cidrs) in frontends.items():
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroups"]
        group = groups[0] if groups else {}
        c.check(group.get("VpcId") == vpc_id and group.get("GroupName") == f"{name}-lb-{frontend}",
                f"the {frontend} load balancer's group {group_id} is {name}-lb-{frontend} in the VPC (got {group.get('GroupName')}, {group.get('VpcId')})")
        ingress = sorted((p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), r["CidrIp"])
                         for p in group.get("IpPermissions", []) for r in p.get("IpRanges", []))
        others = [p for p in group.get("IpPermissions", []) if p.get("UserIdGroupPairs") or p.get("Ipv6Ranges") or p.get("PrefixListIds")]
        want_ingress = sorted(("tcp", port, port, cidr) for cidr in cidrs for port in (80, 443))
        c.check(ingress == want_ingress and not others,
                f"the {frontend} load balancer admits exactly {cidrs} on 80 and 443 (got {ingress}, other sources {others})")
        egress = sorted((p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), r["CidrIp"])
                        for p in group.get("IpPermissionsEgress", []) for r in p.get("IpRanges", []))
        c.check(egress == [("tcp", 0, 65535, cluster_vars["VPC_CIDR"])],
                f"the {frontend} load balancer sends only TCP into the VPC (got {egress})")
    nats = [n for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"] if n["State"] != "deleted"]
    c.check(len(nats) == want["nat_gateways"], f"{env} runs {want['nat_gateways']} NAT gateway(s) (got {len(nats)})")
    nat_zones = {s["AvailabilityZone"] for s in ec2.describe_subnets(SubnetIds=[n["SubnetId"] for n in nats])["Subnets"]} if nats else set()
    c.check(len(nat_zones) == want["nat_gateways"], f"{env}'s NAT gateways sit in {want['nat_gateways']} distinct zone(s) (got {sorted(nat_zones)})")

    state_key = f"envs/{env}/terraform.tfstate"
    bucket = (work / "state-bucket").read_text().strip()
    s3 = boto3.client("s3")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    c.check(state_key in keys, f"state object {state_key} is in bucket {bucket}")
    versions = s3.list_object_versions(Bucket=bucket, Prefix=state_key + ".tflock")
    c.check(bool(versions.get("Versions")) and bool(versions.get("DeleteMarkers")),
            "the S3 lock file was written during the apply and released after it (versions and delete markers of .tflock)")
    c.check(s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled", "state bucket versioning is on")
    c.check(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True,
            "state bucket blocks public access")
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    c.check(encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms", "state bucket encrypts with KMS")
    return c.finish(f"emulator apply checks of envs/{env}")


def check_destroyed():
    c = Checks()
    eks = boto3.client("eks")
    c.check(eks.list_clusters()["clusters"] == [], "no EKS cluster left")
    ec2 = boto3.client("ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    c.check(vpcs == [], f"no VPC left besides the default one (got {vpcs})")
    nats = [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")]
    c.check(nats == [], f"no NAT gateway left (got {nats})")
    eips = [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]]
    c.check(eips == [], f"no Elastic IP left (got {eips})")
    templates = [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]]
    c.check(templates == [], f"no launch template left (got {templates})")
    iam = boto3.client("iam")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("bkt-")]
    c.check(roles == [], f"no bkt-* IAM role left (got {roles})")
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    c.check(providers == [], f"no OIDC provider left (got {providers})")
    repos = [r["repositoryName"] for r in boto3.client("ecr").describe_repositories()["repositories"]]
    c.check(repos == [], f"no ECR repository left (got {repos})")
    zones = [z["Name"] for z in boto3.client("route53").list_hosted_zones()["HostedZones"]]
    c.check(zones == [], f"no Route 53 zone left (got {zones})")
    certificates = [x["CertificateArn"] for x in boto3.client("acm").list_certificates()["CertificateSummaryList"]]
    c.check(certificates == [], f"no ACM certificate left (got {certificates})")
    kms = boto3.client("kms")
    live_keys = [k["KeyId"] for k in kms.list_keys()["Keys"]
                 if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] not in ("PendingDeletion",)]
    c.check(live_keys == [], f"every KMS key is scheduled for deletion (live: {live_keys})")
    secrets = [x["Name"] for x in boto3.client("secretsmanager").list_secrets()["SecretList"]]
    c.check(secrets == [], f"no Secrets Manager secret left (got {secrets})")
    groups = [g["logGroupName"] for g in boto3.client("logs").describe_log_groups()["logGroups"]]
    c.check(groups == [], f"no CloudWatch log group left (got {groups})")
    buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    c.check(buckets == [], f"no S3 bucket left (got {buckets})")
    return c.finish("emulator destroy checks")


def empty_bucket(bucket):
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
    return 0


def parent_domain(domain):
    return domain.split(".", 1)[1]


def find_zone(name):
    """The ID of the public zone named `name`, or None."""
    zones = boto3.client("route53").list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    found = [z["Id"].split("/")[-1] for z in zones if z["Name"].rstrip(".") == name and not z["Config"]["PrivateZone"]]
    return found[0] if found else None


def parent_zone(domain):
    name = parent_domain(domain)
    zone_id = find_zone(name)
    if zone_id is None:
        created = boto3.client("route53").create_hosted_zone(Name=name, CallerReference=f"emulator-parent-{name}")
        zone_id = created["HostedZone"]["Id"].split("/")[-1]
    print(zone_id)
    return 0


def parent_zone_delete(domain):
    zone_id = find_zone(parent_domain(domain))
    if zone_id is not None:
        boto3.client("route53").delete_hosted_zone(Id=zone_id)
    return 0


def state_ids(state_file, kind):
    """The IDs of the managed resources of type `kind` anywhere in a `terraform show -json` file."""
    found = []

    def walk(module):
        for resource in module.get("resources", []):
            if resource.get("mode") == "managed" and resource.get("type") == kind:
                found.append(resource["values"]["id"])
        for child in module.get("child_modules", []):
            walk(child)

    walk(json.loads(pathlib.Path(state_file).read_text()).get("values", {}).get("root_module", {}))
    return found


def stray_route_tables(state_file):
    """moto's server sometimes drops its answer to a create it carried out; the SDK's retry then
    creates a second route table that Terraform never sees, and moto refuses to delete a VPC that
    still has one, so `terraform destroy` would wait on aws_vpc until stopped."""
    ec2 = boto3.client("ec2")
    known = set(state_ids(state_file, "aws_route_table"))
    for vpc in state_ids(state_file, "aws_vpc"):
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
        for table in tables:
            associations = table.get("Associations", [])
            if table["RouteTableId"] in known or any(a.get("Main") for a in associations):
                continue
            name = next((t["Value"] for t in table.get("Tags", []) if t["Key"] == "Name"), "no Name tag")
            for association in associations:
                ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
            ec2.delete_route_table(RouteTableId=table["RouteTableId"])
            print(f"emulator_checks.py: deleted stray route table {table['RouteTableId']} ({name}) in {vpc}: "
                  "not in the Terraform state (an emulator create answered twice), it would block the VPC's destroy")
    return 0


def plant_route_table(state_file):
    vpcs = state_ids(state_file, "aws_vpc")
    if not vpcs:
        raise SystemExit(f"emulator_checks.py: {state_file} holds no aws_vpc to plant a route table in")
    table = boto3.client("ec2").create_route_table(
        VpcId=vpcs[0], TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "planted-stray"}]}])
    print(table["RouteTable"]["RouteTableId"])
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "applied":
        return check_applied(argv[2], argv[3])
    if len(argv) == 2 and argv[1] == "destroyed":
        return check_destroyed()
    if len(argv) == 3 and argv[1] == "empty-bucket":
        return empty_bucket(argv[2])
    if len(argv) == 3 and argv[1] == "parent-zone":
        return parent_zone(argv[2])
    if len(argv) == 3 and argv[1] == "parent-zone-delete":
        return parent_zone_delete(argv[2])
    if len(argv) == 3 and argv[1] == "stray-route-tables":
        return stray_route_tables(argv[2])
    if len(argv) == 3 and argv[1] == "plant-route-table":
        return plant_route_table(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
