package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
)

// Kinds, in the order teardown deletes them: a target group cannot go while a listener uses
// it, a security group not while an ENI or another group's rule refers to it.
const (
	kindLoadBalancer = "load balancer"
	kindDNSRecord    = "DNS record"
	kindTargetGroup  = "target group"
	kindENI          = "network interface"
	kindSecurityGrp  = "security group"
	kindVolume       = "EBS volume"
)

var kindOrder = []string{kindLoadBalancer, kindDNSRecord, kindTargetGroup, kindENI, kindSecurityGrp, kindVolume}

// resource is one thing teardown found; remove deletes it, fix tells a person how.
type resource struct {
	kind   string
	id     string
	name   string
	state  string
	waitOn string // non-empty: cannot be deleted yet, and why
	remove func(context.Context) error
	fix    string
}

type clients struct {
	ec2    *ec2.Client
	elbv2  *elbv2.Client
	r53    *route53.Client
	region string
}

type scanner struct {
	clients
	owner   owner
	zoneIDs []string // empty: every hosted zone in the account
	txtOwn  string
}

func (s scanner) scan(ctx context.Context) ([]resource, error) {
	var all []resource
	for _, f := range []func(context.Context) ([]resource, error){
		s.loadBalancers, s.dnsRecords, s.targetGroups, s.networkInterfaces, s.securityGroups, s.volumes,
	} {
		found, err := f(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	return all, nil
}

func ec2Tags(tags []ec2types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// elbv2Tags fetches tags for ARNs in the API's batches of 20.
func (s scanner) elbv2Tags(ctx context.Context, arns []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for start := 0; start < len(arns); start += 20 {
		end := min(start+20, len(arns))
		resp, err := s.elbv2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: arns[start:end]})
		if err != nil {
			return nil, fmt.Errorf("elbv2 DescribeTags: %w", err)
		}
		for _, d := range resp.TagDescriptions {
			m := map[string]string{}
			for _, t := range d.Tags {
				m[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			out[aws.ToString(d.ResourceArn)] = m
		}
	}
	return out, nil
}

func (s scanner) loadBalancers(ctx context.Context) ([]resource, error) {
	var lbs []elbv2types.LoadBalancer
	p := elbv2.NewDescribeLoadBalancersPaginator(s.elbv2, &elbv2.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("elbv2 DescribeLoadBalancers: %w", err)
		}
		lbs = append(lbs, page.LoadBalancers...)
	}
	arns := make([]string, 0, len(lbs))
	for _, lb := range lbs {
		arns = append(arns, aws.ToString(lb.LoadBalancerArn))
	}
	tags, err := s.elbv2Tags(ctx, arns)
	if err != nil {
		return nil, err
	}
	var out []resource
	for _, lb := range lbs {
		arn := aws.ToString(lb.LoadBalancerArn)
		if !s.owner.loadBalancerOwned(arn, tags[arn]) {
			continue
		}
		r := resource{kind: kindLoadBalancer, id: arn, name: aws.ToString(lb.LoadBalancerName),
			fix: fmt.Sprintf("aws elbv2 delete-load-balancer --region %s --load-balancer-arn %s", s.region, arn)}
		if lb.State != nil {
			r.state = string(lb.State.Code)
		}
		r.remove = func(ctx context.Context) error {
			_, err := s.elbv2.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: &arn})
			return err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s scanner) targetGroups(ctx context.Context) ([]resource, error) {
	var tgs []elbv2types.TargetGroup
	p := elbv2.NewDescribeTargetGroupsPaginator(s.elbv2, &elbv2.DescribeTargetGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("elbv2 DescribeTargetGroups: %w", err)
		}
		tgs = append(tgs, page.TargetGroups...)
	}
	arns := make([]string, 0, len(tgs))
	for _, tg := range tgs {
		arns = append(arns, aws.ToString(tg.TargetGroupArn))
	}
	tags, err := s.elbv2Tags(ctx, arns)
	if err != nil {
		return nil, err
	}
	var out []resource
	for _, tg := range tgs {
		arn := aws.ToString(tg.TargetGroupArn)
		if !s.owner.loadBalancerOwned(arn, tags[arn]) {
			continue
		}
		r := resource{kind: kindTargetGroup, id: arn, name: aws.ToString(tg.TargetGroupName),
			fix: fmt.Sprintf("aws elbv2 delete-target-group --region %s --target-group-arn %s", s.region, arn)}
		// Deletion is tried even while LoadBalancerArns is set: that list can lag behind the
		// listener deletion, and AWS answers ResourceInUse while it really is in use.
		r.remove = func(ctx context.Context) error {
			_, err := s.elbv2.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: &arn})
			return err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s scanner) networkInterfaces(ctx context.Context) ([]resource, error) {
	var out []resource
	p := ec2.NewDescribeNetworkInterfacesPaginator(s.ec2, &ec2.DescribeNetworkInterfacesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2 DescribeNetworkInterfaces: %w", err)
		}
		for _, eni := range page.NetworkInterfaces {
			id := aws.ToString(eni.NetworkInterfaceId)
			if !s.owner.networkInterfaceOwned(id, ec2Tags(eni.TagSet)) {
				continue
			}
			r := resource{kind: kindENI, id: id, name: aws.ToString(eni.Description), state: string(eni.Status),
				fix: fmt.Sprintf("aws ec2 delete-network-interface --region %s --network-interface-id %s", s.region, id)}
			if eni.Status == ec2types.NetworkInterfaceStatusInUse && eni.Attachment != nil {
				// Attached ENIs belong to a live instance or load balancer; they go when it goes.
				r.waitOn = "attached to " + cmp.Or(aws.ToString(eni.Attachment.InstanceId), "a resource of "+aws.ToString(eni.Attachment.InstanceOwnerId))
				r.fix = fmt.Sprintf("aws ec2 detach-network-interface --region %s --attachment-id %s && %s",
					s.region, aws.ToString(eni.Attachment.AttachmentId), r.fix)
			}
			r.remove = func(ctx context.Context) error {
				_, err := s.ec2.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: &id})
				return err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func (s scanner) securityGroups(ctx context.Context) ([]resource, error) {
	var groups []ec2types.SecurityGroup
	p := ec2.NewDescribeSecurityGroupsPaginator(s.ec2, &ec2.DescribeSecurityGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2 DescribeSecurityGroups: %w", err)
		}
		groups = append(groups, page.SecurityGroups...)
	}
	var out []resource
	for _, sg := range groups {
		id := aws.ToString(sg.GroupId)
		if !s.owner.securityGroupOwned(id, ec2Tags(sg.Tags)) {
			continue
		}
		r := resource{kind: kindSecurityGrp, id: id, name: aws.ToString(sg.GroupName),
			fix: fmt.Sprintf("aws ec2 delete-security-group --region %s --group-id %s"+
				"  (first remove rules of other groups that reference it: aws ec2 describe-security-groups --filters Name=ip-permission.group-id,Values=%s)",
				s.region, id, id)}
		r.remove = func(ctx context.Context) error {
			if err := s.revokeReferences(ctx, id, groups); err != nil {
				return err
			}
			_, err := s.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id})
			return err
		}
		out = append(out, r)
	}
	return out, nil
}

