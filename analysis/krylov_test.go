package analysis_test

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// residual returns ||x - P x||_F / ||x||_F for the projector P onto the
// columns of the orthonormal basis: 0 when x lies in the span.
func residual(basis, x mat.Matrix) float64 {
	var c, px mat.Dense
	c.Mul(basis.T(), x)
	px.Mul(basis, &c)
	return relDiff(&px, x)
}

// TestKrylovSpansPowers checks, for a random operator and a block of two
// starting vectors, that the basis is orthonormal, has the generic
// dimension (q+1)·m, and contains every a^p b, p <= q. The powers of a
// matrix with ||a||_2 ≈ 2g = 1.8 grow by at most 1.8^4 ≈ 10; the basis reproduces
// them to a relative 1e-12 (Arnoldi with reorthogonalisation is accurate
// to a small multiple of eps).
func TestKrylovSpansPowers(t *testing.T) {
	rng := newRand(12)
	const n, m, q = 30, 2, 4
	a := randn(rng, n, n, 0.9/math.Sqrt(n))
	b := randn(rng, n, m, 1)
	k, err := analysis.Krylov(a, b, q)
	if err != nil {
		t.Fatal(err)
	}
	if r, d := k.Dims(); r != n || d != (q+1)*m {
		t.Fatalf("basis is %d×%d, want %d×%d", r, d, n, (q+1)*m)
	}
	if e := orthoErr(k); e > 1e-13 {
		t.Errorf("basis not orthonormal: max |K^T K - I| = %.3g", e)
	}
	p := mat.DenseCopyOf(b)
	for pow := 0; pow <= q; pow++ {
		if r := residual(k, p); r > 1e-12 {
			t.Errorf("a^%d b is outside the basis: relative residual %.3g", pow, r)
		}
		var next mat.Dense
		next.Mul(a, p)
		p = &next
	}
	// The next power is generically not in the space.
	if r := residual(k, p); r < 0.1 {
		t.Errorf("a^%d b lies in the order-%d space (residual %.3g); the test matrix is not generic", q+1, q, r)
	}
}

func TestKrylovDegenerateCases(t *testing.T) {
	const n = 6
	rng := newRand(13)
	b := randn(rng, n, 2, 1)

	// g = 0: W0 = 0 and the space is span{b}.
	if k, err := analysis.Krylov(mat.NewDense(n, n, nil), b, 4); err != nil {
		t.Fatal(err)
	} else if _, d := k.Dims(); d != 2 {
		t.Errorf("zero operator: dim %d, want 2", d)
	}

	// Dependent starting vectors: [x, 2x] spans one direction.
	x := randn(rng, n, 1, 1)
	dep := mat.NewDense(n, 2, nil)
	dep.Slice(0, n, 0, 1).(*mat.Dense).Copy(x)
	dep.Slice(0, n, 1, 2).(*mat.Dense).Scale(2, x)
	if k, err := analysis.Krylov(mat.NewDense(n, n, nil), dep, 0); err != nil {
		t.Fatal(err)
	} else if _, d := k.Dims(); d != 1 {
		t.Errorf("dependent starting vectors: dim %d, want 1", d)
	}

	// An eigenvector spans an invariant space: dim 1 at every order.
	diag := mat.NewDense(n, n, nil)
	for i := range n {
		diag.Set(i, i, float64(i+1))
	}
	e2 := mat.NewDense(n, 1, nil)
	e2.Set(2, 0, 1)
	if k, err := analysis.Krylov(diag, e2, 5); err != nil {
		t.Fatal(err)
	} else if _, d := k.Dims(); d != 1 {
		t.Errorf("eigenvector: dim %d, want 1", d)
	}

	// The shift e_i -> e_{i+1} from e_0 adds one direction per power
	// until the whole space is spanned; higher orders stop at n.
	shift := mat.NewDense(n, n, nil)
	for i := range n - 1 {
		shift.Set(i+1, i, 1)
	}
	e0 := mat.NewDense(n, 1, nil)
	e0.Set(0, 0, 1)
	for _, q := range []int{0, 3, n - 1, n + 3} {
		k, err := analysis.Krylov(shift, e0, q)
		if err != nil {
			t.Fatal(err)
		}
		if _, d := k.Dims(); d != min(q+1, n) {
			t.Errorf("shift, order %d: dim %d, want %d", q, d, min(q+1, n))
		}
	}
}

func TestKrylovBadInput(t *testing.T) {
	a, b := mat.NewDense(4, 4, nil), mat.NewDense(4, 1, []float64{1, 0, 0, 0})
	cases := []struct {
		name string
		a, b mat.Matrix
		q    int
		want error
	}{
		{"non-square operator", mat.NewDense(4, 3, nil), b, 1, analysis.ErrShape},
		{"row mismatch", a, mat.NewDense(3, 1, []float64{1, 0, 0}), 1, analysis.ErrShape},
		{"negative order", a, b, -1, analysis.ErrRange},
		{"zero starting vectors", a, mat.NewDense(4, 2, nil), 1, analysis.ErrRange},
		{"NaN operator", mat.NewDense(4, 4, []float64{math.NaN(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), b, 1, analysis.ErrNotFinite},
	}
	for _, c := range cases {
		if _, err := analysis.Krylov(c.a, c.b, c.q); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}
