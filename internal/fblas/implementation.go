package fblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's BLAS with Dgemm and Sgemm computed by Gemm:
// the packed assembly kernel, tiled over Threads() goroutines. It is what
// blas64, blas32 and gorgonia use under an assembly kernel.
type Implementation struct{ gonum.Implementation }

var _ BLAS = Implementation{}

// Dgemm computes C = alpha op(A) op(B) + beta C in float64, checking its
// arguments as gonum does (it panics on bad ones).
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		Gemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// Sgemm is Dgemm in float32.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		Gemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
}

// checkGemm panics, with gonum's messages, on the arguments gonum's Dgemm
// rejects, and reports whether there is anything to compute.
func checkGemm(tA, tB blas.Transpose, m, n, k, na, lda, nb, ldb, nc, ldc int) bool {
	valid := func(t blas.Transpose) bool { return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans }
	switch {
	case !valid(tA):
		panic("blas: illegal transpose")
	case !valid(tB):
		panic("blas: illegal transpose")
	case m < 0:
		panic("blas: m < 0")
	case n < 0:
		panic("blas: n < 0")
	case k < 0:
		panic("blas: k < 0")
	}
	rowA, colA := m, k
	if tA != blas.NoTrans {
		rowA, colA = k, m
	}
	rowB, colB := k, n
	if tB != blas.NoTrans {
		rowB, colB = n, k
	}
	switch {
	case lda < max(1, colA):
		panic("blas: bad leading dimension of A")
	case ldb < max(1, colB):
		panic("blas: bad leading dimension of B")
	case ldc < max(1, n):
		panic("blas: bad leading dimension of C")
	}
	if m == 0 || n == 0 {
		return false
	}
	switch {
	case na < lda*(rowA-1)+colA:
		panic("blas: insufficient length of a")
	case nb < ldb*(rowB-1)+colB:
		panic("blas: insufficient length of b")
	case nc < ldc*(m-1)+n:
		panic("blas: insufficient length of c")
	}
	return true
}