// revokeReferences removes the rules other groups hold that point at target: the LB controller
// adds such rules to the node security group, and they block deletion of its backend group.
func (s scanner) revokeReferences(ctx context.Context, target string, groups []ec2types.SecurityGroup) error {
	for _, sg := range groups {
		gid := aws.ToString(sg.GroupId)
		if gid == target {
			continue
		}
		if perms := permissionsReferencing(sg.IpPermissions, target); len(perms) > 0 {
			if _, err := s.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &gid, IpPermissions: perms}); err != nil && !notFound(err) {
				return fmt.Errorf("revoke ingress rules of %s referencing %s: %w", gid, target, err)
			}
		}
		if perms := permissionsReferencing(sg.IpPermissionsEgress, target); len(perms) > 0 {
			if _, err := s.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &gid, IpPermissions: perms}); err != nil && !notFound(err) {
				return fmt.Errorf("revoke egress rules of %s referencing %s: %w", gid, target, err)
			}
		}
	}
	return nil
}

// permissionsReferencing narrows each rule to its group pairs naming target, so that CIDR and
// other-group parts of the same rule stay.
func permissionsReferencing(perms []ec2types.IpPermission, target string) []ec2types.IpPermission {
	var out []ec2types.IpPermission
	for _, p := range perms {
		var pairs []ec2types.UserIdGroupPair
		for _, pair := range p.UserIdGroupPairs {
			if aws.ToString(pair.GroupId) == target {
				pairs = append(pairs, ec2types.UserIdGroupPair{GroupId: pair.GroupId, UserId: pair.UserId})
			}
		}
		if len(pairs) > 0 {
			out = append(out, ec2types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort, UserIdGroupPairs: pairs})
		}
	}
	return out
}

