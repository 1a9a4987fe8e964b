// Command kubectl is the upstream kubectl command tree (k8s.io/kubectl) built at the version
// pinned in tools/go.mod. Upstream's own main lives in k8s.io/kubernetes, which cannot be
// required as a module; this is the same wiring, so `scripts/gotool kubectl` gives every
// machine the same client without a download.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
