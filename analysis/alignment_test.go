package analysis_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// network returns a random W0 = g X, X_ij ~ N(0, 1/n), wi [din, n] and
// wo [n, dout] as rnnlab stores them.
func network(rng *rand.Rand, n, din, dout int, g float64) (w0, wi, wo *mat.Dense) {
	return randn(rng, n, n, g/math.Sqrt(float64(n))), randn(rng, din, n, 1), randn(rng, n, dout, 1/math.Sqrt(float64(n)))
}

// inside returns k orthonormal vectors in span(basis), k random
// combinations of its columns.
func inside(rng *rand.Rand, basis *mat.Dense, k int) *mat.Dense {
	_, d := basis.Dims()
	var x mat.Dense
	x.Mul(basis, randn(rng, d, k, 1))
	return orthonormalise(&x)
}

// outside returns k orthonormal vectors orthogonal to span(basis).
func outside(rng *rand.Rand, basis *mat.Dense, k int) *mat.Dense {
	n, _ := basis.Dims()
	x := randn(rng, n, k, 1)
	for range 2 {
		var c, p mat.Dense
		c.Mul(basis.T(), x)
		p.Mul(basis, &c)
		x.Sub(x, &p)
	}
	return orthonormalise(x)
}

func orthonormalise(x *mat.Dense) *mat.Dense {
	n, k := x.Dims()
	var svd mat.SVD
	svd.Factorize(x, mat.SVDThinU)
	var u mat.Dense
	svd.UTo(&u)
	return mat.DenseCopyOf(u.Slice(0, n, 0, k))
}

