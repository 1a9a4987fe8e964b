// Command cost prints the monthly list-price estimate of an environment from its Terraform
// plan (`terraform show -json <planfile>`), its node sizing and a few usage assumptions, with
// prices from prices.json (embedded; source and date inside). It exits 1 when the total is
// above -budget, 2 on bad input.
package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
)

//go:embed prices.json
var embeddedPrices []byte

type regionPrices struct {
	EKSStandardHour     float64            `json:"eks_cluster_hour_standard"`
	EKSExtendedHour     float64            `json:"eks_cluster_hour_extended"`
	NATHour             float64            `json:"nat_gateway_hour"`
	NATGB               float64            `json:"nat_gateway_gb"`
	PublicIPv4Hour      float64            `json:"public_ipv4_hour"`
	ALBHour             float64            `json:"alb_hour"`
	ALBLCUHour          float64            `json:"alb_lcu_hour"`
	NLBHour             float64            `json:"nlb_hour"`
	NLBLCUHour          float64            `json:"nlb_lcu_hour"`
	GP3GBMonth          float64            `json:"ebs_gp3_gb_month"`
	GP2GBMonth          float64            `json:"ebs_gp2_gb_month"`
	KMSKeyMonth         float64            `json:"kms_key_month"`
	ZoneMonth           float64            `json:"route53_zone_month"`
	LogIngestGB         float64            `json:"cloudwatch_logs_ingest_gb"`
	ECRGBMonth          float64            `json:"ecr_storage_gb_month"`
	SecretMonth         float64            `json:"secretsmanager_secret_month"`
	InterfaceEndpointAZ float64            `json:"vpc_interface_endpoint_az_hour"`
	EC2Hour             map[string]float64 `json:"ec2_hour"`
}

// assumptions are the usage figures a plan cannot know; each can be overridden by a flag.
type assumptions struct {
	SpotFraction   float64 `json:"spot_price_fraction"`
	SpotNote       string  `json:"spot_note"`
	ControllerALBs int     `json:"controller_albs"`
	ALBPublicIPs   int     `json:"alb_public_ips"`
	ALBLCU         float64 `json:"alb_lcu"`
	NATGB          float64 `json:"nat_gb"`
	LogIngestGB    float64 `json:"log_ingest_gb"`
	ECRGB          float64 `json:"ecr_gb"`
	PVGiB          float64 `json:"pv_gib"`
	NodeUptime     float64 `json:"node_uptime"`
}

type catalog struct {
	Currency      string                  `json:"currency"`
	AsOf          string                  `json:"as_of"`
	Source        string                  `json:"source"`
	Pages         map[string]string       `json:"pages"`
	HoursPerMonth float64                 `json:"hours_per_month"`
	Regions       map[string]regionPrices `json:"regions"`
	Assumptions   assumptions             `json:"assumptions"`
}

func loadCatalog(raw []byte) (catalog, error) {
	var c catalog
	dec := json.NewDecoder(bytesReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("price file: %w", err)
	}
	if c.HoursPerMonth <= 0 || len(c.Regions) == 0 || c.AsOf == "" || c.Source == "" {
		return c, errors.New("price file needs hours_per_month, as_of, source and at least one region")
	}
	return c, nil
}

type options struct {
	planFile   string
	pricesFile string
	region     string
	budget     float64
	a          assumptions
}

var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)

