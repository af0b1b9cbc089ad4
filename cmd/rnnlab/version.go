package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/internal/fblas"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the Go toolchain, the BLAS and the gemm kernel in use",
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := "(devel)"
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v = bi.Main.Version
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rnnlab %s\ngo %s %s/%s\nblas %s, %d threads\ngemm kernel %s\n",
				v, runtime.Version(), runtime.GOOS, runtime.GOARCH, fblas.Backend(), fblas.Threads(), fblas.Kernel())
			return nil
		},
	}
}
