package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

const testRegion = "eu-west-1"

// TestMain shares one moto server between the tests (its EC2 backend takes ~10 s to warm up);
// tests keep apart by using their own cluster names, VPCs and hosted zones. The server is the
// one `make setup` installs: a missing server fails the run, it is never skipped.
// TEARDOWN_TEST_ENDPOINT points the tests at an emulator someone else runs (the lifecycle test).
func TestMain(m *testing.M) {
	os.Setenv("AWS_ACCESS_KEY_ID", "test")
	os.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	os.Setenv("AWS_REGION", testRegion)
	os.Unsetenv("AWS_PROFILE")
	if url := os.Getenv("TEARDOWN_TEST_ENDPOINT"); url != "" {
		os.Setenv("AWS_ENDPOINT_URL", url)
		os.Exit(m.Run())
	}
	os.Unsetenv("AWS_CA_BUNDLE") // our own server speaks plain HTTP
	stop, err := startEmulator()
	if err != nil {
		fmt.Fprintln(os.Stderr, "teardown tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func startEmulator() (stop func(), err error) {
	bin := os.Getenv("MOTO_SERVER")
	if bin == "" {
		bin, _ = filepath.Abs("../../../.venv/bin/moto_server")
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("moto server not found (run `make setup`, or set MOTO_SERVER): %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		resp, err := http.Get(url + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 300 {
			stop()
			return nil, fmt.Errorf("moto server on %s did not answer within 15s: %w", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	os.Setenv("AWS_ENDPOINT_URL", url)
	return stop, nil
}

func testClients(t *testing.T) clients {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	return clients{ec2: ec2.NewFromConfig(cfg), elbv2: elbv2.NewFromConfig(cfg), r53: route53.NewFromConfig(cfg), region: testRegion}
}

// network is where the controllers' resources live: the cluster's VPC, two subnets in
// different zones (an ALB needs two) and the environment's hosted zone.
type network struct {
	vpcID   string
	subnets []string
	zoneID  string
	domain  string
}

// created records what createControllerResources made, by kind, for assertions.
type created struct {
	owned    map[string][]string // kind -> ids teardown must delete
	survivor map[string][]string // kind -> ids teardown must leave alone
}

func ec2TagSpec(rt ec2types.ResourceType, tags map[string]string) []ec2types.TagSpecification {
	spec := ec2types.TagSpecification{ResourceType: rt}
	for k, v := range tags {
		spec.Tags = append(spec.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return []ec2types.TagSpecification{spec}
}

func elbTags(tags map[string]string) []elbv2types.Tag {
	var out []elbv2types.Tag
	for k, v := range tags {
		out = append(out, elbv2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

// must keeps fixture code readable; a failed AWS call panics, which fails the test with the
// call's stack (cleanups still stop the emulator).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// createControllerResources creates, out of band, what the AWS Load Balancer Controller,
// external-dns and the EBS CSI driver would create for cluster, tagged the way they tag
// them, plus look-alikes of other owners that teardown must not touch.
func createControllerResources(t *testing.T, c clients, cluster string, n network) created {
	t.Helper()
	ctx := context.Background()
	res := created{owned: map[string][]string{}, survivor: map[string][]string{}}
	lbc := map[string]string{"elbv2.k8s.aws/cluster": cluster, "ingress.k8s.aws/stack": "bkt-shared"}
	clusterOwned := "kubernetes.io/cluster/" + cluster

	newSG := func(name string, tags map[string]string) string {
		out := must(c.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(n.vpcID),
			TagSpecifications: ec2TagSpec(ec2types.ResourceTypeSecurityGroup, tags),
		}))
		return aws.ToString(out.GroupId)
	}
	frontend := newSG("k8s-bktshared-frontend", merge(lbc, map[string]string{"elbv2.k8s.aws/resource": "ManagedLBSecurityGroup", "ingress.k8s.aws/resource": "ManagedLBSecurityGroup"}))
	backend := newSG("k8s-traffic-"+cluster, map[string]string{"elbv2.k8s.aws/cluster": cluster, "elbv2.k8s.aws/resource": "backend-sg"})
	legacy := newSG("k8s-elb-legacy", map[string]string{clusterOwned: "owned"})
	res.owned[kindSecurityGrp] = []string{frontend, backend, legacy}

	// A node group the controller opened to its backend group: the rule must go, the group stay.
	nodes := newSG("nodes-not-controller-made", map[string]string{"Name": cluster + "-node"})
	must(c.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(nodes),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(0), ToPort: aws.Int32(65535),
			UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(backend)}}}},
	}))
	otherCluster := newSG("k8s-other-cluster", map[string]string{"elbv2.k8s.aws/cluster": "other-" + cluster, "kubernetes.io/cluster/other-" + cluster: "owned"})
	eksManaged := newSG("eks-cluster-sg-"+cluster, map[string]string{clusterOwned: "owned", "aws:eks:cluster-name": cluster})
	res.survivor[kindSecurityGrp] = []string{nodes, otherCluster, eksManaged}

	alb := must(c.elbv2.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{
		Name: aws.String(cluster + "-shared-alb"), Subnets: n.subnets, SecurityGroups: []string{frontend, backend},
		Scheme: elbv2types.LoadBalancerSchemeEnumInternetFacing, Type: elbv2types.LoadBalancerTypeEnumApplication,
		Tags: elbTags(merge(lbc, map[string]string{"ingress.k8s.aws/resource": "LoadBalancer"})),
	})).LoadBalancers[0]
	res.owned[kindLoadBalancer] = []string{aws.ToString(alb.LoadBalancerArn)}

	newTG := func(name string, tags map[string]string) string {
		out := must(c.elbv2.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
			Name: aws.String(name), Protocol: elbv2types.ProtocolEnumHttp, Port: aws.Int32(8080),
			VpcId: aws.String(n.vpcID), TargetType: elbv2types.TargetTypeEnumIp, Tags: elbTags(tags),
		}))
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	ingressTG := newTG(cluster+"-ingress-tg", merge(lbc, map[string]string{"ingress.k8s.aws/resource": "sample-app/sample-app-sample-app:http"}))
	serviceTG := newTG(cluster+"-service-tg", map[string]string{"elbv2.k8s.aws/cluster": cluster,
		"service.k8s.aws/stack": "grafana/grafana", "service.k8s.aws/resource": "8080"})
	res.owned[kindTargetGroup] = []string{ingressTG, serviceTG}
	res.survivor[kindTargetGroup] = []string{newTG(cluster+"-foreign-tg", map[string]string{"team": "someone-else"})}
	must(c.elbv2.CreateListener(ctx, &elbv2.CreateListenerInput{
		LoadBalancerArn: alb.LoadBalancerArn, Protocol: elbv2types.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward, TargetGroupArn: aws.String(ingressTG)}},
	}))

	eni := must(c.ec2.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{
		SubnetId: aws.String(n.subnets[0]), Groups: []string{frontend}, Description: aws.String("left by a controller"),
		TagSpecifications: ec2TagSpec(ec2types.ResourceTypeNetworkInterface, merge(lbc, map[string]string{clusterOwned: "owned"})),
	}))
	res.owned[kindENI] = []string{aws.ToString(eni.NetworkInterface.NetworkInterfaceId)}

	newVolume := func(tags map[string]string) string {
		out := must(c.ec2.CreateVolume(ctx, &ec2.CreateVolumeInput{
			AvailabilityZone: aws.String(testRegion + "a"), Size: aws.Int32(10), VolumeType: ec2types.VolumeTypeGp3,
			TagSpecifications: ec2TagSpec(ec2types.ResourceTypeVolume, tags),
		}))
		return aws.ToString(out.VolumeId)
	}
	res.owned[kindVolume] = []string{newVolume(map[string]string{
		"ebs.csi.aws.com/cluster": "true", clusterOwned: "owned", "KubernetesCluster": cluster,
		"CSIVolumeName": "pvc-0b5c7c1e-1111-4c3e-9d7a-2f1e8c1d0a01", "kubernetes.io/created-for/pvc/name": "data-mysql-0",
		"kubernetes.io/created-for/pvc/namespace": "mysql",
	})}
	res.survivor[kindVolume] = []string{
		newVolume(map[string]string{"ebs.csi.aws.com/cluster": "true", "kubernetes.io/cluster/other-" + cluster: "owned"}),
		newVolume(map[string]string{"Name": "hand-made"}),
	}

	// external-dns: an alias A record to the ALB with its new-format TXT, and a CNAME with both
	// the new-format and the legacy TXT. Another owner's pair in the same zone must survive.
	txt := func(owner, resource string) string {
		return fmt.Sprintf(`"heritage=external-dns,external-dns/owner=%s,external-dns/resource=%s"`, owner, resource)
	}
	app, grafana, foreign := "sample-app."+n.domain, "grafana."+n.domain, "legacy-app."+n.domain
	changes := []r53types.Change{
		upsertAlias(app, aws.ToString(alb.DNSName), aws.ToString(alb.CanonicalHostedZoneId)),
		upsert(app, r53types.RRTypeTxt, txt(cluster, "ingress/sample-app/sample-app")),
		upsert("a-"+app, r53types.RRTypeTxt, txt(cluster, "ingress/sample-app/sample-app")),
		upsert(grafana, r53types.RRTypeCname, aws.ToString(alb.DNSName)),
		upsert("cname-"+grafana, r53types.RRTypeTxt, txt(cluster, "ingress/grafana/grafana")),
		upsert(foreign, r53types.RRTypeA, "192.0.2.10"),
		upsert("a-"+foreign, r53types.RRTypeTxt, txt("other-"+cluster, "ingress/legacy/legacy")),
		upsert("www."+n.domain, r53types.RRTypeA, "192.0.2.11"),
	}
	must(c.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(n.zoneID), ChangeBatch: &r53types.ChangeBatch{Changes: changes},
	}))
	res.owned[kindDNSRecord] = []string{app + ". A", app + ". TXT", "a-" + app + ". TXT", grafana + ". CNAME", "cname-" + grafana + ". TXT"}
	res.survivor[kindDNSRecord] = []string{foreign + ". A", "a-" + foreign + ". TXT", "www." + n.domain + ". A"}
	return res
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func upsert(name string, typ r53types.RRType, value string) r53types.Change {
	return r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
		Name: aws.String(name), Type: typ, TTL: aws.Int64(300), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}},
	}}
}

