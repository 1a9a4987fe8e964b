package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func newScanner(c clients, o options, tf map[string]bool) scanner {
	return scanner{clients: c, owner: owner{cluster: o.cluster, terraform: tf}, zoneIDs: o.zoneIDs, txtOwn: o.cluster}
}

// fastOptions gives each test its own cluster name, which keeps tests that share the emulator apart.
func fastOptions(cluster string) options {
	return options{cluster: cluster, region: testRegion, timeout: 20 * time.Second, interval: 200 * time.Millisecond}
}

func TestTeardownDeletesOnlyWhatControllersCreatedForTheCluster(t *testing.T) {
	cluster := "bkt-delete"
	c := testClients(t)
	n := newNetwork(t, c, "dev.example.com")
	before := inventory(t, c, n.zoneID)
	res := createControllerResources(t, c, cluster, n)

	var out bytes.Buffer
	o := fastOptions(cluster)
	if code := teardown(context.Background(), newScanner(c, o, nil), o, &out); code != 0 {
		t.Fatalf("teardown exit %d, want 0; output:\n%s", code, out.String())
	}
	assertTornDown(t, c, n.zoneID, before, res)
	if !strings.Contains(out.String(), "pass 1") || !strings.Contains(out.String(), "nothing left for cluster "+cluster) {
		t.Errorf("output lacks progress and the final verdict:\n%s", out.String())
	}

	// The node group keeps its own rules; only the one pointing at the deleted backend group went.
	groups := must(c.ec2.DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{GroupIds: res.survivor[kindSecurityGrp][:1]})).SecurityGroups
	if len(groups[0].IpPermissions) != 0 {
		t.Errorf("node security group still has rules referencing deleted groups: %+v", groups[0].IpPermissions)
	}
}

func TestCheckModeReportsLeftoversWithRemovalCommandsAndDeletesNothing(t *testing.T) {
	cluster := "bkt-check"
	c := testClients(t)
	n := newNetwork(t, c, "dev.example.com")
	res := createControllerResources(t, c, cluster, n)

	var out bytes.Buffer
	o := fastOptions(cluster)
	o.checkOnly = true
	if code := teardown(context.Background(), newScanner(c, o, nil), o, &out); code != 1 {
		t.Fatalf("check exit %d, want 1; output:\n%s", code, out.String())
	}
	have := inventory(t, c, n.zoneID)
	for kind, ids := range res.owned {
		for _, id := range ids {
			if !have[kind][id] {
				t.Errorf("-check deleted %s %s", kind, id)
			}
		}
	}
	report := out.String()
	for _, want := range []string{
		"LEFTOVERS — 13 resource(s)",
		"aws elbv2 delete-load-balancer --region eu-west-1 --load-balancer-arn " + res.owned[kindLoadBalancer][0],
		"aws elbv2 delete-target-group --region eu-west-1 --target-group-arn " + res.owned[kindTargetGroup][1],
		"aws ec2 delete-security-group --region eu-west-1 --group-id " + res.owned[kindSecurityGrp][0],
		"aws ec2 delete-network-interface --region eu-west-1 --network-interface-id " + res.owned[kindENI][0],
		"aws ec2 delete-volume --region eu-west-1 --volume-id " + res.owned[kindVolume][0],
		"aws route53 change-resource-record-sets --hosted-zone-id " + n.zoneID,
		`"Name":"cname-grafana.dev.example.com."`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestTerraformManagedResourcesAreLeftToTerraform(t *testing.T) {
	cluster := "bkt-tfstate"
	c := testClients(t)
	n := newNetwork(t, c, "dev.example.com")
	ctx := context.Background()
	// terraform-aws-eks style: a node group Terraform created and tagged as owned by the cluster.
	sg := aws.ToString(must(c.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(cluster + "-node"), Description: aws.String("nodes"), VpcId: aws.String(n.vpcID),
		TagSpecifications: ec2TagSpec(ec2types.ResourceTypeSecurityGroup, map[string]string{"kubernetes.io/cluster/" + cluster: "owned"}),
	})).GroupId)
	state := filepath.Join(t.TempDir(), "state.json")
	doc := `{"format_version":"1.0","values":{"root_module":{"child_modules":[{"resources":[{"address":"module.eks.aws_security_group.node","values":{"id":"` + sg + `","arn":"arn:aws:ec2:eu-west-1:123456789012:security-group/` + sg + `"}}]}]}}}`
	if err := os.WriteFile(state, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	tf, err := terraformIDs(state)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := fastOptions(cluster)
	if code := teardown(ctx, newScanner(c, o, tf), o, &out); code != 0 {
		t.Fatalf("teardown exit %d; output:\n%s", code, out.String())
	}
	if !inventory(t, c, n.zoneID)[kindSecurityGrp][sg] {
		t.Fatalf("teardown deleted Terraform's security group %s", sg)
	}

	// Without the state the same group is the cluster's, which proves the state is what saved it.
	if code := teardown(ctx, newScanner(c, o, nil), o, &out); code != 0 {
		t.Fatalf("teardown without state exit %d; output:\n%s", code, out.String())
	}
	if inventory(t, c, n.zoneID)[kindSecurityGrp][sg] {
		t.Fatalf("owned security group %s survived teardown without a state file", sg)
	}
}

// An EBS volume attached to a node cannot be deleted until the node is gone: teardown must give
// up at its deadline and say what remains and how to remove it — or, with -allow-attached,
// finish and name it as deferred.
func TestAttachedVolumeBoundsTheWaitAndIsReported(t *testing.T) {
	cluster := "bkt-attached"
	c := testClients(t)
	ctx := context.Background()
	n := newNetwork(t, c, "dev.example.com")
	inst := must(c.ec2.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(n.subnets[0]),
	})).Instances[0]
	vol := aws.ToString(must(c.ec2.CreateVolume(ctx, &ec2.CreateVolumeInput{
		AvailabilityZone: inst.Placement.AvailabilityZone, Size: aws.Int32(10),
		TagSpecifications: ec2TagSpec(ec2types.ResourceTypeVolume, map[string]string{"ebs.csi.aws.com/cluster": "true", "kubernetes.io/cluster/" + cluster: "owned"}),
	})).VolumeId)
	must(c.ec2.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(vol), InstanceId: inst.InstanceId, Device: aws.String("/dev/xvdba")}))

	var out bytes.Buffer
	o := fastOptions(cluster)
	o.timeout = 1500 * time.Millisecond
	began := time.Now()
	if code := teardown(ctx, newScanner(c, o, nil), o, &out); code != 1 {
		t.Fatalf("teardown exit %d, want 1 (leftover); output:\n%s", code, out.String())
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("teardown took %s with a 1.5s timeout", took)
	}
	for _, want := range []string{"remaining 1 EBS volume (attached)", "gave up after", "EBS volume " + vol, "why: attached to " + aws.ToString(inst.InstanceId), "aws ec2 detach-volume --region eu-west-1 --volume-id " + vol} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	o.allowAttached = true
	if code := teardown(ctx, newScanner(c, o, nil), o, &out); code != 0 {
		t.Fatalf("teardown -allow-attached exit %d, want 0; output:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "leave with their instances") || !strings.Contains(out.String(), vol) {
		t.Errorf("deferred volume not reported:\n%s", out.String())
	}
}
