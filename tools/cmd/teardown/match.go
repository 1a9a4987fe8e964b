package main

// Tag keys written by the controllers that create AWS resources outside Terraform.
// Sources: AWS Load Balancer Controller (elbv2.k8s.aws/*), Kubernetes cloud provider
// convention (kubernetes.io/cluster/<name>), EBS CSI driver (ebs.csi.aws.com/cluster,
// KubernetesCluster), Amazon VPC CNI (cluster.k8s.amazonaws.com/name) and EKS itself
// (aws:eks:cluster-name).
const (
	tagLBCCluster   = "elbv2.k8s.aws/cluster"
	tagCSICluster   = "ebs.csi.aws.com/cluster"
	tagLegacyOwner  = "KubernetesCluster"
	tagCNICluster   = "cluster.k8s.amazonaws.com/name"
	tagEKSManaged   = "aws:eks:cluster-name"
	clusterTagPrefx = "kubernetes.io/cluster/"
)

// owner decides whether a resource was created for one cluster by a controller, and so is
// teardown's to delete. Resources Terraform manages (their IDs come from the state) and
// resources EKS manages are never teardown's: Terraform and EKS delete those themselves, and
// deleting them early would break `terraform destroy`.
type owner struct {
	cluster   string
	terraform map[string]bool
}

func (o owner) clusterTag() string { return clusterTagPrefx + o.cluster }

// managedElsewhere reports a resource that carries a cluster tag but belongs to Terraform or EKS.
func (o owner) managedElsewhere(id string, tags map[string]string) bool {
	if o.terraform[id] {
		return true
	}
	_, eks := tags[tagEKSManaged]
	return eks
}

// loadBalancerOwned covers ALBs/NLBs and target groups: the LB controller tags them with
// elbv2.k8s.aws/cluster; the in-tree service controller with kubernetes.io/cluster/<name>=owned.
func (o owner) loadBalancerOwned(id string, tags map[string]string) bool {
	if o.managedElsewhere(id, tags) {
		return false
	}
	return tags[tagLBCCluster] == o.cluster || tags[o.clusterTag()] == "owned"
}

// securityGroupOwned: the LB controller's frontend and backend groups carry its cluster tag;
// groups for in-tree load balancers carry the ownership tag.
func (o owner) securityGroupOwned(id string, tags map[string]string) bool {
	return o.loadBalancerOwned(id, tags)
}

// networkInterfaceOwned adds the VPC CNI's tag: ENIs it leaks when a node dies abruptly stay
// "available" and block subnet and security group deletion.
func (o owner) networkInterfaceOwned(id string, tags map[string]string) bool {
	if o.managedElsewhere(id, tags) {
		return false
	}
	return o.loadBalancerOwned(id, tags) || tags[tagCNICluster] == o.cluster
}

// volumeOwned needs a cluster-specific tag: ebs.csi.aws.com/cluster=true alone is written by
// every cluster's driver in the account.
func (o owner) volumeOwned(id string, tags map[string]string) bool {
	if o.managedElsewhere(id, tags) {
		return false
	}
	if tags[tagLegacyOwner] == o.cluster {
		return true
	}
	return tags[tagCSICluster] == "true" && tags[o.clusterTag()] == "owned"
}
