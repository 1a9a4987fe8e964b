package twin

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/gocty"
)

// instanceType is what a node of one EC2 instance type offers the scheduler on EKS.
type instanceType struct {
	VCPU      int
	MemoryMiB int64
	// MaxPods with the vpc-cni add-on (no prefix delegation): ENIs × (IPv4 per ENI − 1) + 2.
	MaxPods int
}

// instanceTypes: the types the environments use. A node group naming another type fails the
// twin with a message naming it, so the table grows with the platform.
var instanceTypes = map[string]instanceType{
	"t3.large":  {VCPU: 2, MemoryMiB: 8192, MaxPods: 35},
	"t3a.large": {VCPU: 2, MemoryMiB: 8192, MaxPods: 35},
	"t3.xlarge": {VCPU: 4, MemoryMiB: 16384, MaxPods: 58},
	"m5.large":  {VCPU: 2, MemoryMiB: 8192, MaxPods: 29},
	"m5.xlarge": {VCPU: 4, MemoryMiB: 16384, MaxPods: 58},
	// prod's on-demand group: 4 ENIs of 15 IPv4 addresses each.
	"m6i.xlarge": {VCPU: 4, MemoryMiB: 16384, MaxPods: 58},
	"m6a.xlarge": {VCPU: 4, MemoryMiB: 16384, MaxPods: 58},
}

// allocatable applies the EKS AMI's reservations (its bootstrap's kube-reserved and the
// kubelet's hard eviction threshold): CPU 6 % of the first core, 1 % of the second, 0.5 % of
// the third and fourth, 0.25 % of the rest; memory 255 MiB + 11 MiB per pod, plus 100 MiB.
func (t instanceType) allocatable() (cpuMilli, memMiB int64) {
	reserved := 0.0
	for core := 1; core <= t.VCPU; core++ {
		switch {
		case core == 1:
			reserved += 60
		case core == 2:
			reserved += 10
		case core <= 4:
			reserved += 5
		default:
			reserved += 2.5
		}
	}
	cpuMilli = int64(t.VCPU)*1000 - int64(reserved)
	memMiB = t.MemoryMiB - (255 + 11*int64(t.MaxPods)) - 100
	return cpuMilli, memMiB
}

// NodeGroup is one managed node group as the environment's Terraform root declares it.
type NodeGroup struct {
	Name          string
	InstanceTypes []string
	CapacityType  string
	DesiredSize   int
	Zones         []string
}

// ReadNodeGroups reads the node groups of terraform/envs/<env>: the module "eks" block's
// node_groups keys, sized by the root's variable "nodes" (its type's optional defaults applied to
// its default value, as Terraform does with no tfvars), and the zones of local.availability_zones
// in the region the cluster variables name.
func ReadNodeGroups(root, env, region string) ([]NodeGroup, error) {
	dir := filepath.Join(root, "terraform", "envs", env)
	p := hclparse.NewParser()
	var nodes cty.Value
	var groupNames []string
	var zones []string
	for _, name := range []string{"variables.tf", "eks.tf", "locals.tf"} {
		f, diags := p.ParseHCLFile(filepath.Join(dir, name))
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %s", name, diags.Error())
		}
		body := f.Body.(*hclsyntax.Body)
		for _, block := range body.Blocks {
			switch {
			case block.Type == "variable" && len(block.Labels) == 1 && block.Labels[0] == "nodes":
				v, err := variableValue(block)
				if err != nil {
					return nil, fmt.Errorf("%s: variable \"nodes\": %w", name, err)
				}
				nodes = v
			case block.Type == "module" && len(block.Labels) == 1 && block.Labels[0] == "eks":
				attr, ok := block.Body.Attributes["node_groups"]
				if !ok {
					return nil, fmt.Errorf("%s: module \"eks\" has no node_groups", name)
				}
				obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr)
				if !ok {
					return nil, fmt.Errorf("%s: module \"eks\" node_groups is not an object", name)
				}
				for _, item := range obj.Items {
					key := hcl.ExprAsKeyword(item.KeyExpr)
					if key == "" {
						k, diags := item.KeyExpr.Value(nil)
						if diags.HasErrors() {
							return nil, fmt.Errorf("%s: a node_groups key is not a constant", name)
						}
						key = k.AsString()
					}
					groupNames = append(groupNames, key)
				}
			case block.Type == "locals":
				if attr, ok := block.Body.Attributes["availability_zones"]; ok {
					tuple, ok := attr.Expr.(*hclsyntax.TupleConsExpr)
					if !ok {
						return nil, fmt.Errorf("%s: local.availability_zones is not a list", name)
					}
					for _, e := range tuple.Exprs {
						// "${var.region}a": keep the suffix; the region comes from the variable.
						if tmpl, ok := e.(*hclsyntax.TemplateExpr); ok && len(tmpl.Parts) == 2 {
							if lit, ok := tmpl.Parts[1].(*hclsyntax.LiteralValueExpr); ok {
								zones = append(zones, lit.Val.AsString())
								continue
							}
						}
						return nil, fmt.Errorf("%s: an availability zone is not \"${var.region}<letter>\"", name)
					}
				}
			}
		}
	}
	if nodes == cty.NilVal {
		return nil, fmt.Errorf("%s: no variable \"nodes\"", dir)
	}
	if len(groupNames) != 1 {
		return nil, fmt.Errorf("%s: expected one node group sized by var.nodes, found %v", dir, groupNames)
	}
	if len(zones) == 0 {
		zones = []string{"a"}
	}
	for i := range zones {
		zones[i] = region + zones[i]
	}
	var g NodeGroup
	g.Name = groupNames[0]
	g.Zones = zones
	if err := gocty.FromCtyValue(nodes.GetAttr("instance_types"), &g.InstanceTypes); err != nil {
		return nil, err
	}
	g.CapacityType = nodes.GetAttr("capacity_type").AsString()
	if err := gocty.FromCtyValue(nodes.GetAttr("desired_size"), &g.DesiredSize); err != nil {
		return nil, err
	}
	for _, t := range g.InstanceTypes {
		if _, ok := instanceTypes[t]; !ok {
			known := make([]string, 0, len(instanceTypes))
			for k := range instanceTypes {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, fmt.Errorf("instance type %q of node group %q has no entry in the twin's table (tests/twin/nodes.go; known: %v)", t, g.Name, known)
		}
	}
	return []NodeGroup{g}, nil
}

// variableValue is a variable's default with its type's optional attribute defaults applied.
func variableValue(block *hclsyntax.Block) (cty.Value, error) {
	typeAttr, ok := block.Body.Attributes["type"]
	if !ok {
		return cty.NilVal, fmt.Errorf("no type")
	}
	ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(typeAttr.Expr)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("type: %s", diags.Error())
	}
	defAttr, ok := block.Body.Attributes["default"]
	if !ok {
		return cty.NilVal, fmt.Errorf("no default (the twin sizes nodes from the root's defaults)")
	}
	v, diags := defAttr.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("default: %s", diags.Error())
	}
	if defaults != nil {
		v = defaults.Apply(v)
	}
	v, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("default does not match the type: %w", err)
	}
	return v, nil
}
