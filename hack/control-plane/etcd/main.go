// Command etcd is upstream's etcd server, built from the Go module proxy so the
// test harness needs no downloads from release pages.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
