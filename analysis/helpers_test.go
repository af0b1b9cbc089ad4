package analysis_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// eps is the float64 unit roundoff, the scale of every tolerance below.
const eps = 0x1p-52

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// randn returns an r×c matrix of independent N(0, sd^2) entries.
func randn(rng *rand.Rand, r, c int, sd float64) *mat.Dense {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = sd * rng.NormFloat64()
	}
	return mat.NewDense(r, c, d)
}

// orthonormal returns an n×k matrix with orthonormal columns, the Q factor
// of a Gaussian matrix.
func orthonormal(rng *rand.Rand, n, k int) *mat.Dense {
	var qr mat.QR
	qr.Factorize(randn(rng, n, k, 1))
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, n, 0, k))
}

// construct returns U diag(s) V^T.
func construct(u, v *mat.Dense, s []float64) *mat.Dense {
	var us, a mat.Dense
	us.Mul(u, mat.NewDiagDense(len(s), s))
	a.Mul(&us, v.T())
	return &a
}

// relDiff returns ||a - b||_F / ||b||_F.
func relDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// orthoErr returns max |Q^T Q - I|.
func orthoErr(q mat.Matrix) float64 {
	var g mat.Dense
	g.Mul(q.T(), q)
	_, k := q.Dims()
	var m float64
	for i := range k {
		for j := range k {
			want := 0.0
			if i == j {
				want = 1
			}
			m = math.Max(m, math.Abs(g.At(i, j)-want))
		}
	}
	return m
}

// sameMatrix fails unless a and b are bitwise equal.
func sameMatrix(t *testing.T, what string, a, b mat.Matrix) {
	t.Helper()
	if !mat.Equal(a, b) {
		t.Errorf("%s: matrices differ, max |diff| = %g", what, maxAbsDiff(a, b))
	}
}

// maxAbsDiff returns max_ij |a_ij - b_ij|.
func maxAbsDiff(a, b mat.Matrix) float64 {
	da, _ := analysis.Flat(a)
	db, _ := analysis.Flat(b)
	return floats.Distance(da, db, math.Inf(1))
}

// unchanged returns a function that fails the test if a has changed since.
func unchanged(t *testing.T, what string, a mat.Matrix) func() {
	saved := mat.DenseCopyOf(a)
	return func() {
		t.Helper()
		sameMatrix(t, what+" was modified", a, saved)
	}
}
