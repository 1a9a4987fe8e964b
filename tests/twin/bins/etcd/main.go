// Command etcd is etcd v3.6 for the twin: the server's own entry point, unchanged. Debian ships
// etcd 3.4, whose watch cache lacks progress notifications and slows the API server's reads.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
