//go:build openblas

package fblas

/*
#cgo LDFLAGS: -L/usr/lib/x86_64-linux-gnu/openblas-pthread -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// openblasBuild is true with the openblas build tag.
const openblasBuild = true

// useOpenBLAS sends every gemm to OpenBLAS through gonum's cgo bindings,
// untiled: OpenBLAS parallelises by itself, with Threads() threads. It
// runs unless RNNLAB_GEMM forces another kernel.
func useOpenBLAS() BLAS {
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	setBackendThreads = func(n int) { C.openblas_set_num_threads(C.int(n)) }
	setBackendThreads(Threads())
	return netlib.Implementation{}
}
