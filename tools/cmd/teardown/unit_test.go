package main

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

func rrset(name string, typ r53types.RRType, values ...string) r53types.ResourceRecordSet {
	rr := r53types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(300)}
	for _, v := range values {
		rr.ResourceRecords = append(rr.ResourceRecords, r53types.ResourceRecord{Value: aws.String(v)})
	}
	return rr
}

func names(rrs []r53types.ResourceRecordSet) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, *rr.Name+" "+string(rr.Type))
	}
	slices.Sort(out)
	return out
}

func TestOwnedRecordsFollowTheTXTRegistry(t *testing.T) {
	mine := `"heritage=external-dns,external-dns/owner=bkt-dev,external-dns/resource=ingress/a/b"`
	theirs := `"heritage=external-dns,external-dns/owner=bkt-prod,external-dns/resource=ingress/a/b"`
	records := []r53types.ResourceRecordSet{
		rrset("dev.example.com.", r53types.RRTypeNs, "ns-1.example."),
		rrset("app.dev.example.com.", r53types.RRTypeA, "192.0.2.1"),
		rrset("a-app.dev.example.com.", r53types.RRTypeTxt, mine),
		rrset("app.dev.example.com.", r53types.RRTypeAaaa, "2001:db8::1"), // no aaaa- TXT: not claimed
		rrset("old.dev.example.com.", r53types.RRTypeCname, "lb.example."),
		rrset("old.dev.example.com.", r53types.RRTypeTxt, mine), // legacy format claims its own name
		rrset("prod.dev.example.com.", r53types.RRTypeA, "192.0.2.2"),
		rrset("a-prod.dev.example.com.", r53types.RRTypeTxt, theirs),
		rrset("note.dev.example.com.", r53types.RRTypeTxt, `"v=spf1 -all"`),
		rrset("note.dev.example.com.", r53types.RRTypeA, "192.0.2.3"),
	}
	got := names(ownedRecords(records, "bkt-dev"))
	want := []string{"a-app.dev.example.com. TXT", "app.dev.example.com. A", "old.dev.example.com. CNAME", "old.dev.example.com. TXT"}
	if !slices.Equal(got, want) {
		t.Errorf("owned records\n got %q\nwant %q", got, want)
	}
	if got := ownedRecords(records, "nobody"); len(got) != 0 {
		t.Errorf("owner 'nobody' claims %q", names(got))
	}
}

func TestOwnerRulesNeedAClusterSpecificTag(t *testing.T) {
	o := owner{cluster: "bkt-dev", terraform: map[string]bool{"sg-terraform": true}}
	cases := []struct {
		name string
		fn   func(string, map[string]string) bool
		id   string
		tags map[string]string
		want bool
	}{
		{"LB controller load balancer", o.loadBalancerOwned, "arn:lb", map[string]string{"elbv2.k8s.aws/cluster": "bkt-dev"}, true},
		{"load balancer of another cluster", o.loadBalancerOwned, "arn:lb", map[string]string{"elbv2.k8s.aws/cluster": "bkt-prod"}, false},
		{"shared (not owned) cluster tag", o.securityGroupOwned, "sg-1", map[string]string{"kubernetes.io/cluster/bkt-dev": "shared"}, false},
		{"owned cluster tag", o.securityGroupOwned, "sg-1", map[string]string{"kubernetes.io/cluster/bkt-dev": "owned"}, true},
		{"EKS cluster security group", o.securityGroupOwned, "sg-1", map[string]string{"kubernetes.io/cluster/bkt-dev": "owned", "aws:eks:cluster-name": "bkt-dev"}, false},
		{"Terraform's security group", o.securityGroupOwned, "sg-terraform", map[string]string{"kubernetes.io/cluster/bkt-dev": "owned"}, false},
		{"VPC CNI leaked ENI", o.networkInterfaceOwned, "eni-1", map[string]string{"cluster.k8s.amazonaws.com/name": "bkt-dev"}, true},
		{"CSI volume of this cluster", o.volumeOwned, "vol-1", map[string]string{"ebs.csi.aws.com/cluster": "true", "kubernetes.io/cluster/bkt-dev": "owned"}, true},
		{"CSI volume of some cluster", o.volumeOwned, "vol-1", map[string]string{"ebs.csi.aws.com/cluster": "true"}, false},
		{"volume with KubernetesCluster tag", o.volumeOwned, "vol-1", map[string]string{"KubernetesCluster": "bkt-dev"}, true},
		{"untagged volume", o.volumeOwned, "vol-1", map[string]string{}, false},
	}
	for _, c := range cases {
		if got := c.fn(c.id, c.tags); got != c.want {
			t.Errorf("%s: owned = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPermissionsReferencingKeepsOtherPartsOfARule(t *testing.T) {
	perms := []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80),
		IpRanges:         []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}},
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-keep")}, {GroupId: aws.String("sg-gone")}},
	}, {IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-keep")}}}}
	got := permissionsReferencing(perms, "sg-gone")
	if len(got) != 1 || len(got[0].UserIdGroupPairs) != 1 || aws.ToString(got[0].UserIdGroupPairs[0].GroupId) != "sg-gone" || len(got[0].IpRanges) != 0 {
		t.Fatalf("revocation should name only the sg-gone pair, got %+v", got)
	}
}

