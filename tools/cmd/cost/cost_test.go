package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

// testdata/plan.json is `terraform show -json` of a real plan of testdata/plan-src (Terraform
// 1.11, hashicorp/aws 5.100.0): an EKS cluster with STANDARD support, an ON_DEMAND group of
// 1 × t3.medium (30 GiB root) and a SPOT group of 2 × t3.large (50 GiB roots) with their
// launch templates, one NAT gateway with its EIP, a hosted zone, an ECR repository, a log
// group, a KMS key, a two-AZ interface endpoint and an SQS queue (not priced).

func defaults(t *testing.T) catalog {
	t.Helper()
	cat, err := loadCatalog(embeddedPrices)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func runCost(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cat := defaults(t)
	o, err := parseFlags(args, cat.Assumptions, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(o, cat, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestEstimateOfARealPlanMatchesHandArithmetic(t *testing.T) {
	p, err := parsePlan(must(os.ReadFile("testdata/plan.json")))
	if err != nil {
		t.Fatal(err)
	}
	cat := defaults(t)
	est, err := estimate(p, cat.Regions["eu-west-1"], 730, cat.Assumptions)
	if err != nil {
		t.Fatal(err)
	}
	// eu-west-1 list prices × 730 h, worked out by hand:
	want := 0.10*730 + // EKS control plane
		1*0.0456*730 + 30*0.088 + // on-demand t3.medium + 30 GiB gp3
		2*0.0912*0.35*730 + 2*50*0.088 + // spot t3.large at 35% + 2 × 50 GiB
		0.048*730 + 0.005*730 + 50*0.048 + // NAT hours, its EIP, 50 GB processed
		2*(0.0252+0.008+2*0.005)*730 + // the controller's two ALBs (public, admin): hours, 1 LCU, 2 public IPs each
		100*0.088 + // 100 GiB of CSI volumes
		0.50 + 2*0.10 + 1.00 + 5*0.57 + // zone, 2 GB ECR, KMS key, 5 GB logs
		0.011*2*730 // interface endpoint in two AZs
	if got := est.total(); math.Abs(got-want) > 0.005 {
		t.Errorf("total $%.2f, want $%.2f", got, want)
	}
	if est.unpriced["aws_sqs_queue"] != 1 || len(est.unpriced) != 1 {
		t.Errorf("unpriced %v, want only aws_sqs_queue", est.unpriced)
	}
	if len(est.warnings) != 1 || !strings.Contains(est.warnings[0], `this["default"] runs ON_DEMAND`) {
		t.Errorf("warnings %q, want the on-demand lever only", est.warnings)
	}
}

func TestScalingNodesToZeroOvernightScalesNodeCostsOnly(t *testing.T) {
	p, err := parsePlan(must(os.ReadFile("testdata/plan.json")))
	if err != nil {
		t.Fatal(err)
	}
	cat := defaults(t)
	full, _ := estimate(p, cat.Regions["eu-west-1"], 730, cat.Assumptions)
	half := cat.Assumptions
	half.NodeUptime = 0.5
	part, _ := estimate(p, cat.Regions["eu-west-1"], 730, half)
	nodes := 1*0.0456*730 + 30*0.088 + 2*0.0912*0.35*730 + 2*50*0.088
	if saved := full.total() - part.total(); math.Abs(saved-nodes/2) > 0.005 {
		t.Errorf("half uptime saved $%.2f, want half the node cost $%.2f", saved, nodes/2)
	}
}

func TestBudgetIsEnforced(t *testing.T) {
	code, out, _ := runCost(t, "-plan", "testdata/plan.json", "-budget", "250")
	if code != 1 || !strings.Contains(out, "OVER BUDGET") {
		t.Errorf("budget 250: exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCost(t, "-plan", "testdata/plan.json", "-budget", "300")
	if code != 0 || !strings.Contains(out, "TOTAL per month") || !strings.Contains(out, "as of 2026-11-26") {
		t.Errorf("budget 300: exit %d, output:\n%s", code, out)
	}
}

func TestExtendedSupportIsFlagged(t *testing.T) {
	raw := strings.Replace(string(must(os.ReadFile("testdata/plan.json"))), `"support_type":"STANDARD"`, `"support_type":"EXTENDED"`, -1)
	p, err := parsePlan([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	cat := defaults(t)
	est, _ := estimate(p, cat.Regions["eu-west-1"], 730, cat.Assumptions)
	if !strings.Contains(strings.Join(est.warnings, "\n"), `support_type is "EXTENDED", not STANDARD`) {
		t.Errorf("no extended-support warning in %q", est.warnings)
	}
}

func TestBadInputIsExplained(t *testing.T) {
	dir := t.TempDir()
	state := dir + "/state.json"
	os.WriteFile(state, []byte(`{"format_version":"1.0","values":{"root_module":{}}}`), 0o600)
	unknownType := dir + "/plan.json"
	os.WriteFile(unknownType, []byte(strings.Replace(string(must(os.ReadFile("testdata/plan.json"))), `"t3.medium"`, `"x9.huge"`, -1)), 0o600)
	cases := map[string]struct {
		args []string
		want string
	}{
		"state instead of plan": {[]string{"-plan", state}, "pass `terraform show -json` of a saved plan"},
		"unknown region":        {[]string{"-plan", "testdata/plan.json", "-region", "ap-south-2"}, `no prices for region "ap-south-2"`},
		"unknown instance type": {[]string{"-plan", unknownType}, `no price for instance type "x9.huge"`},
		"missing file":          {[]string{"-plan", dir + "/nope.json"}, "reading plan"},
	}
	for name, c := range cases {
		code, _, errOut := runCost(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", name, code, errOut, c.want)
		}
	}
	for name, args := range map[string][]string{
		"no plan":        {},
		"bad region":     {"-plan", "p", "-region", "Ireland"},
		"uptime of zero": {"-plan", "p", "-node-uptime", "0"},
		"negative gb":    {"-plan", "p", "-nat-gb", "-1"},
	} {
		if _, err := parseFlags(args, defaults(t).Assumptions, io.Discard); err == nil {
			t.Errorf("%s: flags accepted", name)
		}
	}
}

func TestEveryRegionPricesTheSameThings(t *testing.T) {
	cat := defaults(t)
	ref := cat.Regions["eu-west-1"]
	for name, r := range cat.Regions {
		for typ := range ref.EC2Hour {
			if r.EC2Hour[typ] <= 0 {
				t.Errorf("%s has no price for %s", name, typ)
			}
		}
		if r.EKSStandardHour <= 0 || r.NATHour <= 0 || r.ALBHour <= 0 || r.GP3GBMonth <= 0 || r.PublicIPv4Hour <= 0 {
			t.Errorf("%s lacks a core price: %+v", name, r)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
