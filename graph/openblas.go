//go:build openblas

package graph

import (
	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"
)

// With the openblas build tag gorgonia's graphs run their matrix products on
// OpenBLAS too.
func init() { gorgonia.Use(netlib.Implementation{}) }
