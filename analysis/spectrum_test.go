package analysis_test

import (
	"errors"
	"math"
	"math/cmplx"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// A backward-stable SVD returns singular values with absolute error at
// most a small multiple of eps·||A||_2 (Weyl's inequality for the backward
// error); the tolerance 1e-12·s_1 leaves a factor of about 4500 over eps
// for that multiple at these sizes.
const svTol = 1e-12

func TestSingularValuesOfConstructedMatrix(t *testing.T) {
	rng := newRand(1)
	s := []float64{5, 3, 1, 0.5, 0, 0} // rank 4, with a zero tail
	for _, sh := range []struct{ rows, cols int }{{9, 6}, {6, 9}, {6, 6}} {
		k := len(s)
		u, v := orthonormal(rng, sh.rows, k), orthonormal(rng, sh.cols, k)
		a := construct(u, v, s)
		got, err := analysis.SingularValues(a)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != min(sh.rows, sh.cols) {
			t.Fatalf("%d×%d: %d singular values, want %d", sh.rows, sh.cols, len(got), min(sh.rows, sh.cols))
		}
		for i := range got {
			if d := math.Abs(got[i] - s[i]); d > svTol*s[0] {
				t.Errorf("%d×%d: s_%d = %.17g, want %g (|diff| %.2g > %.2g)", sh.rows, sh.cols, i, got[i], s[i], d, svTol*s[0])
			}
		}
		var ss float64
		for _, x := range s {
			ss += x * x
		}
		if f := analysis.FrobeniusNorm(a); math.Abs(f-math.Sqrt(ss)) > svTol*s[0] {
			t.Errorf("%d×%d: Frobenius norm %.17g, want sqrt(sum s^2) = %.17g", sh.rows, sh.cols, f, math.Sqrt(ss))
		}
		if n, err := analysis.SpectralNorm(a); err != nil || math.Abs(n-s[0]) > svTol*s[0] {
			t.Errorf("%d×%d: spectral norm %.17g (err %v), want %g", sh.rows, sh.cols, n, err, s[0])
		}
		if ve, _ := analysis.VarianceExplained(got, 2); math.Abs(ve-34.0/35.25) > 1e-12 {
			t.Errorf("%d×%d: top-2 variance explained %.17g, want 34/35.25", sh.rows, sh.cols, ve)
		}
	}
}

func TestSingularValuesBadInput(t *testing.T) {
	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, math.NaN(), 6})
	if _, err := analysis.SingularValues(a); !errors.Is(err, analysis.ErrNotFinite) {
		t.Errorf("NaN entry: err = %v, want ErrNotFinite", err)
	}
	a.Set(1, 1, math.Inf(-1))
	if _, err := analysis.SpectralNorm(a.T()); !errors.Is(err, analysis.ErrNotFinite) {
		t.Errorf("-Inf entry (transposed view): err = %v, want ErrNotFinite", err)
	}
	if _, err := analysis.SingularValues(&mat.Dense{}); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("empty matrix: err = %v, want ErrShape", err)
	}
}

// Eigenvalues of a normal matrix are perfectly conditioned: a backward
// error of size c·eps·||A|| moves them by at most that much, so 1e-12·||A||
// is a safe bound.
func TestEigenvaluesOfKnownMatrices(t *testing.T) {
	r, th := 2.0, math.Pi/3
	a := mat.NewDense(5, 5, nil)
	// A rotation-scaling block r·R(th), eigenvalues r e^{±i th}, and a
	// diagonal part 3, 0.5, -1.
	a.Set(0, 0, r*math.Cos(th))
	a.Set(0, 1, -r*math.Sin(th))
	a.Set(1, 0, r*math.Sin(th))
	a.Set(1, 1, r*math.Cos(th))
	a.Set(2, 2, 0.5)
	a.Set(3, 3, 3)
	a.Set(4, 4, -1)
	want := []complex128{3, cmplx.Rect(r, th), cmplx.Rect(r, -th), -1, 0.5}

	// The same spectrum hidden by an orthogonal change of basis.
	q := orthonormal(newRand(2), 5, 5)
	var qa, hidden mat.Dense
	qa.Mul(q, a)
	hidden.Mul(&qa, q.T())

	for name, m := range map[string]mat.Matrix{"block diagonal": a, "rotated": &hidden} {
		got, err := analysis.Eigenvalues(m)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d eigenvalues, want %d", name, len(got), len(want))
		}
		for i := range want {
			if d := cmplx.Abs(got[i] - want[i]); d > 1e-12*3 {
				t.Errorf("%s: eigenvalue %d = %v, want %v", name, i, got[i], want[i])
			}
		}
	}

	// Equal moduli: +1 before -1, and the conjugate pair with positive
	// imaginary part first.
	d := mat.NewDense(4, 4, []float64{
		-1, 0, 0, 0,
		0, 0, -1, 0,
		0, 1, 0, 0,
		0, 0, 0, 1,
	})
	got, err := analysis.Eigenvalues(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []complex128{1, 1i, -1i, -1} {
		if cmplx.Abs(got[i]-w) > 1e-15 {
			t.Errorf("tie order: eigenvalue %d = %v, want %v (all: %v)", i, got[i], w, got)
		}
	}
}

func TestEigenvaluesBadInput(t *testing.T) {
	if _, err := analysis.Eigenvalues(mat.NewDense(2, 3, nil)); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("2×3 matrix: err = %v, want ErrShape", err)
	}
	// gonum's eigensolver does not return on NaN input; the check must
	// come first.
	if _, err := analysis.Eigenvalues(mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1})); !errors.Is(err, analysis.ErrNotFinite) {
		t.Errorf("NaN entry: err = %v, want ErrNotFinite", err)
	}
}
