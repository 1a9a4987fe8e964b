// Command teardown deletes the AWS resources that in-cluster controllers created for one EKS
// cluster outside Terraform — load balancers, target groups, security groups, ENIs, EBS
// volumes and external-dns records — and waits, bounded and with progress, until they are
// gone, so that `terraform destroy` does not fail or hang on them. Whatever is still there at
// the deadline is printed with the command that removes it.
//
// It runs before `terraform destroy` with -allow-attached (volumes and ENIs still attached to
// nodes go with the nodes), and after it without, as the final leftover check. -check only
// reports. Exit status: 0 nothing left, 1 leftovers reported, 2 usage or API error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

type options struct {
	cluster       string
	region        string
	zoneIDs       []string
	txtOwner      string
	stateFile     string
	timeout       time.Duration
	interval      time.Duration
	checkOnly     bool
	allowAttached bool
}

var (
	clusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
	zoneID      = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var zones string
	fs := flag.NewFlagSet("teardown", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.cluster, "cluster", "", "EKS cluster name the controllers tagged resources with (required)")
	fs.StringVar(&o.region, "region", os.Getenv("AWS_REGION"), "AWS region (default $AWS_REGION)")
	fs.StringVar(&zones, "hosted-zone-ids", "", "comma-separated Route 53 zone IDs external-dns writes to (default: every zone in the account)")
	fs.StringVar(&o.txtOwner, "txt-owner-id", "", "external-dns --txt-owner-id (default: the cluster name)")
	fs.StringVar(&o.stateFile, "terraform-state", "", "`terraform show -json` output (- for stdin); resources in it are Terraform's and never deleted here")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "give up and report leftovers after this long")
	fs.DurationVar(&o.interval, "interval", 10*time.Second, "time between passes")
	fs.BoolVar(&o.checkOnly, "check", false, "only report what is left; delete nothing")
	fs.BoolVar(&o.allowAttached, "allow-attached", false, "do not wait for volumes and ENIs still attached to instances (use before terraform destroy)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: all inputs are flags", fs.Args())
	}
	if !clusterName.MatchString(o.cluster) {
		return o, fmt.Errorf("-cluster %q is not an EKS cluster name (letters, digits, '-' and '_', up to 100 characters); pass the cluster_vars CLUSTER_NAME, e.g. -cluster bkt-dev", o.cluster)
	}
	if o.region == "" {
		return o, errors.New("no region: pass -region or set AWS_REGION (e.g. eu-west-1)")
	}
	for z := range strings.SplitSeq(zones, ",") {
		z = strings.TrimPrefix(strings.TrimSpace(z), "/hostedzone/")
		if z == "" {
			continue
		}
		if !zoneID.MatchString(z) {
			return o, fmt.Errorf("-hosted-zone-ids: %q is not a Route 53 zone ID like Z0123456789ABCDEFGHIJ", z)
		}
		o.zoneIDs = append(o.zoneIDs, z)
	}
	if o.txtOwner == "" {
		o.txtOwner = o.cluster
	}
	if o.timeout <= 0 || o.interval <= 0 {
		return o, errors.New("-timeout and -interval must be positive durations such as 15m and 10s")
	}
	return o, nil
}

// terraformIDs collects the id and arn of every resource in `terraform show -json` output.
func terraformIDs(path string) (map[string]bool, error) {
	ids := map[string]bool{}
	if path == "" {
		return ids, nil
	}
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("-terraform-state: %w", err)
	}
	type module struct {
		Resources []struct {
			Values map[string]any `json:"values"`
		} `json:"resources"`
		ChildModules []json.RawMessage `json:"child_modules"`
	}
	var doc struct {
		Values *struct {
			RootModule json.RawMessage `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("-terraform-state %s is not `terraform show -json` output: %w", path, err)
	}
	if doc.Values == nil {
		return ids, nil // empty state: nothing is Terraform's
	}
	var walk func(json.RawMessage) error
	walk = func(m json.RawMessage) error {
		var mod module
		if err := json.Unmarshal(m, &mod); err != nil {
			return err
		}
		for _, r := range mod.Resources {
			for _, k := range []string{"id", "arn"} {
				if v, ok := r.Values[k].(string); ok && v != "" {
					ids[v] = true
				}
			}
		}
		for _, c := range mod.ChildModules {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Values.RootModule); err != nil {
		return nil, fmt.Errorf("-terraform-state %s: %w", path, err)
	}
	return ids, nil
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "teardown:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, opts, os.Stdout))
}

func run(ctx context.Context, o options, out io.Writer) int {
	tfIDs, err := terraformIDs(o.stateFile)
	if err != nil {
		fmt.Fprintln(out, "teardown:", err)
		return 2
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(o.region))
	if err != nil {
		fmt.Fprintln(out, "teardown: AWS configuration:", err)
		return 2
	}
	s := scanner{
		clients: clients{ec2: ec2.NewFromConfig(cfg), elbv2: elbv2.NewFromConfig(cfg), r53: route53.NewFromConfig(cfg), region: o.region},
		owner:   owner{cluster: o.cluster, terraform: tfIDs},
		zoneIDs: o.zoneIDs,
		txtOwn:  o.txtOwner,
	}
	return teardown(ctx, s, o, out)
}