// alignOf builds W = W0 + U diag(s) V^T and returns its alignment.
func alignOf(t *testing.T, w0, u, v, wi, wo *mat.Dense, s []float64, order int) analysis.Alignment {
	t.Helper()
	var w mat.Dense
	w.Add(w0, construct(u, v, s))
	tr, err := analysis.NewTruncation(w0, &w)
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.Align(tr, wi, wo, order, len(s))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAlignInsideAndOutside builds dW from singular vectors chosen inside
// or orthogonal to the Krylov spaces and checks the shares 1 and 0. The
// shares are sums of squared cosines computed from orthonormal bases
// accurate to a small multiple of eps; 1e-12 is a safe bound. Mixing the
// two sides tells them apart: a swap of U and V in Align would fail.
func TestAlignInsideAndOutside(t *testing.T) {
	rng := newRand(14)
	const n, din, dout, q = 50, 3, 2, 3
	w0, wi, wo := network(rng, n, din, dout, 0.9)
	kl, err := analysis.Krylov(w0.T(), wo, q)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := analysis.Krylov(w0, wi.T(), q)
	if err != nil {
		t.Fatal(err)
	}
	if _, d := kl.Dims(); d != (q+1)*dout {
		t.Fatalf("dim K_left = %d, want %d", d, (q+1)*dout)
	}
	s := []float64{2, 1}
	cases := []struct {
		name        string
		u, v        *mat.Dense
		left, right float64
	}{
		{"inside", inside(rng, kl, 2), inside(rng, kr, 2), 1, 1},
		{"orthogonal", outside(rng, kl, 2), outside(rng, kr, 2), 0, 0},
		{"left inside, right orthogonal", inside(rng, kl, 2), outside(rng, kr, 2), 1, 0},
		{"left orthogonal, right inside", outside(rng, kl, 2), inside(rng, kr, 2), 0, 1},
	}
	for _, c := range cases {
		a := alignOf(t, w0, c.u, c.v, wi, wo, s, q)
		if math.Abs(a.Left-c.left) > 1e-12 || math.Abs(a.Right-c.right) > 1e-12 {
			t.Errorf("%s: shares left %.3g, right %.3g, want %v, %v", c.name, a.Left, a.Right, c.left, c.right)
		}
		if a.LeftDim != (q+1)*dout || a.RightDim != (q+1)*din || a.K != 2 || a.Order != q {
			t.Errorf("%s: %+v", c.name, a)
		}
		if a.LeftChance != float64((q+1)*dout)/n || a.RightChance != float64((q+1)*din)/n {
			t.Errorf("%s: chance levels %v, %v", c.name, a.LeftChance, a.RightChance)
		}
	}
}

// TestAlignLinearTheory builds the first-order dW of the linear theory,
// dW ∝ (B^T wo)(B wi^T)^T with B = (I - W0)^-1, and checks that it lies in
// the order-q Krylov spaces up to the Neumann remainder. With rho =
// ||W0||_2 < 1, the part of B^T wo = sum_p (W0^T)^p wo beyond p = q has
// norm at most rho^(q+1)/(1-rho)·||wo||, while ||B^T wo|| >= ||wo||/(1+rho);
// the share is 1 - (sin of the angle)^2 >= 1 - (rho^(q+1)(1+rho)/(1-rho))^2,
// the same bound for the right side. The swapped assignment (U against
// K_right) is near chance.
func TestAlignLinearTheory(t *testing.T) {
	rng := newRand(15)
	const n, q = 60, 4
	w0, wi, wo := network(rng, n, 1, 1, 0.3)
	rho, err := analysis.SpectralNorm(w0)
	if err != nil {
		t.Fatal(err)
	}
	if rho >= 1 {
		t.Fatalf("||W0||_2 = %v, the bound needs < 1", rho)
	}
	bound := 1 - math.Pow(math.Pow(rho, q+1)*(1+rho)/(1-rho), 2)

	var imw mat.Dense // I - W0
	imw.Scale(-1, w0)
	for i := range n {
		imw.Set(i, i, 1+imw.At(i, i))
	}
	var left, right mat.Dense
	if err := left.Solve(imw.T(), wo); err != nil { // B^T wo
		t.Fatal(err)
	}
	if err := right.Solve(&imw, wi.T()); err != nil { // B wi^T
		t.Fatal(err)
	}
	var dw, w mat.Dense
	dw.Mul(&left, right.T())
	w.Add(w0, &dw)
	tr, err := analysis.NewTruncation(w0, &w)
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.Align(tr, wi, wo, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Left < bound || a.Right < bound {
		t.Errorf("linear-theory dW: shares left %.6f, right %.6f, want >= %.6f (rho = %.3f)", a.Left, a.Right, bound, rho)
	}
	// Swapped sides: U measured in K_right. K_right has dimension 5 of 60,
	// chance 0.083; a share above 0.5 would mean the sides are confused.
	u, _, _ := tr.SingularVectors(1)
	kr, _ := analysis.Krylov(w0, wi.T(), q)
	if sw, _ := analysis.Share(kr, u); sw > 0.5 {
		t.Errorf("U lies in K_right (share %.3f): sides swapped?", sw)
	}
}

// TestRandomShareMatchesChance checks the Monte-Carlo baseline against the
// closed form dim/n. With draws = 400, the mean has standard error
// ChanceShareStd/20 (0.0022 here); the tolerance is 4 standard errors.
// The estimated standard error itself has a relative sampling error of
// about sqrt((kurtosis-1)/(4·draws)) ≈ 0.04 for these near-Gaussian
// shares; it must match the closed form within 25%, more than 5 of those.
func TestRandomShareMatchesChance(t *testing.T) {
	rng := newRand(16)
	const n, k, draws = 64, 2, 400
	w0, _, wo := network(rng, n, 1, 2, 0.9)
	basis, err := analysis.Krylov(w0.T(), wo, 4)
	if err != nil {
		t.Fatal(err)
	}
	_, d := basis.Dims()
	mean, se, err := analysis.RandomShare(basis, k, draws, rng)
	if err != nil {
		t.Fatal(err)
	}
	want := analysis.ChanceShare(d, n)
	wantSE := analysis.ChanceShareStd(d, k, n) / math.Sqrt(draws)
	if math.Abs(mean-want) > 4*wantSE {
		t.Errorf("Monte-Carlo share %.4f, closed form %.4f: differ by more than 4 standard errors (%.4f)", mean, want, 4*wantSE)
	}
	if math.Abs(se/wantSE-1) > 0.25 {
		t.Errorf("Monte-Carlo standard error %.5f, closed form %.5f", se, wantSE)
	}
	// Edge case: a random subspace of dimension k = n is all of R^n, whose
	// share is exactly d/n whatever the draw.
	if all, _, _ := analysis.RandomShare(basis, n, 2, rng); math.Abs(all-want) > 1e-12 {
		t.Errorf("share of R^n: %.17g, want %v", all, want)
	}
}

func TestAlignBadInput(t *testing.T) {
	rng := newRand(17)
	w0, wi, wo := network(rng, 8, 2, 1, 0.5)
	var w mat.Dense
	w.Add(w0, randn(rng, 8, 8, 0.1))
	tr, err := analysis.NewTruncation(w0, &w)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		wi, wo mat.Matrix
		q, k   int
		want   error
	}{
		{"wi transposed", wi.T(), wo, 2, 1, analysis.ErrShape},
		{"wo transposed", wi, wo.T(), 2, 1, analysis.ErrShape},
		{"k = 0", wi, wo, 2, 0, analysis.ErrRange},
		{"k > N", wi, wo, 2, 9, analysis.ErrRange},
		{"negative order", wi, wo, -1, 1, analysis.ErrRange},
		{"zero wo", wi, mat.NewDense(8, 1, nil), 2, 1, analysis.ErrRange},
	}
	for _, c := range cases {
		if _, err := analysis.Align(tr, c.wi, c.wo, c.q, c.k); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	rect, err := analysis.NewTruncation(mat.NewDense(8, 4, nil), randn(rng, 8, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := analysis.Align(rect, wi, wo, 2, 1); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("8×4 recurrent matrix: err = %v, want ErrShape", err)
	}
	if _, err := analysis.Share(mat.NewDense(8, 2, nil), mat.NewDense(7, 1, nil)); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("Share with 8 and 7 rows: err = %v, want ErrShape", err)
	}
	for _, c := range []struct{ k, draws int }{{0, 10}, {9, 10}, {1, 1}} {
		if _, _, err := analysis.RandomShare(mat.NewDense(8, 2, nil), c.k, c.draws, rng); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("RandomShare k = %d, draws = %d: err = %v, want ErrRange", c.k, c.draws, err)
		}
	}
}