func parseFlags(args []string, defaults assumptions, stderr io.Writer) (options, error) {
	o := options{a: defaults}
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.planFile, "plan", "", "`terraform show -json <planfile>` output (required; - for stdin)")
	fs.StringVar(&o.pricesFile, "prices", "", "price file (default: the embedded prices.json)")
	fs.StringVar(&o.region, "region", "", "AWS region (default: the plan's region/aws_region variable, else $AWS_REGION)")
	fs.Float64Var(&o.budget, "budget", 0, "exit 1 when the monthly total is above this many dollars (0: no limit)")
	fs.Float64Var(&o.a.NodeUptime, "node-uptime", defaults.NodeUptime, "fraction of the month nodes run (scale to zero overnight: ~0.45)")
	fs.Float64Var(&o.a.SpotFraction, "spot-fraction", defaults.SpotFraction, "spot price as a fraction of on-demand")
	fs.IntVar(&o.a.ControllerALBs, "controller-albs", defaults.ControllerALBs, "load balancers the LB controller creates (one per IngressGroup)")
	fs.Float64Var(&o.a.NATGB, "nat-gb", defaults.NATGB, "GB per month through NAT gateways")
	fs.Float64Var(&o.a.LogIngestGB, "log-gb", defaults.LogIngestGB, "GB per month of CloudWatch Logs ingestion")
	fs.Float64Var(&o.a.PVGiB, "pv-gib", defaults.PVGiB, "GiB of gp3 persistent volumes the EBS CSI driver creates")
	fs.Float64Var(&o.a.ECRGB, "ecr-gb", defaults.ECRGB, "GB of images stored per ECR repository")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: all inputs are flags", fs.Args())
	}
	if o.planFile == "" {
		return o, errors.New("-plan is required: terraform -chdir=terraform/envs/dev plan -out=tfplan && terraform -chdir=terraform/envs/dev show -json tfplan > plan.json, then -plan plan.json")
	}
	if o.region != "" && !regionName.MatchString(o.region) {
		return o, fmt.Errorf("-region %q is not an AWS region name like eu-west-1", o.region)
	}
	if o.a.NodeUptime <= 0 || o.a.NodeUptime > 1 {
		return o, fmt.Errorf("-node-uptime %v must be in (0, 1]: the fraction of the month nodes run", o.a.NodeUptime)
	}
	if o.a.SpotFraction <= 0 || o.a.SpotFraction > 1 {
		return o, fmt.Errorf("-spot-fraction %v must be in (0, 1]", o.a.SpotFraction)
	}
	if o.a.ControllerALBs < 0 || o.a.NATGB < 0 || o.a.LogIngestGB < 0 || o.a.PVGiB < 0 || o.a.ECRGB < 0 || o.budget < 0 {
		return o, errors.New("counts, sizes and -budget cannot be negative")
	}
	return o, nil
}

func main() {
	cat, err := loadCatalog(embeddedPrices)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cost: embedded", err)
		os.Exit(2)
	}
	o, err := parseFlags(os.Args[1:], cat.Assumptions, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cost:", err)
		os.Exit(2)
	}
	os.Exit(run(o, cat, os.Stdin, os.Stdout, os.Stderr))
}

func run(o options, cat catalog, stdin io.Reader, stdout, stderr io.Writer) int {
	if o.pricesFile != "" {
		raw, err := os.ReadFile(o.pricesFile)
		if err == nil {
			cat, err = loadCatalog(raw)
		}
		if err != nil {
			fmt.Fprintln(stderr, "cost:", err)
			return 2
		}
	}
	var raw []byte
	var err error
	if o.planFile == "-" {
		raw, err = io.ReadAll(stdin)
	} else {
		raw, err = os.ReadFile(o.planFile)
	}
	if err != nil {
		fmt.Fprintln(stderr, "cost: reading plan:", err)
		return 2
	}
	p, err := parsePlan(raw)
	if err != nil {
		fmt.Fprintf(stderr, "cost: %s: %v\n", o.planFile, err)
		return 2
	}
	region := o.region
	if region == "" {
		region = p.region()
	}
	if region == "" {
		region = os.Getenv("AWS_REGION")
	}
	prices, ok := cat.Regions[region]
	if !ok {
		fmt.Fprintf(stderr, "cost: no prices for region %q in the price file; add them (with their source) or pass -region with one of %v\n", region, keys(cat.Regions))
		return 2
	}
	est, err := estimate(p, prices, cat.HoursPerMonth, o.a)
	if err != nil {
		fmt.Fprintln(stderr, "cost:", err)
		return 2
	}
	est.print(stdout, region, cat)
	if o.budget > 0 && est.total() > o.budget {
		fmt.Fprintf(stdout, "cost: OVER BUDGET: $%.2f/month is above $%.2f; see docs/cost.md for the levers\n", est.total(), o.budget)
		return 1
	}
	return 0
}