func TestFlagsRejectBadInputWithAHint(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	cases := map[string]struct {
		args []string
		hint string
	}{
		"missing cluster":    {[]string{"-region", "eu-west-1"}, "pass the cluster_vars CLUSTER_NAME"},
		"cluster with space": {[]string{"-cluster", "bkt dev", "-region", "eu-west-1"}, "is not an EKS cluster name"},
		"no region":          {[]string{"-cluster", "bkt-dev"}, "set AWS_REGION"},
		"bad zone id":        {[]string{"-cluster", "bkt-dev", "-region", "eu-west-1", "-hosted-zone-ids", "example.com"}, "is not a Route 53 zone ID"},
		"zero timeout":       {[]string{"-cluster", "bkt-dev", "-region", "eu-west-1", "-timeout", "0s"}, "must be positive"},
		"stray argument":     {[]string{"-cluster", "bkt-dev", "-region", "eu-west-1", "down"}, "all inputs are flags"},
	}
	for name, c := range cases {
		_, err := parseFlags(c.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.hint) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.hint)
		}
	}
	o, err := parseFlags([]string{"-cluster", "bkt-dev", "-region", "eu-west-1", "-hosted-zone-ids", "/hostedzone/Z0ABC, Z1DEF"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.zoneIDs, []string{"Z0ABC", "Z1DEF"}) || o.txtOwner != "bkt-dev" {
		t.Errorf("parsed zones %q owner %q", o.zoneIDs, o.txtOwner)
	}
}

func TestTerraformIDsRejectsNonJSONState(t *testing.T) {
	path := t.TempDir() + "/state.json"
	if err := os.WriteFile(path, []byte("No state."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := terraformIDs(path); err == nil || !strings.Contains(err.Error(), "is not `terraform show -json` output") {
		t.Errorf("error %v", err)
	}
}

func TestTerraformIDsReadsStdinForDash(t *testing.T) {
	path := t.TempDir() + "/state.json"
	doc := `{"values":{"root_module":{"resources":[{"values":{"id":"sg-1","arn":"arn:aws:ec2:eu-west-1:1:security-group/sg-1"}}],` +
		`"child_modules":[{"resources":[{"values":{"id":"vol-2"}}]}]}}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	ids, err := terraformIDs("-")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sg-1", "arn:aws:ec2:eu-west-1:1:security-group/sg-1", "vol-2"} {
		if !ids[id] {
			t.Errorf("%s missing from %v", id, ids)
		}
	}
}