func upsertAlias(name, target, zone string) r53types.Change {
	return r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
		Name: aws.String(name), Type: r53types.RRTypeA,
		AliasTarget: &r53types.AliasTarget{DNSName: aws.String(target), HostedZoneId: aws.String(zone), EvaluateTargetHealth: true},
	}}
}

// inventory lists, straight from the AWS API and independently of the scanner, which of
// the given ids exist now.
func inventory(t *testing.T, c clients, zoneID string) map[string]map[string]bool {
	t.Helper()
	ctx := context.Background()
	have := map[string]map[string]bool{}
	add := func(kind, id string) {
		if have[kind] == nil {
			have[kind] = map[string]bool{}
		}
		have[kind][id] = true
	}
	for _, lb := range must(c.elbv2.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})).LoadBalancers {
		add(kindLoadBalancer, aws.ToString(lb.LoadBalancerArn))
	}
	for _, tg := range must(c.elbv2.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})).TargetGroups {
		add(kindTargetGroup, aws.ToString(tg.TargetGroupArn))
	}
	for _, sg := range must(c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})).SecurityGroups {
		add(kindSecurityGrp, aws.ToString(sg.GroupId))
	}
	for _, e := range must(c.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{})).NetworkInterfaces {
		add(kindENI, aws.ToString(e.NetworkInterfaceId))
	}
	for _, v := range must(c.ec2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{})).Volumes {
		add(kindVolume, aws.ToString(v.VolumeId))
	}
	for _, rr := range must(c.r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})).ResourceRecordSets {
		add(kindDNSRecord, aws.ToString(rr.Name)+" "+string(rr.Type))
	}
	return have
}

