package main

import (
	"cmp"
	"fmt"
	"io"
	"sort"
	"strings"
)

type line struct {
	item    string
	detail  string
	monthly float64
}

type costEstimate struct {
	lines    []line
	warnings []string
	unpriced map[string]int
}

func (e *costEstimate) add(item, detail string, monthly float64) {
	e.lines = append(e.lines, line{item, detail, monthly})
}

func (e *costEstimate) total() float64 {
	var t float64
	for _, l := range e.lines {
		t += l.monthly
	}
	return t
}

// pricedTypes are costed below; freeTypes cost nothing by themselves (or only per request, which
// is negligible at dev scale). Any other type is listed as unpriced so a new cost is noticed.
var freeTypes = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`aws_vpc aws_subnet aws_route_table aws_route aws_route_table_association
		aws_internet_gateway aws_default_security_group aws_security_group aws_security_group_rule
		aws_vpc_security_group_ingress_rule aws_vpc_security_group_egress_rule aws_iam_role aws_iam_policy
		aws_iam_role_policy aws_iam_role_policy_attachment aws_iam_openid_connect_provider aws_kms_alias
		aws_launch_template aws_eks_addon aws_eks_access_entry aws_eks_access_policy_association
		aws_eks_pod_identity_association aws_acm_certificate aws_acm_certificate_validation aws_route53_record
		aws_ecr_lifecycle_policy aws_ecr_repository_policy aws_flow_log aws_s3_bucket_versioning
		aws_s3_bucket_server_side_encryption_configuration aws_s3_bucket_public_access_block aws_s3_bucket_policy
		aws_s3_bucket_lifecycle_configuration aws_s3_bucket_ownership_controls aws_s3_bucket aws_network_acl
		aws_default_network_acl aws_default_route_table aws_secretsmanager_secret_version`) {
		freeTypes[t] = true
	}
}

func estimate(p plan, pr regionPrices, hours float64, a assumptions) (*costEstimate, error) {
	e := &costEstimate{unpriced: map[string]int{}}
	priced := map[string]bool{}
	handle := func(t string, f func(plannedResource) error) error {
		priced[t] = true
		for _, r := range p.ofType(t) {
			if err := f(r); err != nil {
				return fmt.Errorf("%s: %w", r.Address, err)
			}
		}
		return nil
	}

	steps := []struct {
		t string
		f func(plannedResource) error
	}{
		{"aws_eks_cluster", func(r plannedResource) error {
			support := str(block(r.After, "upgrade_policy"), "support_type")
			if support != "STANDARD" {
				e.warnings = append(e.warnings, fmt.Sprintf("%s: upgrade_policy.support_type is %q, not STANDARD: once its version leaves standard support the control plane costs $%.0f/month instead of $%.0f",
					r.Address, support, pr.EKSExtendedHour*hours, pr.EKSStandardHour*hours))
			}
			e.add("EKS control plane", r.Address, pr.EKSStandardHour*hours)
			return nil
		}},
		{"aws_eks_node_group", func(r plannedResource) error { return nodeGroup(e, p, r, pr, hours, a) }},
		{"aws_nat_gateway", func(r plannedResource) error {
			e.add("NAT gateway", r.Address, pr.NATHour*hours)
			return nil
		}},
		{"aws_eip", func(r plannedResource) error {
			e.add("public IPv4 address", r.Address, pr.PublicIPv4Hour*hours)
			return nil
		}},
		{"aws_lb", func(r plannedResource) error {
			if str(r.After, "load_balancer_type") == "network" {
				e.add("network load balancer", r.Address, (pr.NLBHour+pr.NLBLCUHour*a.ALBLCU)*hours)
			} else {
				e.add("application load balancer", r.Address, (pr.ALBHour+pr.ALBLCUHour*a.ALBLCU)*hours)
			}
			return nil
		}},
		{"aws_vpc_endpoint", func(r plannedResource) error {
			if str(r.After, "vpc_endpoint_type") == "Interface" {
				azs := max(len(stringList(r.After, "subnet_ids")), 1)
				e.add("interface VPC endpoint", fmt.Sprintf("%s in %d AZ(s)", r.Address, azs), pr.InterfaceEndpointAZ*float64(azs)*hours)
			}
			return nil
		}},
		{"aws_ebs_volume", func(r plannedResource) error {
			size, _ := num(r.After, "size")
			e.add("EBS volume", fmt.Sprintf("%s %.0f GiB", r.Address, size), size*gbMonth(pr, str(r.After, "type")))
			return nil
		}},
		{"aws_kms_key", func(r plannedResource) error {
			e.add("KMS key", r.Address, pr.KMSKeyMonth)
			return nil
		}},
		{"aws_route53_zone", func(r plannedResource) error {
			e.add("Route 53 hosted zone", r.Address, pr.ZoneMonth)
			return nil
		}},
		{"aws_secretsmanager_secret", func(r plannedResource) error {
			e.add("Secrets Manager secret", r.Address, pr.SecretMonth)
			return nil
		}},
		{"aws_ecr_repository", func(r plannedResource) error {
			e.add("ECR storage", fmt.Sprintf("%s, assumed %.0f GB", r.Address, a.ECRGB), a.ECRGB*pr.ECRGBMonth)
			return nil
		}},
		{"aws_cloudwatch_log_group", func(plannedResource) error { return nil }},
	}
	for _, s := range steps {
		if err := handle(s.t, s.f); err != nil {
			return nil, err
		}
	}

	// Usage the plan cannot show: what controllers create, and traffic.
	if len(p.ofType("aws_eks_cluster")) > 0 {
		if a.ControllerALBs > 0 {
			albs := float64(a.ControllerALBs)
			e.add("ALB from the LB controller", fmt.Sprintf("%d (one per IngressGroup), %.0f LCU, %d public IPv4 each", a.ControllerALBs, a.ALBLCU, a.ALBPublicIPs),
				albs*(pr.ALBHour+pr.ALBLCUHour*a.ALBLCU+pr.PublicIPv4Hour*float64(a.ALBPublicIPs))*hours)
		}
		if a.PVGiB > 0 {
			e.add("persistent volumes (EBS CSI)", fmt.Sprintf("assumed %.0f GiB gp3", a.PVGiB), a.PVGiB*pr.GP3GBMonth)
		}
	}
	if len(p.ofType("aws_nat_gateway")) > 0 && a.NATGB > 0 {
		e.add("NAT data processing", fmt.Sprintf("assumed %.0f GB", a.NATGB), a.NATGB*pr.NATGB)
	}
	if n := len(p.ofType("aws_cloudwatch_log_group")); n > 0 && a.LogIngestGB > 0 {
		e.add("CloudWatch Logs ingestion", fmt.Sprintf("%d log group(s), assumed %.0f GB", n, a.LogIngestGB), a.LogIngestGB*pr.LogIngestGB)
	}
	if n := len(p.ofType("aws_nat_gateway")); n > 1 {
		e.warnings = append(e.warnings, fmt.Sprintf("%d NAT gateways: one per AZ survives an AZ outage, but a single NAT saves $%.0f/month where an environment can lose egress with a zone", n, float64(n-1)*pr.NATHour*hours))
	}
	for _, r := range p.resources {
		if !priced[r.Type] && !freeTypes[r.Type] {
			e.unpriced[r.Type]++
		}
	}
	return e, nil
}