func (s scanner) volumes(ctx context.Context) ([]resource, error) {
	var out []resource
	p := ec2.NewDescribeVolumesPaginator(s.ec2, &ec2.DescribeVolumesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2 DescribeVolumes: %w", err)
		}
		for _, v := range page.Volumes {
			id := aws.ToString(v.VolumeId)
			tags := ec2Tags(v.Tags)
			if !s.owner.volumeOwned(id, tags) {
				continue
			}
			name := tags["kubernetes.io/created-for/pvc/namespace"] + "/" + tags["kubernetes.io/created-for/pvc/name"]
			r := resource{kind: kindVolume, id: id, name: strings.Trim(name, "/"), state: string(v.State),
				fix: fmt.Sprintf("aws ec2 delete-volume --region %s --volume-id %s", s.region, id)}
			if v.State == ec2types.VolumeStateInUse {
				var on []string
				for _, a := range v.Attachments {
					on = append(on, aws.ToString(a.InstanceId))
				}
				r.waitOn = "attached to " + strings.Join(on, ", ") + " (detached when the node is deleted)"
				r.fix = fmt.Sprintf("aws ec2 detach-volume --region %s --volume-id %s && aws ec2 wait volume-available --region %s --volume-ids %s && %s",
					s.region, id, s.region, id, r.fix)
			}
			r.remove = func(ctx context.Context) error {
				_, err := s.ec2.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: &id})
				return err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func (s scanner) zones(ctx context.Context) ([]string, error) {
	if len(s.zoneIDs) > 0 {
		return s.zoneIDs, nil
	}
	var ids []string
	p := route53.NewListHostedZonesPaginator(s.r53, &route53.ListHostedZonesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("route53 ListHostedZones: %w", err)
		}
		for _, z := range page.HostedZones {
			ids = append(ids, strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"))
		}
	}
	return ids, nil
}

func (s scanner) dnsRecords(ctx context.Context) ([]resource, error) {
	zones, err := s.zones(ctx)
	if err != nil {
		return nil, err
	}
	var out []resource
	for _, zone := range zones {
		var records []r53types.ResourceRecordSet
		p := route53.NewListResourceRecordSetsPaginator(s.r53, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("route53 ListResourceRecordSets %s: %w", zone, err)
			}
			records = append(records, page.ResourceRecordSets...)
		}
		for _, rr := range ownedRecords(records, s.txtOwn) {
			out = append(out, s.dnsResource(zone, rr))
		}
	}
	return out, nil
}

func (s scanner) dnsResource(zone string, rr r53types.ResourceRecordSet) resource {
	change := &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionDelete, ResourceRecordSet: &rr}}}
	batch, _ := json.Marshal(cliChangeBatch(rr))
	return resource{
		kind: kindDNSRecord,
		id:   zone + " " + aws.ToString(rr.Name) + " " + string(rr.Type),
		name: aws.ToString(rr.SetIdentifier),
		fix:  fmt.Sprintf("aws route53 change-resource-record-sets --hosted-zone-id %s --change-batch '%s'", zone, batch),
		remove: func(ctx context.Context) error {
			_, err := s.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(zone), ChangeBatch: change})
			return err
		},
	}
}

// cliChangeBatch spells a DELETE change the way the AWS CLI reads --change-batch: the SDK
// types carry no JSON tags and would print nulls the CLI rejects.
func cliChangeBatch(rr r53types.ResourceRecordSet) map[string]any {
	set := map[string]any{"Name": aws.ToString(rr.Name), "Type": string(rr.Type)}
	if rr.TTL != nil {
		set["TTL"] = *rr.TTL
	}
	if rr.SetIdentifier != nil {
		set["SetIdentifier"] = *rr.SetIdentifier
	}
	if rr.Weight != nil {
		set["Weight"] = *rr.Weight
	}
	if len(rr.ResourceRecords) > 0 {
		var values []map[string]string
		for _, v := range rr.ResourceRecords {
			values = append(values, map[string]string{"Value": aws.ToString(v.Value)})
		}
		set["ResourceRecords"] = values
	}
	if a := rr.AliasTarget; a != nil {
		set["AliasTarget"] = map[string]any{"HostedZoneId": aws.ToString(a.HostedZoneId), "DNSName": aws.ToString(a.DNSName), "EvaluateTargetHealth": a.EvaluateTargetHealth}
	}
	return map[string]any{"Changes": []any{map[string]any{"Action": "DELETE", "ResourceRecordSet": set}}}
}

// notFound treats "already gone" as success: another pass, a controller or AWS itself may have
// removed the resource between listing and deleting.
func notFound(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	code := apiErr.ErrorCode()
	return strings.Contains(code, "NotFound") || code == "InvalidChangeBatch" && strings.Contains(apiErr.ErrorMessage(), "not found")
}
