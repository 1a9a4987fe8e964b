//go:build lifecycle

package main

// The AWS side of `make down` against a real apply of terraform/envs/dev on the emulator.
// `cargo xtask lifecycle-test` (xtask/src/lifecycle/test.rs) applies the environment, then runs
// this test with TEARDOWN_TEST_ENDPOINT (the emulator) and LIFECYCLE_WORKDIR (holding
// cluster-vars.json and state.json, the `terraform show -json` of the applied state); afterwards
// it destroys the environment and checks nothing is left. Built only with -tags lifecycle, so a plain
// `go test ./...` neither runs nor skips it.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

func TestLifecycleTeardownOfAnAppliedDevEnvironment(t *testing.T) {
	work := os.Getenv("LIFECYCLE_WORKDIR")
	if work == "" || os.Getenv("TEARDOWN_TEST_ENDPOINT") == "" {
		t.Fatal("LIFECYCLE_WORKDIR and TEARDOWN_TEST_ENDPOINT must be set; run make lifecycle-test (cargo xtask lifecycle-test)")
	}
	var vars map[string]string
	if err := json.Unmarshal(must(os.ReadFile(filepath.Join(work, "cluster-vars.json"))), &vars); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"CLUSTER_NAME", "VPC_ID", "HOSTED_ZONE_ID", "DOMAIN", "AWS_REGION"} {
		if vars[k] == "" {
			t.Fatalf("cluster-vars.json lacks %s", k)
		}
	}
	if vars["AWS_REGION"] != testRegion {
		t.Fatalf("the environment is in %s; this test's clients use %s", vars["AWS_REGION"], testRegion)
	}
	if tf, err := terraformIDs(filepath.Join(work, "state.json")); err != nil || len(tf) == 0 {
		t.Fatalf("state.json names no resources (%v): the environment was not applied", err)
	}
	c := testClients(t)
	ctx := context.Background()
	n := network{vpcID: vars["VPC_ID"], zoneID: vars["HOSTED_ZONE_ID"], domain: vars["DOMAIN"], subnets: subnetsInTwoZones(t, c, vars["VPC_ID"])}

	before := inventory(t, c, n.zoneID)
	res := createControllerResources(t, c, vars["CLUSTER_NAME"], n)

	var out bytes.Buffer
	o := options{cluster: vars["CLUSTER_NAME"], region: testRegion, zoneIDs: []string{n.zoneID}, txtOwner: vars["CLUSTER_NAME"],
		stateFile: filepath.Join(work, "state.json"), timeout: 2 * time.Minute, interval: time.Second}
	began := time.Now()
	code := run(ctx, o, &out)
	t.Logf("teardown took %s:\n%s", time.Since(began).Round(time.Millisecond), out.String())
	if code != 0 {
		t.Fatalf("teardown exit %d, want 0", code)
	}
	// `before` holds everything Terraform created: teardown must have left all of it to Terraform.
	assertTornDown(t, c, n.zoneID, before, res)
	removeSurvivors(t, c, n, res)
}

// subnetsInTwoZones picks one subnet per zone, as an ALB needs, preferring the public ones the
// LB controller would use for an internet-facing load balancer.
func subnetsInTwoZones(t *testing.T, c clients, vpcID string) []string {
	t.Helper()
	subnets := must(c.ec2.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}},
	})).Subnets
	byZone := map[string]string{}
	for _, public := range []bool{true, false} {
		for _, s := range subnets {
			isPublic := ec2Tags(s.Tags)["kubernetes.io/role/elb"] == "1"
			if isPublic == public && byZone[aws.ToString(s.AvailabilityZone)] == "" {
				byZone[aws.ToString(s.AvailabilityZone)] = aws.ToString(s.SubnetId)
			}
		}
	}
	var out []string
	for _, id := range byZone {
		out = append(out, id)
	}
	if len(out) < 2 {
		t.Fatalf("VPC %s has subnets in %d zone(s); an ALB needs two", vpcID, len(out))
	}
	return out[:2]
}

// removeSurvivors deletes the look-alikes this test made, so that terraform destroy sees the
// VPC and zone as Terraform left them.
func removeSurvivors(t *testing.T, c clients, n network, res created) {
	t.Helper()
	ctx := context.Background()
	for _, arn := range res.survivor[kindTargetGroup] {
		must(c.elbv2.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(arn)}))
	}
	for _, id := range res.survivor[kindVolume] {
		must(c.ec2.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)}))
	}
	for _, id := range res.survivor[kindSecurityGrp] {
		must(c.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)}))
	}
	keep := map[string]bool{}
	for _, key := range res.survivor[kindDNSRecord] {
		keep[key] = true
	}
	var changes []r53types.Change
	for _, rr := range must(c.r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(n.zoneID)})).ResourceRecordSets {
		if keep[aws.ToString(rr.Name)+" "+string(rr.Type)] {
			changes = append(changes, r53types.Change{Action: r53types.ChangeActionDelete, ResourceRecordSet: &rr})
		}
	}
	if len(changes) != len(keep) {
		t.Fatalf("found %d of the %d survivor records to remove", len(changes), len(keep))
	}
	must(c.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(n.zoneID), ChangeBatch: &r53types.ChangeBatch{Changes: changes}}))
}
