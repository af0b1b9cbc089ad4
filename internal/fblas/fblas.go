package fblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Float is the set of element types the engines compute in.
type Float interface{ ~float32 | ~float64 }

// gonumGemm calls blas64's Dgemm or blas32's Sgemm: gonum's own under the
// gonum kernel, OpenBLAS under openblas.
func gonumGemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	ta, tb := trans(tA), trans(tB)
	switch a := any(a).(type) {
	case []float64:
		blas64.Implementation().Dgemm(ta, tb, m, n, k, float64(alpha), a, lda,
			any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		blas32.Implementation().Sgemm(ta, tb, m, n, k, float32(alpha), a, lda,
			any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	default:
		panic("fblas: unsupported element type")
	}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Convert copies src into dst, converting element types; len(dst) must be
// at least len(src).
func Convert[D, S Float](dst []D, src []S) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = D(v)
	}
}

// Backend names the BLAS implementation in use.
func Backend() string { return backend }

// backend is set by the kernel: "gonum (pure Go)" for gonum's.
var backend = "gonum (pure Go)"

// tiled says whether Gemm splits products into tiles on its own worker
// pool (the assembly kernels and gonum's) or calls the BLAS once and lets
// it parallelise (OpenBLAS).
var tiled = true

// setBackendThreads tells a multi-threaded BLAS how many threads to use.
var setBackendThreads = func(int) {}

// ThreadInvariant reports whether results are bit-identical whatever the
// number of threads: true for the tiled pure-Go gemms, false for OpenBLAS,
// whose threaded kernels may split sums differently.
func ThreadInvariant() bool { return tiled }