// assertTornDown checks that every owned resource is gone, and that nothing else changed:
// what existed before the fixtures were made, and every survivor, is still there.
func assertTornDown(t *testing.T, c clients, zoneID string, before map[string]map[string]bool, res created) {
	t.Helper()
	have := inventory(t, c, zoneID)
	for kind, ids := range res.owned {
		for _, id := range ids {
			if have[kind][id] {
				t.Errorf("%s %s created for the cluster is still there after teardown", kind, id)
			}
		}
	}
	for kind, ids := range res.survivor {
		for _, id := range ids {
			if !have[kind][id] {
				t.Errorf("%s %s is not the cluster's, but teardown deleted it", kind, id)
			}
		}
	}
	for kind, ids := range before {
		for id := range ids {
			if !have[kind][id] {
				t.Errorf("%s %s existed before the controllers' resources were made, but teardown deleted it", kind, id)
			}
		}
	}
}

func newNetwork(t *testing.T, c clients, domain string) network {
	t.Helper()
	ctx := context.Background()
	vpc := must(c.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc
	n := network{vpcID: aws.ToString(vpc.VpcId), domain: domain}
	for i, az := range []string{"a", "b"} {
		sn := must(c.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{
			VpcId: vpc.VpcId, CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i)), AvailabilityZone: aws.String(testRegion + az),
		})).Subnet
		n.subnets = append(n.subnets, aws.ToString(sn.SubnetId))
	}
	zone := must(c.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(domain), CallerReference: aws.String(fmt.Sprint(t.Name(), time.Now().UnixNano()))}))
	n.zoneID = strings.TrimPrefix(aws.ToString(zone.HostedZone.Id), "/hostedzone/")
	return n
}
