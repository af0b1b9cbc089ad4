package graph

import (
	"gorgonia.org/gorgonia"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/gemm"
)

// Gorgonia's graphs run their matrix products on the BLAS that fblas
// chose: the assembly gemm kernel (avx512, avx2) or OpenBLAS. Under the
// gonum kernel gorgonia keeps its own default, gonum's BLAS, untouched.
func init() {
	if fblas.Kernel() != gemm.Gonum {
		gorgonia.Use(fblas.Blas())
	}
}