func gbMonth(pr regionPrices, volumeType string) float64 {
	if volumeType == "gp2" {
		return pr.GP2GBMonth
	}
	return pr.GP3GBMonth
}

// nodeGroup prices a managed node group at its desired size: the first instance type (the one
// EKS prefers for on-demand), SPOT at the assumed fraction, and the root volume from its launch
// template (or disk_size, 20 GiB by default).
func nodeGroup(e *costEstimate, p plan, r plannedResource, pr regionPrices, hours float64, a assumptions) error {
	scaling := block(r.After, "scaling_config")
	desired, ok := num(scaling, "desired_size")
	if !ok {
		return fmt.Errorf("scaling_config.desired_size is unknown in the plan")
	}
	types := stringList(r.After, "instance_types")
	if len(types) == 0 {
		types = []string{"t3.medium"} // the EKS API default
	}
	hourly, ok := pr.EC2Hour[types[0]]
	if !ok {
		return fmt.Errorf("no price for instance type %q; add it to prices.json ec2_hour (from %s) or choose one of %v", types[0], "https://aws.amazon.com/ec2/pricing/on-demand/", keys(pr.EC2Hour))
	}
	capacity := str(r.After, "capacity_type")
	if capacity == "SPOT" {
		hourly *= a.SpotFraction
	} else {
		e.warnings = append(e.warnings, fmt.Sprintf("%s runs ON_DEMAND: SPOT would cost about %.0f%% of $%.0f/month", r.Address, a.SpotFraction*100, desired*hourly*hours*a.NodeUptime))
	}
	uptime := ""
	if a.NodeUptime < 1 {
		uptime = fmt.Sprintf(", up %.0f%% of the month", a.NodeUptime*100)
	}
	e.add("EC2 nodes", fmt.Sprintf("%s %.0f × %s %s%s", r.Address, desired, types[0], strings.ToLower(cmp.Or(capacity, "ON_DEMAND")), uptime),
		desired*hourly*hours*a.NodeUptime)

	disk, volType := 20.0, "gp3"
	if d, ok := num(r.After, "disk_size"); ok && d > 0 {
		disk = d
	} else if lt, ok := p.sibling(r, "aws_launch_template"); ok {
		if ebs := block(block(lt.After, "block_device_mappings"), "ebs"); ebs != nil {
			if d, ok := num(ebs, "volume_size"); ok {
				disk = d
			}
			volType = cmp.Or(str(ebs, "volume_type"), volType)
		}
	}
	e.add("node root volumes", fmt.Sprintf("%s %.0f × %.0f GiB %s", r.Address, desired, disk, volType), desired*disk*gbMonth(pr, volType)*a.NodeUptime)
	return nil
}

func (e *costEstimate) print(w io.Writer, region string, cat catalog) {
	sort.SliceStable(e.lines, func(i, j int) bool { return e.lines[i].monthly > e.lines[j].monthly })
	fmt.Fprintf(w, "Monthly estimate, %s, list prices as of %s (%s per month of %.0f hours)\n\n", region, cat.AsOf, cat.Currency, cat.HoursPerMonth)
	for _, l := range e.lines {
		fmt.Fprintf(w, "%10.2f  %-30s %s\n", l.monthly, l.item, l.detail)
	}
	fmt.Fprintf(w, "%10s\n%10.2f  TOTAL per month\n", "----------", e.total())
	if len(e.unpriced) > 0 {
		fmt.Fprintf(w, "\nNot priced (add to tools/cmd/cost if they cost money): %v\n", formatCounts(e.unpriced))
	}
	for _, warn := range e.warnings {
		fmt.Fprintln(w, "lever:", warn)
	}
	fmt.Fprintf(w, "\nPrices: %s.\n", cat.Source)
}

func formatCounts(m map[string]int) string {
	var parts []string
	for _, k := range keys(m) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
