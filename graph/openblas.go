//go:build openblas

package graph

import (
	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"

	// Links OpenBLAS (its cgo flags) and switches gonum's BLAS to it.
	_ "github.com/rnnlab/rnnlab/internal/fblas"
)

// With the openblas build tag gorgonia's graphs run their matrix products on
// OpenBLAS too.
func init() { gorgonia.Use(netlib.Implementation{}) }
